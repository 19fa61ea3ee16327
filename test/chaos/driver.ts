/**
 * The chaos driver: one trial = a simulator (the exchange, which survives) + a money mover process
 * (the bot, which is SIGKILLed at a chosen crash point and restarted on the same data dir), with
 * one exchange fault injected once the mover is ready; then the invariants:
 *  - every planned order at most once on the exchange (by client order id), and a filled one
 *    booked exactly once in the ledger with the exchange's filled amount; nothing booked for an
 *    order the exchange does not have;
 *  - every withdrawal key exactly once on the exchange and its withdrawal booked exactly once
 *    (and its refund exactly once when it failed);
 *  - the ledger's implied balances equal the simulator's per venue and asset, to the last unit
 *    (domain/reconcile compareBalances);
 *  - mode, allocation, pause and kill switch after the restart as before the crash, and as the
 *    plan says at the end;
 *  - every step's outcome typed (filled / rejected:CODE / refused:REASON / skipped:STALE_BOOK /
 *    confirmed / pending / failed:refunded / flipped).
 * The simulator runs in the driver's process (it keeps accounts in memory; the driver is not the
 * one killed), so the invariants read its control handle directly.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { spawn } from 'node:child_process';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import type { Fault } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { compareBalances } from '../../domain/reconcile';
import { Decimal } from '../../domain/money/decimal';
import { loadConfig } from '../../config';
import { CRASH_POINTS, FAULTS, planFor, plannedOrders, plannedWithdrawals, type CrashPoint, type FaultKind } from './plan';

const ROOT = path.resolve(__dirname, '../..');
const MOVER = path.join(__dirname, 'money-mover.ts');

export interface TrialSpec {
  seed: number;
  crashAt: CrashPoint;
  fault: FaultKind;
}

export interface TrialResult extends TrialSpec {
  crashed: boolean;
  faultsInjected: number;
  invariantsChecked: number;
  /** Windows in which a book was broken (a gap went out) until re-synced, each checked for orders. */
  brokenBookWindows: number;
  violations: string[];
  outcomes: Array<{ step: number; kind: string; outcome: string }>;
  ms: number;
}

/** Trial n of a run: crash points and faults cycle independently, seeds follow the base seed. */
export function trialSpecs(count: number, baseSeed: number): TrialSpec[] {
  return Array.from({ length: count }, (_, n) => ({
    seed: baseSeed + n,
    crashAt: CRASH_POINTS[n % CRASH_POINTS.length] as CrashPoint,
    fault: FAULTS[n % FAULTS.length] as FaultKind,
  }));
}

function faultsFor(kind: FaultKind): Array<{ exchange: 'binance' | 'kraken'; fault: Fault }> {
  switch (kind) {
    case 'none': return [];
    case 'http-429': return [{ exchange: 'kraken', fault: { type: 'http-status', status: 429, count: 2 } }];
    case 'http-418': return [{ exchange: 'binance', fault: { type: 'http-status', status: 418, count: 1 } }];
    case 'order-timeout': return [{ exchange: 'binance', fault: { type: 'order-timeout', count: 1 } }];
    case 'reject-orders': return [{ exchange: 'kraken', fault: { type: 'reject-orders', count: 1 } }];
    case 'withdrawal-fails': return [{ exchange: 'binance', fault: { type: 'withdrawal-fails' } }];
    case 'withdrawal-stuck': return [{ exchange: 'binance', fault: { type: 'withdrawal-stuck' } }];
    case 'silence': return [{ exchange: 'binance', fault: { type: 'silence', ms: 4_000 } }];
    case 'drop-sockets': return [{ exchange: 'kraken', fault: { type: 'drop-sockets' } }, { exchange: 'binance', fault: { type: 'drop-sockets' } }];
    case 'gap': return [{ exchange: 'binance', fault: { type: 'sequence-gap', symbol: 'BTC/USDT' } }];
    case 'silence-leg': return [{ exchange: 'kraken', fault: { type: 'silence', ms: 5_000 } }];
    case 'deposit-missing': return [{ exchange: 'kraken', fault: { type: 'deposit-missing' } }];
    case 'gap-leg': return [{ exchange: 'kraken', fault: { type: 'sequence-gap', symbol: 'BTC/USD', resyncHoldMs: GAP_RESYNC_HOLD_MS } }];
  }
}

