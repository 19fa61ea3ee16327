/**
 * Crash trials of the real Temporal worker processes (issue #12 "Tests", #15 chaos), on the stage
 * of worker-rig.ts. Each trial returns the invariants it checked and every violation in words:
 *
 * - `orchestrator-withdrawal`: a rebalance (binance -> kraken USDT, a workflow on the cluster) is
 *   withdrawing; the orchestrator doing it is SIGKILLed at the trial's point (the withdrawal
 *   request held before the exchange saw it, or acted on by the exchange with its answer held, or
 *   while the deposit is awaited), then started again. Exactly one withdrawal at the exchange,
 *   booked exactly once (transfer-out, fee), the deposit once, the rebalance completed.
 * - `hotpath-trade`: a dislocation the live hot path trades; its first order reaches the exchange
 *   and the answer is held; SIGKILL; restart. No client order id twice at the exchange, none of
 *   the killed run's ids reused, the restarted hot path applies BTC's split (85 %) before it
 *   trades again, and it does trade.
 * - `hotpath-silence`: Binance's feeds go silent; a dislocation against Binance's frozen book
 *   appears on Kraken. No order on Binance while its book is older than the hot path's maximum
 *   book age; once the feed is back the hot path trades it (so the trial could have failed).
 * - `hotpath-paused`: a paper hot path trades, is paused by an operator through Temporal, is
 *   SIGKILLed and restarted: still paused, its paper balances (state.sqlite) as before the kill.
 * - `scale-out`: two orchestrators and two hot paths; every flip reaches both hot paths.
 * After every trial the ledger-wide checks run too (ledgerInvariants).
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { loadConfig } from '../../config';
import { Decimal } from '../../domain/money/decimal';
import { ORCHESTRATOR_TASK_QUEUE, rebalanceQuery } from '../../signals/defs';
import type { RebalanceInput } from '../../workflows/rebalance';
import type { ExchangeId } from '../../domain/market';
import { until, WaitAborted, type Rig, type WorkerProcess } from './worker-rig';

export type WorkerTrialKind = 'orchestrator-withdrawal' | 'hotpath-trade' | 'hotpath-silence' | 'hotpath-paused' | 'scale-out';
export type WithdrawalKillPoint = 'before-submit' | 'after-submit' | 'awaiting-deposit';
export const WITHDRAWAL_KILL_POINTS: WithdrawalKillPoint[] = ['after-submit', 'before-submit', 'awaiting-deposit'];

export interface WorkerTrialResult {
  kind: WorkerTrialKind;
  seed: number;
  point: string;
  killed: number;
  invariantsChecked: number;
  violations: string[];
  ms: number;
}

export interface TrialOptions {
  /**
   * Changes the killed worker's environment for its restart. Only for showing that a trial's
   * invariants can fail (e.g. a restart on an empty data dir loses the ledger, the pause and
   * the paper balances); never in the suite's own trials.
   */
  restartEnv?: NodeJS.ProcessEnv;
}

class Checks {
  n = 0;
  violations: string[] = [];
  check(ok: boolean, what: string): void {
    this.n += 1;
    if (!ok) this.violations.push(what);
  }
  /** On a violation, the workers' logs are kept for the post-mortem (the path is the last line). */
  done(rig: Rig, label: string): string[] {
    if (this.violations.length) this.violations.push(`(worker logs in ${rig.keepLogs(label)})`);
    return this.violations;
  }
}

const VENUES: ExchangeId[] = ['binance', 'kraken', 'coinbase'];
const config = loadConfig({ env: {} });
const BTC_QBOT = String(config.settings.modes.allocationPercent.BTC.qbot);
const MAX_BOOK_AGE_MS = config.settings.latencyProfiles.laptop.maxBookAgeMs;

function withLedger<T>(dataDir: string, f: (l: SqliteLedger) => T): T {
  const l = SqliteLedger.open({ dataDir, readOnly: true });
  try {
    return f(l);
  } finally {
    l.close();
  }
}

/** Every client order id at the exchange, with its venue (all venues). */
async function simOrders(rig: Rig): Promise<Array<{ exchange: ExchangeId; cid: string; filled: string; symbol: string; created: number }>> {
  const all = await Promise.all(VENUES.map(async (ex) => ({ ex, orders: await rig.sim.control.orders(ex) })));
  return all.flatMap(({ ex, orders }) => orders.filter((o) => o.clientOrderId).map((o) => ({ exchange: ex, cid: o.clientOrderId as string, filled: o.filled, symbol: o.symbol, created: o.created })));
}

