/**
 * The chaos suite's money mover: a small process that moves money through the REAL adapters (ccxt
 * against the simulator), the real SQLite ledger and the real durable state, following the seeded
 * plan of test/chaos/plan.ts. It announces each crash point on stdout (`CHAOS {"at": ...}`) and
 * waits for a `go` line on stdin, so the driver can SIGKILL it at exactly that point. Restarted on
 * the same data dir it resumes: a step whose progress row says it may have reached the exchange is
 * first looked up there (client order id / withdrawal key), never sent blindly a second time.
 *
 * Env: CHAOS_SIM_URL, CHAOS_DATA_DIR, CHAOS_SEED.
 */
import * as readline from 'node:readline';
import { z } from 'zod';
import { loadConfig } from '../../config';
import { createExchangeAdapters, type ExchangeAdapters } from '../../adapters/exchanges/factory';
import { LedgerBookedTrading } from '../../adapters/exchanges/booked-trading';
import { bookOpeningBalances, decision, transferFailed, transferIn, transferOut } from '../../adapters/persistence/ledger-entries';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import { simulatorCcxtOptions } from '../../adapters/sim';
import { HotpathControl } from '../../hotpath/control';
import { reject } from '../../domain/arbitrage/rejection';
import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { ExchangeId } from '../../domain/market';
import type { Clock } from '../../ports/clock';
import type { OrderOutcome, OrderRequest, Trading } from '../../ports/trading';
import { depositEntry, depositMissingEntry, settleLateDeposits } from '../../activities/missing-deposits';
import { planFor, type Step } from './plan';

const clock: Clock = { now: () => Date.now() };
const COLD = '0x' + 'c0'.repeat(20);
const EXTERNAL_TRX = 'T' + 'Q'.repeat(33);
const STEPS = 'chaos-steps';
const MODE = 'chaos-mode';
/** How long a transfer to Kraken waits for the credit before it is booked as a missing deposit (times TEST_TIME_SCALE). */
const DEPOSIT_DEADLINE_MS = 2_000;

const emit = (o: object): void => {
  process.stdout.write(`CHAOS ${JSON.stringify(o)}\n`);
};

