export * from './position';
export * from './sale-retry';
