import * as net from 'node:net';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import pino from 'pino';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { abotInboxQuery, ABOT_INBOX_WORKFLOW_ID, MODE_WORKFLOW_ID, modeQuery } from '../../signals/defs';
import { createOrchestratorWorker } from '../../workers/orchestrator';
import { startDevServer } from '../helpers/temporal';
import { hotpathWorker } from '../helpers/mode-workers';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const ROOT = path.resolve(__dirname, '../..');
let env: TestWorkflowEnvironment;
let orchestrator: Worker;
let hot: Worker;
let running: Promise<unknown>;
const ledger = SqliteLedger.open({ file: ':memory:' });

/** Runs the real `qbot` binary against the test server. */
function qbot(args: string[], address = env.address): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/qbot.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default' },
      timeout: 45_000,
    }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 99) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  env = await startDevServer();
  // The production orchestrator worker (task queue `orchestrator`), as workers/orchestrator.ts wires it.
  orchestrator = await createOrchestratorWorker({ connection: env.nativeConnection, namespace: 'default', ledger, logger: pino({ level: 'silent' }) });
  hot = (await hotpathWorker(env)).worker;
  running = Promise.all([orchestrator.run(), hot.run()]);
}, 90_000);

afterAll(async () => {
  orchestrator?.shutdown();
  hot?.shutdown();
  await running;
  await env?.teardown();
  ledger.close();
});

describe('qbot mode / status / abot against a real Temporal server', () => {
  it('`qbot mode` says when the mode workflow is not running', async () => {
    const r = await qbot(['mode']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the mode workflow is not running (config initial mode: GOLD)');
  });

  it('`qbot mode BTC --reason` starts the workflow if needed, flips, and reports; refusals exit 1 with the reason', async () => {
    const flip = await qbot(['mode', 'BTC', '--reason', 'x']);
    expect([flip.code, flip.stdout.trim()]).toEqual([0, 'mode is now BTC (x)']);
    const view = await env.client.workflow.getHandle(MODE_WORKFLOW_ID).query(modeQuery);
    expect(view.mode).toBe('BTC');
    expect(view.history[0]).toMatchObject({ from: 'GOLD', to: 'BTC', reason: 'x', source: 'operator' });
    expect(ledger.entries({ kind: 'mode-flip' })).toHaveLength(1);

    // None of these changes anything, so they may run side by side (each is a whole CLI process).
    const [again, unknown, noReason, show] = await Promise.all([
      qbot(['mode', 'btc', '--reason', 'again']),
      qbot(['mode', 'SILVER', '--reason', 'x']),
      qbot(['mode', 'GOLD']),
      qbot(['mode']),
    ]);
    expect([again.code, again.stdout.trim()]).toEqual([0, 'unchanged: already in BTC mode']);
    expect([unknown.code, unknown.stderr.trim()]).toEqual([1, 'refused: unknown mode "SILVER": use BTC or GOLD']);
    expect([noReason.code, noReason.stderr.trim()]).toEqual([1, 'refused: a reason is required']);
    expect(ledger.entries({ kind: 'mode-flip' })).toHaveLength(1);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('mode: BTC (Q-bot 85 %, A-bot 15 %, G-bot 0 %)');
  });

  it('`qbot status --json` shows mode, split, bots and the hot path\'s own snapshot', async () => {
    const r = await qbot(['status', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { mode: { mode: string; bots: object }; hotpath: { reachable: boolean; snapshot?: { mode: string; allocationPercent: object } } };
    expect(report.mode.mode).toBe('BTC');
    expect(report.mode.bots).toEqual({ qbot: 'active', abot: 'active', gbot: 'inactive' });
    expect(report.hotpath).toMatchObject({ reachable: true, snapshot: { mode: 'BTC', allocationPercent: { qbot: '85', abot: '15', gbot: '0' } } });
  });

  it('`qbot abot buy|sell COIN` queues an operator alert for the A-bot; an unknown coin is refused', async () => {
    const [ok, bad] = await Promise.all([qbot(['abot', 'buy', 'sol']), qbot(['abot', 'sell', 'DOGE'])]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^accepted: buy SOL \(id operator-[0-9a-f-]{36}\); 1 alert\(s\) waiting for the A-bot/);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('DOGE is not in the A-bot universe');
    const inbox = await env.client.workflow.getHandle(ABOT_INBOX_WORKFLOW_ID).query(abotInboxQuery);
    expect(inbox.pending.map((a) => `${a.action} ${a.ticker} ${a.source}`)).toEqual(['buy SOL operator']);
  });

  it('exits 2 with the address when Temporal cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await qbot(['status'], `127.0.0.1:${port}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot reach Temporal at 127.0.0.1:${port}`);
  });
});
