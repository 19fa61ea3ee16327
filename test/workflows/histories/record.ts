/**
 * `npm run histories:record`: runs each workflow through a short real scenario on a dev server
 * (the same rigs the workflow tests use: paper venues, the simulator, a real ledger) and writes
 * each run's history to test/fixtures/histories/<workflow>.json for test/workflows/replay.test.ts.
 *
 * Regenerate ONLY when a workflow change is deliberately incompatible and guarded by patched():
 * then record new histories *in addition* (keep the old files, they prove old runs still replay).
 * Never regenerate to make a failing replay pass: that failure is the non-determinism the
 * replay test exists to catch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import pino from 'pino';
import { Decimal } from '../../../domain/money/decimal';
import { createModeActivities } from '../../../activities/mode';
import { createMoneyActivities } from '../../../activities/money';
import { createConversionActivities } from '../../../activities/money-conversion';
import { SqliteLedger } from '../../../adapters/persistence/ledger-sqlite';
import { startSimulator } from '../../../adapters/sim';
import { HotpathControl } from '../../../hotpath/control';
import { systemClock } from '../../../ports/clock';
import {
  abotAlertSignal, abotOrderUpdate, botActivateSignal, botDeactivateSignal, goldQuery, HOTPATH_TASK_QUEUE, moneyQuery, rebalanceQuery, setModeUpdate,
  slotsQuery, takeAbotAlertsUpdate,
} from '../../../signals/defs';
import { modeWorkflowInput } from '../../../signals/mode-start';
import { sweepInput } from '../../../signals/cli/commands/sweep';
import { loadConfig } from '../../../config';
import { modeWorkflow } from '../../../workflows/mode';
import { abotWorkflow } from '../../../workflows/abot';
import { abotInboxWorkflow } from '../../../workflows/abot-inbox';
import { gbotWorkflow } from '../../../workflows/gbot';
import { sweepWorkflow } from '../../../workflows/sweep';
import { moneyWorkflow, type MoneyInput } from '../../../workflows/money';
import { startDevServer, uniqueTaskQueue, workflowBundle } from '../../helpers/temporal';
import { ABOT_INPUT, botRig, botWorker } from '../../helpers/bot-venues';
import { adaptersFor, testConfig } from '../../adapters/helpers/exchange-harness';

export const HISTORIES_DIR = path.resolve(__dirname, '../../fixtures/histories');

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function save(name: string, handle: WorkflowHandle, end: 'terminate' | 'result'): Promise<void> {
  if (end === 'terminate') await handle.terminate('history recorded');
  else await handle.result().catch(() => undefined);
  const history = await handle.fetchHistory();
  fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), `${historyToJSON(history)}\n`);
  console.log(`  ${name}: ${history.events?.length ?? 0} events`);
}

const STAKING = { ADA: { binance: { apyPercent: new Decimal('5'), unbondingHours: 0 } }, NEAR: { binance: { apyPercent: new Decimal('4'), unbondingHours: 0 } } };

export async function recordAll(env: TestWorkflowEnvironment): Promise<void> {
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  const config = loadConfig({ env: {} });
  const ledger = SqliteLedger.open({ file: ':memory:' });

  // mode: one flip GOLD -> BTC, applied to a hot path.
  {
    const taskQueue = uniqueTaskQueue('rec-mode');
    const w = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: createModeActivities({ ledger, clock: systemClock, logger: pino({ level: 'silent' }) }) });
    const control = new HotpathControl(systemClock);
    const hot = await Worker.create({ connection: env.nativeConnection, taskQueue: HOTPATH_TASK_QUEUE, activities: control.activities() });
    await Promise.all([w.runUntil(async () => {
      const h = await env.client.workflow.start(modeWorkflow, { taskQueue, workflowId: `rec-mode-${Date.now()}`, args: [modeWorkflowInput(config.settings)] });
      await h.executeUpdate(setModeUpdate, { args: [{ mode: 'BTC', reason: 'recording' }] });
      await save('mode', h, 'terminate');
    }).finally(() => hot.shutdown()), hot.run()]);
  }

  // abot + its inbox + gbot + sweep over paper venues.
  {
    const rig = botRig({ balances: { binance: { USDT: '6000' }, kraken: { USDT: '8000', USD: '200' }, coinbase: {} }, staking: STAKING });
    const { worker, taskQueue } = await botWorker(env, rig.activities);
    await worker.runUntil(async () => {
      const a = await env.client.workflow.start(abotWorkflow, { taskQueue, workflowId: `rec-abot-${Date.now()}`, args: [ABOT_INPUT] });
      await a.signal(botActivateSignal, { flipId: 'r1', mode: 'BTC', percent: '15' });
      await until('seat warmers', () => a.query(slotsQuery), (v) => v.slots.filter((s) => s.coin !== null).length >= 2);
      await a.executeUpdate(abotOrderUpdate, { args: [{ action: 'buy', coin: 'SOL', requestId: 'rec-b1', source: 'operator' }] });
      await save('abot', a, 'terminate');

      const inbox = await env.client.workflow.start(abotInboxWorkflow, { taskQueue, workflowId: `rec-inbox-${Date.now()}`, args: [{}] });
      await inbox.signal(abotAlertSignal, { action: 'buy', ticker: 'SOL', alertId: 'rec-alert-1', firedAt: new Date().toISOString(), source: 'tradingview' });
      await inbox.executeUpdate(takeAbotAlertsUpdate, { args: [{ max: 10 }] });
      await save('abot-inbox', inbox, 'terminate');

      const g = await env.client.workflow.start(gbotWorkflow, { taskQueue, workflowId: `rec-gbot-${Date.now()}`, args: [{ sellPercentOnFlip: '85', minBuyUsd: '10' }] });
      await g.signal(botActivateSignal, { flipId: 'rg1', mode: 'GOLD', percent: '85' });
      await until('a G-bot purchase', () => g.query(goldQuery), (v) => v.cycles.length >= 1);
      await g.signal(botDeactivateSignal, { flipId: 'rb1', mode: 'BTC', percent: '0' });
      await until('a G-bot sale', () => g.query(goldQuery), (v) => v.cycles.length >= 2);
      await save('gbot', g, 'terminate');

      const s = await env.client.workflow.start(sweepWorkflow, { taskQueue, workflowId: `rec-sweep-${Date.now()}`, args: [sweepInput(config.settings, '2020-01')] });
      await save('sweep', s, 'result');
    });
    rig.close();
  }

  // money manager and a rebalance, through real ccxt against the simulator.
  {
    const { cfg } = testConfig();
    const sim = await startSimulator({ port: 0, seed: 5, autoTick: false, exchanges: ['binance', 'kraken'], withdrawalDelayMs: 300 });
    const venues = { binance: await adaptersFor(sim, 'binance'), kraken: await adaptersFor(sim, 'kraken') };
    const t = cfg.settings.transfers;
    const activities = {
      ...createMoneyActivities({ venues, ledger, clock: systemClock, catalogue: cfg.networks, rules: t, pollMs: 100, stablecoins: cfg.coins.stablecoins }),
      ...createConversionActivities({ venues, ledger, clock: systemClock }),
    };
    const taskQueue = uniqueTaskQueue('rec-money');
    const w = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities, shutdownGraceTime: '1 second' });
    await w.runUntil(async () => {
      const input: MoneyInput = {
        exchanges: ['binance', 'kraken'], inventoryAssets: ['USDT', 'USDC'], driftLimitPercent: cfg.settings.moneyManager.driftLimitPercent.toFixed(),
        transferMinimumUsd: t.minimumUsd.toFixed(), approvalAboveUsd: '100000', approvalTimeoutMs: 60_000, depositTimeoutMs: 30_000, intervalMs: 3_600_000,
      };
      sim.control.credit('binance', 'USDT', '40000');
      const m = await env.client.workflow.start(moneyWorkflow, { taskQueue, workflowId: `rec-money-${Date.now()}`, args: [input] });
      const started = await until('a rebalance', () => m.query(moneyQuery), (v) => v.running.USDT !== undefined);
      const child = env.client.workflow.getHandle(started.running.USDT as string);
      await until('the rebalance to finish', () => child.query(rebalanceQuery), (v) => ['completed', 'refused', 'rejected', 'withdrawal-rejected', 'withdrawal-failed', 'stuck'].includes(v.state), 60_000);
      await save('rebalance', child, 'result');
      await until('the money manager to see it', () => m.query(moneyQuery), (v) => v.running.USDT === undefined);
      await save('money', m, 'terminate');
    });
    await Promise.all(Object.values(venues).map((v) => v.close()));
    await sim.close();
  }
  ledger.close();
}

if (require.main === module) {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  console.log(`recording workflow histories into ${HISTORIES_DIR}`);
  (async () => {
    const env = await startDevServer();
    try {
      await recordAll(env);
    } finally {
      await env.teardown();
    }
  })().catch((err: unknown) => {
    console.error(`recording failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  });
}