const lines: string[] = [];
const waiters: Array<(l: string) => void> = [];
readline.createInterface({ input: process.stdin }).on('line', (l) => {
  const w = waiters.shift();
  if (w) w(l);
  else lines.push(l);
});
async function point(at: string, step: number): Promise<void> {
  emit({ at, step });
  const next = lines.shift();
  if (next === undefined) await new Promise<string>((r) => waiters.push(r));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progressSchema = z.object({ phase: z.string(), outcome: z.string().optional() });
const modeSchema = z.object({ mode: z.enum(['BTC', 'GOLD']), allocation: z.record(z.string(), z.string()) });
const intentSchema = z.object({ to: z.enum(['BTC', 'GOLD']), flipId: z.string() });

/**
 * Trading that, for a client order id that may already be at the exchange (a step resumed after a
 * crash), looks the order up first and returns what the exchange has instead of sending again.
 * It also announces `after-order-sent` between the exchange's answer and the booking.
 */
class ResumingTrading implements Trading {
  readonly exchange: ExchangeId;
  resumeIds = new Set<string>();
  constructor(private readonly inner: Trading, private readonly step: () => number) {
    this.exchange = inner.exchange;
  }
  async placeOrder(req: OrderRequest): Promise<OrderOutcome> {
    const cid = req.clientOrderId as string;
    if (this.resumeIds.has(cid)) {
      const found = await this.inner.fetchOrderByClientId(req.symbol, cid);
      if (found.status !== 'not-found' && !(found.status === 'rejected' && found.code === 'UNKNOWN_OUTCOME')) {
        emit({ event: 'order-found-after-restart', cid });
        return found;
      }
    }
    const out = await this.inner.placeOrder(req);
    if (out.status === 'confirmed') await point('after-order-sent', this.step());
    return out;
  }
  cancelOrder(symbol: string, orderId: string) {
    return this.inner.cancelOrder(symbol, orderId);
  }
  fetchOrderByClientId(symbol: string, cid: string) {
    return this.inner.fetchOrderByClientId(symbol, cid);
  }
}

async function main(): Promise<void> {
  const simUrl = process.env.CHAOS_SIM_URL as string;
  const dataDir = process.env.CHAOS_DATA_DIR as string;
  const seed = Number(process.env.CHAOS_SEED);
  const config = loadConfig({ env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' } });
  const store = StateStore.open({ dataDir });
  const ledger = SqliteLedger.open({ dataDir });
  const control = new HotpathControl(clock, store);
  const stateView = () => {
    const m = store.get(MODE, 'current', modeSchema);
    const s = control.snapshot();
    return { mode: m?.mode ?? null, allocation: m?.allocation ?? null, paused: s.paused, pausedReason: s.pausedReason, killSwitch: control.killTrip()?.reason.code ?? null };
  };
  // First start: the mode the system starts in (BTC here, so the plan's first flip goes to GOLD).
  if (!store.get(MODE, 'current', modeSchema)) {
    store.set(MODE, 'current', { mode: 'BTC', allocation: Object.fromEntries(Object.entries(config.settings.modes.allocationPercent.BTC).map(([k, v]) => [k, String(v)])) });
  }
  emit({ event: 'resumed', pid: process.pid, state: stateView() });

  let current = 0;
  const venues = new Map<ExchangeId, ExchangeAdapters>();
  const trading = new Map<ExchangeId, { resuming: ResumingTrading; booked: LedgerBookedTrading }>();
  for (const exchange of ['binance', 'kraken'] as const) {
    const sim = simulatorCcxtOptions(simUrl, exchange);
    const v = await createExchangeAdapters({
      exchange, env: config.env, settings: config.settings, clock, networks: config.networks, urlsOverride: sim.urls, ccxtOptions: sim.ccxtOptions,
      marketData: { staleAfterMs: 1500 }, // Short back-offs so a 429/418 trial recovers within the trial (the rule is the same).
      rateBudget: { backoff429Ms: 300, backoff418Ms: 1_000, maxBackoffMs: 2_000 },
    });
    venues.set(exchange, v);
    const resuming = new ResumingTrading(v.trading, () => current);
    trading.set(exchange, { resuming, booked: new LedgerBookedTrading({ trading: resuming, ledger, clock, log: { info: () => undefined, warn: (o, m) => emit({ log: 'warn', m, o }), error: (o, m) => emit({ log: 'error', m, o }) } }) });
  }
  const books: Record<string, string[]> = { binance: ['BTC/USDT', 'PAXG/USDT'], kraken: ['BTC/USD'] };
  for (const [ex, syms] of Object.entries(books)) {
    // MarketData.markets() throws on a venue error (a 429 left over from before a crash): retry with back-off.
    for (let attempt = 1; ; attempt++) {
      try {
        await venues.get(ex as ExchangeId)?.marketData.watchBooks(syms, () => undefined);
        break;
      } catch (err) {
        emit({ event: 'startup-retry', exchange: ex, attempt, error: String(err).slice(0, 200) });
        if (attempt >= 10) throw err;
        await sleep(300 * attempt);
      }
    }
  }

  // Opening balances: the venue's inventory before the first booking, booked once.
  if (!store.get(STEPS, 'opening', progressSchema)) {
    for (const [ex, v] of venues) {
      const b = await retry(() => v.account.balances());
      if ('status' in b) throw new Error(`balances of ${ex}: ${b.reason}`);
      bookOpeningBalances(ledger, { at: clock.now(), exchange: ex, balances: Object.fromEntries(Object.entries(b.assets).map(([a, x]) => [a, x.total])) });
    }
    store.set(STEPS, 'opening', { phase: 'done' });
  }
  await point('ready', -1);

  const plan = planFor(seed);
  const outcomes: Array<{ step: number; kind: string; outcome: string }> = [];
  for (const [i, step] of plan.entries()) {
    current = i;
    const key = String(i);
    const prior = store.get(STEPS, key, progressSchema);
    if (prior?.phase === 'done') {
      outcomes.push({ step: i, kind: step.kind, outcome: prior.outcome ?? 'done' });
      continue;
    }
    const resumed = prior !== undefined;
    const outcome = await runStep(step, i, resumed);
    store.set(STEPS, key, { phase: 'done', outcome });
    outcomes.push({ step: i, kind: step.kind, outcome });
    emit({ event: 'step', step: i, kind: step.kind, outcome, state: stateView() });
  }
  // A deposit booked missing is asked after again (bounded): a late arrival is booked once, by the system's own code.
  const kraken = venues.get('kraken');
  let deposits = { arrived: 0, missing: 0 };
  if (kraken) {
    await waitFor(async () => {
      const r = await settleLateDeposits({ ledger, funding: { kraken: kraken.funding }, clock });
      deposits = { arrived: deposits.arrived + r.arrived.length, missing: r.missing.length };
      return r.missing.length === 0 ? true : undefined;
    }, 5_000);
  }
  emit({ event: 'done', outcomes, deposits, state: stateView() });
  for (const v of venues.values()) await v.close();
  ledger.close();
  store.close();
  process.exit(0);

  async function runStep(step: Step, i: number, resumed: boolean): Promise<string> {
    const key = String(i);
    store.set(STEPS, key, { phase: 'started' });
    switch (step.kind) {
      case 'pause':
        control.pause(step.reason);
        emit({ event: 'state', state: stateView() });
        await point('while-paused', i);
        // Paused: an order now must be refused, typed, with nothing sent.
        return guardTrading() ?? 'not-refused';
      case 'trip-kill':
        control.tripKill({ reason: reject('KILL_SWITCH', {}), at: clock.now() });
        emit({ event: 'state', state: stateView() });
        return guardTrading() ?? 'not-refused';
      case 'resume':
        control.resume();
        emit({ event: 'state', state: stateView() });
        return 'resumed';
      case 'withdraw':
        await point('before-withdraw-submit', i);
        return withdraw(i, step.asset, 'TRX', step.amount, step.key, step.to === 'kraken' ? 'kraken' : EXTERNAL_TRX);
      case 'sweep':
        return withdraw(i, 'PAXG', 'ETH', step.amount, step.key, COLD);
      case 'pair': {
        const a = await order(i, 'binance', 'BTC/USDT', 'buy', step.amount, step.buyCid, resumed);
        await point('between-legs', i);
        const b = await order(i, 'kraken', 'BTC/USD', 'sell', step.amount, step.sellCid, resumed);
        return `${a}|${b}`;
      }
      case 'flip': {
        const intent = store.get(MODE, 'intent', intentSchema);
        if (!intent) store.set(MODE, 'intent', { to: step.to, flipId: step.flipId });
        await point('flip-after-intent', i);
        const o = await order(i, 'binance', 'PAXG/USDT', step.to === 'GOLD' ? 'buy' : 'sell', step.amount, step.cid, resumed);
        await point('flip-after-order', i);
        const allocation = Object.fromEntries(Object.entries(config.settings.modes.allocationPercent[step.to]).map(([k, v]) => [k, String(v)]));
        // The new mode and the cleared intent commit together.
        store.transaction(() => {
          store.set(MODE, 'current', { mode: step.to, allocation });
          store.delete(MODE, 'intent');
        });
        emit({ event: 'state', state: stateView() });
        return `flipped:${step.to}:${o}`;
      }
    }
  }

  function guardTrading(): string | undefined {
    if (control.killTrip()) return 'refused:KILL_SWITCH';
    if (control.isPaused()) return 'refused:PAUSED';
    return undefined;
  }

  /** One leg: a fresh book, a marketable IOC limit, booked by LedgerBookedTrading; typed outcome. */
  async function order(i: number, ex: ExchangeId, symbol: string, side: 'buy' | 'sell', amount: string, cid: string, resumed: boolean): Promise<string> {
    const refused = guardTrading();
    if (refused) return refused;
    const t = trading.get(ex);
    const md = venues.get(ex)?.marketData;
    if (!t || !md) throw new Error(`no venue ${ex}`);
    if (resumed) t.resuming.resumeIds.add(cid);
    for (let attempt = 1; ; attempt++) {
      // No trade on a stale or broken book: wait (bounded) for it to be live again.
      const fresh = await waitFor(() => {
        const h = md.health().find((x) => x.symbol === symbol);
        const b = md.latestBook(symbol);
        return h?.state === 'live' && b && b.bids.length && b.asks.length ? b : undefined;
      }, 20_000);
      if (!fresh) {
        ledger.append([decision({ at: clock.now(), exchange: ex, correlationId: cid, key: `chaos:${cid}:stale`, details: { event: 'no-trade-stale-book', symbol } })]);
        return 'skipped:STALE_BOOK';
      }
      const top = side === 'buy' ? fresh.asks[0] : fresh.bids[0];
      if (!top) continue;
      const price = top.price.times(side === 'buy' ? '1.02' : '0.98');
      const out = await t.booked.placeOrder({ exchange: ex, symbol, side, type: 'ioc', amount: new Decimal(amount), price, clientOrderId: cid, correlationId: cid });
      if (out.status === 'confirmed') return `filled:${formatDecimal(out.filled)}`;
      emit({ event: 'order-rejected', cid, code: out.code, retryable: out.retryable, attempt });
      if (!out.retryable || attempt >= 8) return `rejected:${out.code}`;
      // A retry of a possibly-sent order looks it up first (same client order id, never a second order).
      t.resuming.resumeIds.add(cid);
      await sleep(250 * attempt);
    }
  }

  /** `destination`: an address, or `kraken` (its own deposit address: a transfer between venues, awaited and credited there). */
  async function withdraw(i: number, asset: string, network: string, amount: string, key: string, destination: string): Promise<string> {
    const v = venues.get('binance');
    const kraken = venues.get('kraken');
    if (!v || !kraken) throw new Error('no binance or kraken');
    const nets = await retry(() => v.funding.networks(asset));
    if ('status' in nets) return `rejected:${nets.code}`;
    const net = nets.find((n) => (n.network === network || n.network.includes(network === 'TRX' ? 'TRC' : 'ERC')) && n.withdrawEnabled);
    if (!net) return 'rejected:NETWORK_DISABLED';
    const toVenue = destination === 'kraken';
    let address = destination;
    if (toVenue) {
      const got = await retry(() => kraken.funding.depositAddress(asset, net.network));
      if ('status' in got) return `rejected:${got.code}`;
      address = got.address;
    }
    const gross = new Decimal(amount);
    let sub;
    for (let attempt = 1; ; attempt++) {
      sub = await v.funding.withdraw({ asset, network: net.network, amount: gross, address, idempotencyKey: key });
      if (sub.status === 'submitted' || !sub.retryable || attempt >= 8) break;
      await sleep(250 * attempt);
    }
    if (sub.status !== 'submitted') return `rejected:${sub.code}`;
    await point(address === COLD ? 'sweep-after-submit' : 'after-withdraw-submitted', i);
    // The venue takes the gross amount; the fee comes out of what arrives (the simulator's Binance).
    const sent = gross.minus(net.withdrawFee);
    const lines = transferOut({ at: clock.now(), from: 'binance', to: address === COLD ? 'cold-wallet' : toVenue ? 'kraken' : 'binance', asset, amount: sent, fee: net.withdrawFee, network: net.network, withdrawalId: sub.id, correlationId: key });
    if (address === COLD) lines.push(transferIn({ at: clock.now(), to: 'cold-wallet', from: 'binance', asset, amount: sent, txid: `pending:${sub.id}`, correlationId: key }));
    ledger.append(lines);
    const final = await waitFor(async () => {
      const st = await v.funding.withdrawalStatus(sub.id);
      return st.status === 'confirmed' || st.status === 'failed' ? st : undefined;
    }, 1_500);
    // Still pending (a stuck withdrawal, a deposit that never arrives): booked as sent, typed as pending.
    if (!final) return 'pending';
    if (final.status === 'failed') {
      ledger.append([transferFailed({ at: clock.now(), from: 'binance', asset, refunded: gross, withdrawalId: sub.id, reason: final.reason, correlationId: key })]);
      return 'failed:refunded';
    }
    if (!toVenue) return 'confirmed';
    // Between venues: confirmed only once Kraken credits it; not by the deadline = typed, kept in transit.
    const txid = final.txid ?? '';
    const credited = await waitFor(async () => {
      const d = await kraken.funding.depositStatus({ asset, txid, since: clock.now() - 3_600_000 });
      return d.status === 'confirmed' ? d : undefined;
    }, DEPOSIT_DEADLINE_MS);
    if (credited) {
      ledger.append([depositEntry({ at: clock.now(), to: 'kraken', from: 'binance', asset, received: credited.amount ?? sent, txid, correlationId: key })]);
      return 'confirmed';
    }
    ledger.append([depositMissingEntry({
      correlationId: key, from: 'binance', to: 'kraken', asset, inTransit: formatDecimal(sent), txid, withdrawalId: sub.id, since: clock.now(),
      reason: `not credited within ${DEPOSIT_DEADLINE_MS} ms`,
    })]);
    await point('deposit-missing', i);
    return 'deposit-missing';
  }
}

async function retry<T>(fn: () => Promise<T | { status: 'rejected'; retryable?: boolean }>): Promise<T | { status: 'rejected'; code: string; reason: string }> {
  for (let attempt = 1; ; attempt++) {
    const r = await fn();
    const rej = r as { status?: string; retryable?: boolean };
    if (rej.status !== 'rejected' || !rej.retryable || attempt >= 10) return r as T;
    await sleep(200 * attempt);
  }
}

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const scale = Number(process.env.TEST_TIME_SCALE ?? '1') || 1;
  const deadline = Date.now() + ms * scale;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) return undefined;
    await sleep(50);
  }
}

main().catch((err: unknown) => {
  emit({ event: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) });
  process.exit(1);
});
