// The workflow bundle's entry: every workflow the orchestrator worker runs.
export { modeWorkflow } from './mode';
