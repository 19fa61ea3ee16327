export * from './types';
export * from './network-rules';
export * from './plan';
export * from './destination';
export * from './ccxt-currencies';
export * from './wire';
