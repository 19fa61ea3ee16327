export * from './schemas';
export * from './env';
export * from './loader';
export * from './warnings';
