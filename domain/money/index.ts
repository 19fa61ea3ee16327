export * from './decimal';
export * from './parse';
export * from './format';
export * from './quantize';
export * from './percent';
export * from './schemas';
