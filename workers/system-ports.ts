import type { AppConfig } from '../config';

/**
 * Every port the one-machine system listens on, each overridable from the environment (0 = a free
 * one chosen at start; the tests use that). The Temporal gRPC port comes from TEMPORAL_ADDRESS.
 */
export interface SystemPorts {
  temporalUi: number;
  sim: number;
  webhook: number;
  dashboard: number;
  metrics: number;
  /** GET /health of a stand-alone orchestrator process (`qbot worker orchestrator`). */
  orchestratorHealth: number;
  /** GET /health of a stand-alone dashboard process (`qbot worker dashboard`). */
  dashboardHealth: number;
}

export const PORT_ENV = {
  temporalUi: 'TEMPORAL_UI_PORT',
  sim: 'SIM_PORT',
  webhook: 'WEBHOOK_PORT',
  dashboard: 'DASHBOARD_PORT',
  metrics: 'QBOT_METRICS_PORT',
  orchestratorHealth: 'ORCHESTRATOR_HEALTH_PORT',
  dashboardHealth: 'DASHBOARD_HEALTH_PORT',
} as const satisfies Record<keyof SystemPorts, string>;

export function systemPorts(env: NodeJS.ProcessEnv, config: AppConfig): SystemPorts {
  const defaults: SystemPorts = {
    temporalUi: 8233,
    sim: 8790,
    webhook: config.settings.webhook.port,
    dashboard: config.settings.dashboard.port,
    metrics: 9464,
    orchestratorHealth: 9465,
    dashboardHealth: 9466,
  };
  const out = { ...defaults };
  const problems: string[] = [];
  for (const [key, name] of Object.entries(PORT_ENV) as Array<[keyof SystemPorts, string]>) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!/^\d{1,5}$/.test(raw) || n > 65535) problems.push(`${name} must be a port number 0-65535, got "${raw}"`);
    else out[key] = n;
  }
  if (problems.length) throw new Error(`bad config: ${problems.join('; ')}`);
  return out;
}
