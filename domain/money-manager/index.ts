export * from './valuation';
export * from './targets';
export * from './drift';
export * from './review';
export * from './bnb-reserve';
export * from './in-exchange-conversions';
export * from './transfer-costs';
