export * from './leg';
export * from './paths';
export * from './routes';
