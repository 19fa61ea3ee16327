export * from './schemas';
export * from './env';
export * from './loader';
