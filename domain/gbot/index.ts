export * from './position';
export * from './sale-retry';
export * from './split';