/**
 * A broken book (gap-leg) cannot be re-synced for this long after the injection: the mover is let
 * go into it once the book has been broken for longer than it may trade on an unconfirmed book.
 */
const GAP_RESYNC_HOLD_MS = 6_000;

/** The mover's own staleness bound (money-mover.ts: marketData.staleAfterMs) plus a margin for a busy machine. */
const SILENT_TOO_LONG_MS = 1_500 + 1_000;

interface Msg { pid?: number; at?: string; step?: number; event?: string; state?: unknown; outcomes?: TrialResult['outcomes']; deposits?: { arrived: number; missing: number }; message?: string }

interface RunResult { killed: boolean; lastState: unknown; firstState: unknown; done?: Msg; error?: string; output: string }

/** Runs the mover once; kills it at `crashAt` (first occurrence) when given. */
function runMover(env: NodeJS.ProcessEnv, timeoutMs: number, hooks: { onPoint?: (at: string) => Promise<void> | void; crashAt?: string }): Promise<RunResult> {
  return new Promise((resolve) => {
    // node itself with tsx's require hook: the `tsx` binary would run the mover in a child of its
    // own, and a SIGKILL to the wrapper would leave the money mover alive.
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', MOVER], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const res: RunResult = { killed: false, lastState: undefined, firstState: undefined, output: '' };
    child.stderr.on('data', (b: Buffer) => (res.output += b.toString()));
    const timer = setTimeout(() => {
      res.error = `mover did not finish within ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      res.output += `${line}\n`;
      if (!line.startsWith('CHAOS ')) return;
      const m = JSON.parse(line.slice(6)) as Msg;
      if (m.event === 'resumed') {
        res.firstState = res.lastState = m.state;
        // The process we kill must be the one that moves the money.
        if (m.pid !== child.pid) res.error = `mover pid ${String(m.pid)} is not the spawned process ${String(child.pid)}`;
      }
      if (m.event === 'step' || m.event === 'state') res.lastState = m.state;
      if (m.event === 'done') res.done = m;
      if (m.event === 'error') res.error = m.message;
      if (m.at === undefined) return;
      const held = hooks.onPoint?.(m.at);
      if (hooks.crashAt !== undefined && m.at === hooks.crashAt && !res.killed) {
        res.killed = true;
        child.kill('SIGKILL');
        return;
      }
      // The driver may hold the mover at a point until the exchange is in the state the trial needs.
      if (held) void held.then(() => child.stdin.write('go\n'));
      else child.stdin.write('go\n');
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(res);
    });
  });
}

/** What the exchange may say of a withdrawal whose step ended with this outcome. */
const WITHDRAWAL_STATUS: Record<string, string[]> = { confirmed: ['ok'], 'failed:refunded': ['failed'], pending: ['pending', 'ok'], 'deposit-missing': ['ok'] };

/** The client order ids of a step, in the order its outcome lists them (`a|b` for a pair). */
function stepOrders(plan: ReturnType<typeof planFor>, step: number): string[] {
  const s = plan[step];
  if (s?.kind === 'pair') return [s.buyCid, s.sellCid];
  if (s?.kind === 'flip') return [s.cid];
  return [];
}

/** The per-order parts of a step's outcome (`filled:x|rejected:Y`, `flipped:GOLD:filled:x`). */
const orderParts = (outcome: string): string[] => outcome.replace(/^flipped:[A-Z]+:/, '').split('|');

/** Faults the mover must ride out within its back-off: every order still fills. */
const RIDDEN_OUT: readonly FaultKind[] = ['http-429', 'http-418', 'order-timeout', 'silence', 'drop-sockets', 'gap', 'silence-leg', 'gap-leg'];

/**
 * The fault had its effect and was answered as it should be: recoverable faults end with every
 * order filled (recovery within the back-off, not a rejection or a skip); a failing withdrawal
 * is refunded and a stuck one stays pending (so a fault that never bit makes the trial fail).
 */
function checkFaultEffect(fault: FaultKind, outcomes: TrialResult['outcomes'], check: (ok: boolean, what: string) => void): void {
  const orders = outcomes.filter((o) => o.kind === 'pair' || o.kind === 'flip').flatMap((o) => orderParts(o.outcome).map((p) => ({ step: o.step, p })));
  const withdrawals = outcomes.filter((o) => o.kind === 'withdraw' || o.kind === 'sweep');
  if (RIDDEN_OUT.includes(fault)) {
    for (const o of orders) check(o.p.startsWith('filled:') || o.p.startsWith('refused:'), `fault ${fault}: step ${o.step} ended ${o.p}, not filled within the back-off`);
  }
  if (fault === 'withdrawal-fails') check(withdrawals.some((o) => o.outcome === 'failed:refunded'), `fault withdrawal-fails: no withdrawal failed and was refunded (${withdrawals.map((o) => o.outcome).join(', ')})`);
  if (fault === 'withdrawal-stuck') check(withdrawals.some((o) => o.outcome === 'pending'), `fault withdrawal-stuck: no withdrawal stayed pending (${withdrawals.map((o) => o.outcome).join(', ')})`);
  if (fault === 'deposit-missing') check(withdrawals.some((o) => o.outcome === 'deposit-missing'), `fault deposit-missing: no transfer ended deposit-missing (${withdrawals.map((o) => o.outcome).join(', ')})`);
}

const TYPED = /^(filled:\d+(\.\d+)?|rejected:[A-Z_]+|refused:(PAUSED|KILL_SWITCH)|skipped:STALE_BOOK|resumed|confirmed|pending|deposit-missing|failed:refunded|flipped:(BTC|GOLD):.+)$/;

export async function runTrial(spec: TrialSpec, opts: { timeScale?: number; keepDir?: boolean } = {}): Promise<TrialResult> {
  const t0 = Date.now();
  const scale = opts.timeScale ?? 1;
  const violations: string[] = [];
  let checked = 0;
  const check = (ok: boolean, what: string) => {
    checked++;
    if (!ok) violations.push(what);
  };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `chaos-${spec.seed}-`));
  const sim: RunningSimulator = await startSimulator({ seed: spec.seed, exchanges: ['binance', 'kraken', 'coinbase'], withdrawalDelayMs: 300 });
  const faults = faultsFor(spec.fault);
  const env = { CHAOS_SIM_URL: `http://127.0.0.1:${sim.port}`, CHAOS_DATA_DIR: dataDir, CHAOS_SEED: String(spec.seed), TEST_TIME_SCALE: String(scale) };
  let outcomes: TrialResult['outcomes'] = [];
  let crashed = false;
  let injected = false;
  const silences: Array<{ exchange: 'binance' | 'kraken'; start: number; end: number }> = [];
  /** When the mover was let go into a broken book (gap-leg), and how many held deposits arrived late. */
  let releasedIntoGap: number | undefined;
  let lateDeposits = 0;
  let brokenBookWindows = 0;
  try {
    // Rate limits and rejections aimed at an order are injected just before the second leg (the
    // venue's markets are loaded by then); the other faults as soon as the mover is ready.
    const injectAt = spec.fault === 'http-429' || spec.fault === 'reject-orders' || spec.fault === 'silence-leg' || spec.fault === 'gap-leg' ? 'between-legs' : 'ready';
    const onPoint = (at: string): Promise<void> | void => {
      // The missing deposit arrives late, once the mover has booked it missing.
      if (at === 'deposit-missing' && spec.fault === 'deposit-missing') lateDeposits += sim.control.releaseDeposits('kraken');
      if (injected || at !== injectAt) return;
      injected = true;
      const now = Date.now();
      faults.forEach((f) => sim.control.injectFault(f.exchange, f.fault));
      for (const f of faults) if (f.fault.type === 'silence') silences.push({ exchange: f.exchange, start: now, end: now + f.fault.ms });
      // A silenced leg goes on only once the feed is silent for longer than the mover may trade on.
      if (spec.fault === 'silence-leg') return new Promise((r) => setTimeout(r, Math.max(0, now + SILENT_TOO_LONG_MS + 200 - Date.now())));
      // A broken leg goes on only once the break went out and is older than the mover may trade on unseen.
      if (spec.fault === 'gap-leg') {
        return (async () => {
          for (;;) {
            const gap = sim.control.bookEvents().find((e) => e.kind === 'gap' && e.exchange === 'kraken' && e.at >= now);
            if (gap && Date.now() > gap.at + SILENT_TOO_LONG_MS + 200) break;
            await new Promise((r) => setTimeout(r, 50));
          }
          releasedIntoGap = Date.now();
        })();
      }
    };
    const first = await runMover(env, 120_000 * scale, { crashAt: spec.crashAt, onPoint });
    crashed = first.killed;
    check(first.error === undefined, `first run failed: ${first.error ?? ''}\n${first.output.slice(-2000)}`);
    check(first.killed, `crash point ${spec.crashAt} was never reached`);
    let final = first;
    if (first.killed) {
      final = await runMover(env, 120_000 * scale, { onPoint });
      check(final.error === undefined, `restarted run failed: ${final.error ?? ''}\n${final.output.slice(-2000)}`);
      check(JSON.stringify(final.firstState) === JSON.stringify(first.lastState), `state after restart ${JSON.stringify(final.firstState)} differs from before the crash ${JSON.stringify(first.lastState)}`);
    }
    outcomes = final.done?.outcomes ?? [];
    check(final.done !== undefined, 'the mover never finished the plan');
    const settings = loadConfig({ env: {} }).settings;
    const btc = Object.fromEntries(Object.entries(settings.modes.allocationPercent.BTC).map(([k, v]) => [k, String(v)]));
    check(JSON.stringify(final.done?.state) === JSON.stringify({ mode: 'BTC', allocation: btc, paused: false, pausedReason: null, killSwitch: null }), `final state ${JSON.stringify(final.done?.state)} is not the plan's (BTC, not paused, no kill switch)`);
    for (const o of outcomes) check(TYPED.test(o.outcome.split('|')[0] ?? '') && o.outcome.split('|').every((p) => TYPED.test(p)), `step ${o.step} (${o.kind}) outcome not typed: ${o.outcome}`);
    for (const o of outcomes.filter((x) => x.kind === 'pause' || x.kind === 'trip-kill')) check(o.outcome.startsWith('refused:'), `step ${o.step} (${o.kind}) did not refuse trading: ${o.outcome}`);
    checkFaultEffect(spec.fault, outcomes, check);

    const ledger = SqliteLedger.open({ dataDir, readOnly: true });
    try {
      const entries = ledger.entries();
      const plan = planFor(spec.seed);
      for (const o of plannedOrders(plan)) {
        const atSim = sim.control.orders(o.exchange).filter((x) => x.clientOrderId === o.cid);
        check(atSim.length <= 1, `order ${o.cid} on ${o.exchange} is at the exchange ${atSim.length} times`);
        const base = entries.filter((e) => e.idempotencyKey === `order:${o.exchange}:${o.cid}:fill:base`);
        const filled = atSim[0] ? new Decimal(atSim[0].filled) : undefined;
        if (filled?.gt(0)) {
          check(base.length === 1, `order ${o.cid} filled ${filled.toFixed()} at ${o.exchange} but is booked ${base.length} times`);
          check(base.length !== 1 || (base[0]?.delta?.abs().eq(filled) ?? false), `order ${o.cid}: booked ${base[0]?.delta?.toFixed() ?? '-'} but the exchange filled ${filled.toFixed()}`);
        } else check(base.length === 0, `order ${o.cid} booked as filled but the exchange has no fill`);
      }
      for (const key of plannedWithdrawals(plan)) {
        const atSim = sim.control.withdrawals('binance').filter((w) => w.clientId === key);
        const outcome = outcomes.find((o) => plan[o.step] && 'key' in (plan[o.step] as object) && (plan[o.step] as { key: string }).key === key)?.outcome ?? '';
        if (outcome.startsWith('rejected:')) check(atSim.length === 0, `withdrawal ${key} rejected but at the exchange ${atSim.length} times`);
        else check(atSim.length === 1, `withdrawal ${key} is at the exchange ${atSim.length} times`);
        for (const w of atSim) {
          // The typed outcome says what the exchange did (a pending one may have settled since).
          const expected = WITHDRAWAL_STATUS[outcome] ?? [];
          check(expected.includes(w.status), `withdrawal ${key} ended "${outcome}" but is ${w.status} at the exchange`);
          const out = entries.filter((e) => e.kind === 'transfer-out' && e.details?.withdrawalId === w.id);
          check(out.length === 1, `withdrawal ${key} (${w.id}) booked ${out.length} times`);
          const refunds = entries.filter((e) => e.kind === 'transfer-failed' && e.details?.withdrawalId === w.id);
          check(refunds.length === (w.status === 'failed' ? 1 : 0), `withdrawal ${key} is ${w.status} at the exchange, refund booked ${refunds.length} times`);
        }
      }
      // Every order outcome is booked: a rejection as the order's rejected line, a skip as its decision line.
      for (const o of plannedOrders(plan)) {
        for (const x of outcomes) {
          const at = stepOrders(plan, x.step).indexOf(o.cid);
          const part = at >= 0 ? orderParts(x.outcome)[at] : undefined;
          if (part === undefined) continue;
          const code = /^rejected:([A-Z_]+)$/.exec(part)?.[1];
          if (code) check(entries.some((e) => e.idempotencyKey === `order:${o.exchange}:${o.cid}:rejected`), `order ${o.cid} ended ${part} but no rejection is booked`);
          if (part === 'skipped:STALE_BOOK') check(entries.some((e) => e.idempotencyKey === `chaos:${o.cid}:stale`), `order ${o.cid} skipped on a stale book but no decision is booked`);
        }
      }
      // No order on a broken book (a sequence gap, a failed checksum) from the moment the break is
      // older than the mover may trade on unseen until the venue served a new snapshot (re-synced).
      const events = sim.control.bookEvents();
      for (const g of events.filter((e) => e.kind === 'gap')) {
        brokenBookWindows++;
        const resync = events.find((e) => e.kind === 'snapshot' && e.exchange === g.exchange && e.symbol === g.symbol && e.at > g.at);
        const end = resync?.at ?? Number.POSITIVE_INFINITY;
        const during = sim.control.orders(g.exchange).filter((o) => o.symbol === g.symbol && o.created > g.at + SILENT_TOO_LONG_MS && o.created < end);
        check(during.length === 0, `${during.length} order(s) on ${g.exchange} ${g.symbol} while its book was broken (gap at ${g.at}, re-synced ${resync ? `+${resync.at - g.at} ms` : 'never'}): ${during.map((o) => `${o.clientOrderId ?? o.id} at +${o.created - g.at} ms`).join(', ')}`);
        // The trial must have tested the window: the mover was let go into it before the re-sync.
        if (spec.fault === 'gap-leg' && g.exchange === 'kraken' && releasedIntoGap !== undefined) check(releasedIntoGap < end, `gap-leg: the mover was let go at +${releasedIntoGap - g.at} ms, after the re-sync (+${end - g.at} ms): the broken window was never tested`);
      }
      if (spec.fault === 'gap' || spec.fault === 'gap-leg') check(events.some((e) => e.kind === 'gap'), `fault ${spec.fault}: no broken update ever went out`);
      // Every transfer to Kraken that Binance completed is credited there once and booked once;
      // one booked missing kept its in-transit line and, arriving late, was booked once more only as the deposit.
      const krakenDeposits = sim.control.deposits('kraken');
      for (const s of plan.filter((x): x is Extract<typeof x, { kind: 'withdraw' }> => x.kind === 'withdraw' && x.to === 'kraken')) {
        const w = sim.control.withdrawals('binance').find((x) => x.clientId === s.key);
        if (!w || w.status !== 'ok' || !w.txid) continue;
        const dep = krakenDeposits.filter((d) => d.txid === w.txid);
        check(dep.length === 1, `transfer ${s.key} (txid ${w.txid}): ${dep.length} deposits at Kraken`);
        const booked = entries.filter((e) => e.idempotencyKey === `deposit:kraken:${w.txid}`);
        check(booked.length === 1 && dep.length === 1 && (booked[0]?.delta?.eq(dep[0]?.amount ?? '0') ?? false), `transfer ${s.key}: deposit booked ${booked.length} times (${booked.map((b) => b.delta?.toFixed()).join(', ')}), Kraken credited ${dep.map((d) => d.amount).join(', ')}`);
        const missing = entries.filter((e) => e.idempotencyKey === `deposit-missing:kraken:${w.txid}`);
        const outcome = outcomes.find((o) => plan[o.step] === s)?.outcome;
        check(missing.length === (outcome === 'deposit-missing' ? 1 : 0), `transfer ${s.key} ended ${outcome ?? '-'} but ${missing.length} deposit-missing line(s)`);
        if (missing[0]) check(new Decimal(String(missing[0].details?.inTransit)).eq(new Decimal(w.amount).minus(w.fee)), `transfer ${s.key}: in transit ${String(missing[0].details?.inTransit)}, Binance sent ${w.amount} - fee ${w.fee}`);
      }
      if (spec.fault === 'deposit-missing') check(lateDeposits === 1 && final.done?.deposits?.arrived === 1 && final.done.deposits.missing === 0, `deposit-missing: ${lateDeposits} held deposit(s) released, the mover booked ${final.done?.deposits?.arrived ?? '-'} late (${final.done?.deposits?.missing ?? '-'} still missing)`);
      // No order on a venue whose feeds were silent for longer than the mover's staleness bound.
      for (const s of silences) {
        const during = sim.control.orders(s.exchange).filter((o) => o.created > s.start + SILENT_TOO_LONG_MS && o.created < s.end);
        check(during.length === 0, `${during.length} order(s) on ${s.exchange} while its feeds were silent beyond ${SILENT_TOO_LONG_MS} ms: ${during.map((o) => `${o.clientOrderId ?? o.id} at +${o.created - s.start} ms`).join(', ')}`);
      }
      const venues = ['binance', 'kraken'] as const;
      const exchangeSide = venues.flatMap((ex) => Object.entries(sim.control.balances(ex)).map(([asset, b]) => ({ exchange: ex, asset, amount: new Decimal(b.total) })));
      const cmp = compareBalances(ledger.impliedBalances().filter((b) => (venues as readonly string[]).includes(b.exchange)), exchangeSide);
      checked += cmp.differences.length;
      for (const d of cmp.differences.filter((x) => !x.difference.isZero())) {
        violations.push(`balance ${d.exchange} ${d.asset}: ledger ${d.ledgerAmount.toFixed()} exchange ${d.exchangeAmount.toFixed()} (difference ${d.difference.toFixed()})`);
      }
    } finally {
      ledger.close();
    }
  } finally {
    await sim.close();
    if (!opts.keepDir && violations.length === 0) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (violations.length && !opts.keepDir) violations.push(`(data kept in ${dataDir})`);
  // Counted only when injected (a trial whose mover never reached the injection point injected none).
  return { ...spec, crashed, faultsInjected: injected ? faults.length : 0, invariantsChecked: checked, brokenBookWindows, violations, outcomes, ms: Date.now() - t0 };
}

/** The summary table `npm run chaos` prints (markdown, for the README). */
export function summaryTable(results: TrialResult[]): string {
  const rows = results.map((r) => `| ${r.seed} | ${r.crashAt} | ${r.fault} | ${r.crashed ? 'yes' : 'no'} | ${r.brokenBookWindows} | ${r.invariantsChecked} | ${r.violations.filter((v) => !v.startsWith('(data kept')).length} | ${(r.ms / 1000).toFixed(1)} s |`);
  const sum = (f: (r: TrialResult) => number) => results.reduce((s, r) => s + f(r), 0);
  return [
    '| seed | crash point | exchange fault | killed | broken-book windows (no order in them) | invariants checked | violations | time |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '| trials | crashes (SIGKILL + restart) | faults injected | broken-book windows checked | invariants checked | violations |',
    '|---|---|---|---|---|---|',
    `| ${results.length} | ${sum((r) => (r.crashed ? 1 : 0))} | ${sum((r) => r.faultsInjected)} | ${sum((r) => r.brokenBookWindows)} | ${sum((r) => r.invariantsChecked)} | ${sum((r) => r.violations.filter((v) => !v.startsWith('(data kept')).length)} |`,
  ].join('\n');
}
