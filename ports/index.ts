export * from './outcomes';
export * from './market-data';
export * from './trading';
export * from './account';
export * from './funding';
export * from './staking';
export * from './ledger';
export * from './clock';
