export * from './slots';
export { slotBudgetUsd, realisedPnlUsd } from './capital';
export * from './venue';
export * from './staking';
export * from './view';
