export * from './scanner';
export * from './config';
export * from './metrics';
export * from './ring-buffer';
export * from './snapshot';
export type { DailyCandleFetcher } from './daily-fetch';
export { intradayRangeRatio } from './compute';
export { scannerThresholdSource } from './threshold-source';