/**
 * Ledger-wide invariants after any trial: no client order id twice at the exchange; every
 * withdrawal the exchange has that the ledger knows booked exactly once as sent; idempotency keys
 * unique; every filled order the ledger has an attempt for booked with the exchange's amount.
 */
export async function ledgerInvariants(rig: Rig, c: Checks, dataDir = rig.dataDir): Promise<void> {
  const orders = await simOrders(rig);
  const withdrawals = await Promise.all(VENUES.map(async (ex) => ({ ex, list: await rig.sim.control.withdrawals(ex) })));
  const seen = new Map<string, number>();
  for (const o of orders) seen.set(`${o.exchange}:${o.cid}`, (seen.get(`${o.exchange}:${o.cid}`) ?? 0) + 1);
  for (const [k, n] of seen) c.check(n === 1, `client order id ${k} is at the exchange ${n} times`);
  withLedger(dataDir, (ledger) => {
    const entries = ledger.entries();
    const keys = entries.flatMap((e) => (e.idempotencyKey ? [e.idempotencyKey] : []));
    c.check(new Set(keys).size === keys.length, `${keys.length - new Set(keys).size} ledger idempotency keys booked twice`);
    for (const { ex, list } of withdrawals) {
      for (const w of list) {
        const out = entries.filter((e) => e.kind === 'transfer-out' && e.exchange === ex && e.details?.withdrawalId === w.id);
        // Withdrawals this ledger never heard of belong to no process of this data dir.
        if (out.length === 0 && !entries.some((e) => JSON.stringify(e.details ?? {}).includes(w.id))) continue;
        c.check(out.length === 1, `withdrawal ${w.id} on ${ex} (${w.clientId ?? 'no key'}) booked ${out.length} times as sent`);
      }
    }
    const attempted = new Set(entries.filter((e) => e.kind === 'order-attempt').map((e) => `${e.exchange ?? ''}:${String(e.details?.clientOrderId ?? '')}`));
    for (const o of orders) {
      if (!attempted.has(`${o.exchange}:${o.cid}`) || new Decimal(o.filled).isZero()) continue;
      const base = o.symbol.split('/')[0];
      const booked = entries.filter((e) => e.kind === 'fill' && e.exchange === o.exchange && e.asset === base && e.details?.clientOrderId === o.cid)
        .reduce((t, e) => t.plus(e.delta?.abs() ?? 0), new Decimal(0));
      c.check(booked.eq(o.filled), `order ${o.cid} on ${o.exchange} filled ${o.filled} at the exchange, booked ${booked.toFixed()}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------

/** Temporal's default of 1 minute per trial would make ten trials take ten minutes of waiting. */
const KILLED_ATTEMPT_NOTICED_MS = 15_000;

const ENDED = ['completed', 'stuck', 'withdrawal-failed', 'withdrawal-rejected', 'refused', 'rejected'];

const isWithdrawApply = (r: { method: string; path: string }) => r.method === 'POST' && r.path.includes('/binance/sapi/v1/capital/withdraw/apply');
const isDepositCheck = (r: { path: string }) => r.path.includes('/kraken/0/private/DepositStatus');

/**
 * One orchestrator crash in the middle of a withdrawal. `orchestrators` are running; the one whose
 * proxy holds the withdrawal is the one killed (with two, the other may take the retry).
 */
export async function orchestratorWithdrawalTrial(rig: Rig, orchestrators: WorkerProcess[], seed: number, point: WithdrawalKillPoint, o: TrialOptions = {}): Promise<WorkerTrialResult> {
  const t0 = Date.now();
  const c = new Checks();
  const id = `chaos-rebalance-${seed}-${point}`;
  const amount = String(600 + ((seed * 7919) % 1800));
  const input: RebalanceInput = {
    rebalanceId: id, asset: 'USDT', amount, priceUsd: '1', from: 'binance', to: 'kraken',
    approvalAboveUsd: '2500', approvalTimeoutMs: 600_000, depositTimeoutMs: 300_000,
    // Not a wait's deadline (so not scaled): how long the killed attempt goes unnoticed before its
    // retry. A healthy attempt slower than this on a loaded machine is retried too, which the
    // invariants then check as well (every money move is keyed).
    attemptTimeoutMs: KILLED_ATTEMPT_NOTICED_MS,
  };
  const armed = { on: true };
  for (const o of orchestrators) {
    o.proxy.setRule((r) => {
      if (!armed.on) return 'pass';
      if (point !== 'awaiting-deposit' && isWithdrawApply(r) && decodeURIComponent(r.path + r.body).includes(id)) return point === 'before-submit' ? 'hold-before' : 'hold-after';
      if (point === 'awaiting-deposit' && isDepositCheck(r)) return 'hold-before';
      return 'pass';
    });
  }
  // The live hot path trades Binance's USDT away over a run: the operator tops the account up
  // from outside (a deposit the ledger does not see; no trial compares balances with it).
  const free = new Decimal((await rig.sim.control.balances('binance')).USDT?.free ?? '0');
  if (free.lt(new Decimal(amount).plus(100))) await rig.sim.control.credit('binance', 'USDT', new Decimal(amount).plus(500).minus(free).toFixed(0));
  const heldBefore = orchestrators.map((o) => o.proxy.held.length);
  const handle = await rig.env.client.workflow.start('rebalanceWorkflow', { taskQueue: ORCHESTRATOR_TASK_QUEUE, workflowId: id, args: [input] });
  let killed = 0;
  try {
    const victim = await until(`an orchestrator to reach ${point}`, async () => {
      const holder = orchestrators.find((o, i) => o.proxy.held.length > (heldBefore[i] ?? 0));
      if (holder) return holder;
      // A rebalance that ended before the kill point (e.g. refused) will never reach it.
      const v = await handle.query(rebalanceQuery);
      if (ENDED.includes(v.state)) throw new WaitAborted(`the rebalance ended ${v.state} before ${point}: ${v.reason ?? ''}`);
      return undefined;
    }, 90_000, rig.scale, 250);
    const atKill = (await rig.sim.control.withdrawals('binance')).filter((w) => w.clientId?.includes(id));
    const bookedAtKill = withLedger(rig.dataDir, (l) => l.entries().filter((e) => e.kind === 'transfer-out' && atKill.some((w) => w.id === e.details?.withdrawalId)).length);
    await victim.kill9();
    killed = 1;
    armed.on = false;
    // What the kill point promises: the exchange's view at the moment of the kill.
    if (point === 'before-submit') c.check(atKill.length === 0, `before-submit: the exchange already had the withdrawal at the kill (${atKill.length})`);
    if (point === 'after-submit') c.check(atKill.length === 1 && bookedAtKill === 0, `after-submit: at the kill the exchange had ${atKill.length} withdrawal(s), the ledger ${bookedAtKill} booking(s); expected 1 and 0`);
    if (point === 'awaiting-deposit') c.check(atKill.length === 1 && bookedAtKill === 1, `awaiting-deposit: at the kill the exchange had ${atKill.length}, the ledger ${bookedAtKill}; expected 1 and 1`);
    victim.restart(o.restartEnv);
    // Started again as a process manager would; with two orchestrators the other may take the
    // retry meanwhile, so the rebalance is not made to wait for this one.
    const restarted = victim.ready(rig.scale);
    restarted.catch(() => undefined);
    // The killed attempt is retried once KILLED_ATTEMPT_NOTICED_MS has passed without word from it.
    const view = await Promise.race([
      handle.result() as Promise<{ state: string; reason?: string }>,
      until('the rebalance to finish', async () => {
        const v = await handle.query(rebalanceQuery);
        return ENDED.includes(v.state) ? v : undefined;
      }, 240_000, rig.scale, 500),
    ]);
    await restarted;
    c.check(view.state === 'completed', `rebalance ${id} ended ${view.state}: ${view.reason ?? ''}`);
    const atSim = (await rig.sim.control.withdrawals('binance')).filter((w) => w.clientId?.includes(id));
    c.check(atSim.length === 1, `rebalance ${id}: ${atSim.length} withdrawals at the exchange`);
    withLedger(rig.dataDir, (ledger) => {
      const entries = ledger.entries();
      for (const w of atSim) {
        const out = entries.filter((e) => e.kind === 'transfer-out' && e.details?.withdrawalId === w.id);
        const fee = entries.filter((e) => e.kind === 'fee' && e.details?.withdrawalId === w.id);
        c.check(out.length === 1, `withdrawal ${w.id} booked ${out.length} times as sent`);
        c.check(fee.length === 1, `withdrawal ${w.id}: its fee booked ${fee.length} times`);
        const gross = out.reduce((t, e) => t.plus(e.delta?.abs() ?? 0), new Decimal(0)).plus(fee.reduce((t, e) => t.plus(e.delta?.abs() ?? 0), new Decimal(0)));
        c.check(gross.eq(w.amount), `withdrawal ${w.id}: booked ${gross.toFixed()} sent + fee, the exchange took ${w.amount}`);
        const inn = entries.filter((e) => e.kind === 'transfer-in' && e.idempotencyKey === `deposit:kraken:${w.txid ?? '-'}`);
        c.check(inn.length === 1, `withdrawal ${w.id}: its deposit on kraken booked ${inn.length} times`);
      }
      const outcome = entries.filter((e) => e.kind === 'decision' && e.idempotencyKey?.startsWith(`rebalance:${id}:`));
      c.check(outcome.length === 1, `rebalance ${id}: ${outcome.length} outcomes booked`);
    });
  } finally {
    for (const o of orchestrators) o.proxy.setRule(() => 'pass');
  }
  await ledgerInvariants(rig, c);
  return { kind: 'orchestrator-withdrawal', seed, point, killed, invariantsChecked: c.n, violations: c.done(rig, `orchestrator-${seed}`), ms: Date.now() - t0 };
}

// ---------------------------------------------------------------------------------------------

const isOrder = (r: { method: string; path: string }) => r.method === 'POST' && (r.path.startsWith('/binance/api/v3/order') || r.path.startsWith('/kraken/0/private/AddOrder') || r.path.startsWith('/coinbase/api/v3/brokerage/orders'));

/**
 * BTC/USDT on `cheap` offered `percent` % under the other venue's bid (a cross opportunity), the
 * market frozen. Trials alternate the cheap venue so neither side's coins run out over a run.
 */
async function dislocate(rig: Rig, percent: string, cheap: 'binance' | 'kraken' = 'binance'): Promise<void> {
  await rig.ticking(false);
  const dp = TICK_DP[cheap];
  const other = await rig.sim.control.book(cheap === 'binance' ? 'kraken' : 'binance', 'BTC/USDT');
  const bid = new Decimal(other.bids[0]![0]);
  const ask = bid.times(new Decimal(100).minus(percent).div(100)).toDecimalPlaces(dp, Decimal.ROUND_DOWN);
  await rig.sim.control.setBook(cheap, 'BTC/USDT', [[ask.minus(1).toFixed(dp), '1']], [[ask.toFixed(dp), '1'], [ask.plus(1).toFixed(dp), '1']]);
}

/** BTC/USDT price decimals per venue (the simulator's tick: Binance 0.01, Kraken 0.1). */
const TICK_DP = { binance: 2, kraken: 1 } as const;

/** A quiet book ages past the hot path's maximum book age: a live market keeps changing a level. */
async function touch(rig: Rig, exchange: 'binance' | 'kraken', n: number): Promise<void> {
  const b = await rig.sim.control.book(exchange, 'BTC/USDT');
  const size = n % 2 === 0 ? '1' : '1.1';
  await rig.sim.control.setBook(exchange, 'BTC/USDT', b.bids.slice(0, 1).concat([[new Decimal(b.bids[0]![0]).minus(5).toFixed(TICK_DP[exchange]), size]]), b.asks.slice(0, 1).concat([[new Decimal(b.asks[0]![0]).plus(5).toFixed(TICK_DP[exchange]), size]]));
}

/** Client order ids of a cut trade's recovery (hotpath/leg-recovery.ts). */
const RECOVERY_ORDER = /-(finish|unwind)-(l\d+|x)(-r\d)?$/;

function appliedBtc(h: WorkerProcess): boolean {
  return h.appliedModes().some((m) => m.mode === 'BTC' && m.qbot === BTC_QBOT);
}

/**
 * Kill -9 of the live hot path between the legs of a trade: the exchange has taken both legs, the
 * hot path heard back from the first only (the proxy passes the first order and holds the
 * second's answer; the cross legs go out together, triangular ones one after the other).
 */
export async function hotpathTradeTrial(rig: Rig, hot: WorkerProcess, seed: number): Promise<WorkerTrialResult> {
  const t0 = Date.now();
  const c = new Checks();
  await until(`${hot.name} to apply BTC's split`, () => appliedBtc(hot), 60_000, rig.scale);
  const before = new Set((await simOrders(rig)).map((o) => `${o.exchange}:${o.cid}`));
  const heldBefore = hot.proxy.held.length;
  let orders = 0;
  hot.proxy.setRule((r) => (isOrder(r) && ++orders === 2 ? 'hold-after' : 'pass'));
  let killed = 0;
  try {
    await dislocate(rig, '2');
    await until(`${hot.name} to send its second leg`, () => hot.proxy.held.length > heldBefore, 60_000, rig.scale);
    await hot.kill9();
    killed = 1;
    hot.proxy.setRule(() => 'pass');
    const killedRun = new Set((await simOrders(rig)).map((o) => `${o.exchange}:${o.cid}`).filter((k) => !before.has(k)));
    // At least the two legs: another attempt (a triangle's first leg) may reach the exchange before the kill too.
    c.check(killedRun.size >= 2, `between the legs the exchange should have both legs of the killed run, it has ${killedRun.size}: ${[...killedRun].join(', ')}`);
    hot.restart();
    await hot.ready(rig.scale);
    await until(`the restarted ${hot.name} to apply BTC's split`, () => appliedBtc(hot), 60_000, rig.scale);
    // A fresh dislocation (the killed run's orders took some of the first one's liquidity).
    await dislocate(rig, String(2 + (seed % 3)));
    const traded = await until(`the restarted ${hot.name} to trade`, async () => {
      // A new trade, not the recovery of the cut one (its orders carry the cut trade's id).
      const fresh = (await simOrders(rig)).filter((o) => !before.has(`${o.exchange}:${o.cid}`) && !killedRun.has(`${o.exchange}:${o.cid}`) && !RECOVERY_ORDER.test(o.cid));
      return fresh.length ? fresh : undefined;
    }, 60_000, rig.scale).catch(() => []);
    c.check(traded.length > 0, `the restarted ${hot.name} never traded the dislocation`);
    for (const o of traded) c.check(!killedRun.has(`${o.exchange}:${o.cid}`), `the restarted hot path reused client order id ${o.cid}`);
    // The trade the kill cut ends typed: a result (completed, finished, unwound) or held and shown.
    const cut = [...new Set([...killedRun].map((k) => k.slice(k.indexOf(':') + 1).replace(/-(buy|sell|leg\d+)$/, '')))];
    const typed = (l: SqliteLedger, id: string) => l.entries({ kind: 'decision', correlationId: id }).some((e) => e.idempotencyKey === `attempt:${id}:result` || e.idempotencyKey === `attempt:${id}:recovery-held`);
    const untyped = await until('the cut trade to end typed', () => withLedger(rig.dataDir, (l) => {
      const open = cut.filter((id) => !typed(l, id));
      return open.length ? undefined : open;
    }), 60_000, rig.scale).catch(() => cut.filter((id) => !withLedger(rig.dataDir, (l) => typed(l, id))));
    c.check(untyped.length === 0, `the cut trade(s) ${untyped.join(', ')} have neither a result nor a held recovery`);
    // BTC's split applied before the first order of the new run (the Q-bot is gated until then).
    const lines = hot.lines();
    const applied = lines.findIndex((l) => l.includes('allocation applied from the mode workflow') && l.includes('"BTC"'));
    const firstAttempt = lines.findIndex((l) => l.includes('"attempt finished"') || l.includes('attempt finished'));
    c.check(applied >= 0 && (firstAttempt < 0 || applied < firstAttempt), `the restarted hot path traded before applying BTC's split (applied at line ${applied}, first attempt at ${firstAttempt})`);
    c.check(hot.appliedModes()[0]?.qbot === BTC_QBOT, `the restarted hot path's first allocation gives the Q-bot ${hot.appliedModes()[0]?.qbot ?? 'nothing'} %, not ${BTC_QBOT} %`);
  } finally {
    hot.proxy.setRule(() => 'pass');
    await rig.ticking(true);
  }
  await ledgerInvariants(rig, c);
  return { kind: 'hotpath-trade', seed, point: 'between the legs (second answer held)', killed, invariantsChecked: c.n, violations: c.done(rig, `hotpath-${seed}`), ms: Date.now() - t0 };
}

/** No order on a venue whose feed is silent beyond the maximum book age; a trade once it speaks again. */
export async function hotpathSilenceTrial(rig: Rig, hot: WorkerProcess, seed: number): Promise<WorkerTrialResult> {
  const t0 = Date.now();
  const c = new Checks();
  await until(`${hot.name} to apply BTC's split`, () => appliedBtc(hot), 60_000, rig.scale);
  // Shorter than the laptop profile's staleAfterMs (5 s), so the trial sees the book-age gate, not a reconnect.
  const silenceMs = 3_000 + (seed % 3) * 500;
  const before = new Set((await simOrders(rig)).map((o) => `${o.exchange}:${o.cid}`));
  const start = Date.now();
  await rig.sim.control.injectFault('binance', { type: 'silence', ms: silenceMs });
  const end = start + silenceMs;
  try {
    // Once Binance's book is older than the hot path may trade on, Kraken shows the opportunity.
    await until('the silence to outlast the maximum book age', () => Date.now() >= start + MAX_BOOK_AGE_MS + 500, 10_000, 1, 50);
    await rig.ticking(false);
    const binance = await rig.sim.control.book('binance', 'BTC/USDT');
    const ask = new Decimal(binance.asks[0]![0]);
    const bid = ask.times('1.02').toDecimalPlaces(1);
    await rig.sim.control.setBook('kraken', 'BTC/USDT', [[bid.toFixed(1), '1'], [bid.minus(1).toFixed(1), '1']], [[bid.plus(1).toFixed(1), '1']]);
    let touches = 0;
    const traded = await until('a Binance order once its feed is back', async () => {
      const fresh = (await simOrders(rig)).filter((o) => o.exchange === 'binance' && !before.has(`${o.exchange}:${o.cid}`) && o.created >= end);
      // Both books stay live meanwhile (a deeper level changes now and then), or they would be too old to trade on.
      if (Date.now() >= end && !fresh.length) {
        await touch(rig, 'kraken', touches);
        await touch(rig, 'binance', touches++);
      }
      return fresh.length ? fresh : undefined;
    }, 30_000, rig.scale, 400).catch(() => []);
    c.check(traded.length > 0, 'no Binance order after the silence: the opportunity was never traded (the trial proves nothing)');
    const during = (await simOrders(rig)).filter((o) => o.exchange === 'binance' && !before.has(`${o.exchange}:${o.cid}`) && o.created > start + MAX_BOOK_AGE_MS && o.created < end);
    c.check(during.length === 0, `${during.length} Binance order(s) while its feed was silent beyond ${MAX_BOOK_AGE_MS} ms: ${during.map((o) => `${o.cid} at +${o.created - start} ms`).join(', ')}`);
  } finally {
    await rig.sim.control.clearFaults();
    await rig.ticking(true);
  }
  await ledgerInvariants(rig, c);
  return { kind: 'hotpath-silence', seed, point: `binance silent ${silenceMs} ms`, killed: 0, invariantsChecked: c.n, violations: c.done(rig, `silence-${seed}`), ms: Date.now() - t0 };
}

function paperBalances(dataDir: string): Record<string, string> {
  const db = new Database(path.join(dataDir, 'state.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT scope, key, value FROM control_state WHERE scope LIKE 'paper-balances:%' ORDER BY scope, key").all() as Array<{ scope: string; key: string; value: string }>;
    return Object.fromEntries(rows.map((r) => [`${r.scope}/${r.key}`, r.value]));
  } finally {
    db.close();
  }
}

/**
 * A paper hot path trades, is paused through Temporal, is killed and restarted: paused, same paper
 * balances. It must be the only hot path on task queue `hotpath` (the pause goes to one of them).
 * `existing`: a running paper hot path and its data dir (else one is started, and stopped after).
 */
export async function hotpathPausedTrial(rig: Rig, seed: number, existing?: { hot: WorkerProcess; dir: string }, o: TrialOptions = {}): Promise<WorkerTrialResult> {
  const t0 = Date.now();
  const c = new Checks();
  const dir = existing?.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `worker-crash-paper-${seed}-`));
  const hot = existing?.hot ?? await rig.startHotpath(`paper hot path ${seed}`, 'paper', dir);
  let killed = 0;
  try {
    await until(`${hot.name} to apply BTC's split`, () => appliedBtc(hot), 60_000, rig.scale);
    const opening = paperBalances(dir);
    // Kraken cheap: the paper hot path buys there (the live trials mostly sold BTC on Kraken).
    await dislocate(rig, '2', 'kraken');
    // A frozen market sends one update and then nothing: one refused evaluation (a gate, a feed
    // still coming up) and the paper hot path never sees the opportunity again. A live market
    // keeps changing a deeper level, as in the silence trial.
    let touches = 0;
    await until(`${hot.name} to trade on paper`, async () => {
      const traded = withLedger(dir, (l) => l.entries({ kind: 'fill' }).length > 0);
      if (!traded) {
        await touch(rig, 'kraken', touches);
        await touch(rig, 'binance', touches++);
      }
      return traded;
    }, 60_000, rig.scale, 400);
    await rig.ticking(true);
    const snap = await rig.pauseHotpath(`chaos ${seed}: operator pause`);
    c.check(snap.paused, `the pause was not acknowledged: ${JSON.stringify(snap)}`);
    // Paused: no new attempt starts; the balances are settled once every started attempt has its result.
    const settled = await until('every paper attempt to have its result', () => withLedger(dir, (l) => {
      const results = new Set(l.entries({ kind: 'decision' }).filter((e) => e.details?.type === 'attempt-result').map((e) => e.correlationId));
      return l.entries({ kind: 'order-attempt' }).every((e) => results.has(e.correlationId)) ? paperBalances(dir) : undefined;
    }), 20_000, rig.scale);
    c.check(JSON.stringify(settled) !== JSON.stringify(opening), 'the paper balances never moved (the trial proves nothing about keeping them)');
    await hot.kill9();
    killed = 1;
    c.check(JSON.stringify(paperBalances(dir)) === JSON.stringify(settled), 'paper balances changed by the kill itself');
    hot.restart(o.restartEnv);
    await hot.ready(rig.scale);
    c.check(hot.logs('hot path starts paused: the pause or the kill switch survived the restart (an operator resumes)').length === 1, 'the restarted hot path did not start paused');
    await until(`the restarted ${hot.name} to apply BTC's split`, () => appliedBtc(hot), 60_000, rig.scale);
    const after = await rig.hotpathSnapshot();
    c.check(after.paused && after.pausedReason === `chaos ${seed}: operator pause`, `after the restart the hot path says paused=${String(after.paused)} (${after.pausedReason ?? ''})`);
    c.check(after.mode === 'BTC' && after.allocationPercent?.qbot === BTC_QBOT, `after the restart the hot path holds ${after.mode ?? '-'} ${after.allocationPercent?.qbot ?? '-'} %`);
    const restored = paperBalances(dir);
    c.check(JSON.stringify(restored) === JSON.stringify(settled), `paper balances after the restart differ: ${JSON.stringify(restored)} vs ${JSON.stringify(settled)}`);
  } finally {
    await rig.ticking(true);
    await hot.stop();
    if (!existing) {
      if (c.violations.length) c.violations.push(`(worker logs in ${rig.keepLogs(`paused-${seed}`)})`);
      await hot.proxy.close();
      rig.workers.splice(rig.workers.indexOf(hot), 1);
    }
  }
  await ledgerInvariants(rig, c, dir);
  if (!c.violations.length) {
    if (!existing) fs.rmSync(dir, { recursive: true, force: true });
  } else c.violations.push(`(paper data kept in ${dir})`);
  return { kind: 'hotpath-paused', seed, point: 'paused, kill -9', killed, invariantsChecked: c.n, violations: c.done(rig, `paused-${seed}`), ms: Date.now() - t0 };
}

/** Two orchestrators and two hot paths: every flip reaches both hot paths, nothing booked twice. */
export async function scaleOutTrial(rig: Rig, hotpaths: WorkerProcess[], flips: Array<'BTC' | 'GOLD'>, seed: number): Promise<WorkerTrialResult> {
  const t0 = Date.now();
  const c = new Checks();
  for (const mode of flips) {
    const flipId = await rig.setMode(mode, `chaos ${seed}: flip to ${mode}`);
    for (const h of hotpaths) {
      const got = await until(`${h.name} to apply the flip to ${mode}`, () => h.appliedModes().find((m) => m.flipId === flipId), 30_000, rig.scale).catch(() => undefined);
      const want = String(config.settings.modes.allocationPercent[mode].qbot);
      c.check(got !== undefined && got.mode === mode && got.qbot === want, `${h.name} did not apply the flip ${flipId} to ${mode} (${want} %): ${JSON.stringify(h.appliedModes().slice(-3))}`);
    }
    withLedger(rig.dataDir, (ledger) => {
      const flipLines = ledger.entries().filter((e) => e.idempotencyKey === `mode-flip:${flipId}`);
      c.check(flipLines.length <= 1, `flip ${flipId} booked ${flipLines.length} times`);
    });
  }
  await ledgerInvariants(rig, c);
  return { kind: 'scale-out', seed, point: `${flips.join('>')} over 2 orchestrators, ${hotpaths.length} hot paths`, killed: 0, invariantsChecked: c.n, violations: c.done(rig, `scale-out-${seed}`), ms: Date.now() - t0 };
}

// ---------------------------------------------------------------------------------------------

/** How many worker trials of each kind one `npm run chaos` runs (the kill trials at least ten each). */
export interface WorkerPlan {
  orchestratorKills: number;
  hotpathKills: number;
  silences: number;
  pausedKills: number;
  scaleOuts: number;
}

export const DEFAULT_WORKER_PLAN: WorkerPlan = { orchestratorKills: 10, hotpathKills: 10, silences: 3, pausedKills: 2, scaleOuts: 2 };

/**
 * Runs the worker trials on one stage (dev server, simulator, two orchestrators, two live hot
 * paths), reporting each as it ends. Kill points of the orchestrator trials cycle through
 * WITHDRAWAL_KILL_POINTS. A trial that throws is a violation, and the run goes on.
 */
export async function runWorkerTrials(plan: WorkerPlan, baseSeed: number, scale: number, report: (r: WorkerTrialResult) => void): Promise<WorkerTrialResult[]> {
  const { startRig } = await import('./worker-rig');
  const results: WorkerTrialResult[] = [];
  const rig = await startRig({ seed: baseSeed, scale });
  let seed = baseSeed;
  const run = async (kind: WorkerTrialKind, point: string, f: () => Promise<WorkerTrialResult>) => {
    const t0 = Date.now();
    seed += 1;
    const r = await f().catch((err: unknown): WorkerTrialResult => ({ kind, seed, point, killed: 0, invariantsChecked: 1, violations: [`trial failed: ${err instanceof Error ? err.message : String(err)}`], ms: Date.now() - t0 }));
    results.push(r);
    report(r);
  };
  try {
    const orchestrators = await Promise.all([rig.startOrchestrator('orchestrator A'), rig.startOrchestrator('orchestrator B')]);
    // Hot path 2 keeps paper accounts in its own dir: it sees every flip and trades every
    // dislocation on paper without sending orders to the exchange the live hot path trades on.
    const paperDir = path.join(rig.dataDir, 'paper-hot-path');
    fs.mkdirSync(paperDir);
    const hotpaths = await Promise.all([rig.startHotpath('hot path 1', 'live'), rig.startHotpath('hot path 2 (paper)', 'paper', paperDir)]);
    for (let i = 0; i < plan.scaleOuts; i++) await run('scale-out', 'flips', () => scaleOutTrial(rig, hotpaths, i % 2 === 0 ? ['BTC', 'GOLD', 'BTC'] : ['GOLD', 'BTC'], seed));
    await rig.setMode('BTC', 'chaos: worker trials run in BTC');
    for (let i = 0; i < plan.orchestratorKills; i++) {
      const point = WITHDRAWAL_KILL_POINTS[i % WITHDRAWAL_KILL_POINTS.length] as WithdrawalKillPoint;
      await run('orchestrator-withdrawal', point, () => orchestratorWithdrawalTrial(rig, orchestrators, seed, point));
    }
    const [hot, paper] = hotpaths as [WorkerProcess, WorkerProcess];
    for (let i = 0; i < plan.hotpathKills; i++) await run('hotpath-trade', 'between the legs', () => hotpathTradeTrial(rig, hot, seed));
    for (let i = 0; i < plan.silences; i++) await run('hotpath-silence', 'binance silent', () => hotpathSilenceTrial(rig, hot, seed));
    // The pause goes to one hot path on the queue: from here on only the paper one runs.
    await hot.stop();
    for (let i = 0; i < plan.pausedKills; i++) {
      await run('hotpath-paused', 'paused, kill -9', () => hotpathPausedTrial(rig, seed, i === 0 ? { hot: paper, dir: paperDir } : undefined));
    }
  } finally {
    const bad = results.some((r) => r.violations.length);
    await rig.close(bad);
    if (bad) console.log(`worker trials: data kept in ${rig.dataDir}`);
  }
  return results;
}

/** The worker trials' summary table (markdown, for docs/chaos.md). */
export function workerSummaryTable(results: WorkerTrialResult[]): string {
  const rows = results.map((r) => `| ${r.kind} | ${r.seed} | ${r.point} | ${r.killed ? 'yes' : 'no'} | ${r.invariantsChecked} | ${r.violations.filter((v) => !v.startsWith('(')).length} | ${(r.ms / 1000).toFixed(1)} s |`);
  const kinds = [...new Set(results.map((r) => r.kind))];
  const sum = (rs: WorkerTrialResult[], f: (r: WorkerTrialResult) => number) => rs.reduce((s, r) => s + f(r), 0);
  return [
    '| worker trial | seed | kill point | kill -9 | invariants checked | violations | time |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '| worker trial | trials | kill -9 + restart | invariants checked | violations |',
    '|---|---|---|---|---|',
    ...kinds.map((k) => {
      const rs = results.filter((r) => r.kind === k);
      return `| ${k} | ${rs.length} | ${sum(rs, (r) => r.killed)} | ${sum(rs, (r) => r.invariantsChecked)} | ${sum(rs, (r) => r.violations.filter((v) => !v.startsWith('(')).length)} |`;
    }),
  ].join('\n');
}
