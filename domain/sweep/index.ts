export * from './rules';
export * from './sendable';
