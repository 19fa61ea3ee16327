import pino from 'pino';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { HotpathControl } from '../../hotpath/control';
import { systemClock } from '../../ports/clock';
import { setModeUpdate } from '../../signals/defs';
import { modeWorkflowInput } from '../../signals/mode-start';
import { temporalConnectSettings } from '../../signals/connection';
import { loadConfig } from '../../config';
import { temporalBinaries } from '../../scripts/temporal-binaries';
import { HotpathLink } from '../../workers/hotpath-link';
import { hotpathControlWorkflow } from '../../workflows/hotpath-status';
import { startDevServer } from '../helpers/temporal';
import { eventually, hotpathWorker, orchestratorWorker } from '../helpers/mode-workers';
import { freePort } from '../helpers/processes';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const config = loadConfig({ env: {} });
const log = pino({ level: process.env.LINK_LOG ?? 'silent' });
const ledger = SqliteLedger.open({ file: ':memory:' });
const links: HotpathLink[] = [];
const qbotPercent = (c: HotpathControl) => c.allocation()?.percent.qbot.toFixed();

afterAll(async () => {
  await Promise.all(links.map((l) => l.stop()));
  ledger.close();
});

describe('hot paths and the mode workflow on one server', () => {
  let env: TestWorkflowEnvironment;
  let orchestrator: Worker;
  let pushTarget: Worker;
  let running: Promise<unknown>;
  let orchestratorQueue: string;
  const modeWorkflowId = `mode-link-${Date.now()}`;
  beforeAll(async () => {
    env = await startDevServer();
    const o = await orchestratorWorker(env, ledger);
    orchestrator = o.worker;
    orchestratorQueue = o.taskQueue;
    // One hot path takes the mode workflow's push; the ones under test get the flip by watching.
    pushTarget = (await hotpathWorker(env)).worker;
    running = Promise.all([orchestrator.run(), pushTarget.run()]);
    await env.client.workflow.start('modeWorkflow', { taskQueue: o.taskQueue, workflowId: modeWorkflowId, args: [modeWorkflowInput(config.settings)] });
    await env.client.workflow.getHandle(modeWorkflowId).executeUpdate(setModeUpdate, { args: [{ mode: 'BTC', reason: 'before the hot path starts' }] });
  }, 90_000);
  afterAll(async () => {
    // The links of this block share the environment's connection and client: stop them (their
    // workers and in-flight mode reads) before the environment closes what they use.
    await Promise.all(links.map((l) => l.stop()));
    orchestrator?.shutdown();
    pushTarget?.shutdown();
    await running;
    await env?.teardown();
  });

  let instance = 0;
  const link = (control: HotpathControl) => {
    // One process may not run two workers on one queue; separate hot path processes may (and in
    // production share `hotpath`): the flip reaches these through the watch, not the push.
    const taskQueue = `hotpath-test-${(instance += 1)}`;
    const l = new HotpathLink({ control, namespace: 'default', log, connection: env.nativeConnection, client: env.client, modeWorkflowId, taskQueue, watchEveryMs: 200, shutdownGraceTime: '1 second' });
    links.push(l);
    l.start();
    return l;
  };

  it('a hot path started while the mode is BTC sizes with BTC mode\'s 85 % (not the initial GOLD 15 %)', async () => {
    const control = new HotpathControl(systemClock);
    expect(control.allocation()).toBeNull();
    link(control);
    await eventually(() => expect(qbotPercent(control)).toBe('85'), 20_000, 50);
    expect(control.allocation()?.mode).toBe('BTC');
  }, 30_000);

  it('two running hot paths both receive a flip', async () => {
    const a = new HotpathControl(systemClock);
    const b = new HotpathControl(systemClock);
    link(a);
    link(b);
    await eventually(() => expect([qbotPercent(a), qbotPercent(b)]).toEqual(['85', '85']), 20_000, 50);
    await env.client.workflow.getHandle(modeWorkflowId).executeUpdate(setModeUpdate, { args: [{ mode: 'GOLD', reason: 'flip for both' }] });
    await eventually(() => expect([qbotPercent(a), qbotPercent(b)]).toEqual(['15', '15']), 20_000, 50);
    expect([a.allocation()?.mode, b.allocation()?.mode]).toEqual(['GOLD', 'GOLD']);
  }, 40_000);

  it('each hot path also polls a queue of its own: a pause sent to each one\'s queue reaches each one (the dashboard worker\'s pause)', async () => {
    const a = new HotpathControl(systemClock);
    const b = new HotpathControl(systemClock);
    const [la, lb] = [link(a), link(b)];
    expect(la.controlQueue()).not.toBe(lb.controlQueue());
    for (const l of [la, lb]) {
      const snap = await env.client.workflow.execute(hotpathControlWorkflow, {
        taskQueue: orchestratorQueue, workflowId: `pause-${l.controlQueue()}-${Date.now()}`, args: [{ action: 'pause', reason: 'every hot path', taskQueue: l.controlQueue() }],
      });
      expect(snap).toMatchObject({ paused: true, pausedReason: 'every hot path' });
    }
    expect([a.isPaused(), b.isPaused()]).toEqual([true, true]);
  }, 60_000);
});

test('a hot path started before the Temporal server comes up becomes a worker once it is up', async () => {
  const port = await freePort();
  const control = new HotpathControl(systemClock);
  const l = new HotpathLink({
    control, namespace: 'default', log, settings: temporalConnectSettings({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` }), watchEveryMs: 200, shutdownGraceTime: '1 second',
  });
  links.push(l);
  l.start();
  // Nothing answers yet: it keeps dialling.
  await eventually(() => expect(l.state()).toBe('connecting'), 5_000, 50);
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalBinaries().cli }, ip: '127.0.0.1', port, ui: false, extraArgs: ['--log-level', 'error'] },
  });
  try {
    await eventually(() => expect(l.state()).toBe('running'), 60_000, 100);
    // It polls the hotpath queue: a workflow's snapshot request reaches it.
    const pollers = async () => (await env.client.workflowService.describeTaskQueue({
      namespace: 'default', taskQueue: { name: 'hotpath' }, taskQueueType: 2 /* ACTIVITY */,
    })).pollers?.length ?? 0;
    await eventually(async () => expect(await pollers()).toBeGreaterThan(0), 20_000, 200);
  } finally {
    await l.stop();
    await env.teardown();
  }
}, 120_000);
