import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporalBinaries } from '../../scripts/temporal-binaries';

/**
 * One real Temporal dev server per test file, from the provisioned `temporal` CLI binary
 * (never the SDK's download, which needs the internet).
 */
export async function startDevServer(): Promise<TestWorkflowEnvironment> {
  const { cli } = temporalBinaries();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      ip: '127.0.0.1',
      ui: false,
      extraArgs: ['--log-level', 'error'],
    },
  });
}

/** The time-skipping test server, for workflows that sleep for days or months. */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const { testServer } = temporalBinaries();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServer } },
  });
}

let cachedBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file (jest isolates modules per file). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  cachedBundle ??= bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../../workflows/index.ts'),
    logger: { log: () => undefined, info: () => undefined, warn: () => undefined, error: console.error, debug: () => undefined, trace: () => undefined },
  });
  return cachedBundle;
}

let taskQueueCounter = 0;
/** A task queue name no other test in the run uses. */
export function uniqueTaskQueue(prefix: string): string {
  taskQueueCounter += 1;
  return `${prefix}-${process.pid}-${taskQueueCounter}-${Date.now()}`;
}
