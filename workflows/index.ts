// The workflow bundle's entry: every workflow the orchestrator worker runs.
export { modeWorkflow } from './mode';
export { abotInboxWorkflow } from './abot-inbox';
export { hotpathStatusWorkflow, hotpathControlWorkflow } from './hotpath-status';
export { rebalanceWorkflow } from './rebalance';
export { moneyWorkflow } from './money';
export { abotWorkflow } from './abot';
export { gbotWorkflow } from './gbot';
export { sweepWorkflow } from './sweep';
export { reconcileWorkflow } from './reconcile';
