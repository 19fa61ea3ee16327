// Activity factories, wired over ports by workers/ only.
export { createModeActivities, type ModeActivities, type ModeActivityDeps } from './mode';
