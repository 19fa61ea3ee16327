import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

/**
 * The Temporal SDK's own log level for a worker process: its INFO lines (the workflow bundle's
 * webpack report, "Worker state changed") are noise for an operator, so they show only when the
 * process itself runs at LOG_LEVEL debug or trace; warnings and errors always show.
 */
export function sdkLogLevel(appLevel: string): LogLevel {
  if (appLevel === 'trace') return 'TRACE';
  if (appLevel === 'debug') return 'DEBUG';
  return 'WARN';
}

/** Installs the SDK's logger at that level; once per process, before the first connection. */
export function installSdkLogger(appLevel: string): void {
  Runtime.install({ logger: new DefaultLogger(sdkLogLevel(appLevel)) });
}
