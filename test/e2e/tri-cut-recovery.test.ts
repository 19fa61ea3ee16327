import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal, ZERO } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import { OrdersInFlight } from '../../adapters/persistence/orders-in-flight';
import { LedgerBookedTrading } from '../../adapters/exchanges/booked-trading';
import type { ExchangeAdapters } from '../../adapters/exchanges';
import type { OrderRequest, Trading } from '../../ports/trading';
import type { TriEvaluation } from '../../domain/arbitrage';
import { loadConfig } from '../../config/loader';
import { LegRecovery, type RecoveryResult } from '../../hotpath/leg-recovery';
import { BookCache } from '../../hotpath/book-cache';
import { Executor } from '../../hotpath/executor';
import { createLogger } from '../../hotpath/logger';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import { adaptersFor } from '../adapters/helpers/exchange-harness';
import { waitUntil } from '../helpers/wait';

/**
 * A triangle USDT > BTC > ETH > USDT on Binance cut between its legs by a kill -9, recovered by
 * the restarted process's start path: the unanswered orders looked up and booked from the exchange
 * (`recoverUnanswered`), then `LegRecovery` against fresh books. Real ccxt against the simulator,
 * SQLite ledger and state on disk reopened at each "restart"; the books are set and held still, so
 * each case's choice (finish, unwind, hold) is the policy's and not the market's drift.
 */

const D = (s: string) => new Decimal(s);
const EX = 'binance' as const;
const ASSETS = ['USDT', 'BTC', 'ETH', 'BNB'];
const BOUND = D('0.5');
const TAKER = D('0.001');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'tri-cut-recovery');
type Levels = Array<[string, string]>;

/** Fresh books where finishing and unwinding both stay within 0.5 %: BTC 64000, ETH 3104 = 0.0485 BTC. */
const FAIR: Record<string, { bids: Levels; asks: Levels }> = {
  'BTC/USDT': { bids: [['64000', '5'], ['63990', '5']], asks: [['64010', '5'], ['64020', '5']] },
  'ETH/BTC': { bids: [['0.0485', '50'], ['0.04849', '50']], asks: [['0.04851', '50'], ['0.04852', '50']] },
  'ETH/USDT': { bids: [['3104', '50'], ['3103', '50']], asks: [['3104.5', '50'], ['3105', '50']] },
};
/** ETH/USDT 2 % lower: finishing the triangle would lose about 2 %. */
const ETH_SLUMP = { bids: [['3040', '50'], ['3039', '50']] as Levels, asks: [['3041', '50'], ['3042', '50']] as Levels };
/** BTC/USDT 2 % lower: selling the BTC back would lose about 2 %. */
const BTC_SLUMP = { bids: [['62700', '5'], ['62690', '5']] as Levels, asks: [['62710', '5'], ['62720', '5']] as Levels };

describe('a triangle cut between its legs by a kill -9 is finished, unwound or held at restart', () => {
  let sim: RunningSimulator;
  let dir: string;
  let markets: Market[];
  const closers: Array<() => Promise<void> | void> = [];

  beforeEach(async () => {
    sim = await startSimulator({ port: 0, seed: 29, autoTick: false, dislocationRate: 0, exchanges: [EX] });
    for (const [s, b] of Object.entries(FAIR)) sim.control.setBook(EX, s, b.bids, b.asks);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tri-cut-'));
    const ad = await adaptersFor(sim, EX);
    markets = (await ad.marketData.markets()).filter((m) => m.symbol in FAIR);
    await ad.close();
  });
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** One process's view of the data dir and the venue (a new call is a restarted process). */
  async function processOn(inner?: (t: Trading) => Trading) {
    const ledger = SqliteLedger.open({ file: path.join(dir, 'ledger.sqlite') });
    const state = StateStore.open({ file: path.join(dir, 'state.sqlite') });
    const ad: ExchangeAdapters = await adaptersFor(sim, EX);
    closers.push(() => ledger.close(), () => state.close(), () => ad.close());
    const inFlight = new OrdersInFlight(state, EX);
    const booked = new LedgerBookedTrading({ trading: inner ? inner(ad.trading) : ad.trading, ledger, clock: { now: () => Date.now() }, log: silent, inFlight });
    return { ledger, state, inFlight, booked };
  }

  /** The killed run: its decision line, then each leg booked from its answer or sent with the answer lost. */
  async function killedRun(id: string, legs: Array<{ req: OrderRequest; answered: boolean }>) {
    const p = await processOn();
    p.ledger.append([{ kind: 'decision', at: Date.now(), correlationId: id, idempotencyKey: `attempt:${id}:decision`, details: { type: 'opportunity', ...triDecision() } }]);
    for (const { req, answered } of legs) {
      if (answered) expect(await p.booked.placeOrder(req)).toMatchObject({ status: 'confirmed' });
      else {
        // kill -9 after the send: the row is durable, the exchange fills, nothing is booked.
        p.inFlight.sent(req.clientOrderId!, req, Date.now());
        const ad = await adaptersFor(sim, EX);
        expect(await ad.trading.placeOrder(req)).toMatchObject({ status: 'confirmed' });
        await ad.close();
      }
    }
    for (const c of closers.splice(0).reverse()) await c();
  }

  /** A restart: the unanswered orders booked from the exchange, then the cut trades found and recovered. */
  async function restart(o: { halted?: () => string | null; inner?: (t: Trading) => Trading; outer?: (t: Trading) => Trading } = {}) {
    const p = await processOn(o.inner);
    await p.booked.recoverUnanswered();
    const r = recoveryOn(p, o);
    return { ...p, ...r, found: r.recovery.find() };
  }

  /** The process's LegRecovery as the hot path wires it (what it resolved and left open recorded). */
  function recoveryOn(p: Awaited<ReturnType<typeof processOn>>, o: { halted?: () => string | null; outer?: (t: Trading) => Trading } = {}) {
    const resolved: RecoveryResult[] = [];
    const leftOpen: string[] = [];
    const recovery = new LegRecovery({
      ledger: p.ledger, trading: new Map([[EX, o.outer ? o.outer(p.booked) : p.booked]]), markets, book: liveBook, fee: () => TAKER,
      singleLeg: { policy: 'unwind', maxLossPercent: BOUND }, usd: (a) => usdOf(a), now: () => Date.now(), log,
      unansweredAttempts: () => new Set(p.inFlight.unanswered().map((u) => u.request.correlationId ?? u.clientOrderId)),
      ...(o.halted ? { halted: o.halted } : {}),
      onResolved: (r) => resolved.push(r), onLeftOpen: (x) => leftOpen.push(x.reason), bookWaitMs: 0,
    });
    return { recovery, resolved, leftOpen };
  }

  /** A live triangle sent by the hot path's Executor, its short leg handed to the process's LegRecovery. */
  async function liveTriangle(id: string, legs: { eth: string; ethOut: string }, o: { outer?: (t: Trading) => Trading } = {}) {
    const p = await processOn();
    const r = recoveryOn(p, o);
    const cache = new BookCache(markets);
    for (const s of Object.keys(FAIR)) cache.apply(liveBook(EX, s)!);
    const config = { ...qbotConfigFrom(loadConfig({ env: {} })), singleLeg: { policy: 'unwind' as const, maxLossPercent: BOUND } };
    const executor = new Executor({
      trading: new Map([[EX, p.booked]]), ledger: p.ledger, cache, config, locked: new Set(), usd: (a) => usdOf(a), now: () => Date.now(), newId: () => id, log,
      recovery: () => r.recovery,
    });
    return { ...p, ...r, attempt: executor.executeTri(triEvaluation(legs)) };
  }

  /** A process that dies (its promise never settles) once an order has gone through `t`. */
  const dies = (then: () => void) => (t: Trading): Trading => Object.assign(Object.create(t) as Trading, {
    placeOrder: async (req: OrderRequest) => {
      await t.placeOrder(req);
      then();
      return new Promise<never>(() => undefined);
    },
  });

  function liveBook(exchange: string, symbol: string): OrderBook | undefined {
    if (exchange !== EX || !(symbol in FAIR)) return undefined;
    const b = sim.control.book(EX, symbol);
    const lv = (xs: Levels) => xs.map(([p, a]) => ({ price: D(p), amount: D(a) }));
    return { exchange: EX, symbol, bids: lv(b.bids), asks: lv(b.asks), receivedAt: Date.now() };
  }
  const mid = (s: string) => D(sim.control.book(EX, s).bids[0]![0]).plus(sim.control.book(EX, s).asks[0]![0]).div(2);
  const usdOf = (a: string) => (a === 'USDT' ? D('1') : a === 'BTC' ? mid('BTC/USDT') : a === 'ETH' ? mid('ETH/USDT') : undefined);
  const triDecision = () => ({
    strategy: 'triangular', sizeAsset: 'USDT', path: 'USDT>BTC>ETH>USDT',
    legs: [
      { exchange: EX, symbol: 'BTC/USDT', side: 'buy', amount: '0.05', limitPrice: '64100', vwap: '64010' },
      { exchange: EX, symbol: 'ETH/BTC', side: 'buy', amount: '1.03', limitPrice: '0.04860', vwap: '0.04851' },
      { exchange: EX, symbol: 'ETH/USDT', side: 'sell', amount: '1.03', limitPrice: '3100', vwap: '3104' },
    ],
  });
  const leg = (symbol: string, side: 'buy' | 'sell', amount: string, worstPrice: string, vwap: string) => ({
    exchange: EX, symbol, side, amount: D(amount), worstPrice: D(worstPrice), vwap: D(vwap), spent: ZERO, received: ZERO, fee: ZERO,
  });
  const triEvaluation = (l: { eth: string; ethOut: string }): TriEvaluation => ({
    strategy: 'triangular', exchange: EX, path: 'USDT>BTC>ETH>USDT', start: 'USDT', size: D('3200.5'),
    legs: [leg('BTC/USDT', 'buy', '0.05', '64100', '64010'), leg('ETH/BTC', 'buy', l.eth, '0.0486', '0.04851'), leg('ETH/USDT', 'sell', l.ethOut, '3100', '3104')],
    grossProfit: ZERO, grossPercent: ZERO, netProfit: ZERO, netPercent: ZERO, thresholdPercent: ZERO,
  });
  const leg1 = (id: string): OrderRequest => ({ exchange: EX, symbol: 'BTC/USDT', side: 'buy', type: 'ioc', amount: D('0.05'), price: D('64100'), clientOrderId: `${id}-leg1`, correlationId: id });
  const leg2 = (id: string, eth: string): OrderRequest => ({ exchange: EX, symbol: 'ETH/BTC', side: 'buy', type: 'ioc', amount: D(eth), price: D('0.0486'), clientOrderId: `${id}-leg2`, correlationId: id });

  const totals = () => Object.fromEntries(ASSETS.map((a) => [a, D(sim.control.balances(EX)[a]?.total ?? '0')]));
  const cids = (id: string) => sim.control.orders(EX).map((o) => o.clientOrderId).filter((c): c is string => typeof c === 'string' && c.startsWith(id)).sort();
  const deltas = (ledger: SqliteLedger, id: string) => {
    const out = new Map<string, Decimal>();
    for (const e of ledger.entries({ correlationId: id })) if (e.delta && e.asset) out.set(e.asset, (out.get(e.asset) ?? ZERO).plus(e.delta));
    return out;
  };
  const results = (ledger: SqliteLedger, id: string) => ledger.entries({ kind: 'decision', correlationId: id }).filter((e) => e.idempotencyKey === `attempt:${id}:result`);
  const committed = (ledger: SqliteLedger, id: string) => ledger.entries({ kind: 'decision', correlationId: id }).find((e) => e.idempotencyKey === `attempt:${id}:recovery`)?.details as { action?: string; passedOver?: string } | undefined;

  /** Every asset the ledger implies moved equals what moved at the exchange, to the last unit. */
  function expectLedgerEqualsExchange(ledger: SqliteLedger, before: Record<string, Decimal>) {
    const now = totals();
    const implied = (a: string) => ledger.impliedBalances().find((b) => b.exchange === EX && b.asset === a)?.amount ?? ZERO;
    for (const a of ASSETS) expect(`${a} ${formatDecimal(implied(a))}`).toBe(`${a} ${formatDecimal(now[a]!.minus(before[a]!))}`);
  }
  /** Back in the start currency: the intermediate coins left are below what an order can take. */
  function expectNothingLeftOpen(ledger: SqliteLedger, id: string, btcDust = '0.00001') {
    const d = deltas(ledger, id);
    expect({ BTC: (d.get('BTC') ?? ZERO).abs().lt(btcDust), ETH: (d.get('ETH') ?? ZERO).abs().lt('0.0001') }).toEqual({ BTC: true, ETH: true });
  }

  it('two legs filled (the second one\'s answer lost): the third leg finishes it, booked once, within the bound', async () => {
    const id = 'tri-2f';
    const before = totals();
    await killedRun(id, [{ req: leg1(id), answered: true }, { req: leg2(id, '1.0296'), answered: false }]);
    const r = await restart();
    expect(r.found).toEqual([id]);
    const [done] = await r.recovery.recover();
    expect(done).toMatchObject({ attemptId: id, outcome: 'finish' });
    expect(cids(id)).toEqual([`${id}-finish-l3`, `${id}-leg1`, `${id}-leg2`]);
    expect(results(r.ledger, id)[0]!.details).toMatchObject({ status: 'recovered', recovery: 'finish' });
    expectNothingLeftOpen(r.ledger, id);
    // The whole trade, three taker fees in, within the bound of the 3200.5 USDT spent.
    expect(done!.realisedPnlUsd.gte(D('-16'))).toBe(true);
    expectLedgerEqualsExchange(r.ledger, before);
    expect(r.recovery.exposure()).toEqual([]);
  }, 60_000);

  it('one leg filled and finishing beyond the bound: the BTC is sold back for USDT, exactly what the leg left, not the account\'s other BTC', async () => {
    const id = 'tri-1u';
    const before = totals();
    await killedRun(id, [{ req: leg1(id), answered: false }]);
    sim.control.setBook(EX, 'ETH/USDT', ETH_SLUMP.bids, ETH_SLUMP.asks);
    const r = await restart();
    const [done] = await r.recovery.recover();
    expect(done).toMatchObject({ outcome: 'unwind' });
    expect(committed(r.ledger, id)).toMatchObject({ action: 'unwind', passedOver: expect.stringMatching(/^finish: would lose 2\.\d+% \(bound 0\.5%\)/) });
    expect(cids(id)).toEqual([`${id}-leg1`, `${id}-unwind-l1`]);
    const unwound = sim.control.orders(EX).find((o) => o.clientOrderId === `${id}-unwind-l1`)!;
    const leftByLeg1 = deltas(r.ledger, id).get('BTC')!.plus(D(unwound.filled));
    // What leg 1 left after its fee, down to the market's step: never more than the booked fill.
    expect(D(unwound.filled).lte(leftByLeg1)).toBe(true);
    expect(leftByLeg1.minus(unwound.filled).lt('0.00001')).toBe(true);
    expectNothingLeftOpen(r.ledger, id);
    expect(D(sim.control.balances(EX).BTC!.total).minus(before.BTC!).abs().lt('0.00001')).toBe(true);
    expectLedgerEqualsExchange(r.ledger, before);
  }, 60_000);

  it('a kill during the unwind of two filled legs: the second restart books the order in flight and sends only the last step, nothing twice', async () => {
    const id = 'tri-2u';
    const before = totals();
    await killedRun(id, [{ req: leg1(id), answered: true }, { req: leg2(id, '1.0296'), answered: false }]);
    sim.control.setBook(EX, 'ETH/USDT', ETH_SLUMP.bids, ETH_SLUMP.asks);
    // The first restart commits the unwind and is killed once its first order (ETH -> BTC) has reached the exchange.
    let reached = false;
    const first = await restart({ inner: dies(() => (reached = true)) });
    void first.recovery.recover();
    await waitUntil('the unwind\'s first order at the exchange', () => reached, 10_000);
    expect(committed(first.ledger, id)).toMatchObject({ action: 'unwind' });
    expect(cids(id)).toEqual([`${id}-leg1`, `${id}-leg2`, `${id}-unwind-l2`]);
    for (const c of closers.splice(0).reverse()) await c();
    // The second restart: the unwind's first order found and booked, then only BTC -> USDT goes out.
    const second = await restart();
    expect(second.found).toEqual([id]);
    const [done] = await second.recovery.recover();
    expect(done).toMatchObject({ outcome: 'unwind' });
    expect(cids(id)).toEqual([`${id}-leg1`, `${id}-leg2`, `${id}-unwind-l1`, `${id}-unwind-l2`]);
    expect(second.ledger.entries({ kind: 'decision', correlationId: id }).map((e) => (e.details as { event?: string }).event)).toContain('order-found-at-start');
    expectNothingLeftOpen(second.ledger, id);
    expectLedgerEqualsExchange(second.ledger, before);
    // A third start finds nothing to do and sends nothing.
    for (const c of closers.splice(0).reverse()) await c();
    const third = await restart();
    expect(third.found).toEqual([]);
    expect(await third.recovery.recover()).toEqual([]);
    expect(results(third.ledger, id)).toHaveLength(1);
    expect(cids(id)).toEqual([`${id}-leg1`, `${id}-leg2`, `${id}-unwind-l1`, `${id}-unwind-l2`]);
  }, 60_000);

  it('a kill after the last recovery order was booked, before the result: the next start books the result and sends nothing', async () => {
    const id = 'tri-late';
    const before = totals();
    await killedRun(id, [{ req: leg1(id), answered: false }]);
    sim.control.setBook(EX, 'ETH/USDT', ETH_SLUMP.bids, ETH_SLUMP.asks);
    let booked = false;
    // Killed once the unwind's fill is in the ledger, before the result line.
    const first = await restart({ outer: dies(() => (booked = true)) });
    void first.recovery.recover();
    await waitUntil('the unwind booked', () => booked, 10_000);
    expect(results(first.ledger, id)).toEqual([]);
    for (const c of closers.splice(0).reverse()) await c();
    const second = await restart();
    expect(second.found).toEqual([id]);
    const [done] = await second.recovery.recover();
    expect(done).toMatchObject({ outcome: 'unwind' });
    expect(cids(id)).toEqual([`${id}-leg1`, `${id}-unwind-l1`]);
    expect(results(second.ledger, id)).toHaveLength(1);
    expectNothingLeftOpen(second.ledger, id);
    expectLedgerEqualsExchange(second.ledger, before);
  }, 60_000);

  it('the second leg partly filled (BTC and ETH both on hand): each is brought back, the trade judged as a whole', async () => {
    const id = 'tri-part';
    const before = totals();
    // A thin ETH/BTC book: the IOC for 1.0296 ETH fills 0.5 and the rest of it is cancelled.
    sim.control.setBook(EX, 'ETH/BTC', FAIR['ETH/BTC']!.bids, [['0.04851', '0.5'], ['0.06', '50']]);
    await killedRun(id, [{ req: leg1(id), answered: true }, { req: leg2(id, '1.0296'), answered: false }]);
    sim.control.setBook(EX, 'ETH/BTC', FAIR['ETH/BTC']!.bids, FAIR['ETH/BTC']!.asks);
    const r = await restart();
    const [done] = await r.recovery.recover();
    expect(r.leftOpen).toEqual([]);
    expect(done).toMatchObject({ attemptId: id, outcome: 'finish' });
    // ETH sold (leg 3), the BTC bought into ETH (leg 2) and sold: what BTC is left is under ETH/BTC's
    // minimum notional (0.0001 BTC), the part the buy kept back so as never to spend more than it held.
    expect(cids(id)).toEqual([`${id}-finish-l2`, `${id}-finish-l3`, `${id}-finish-l3-r2`, `${id}-leg1`, `${id}-leg2`]);
    expectNothingLeftOpen(r.ledger, id, '0.0001');
    expect(done!.realisedPnlUsd.gte(D('-16'))).toBe(true);
    expectLedgerEqualsExchange(r.ledger, before);
  }, 60_000);

  it('neither path within the bound: held, the reason booked in the ledger and counted once for the kill switch, not the pause before it', async () => {
    const id = 'tri-hold';
    await killedRun(id, [{ req: leg1(id), answered: false }]);
    let paused: string | null = 'paused';
    const r = await restart({ halted: () => paused });
    // Paused by the operator while the finish was still good: a wait, not a failure.
    await r.recovery.recover();
    expect(r.recovery.exposure()).toEqual([expect.objectContaining({ state: 'holding', reason: expect.stringMatching(/paused/) })]);
    expect(r.leftOpen).toEqual([]);
    // Meanwhile both ways back fell 2 %; the operator resumes.
    sim.control.setBook(EX, 'ETH/USDT', ETH_SLUMP.bids, ETH_SLUMP.asks);
    sim.control.setBook(EX, 'BTC/USDT', BTC_SLUMP.bids, BTC_SLUMP.asks);
    paused = null;
    await r.recovery.recover();
    await r.recovery.recover();
    expect(r.leftOpen).toEqual([expect.stringMatching(/^finish: would lose 2\.\d+% .*; unwind: would lose 2\.\d+% /)]);
    const held = r.ledger.entries({ kind: 'decision', correlationId: id }).filter((e) => (e.details as { type?: string }).type === 'leg-recovery-held');
    expect(held.map((e) => (e.details as { reason: string }).reason)).toEqual([expect.stringMatching(/^finish: would lose .*; unwind: would lose /)]);
    expect(r.recovery.exposure()).toEqual([expect.objectContaining({ attemptId: id, asset: 'BTC', state: 'holding' })]);
    expect(results(r.ledger, id)).toEqual([]);
    expect(cids(id)).toEqual([`${id}-leg1`]);
  }, 60_000);

  const singleLegLines = (ledger: SqliteLedger, id: string) => ledger.entries({ kind: 'decision', correlationId: id }).filter((e) => (e.details as { type?: string }).type === 'single-leg');

  it('live: the third leg finds no bid within its limit (ETH/USDT fell between legs): the short leg goes to the recovery, both legs unwound to USDT, one result line', async () => {
    const id = 'tri-live3';
    const before = totals();
    sim.control.setBook(EX, 'ETH/USDT', ETH_SLUMP.bids, ETH_SLUMP.asks);
    const r = await liveTriangle(id, { eth: '1.0296', ethOut: '1.0285' });
    const attempt = await r.attempt;
    expect(attempt.status).toBe('single-leg');
    expectNothingLeftOpen(r.ledger, id);
    expect(r.resolved).toEqual([expect.objectContaining({ attemptId: id, outcome: 'unwind' })]);
    expect(cids(id)).toEqual([`${id}-leg1`, `${id}-leg2`, `${id}-leg3`, `${id}-unwind-l1`, `${id}-unwind-l2`]);
    // The recovery's own lines, not the executor's single-leg correction and result.
    expect(singleLegLines(r.ledger, id)).toEqual([]);
    expect(results(r.ledger, id).map((e) => e.details)).toEqual([expect.objectContaining({ status: 'recovered', recovery: 'unwind' })]);
    expectNothingLeftOpen(r.ledger, id);
    expectLedgerEqualsExchange(r.ledger, before);
    expect(r.recovery.exposure()).toEqual([]);
  }, 60_000);

  it('live: the second leg fills in part (a thin ETH/BTC book): the BTC and the ETH on hand are both brought back, one result line', async () => {
    const id = 'tri-live2';
    const before = totals();
    // The IOC for 1.0296 ETH fills 0.5; the rest of the book is beyond its limit.
    sim.control.setBook(EX, 'ETH/BTC', FAIR['ETH/BTC']!.bids, [['0.04851', '0.5'], ['0.06', '50']]);
    const r = await liveTriangle(id, { eth: '1.0296', ethOut: '1.0285' });
    expect((await r.attempt).status).toBe('single-leg');
    expectNothingLeftOpen(r.ledger, id, '0.0001');
    expect(r.resolved).toEqual([expect.objectContaining({ attemptId: id })]);
    expect(r.leftOpen).toEqual([]);
    expect(singleLegLines(r.ledger, id)).toEqual([]);
    expect(results(r.ledger, id).map((e) => e.details)).toEqual([expect.objectContaining({ status: 'recovered' })]);
    expectNothingLeftOpen(r.ledger, id, '0.0001');
    expectLedgerEqualsExchange(r.ledger, before);
  }, 60_000);

  it('live: a kill -9 during the live recovery of a short third leg is picked up at restart, nothing sent twice', async () => {
    const id = 'tri-livek';
    const before = totals();
    sim.control.setBook(EX, 'ETH/USDT', ETH_SLUMP.bids, ETH_SLUMP.asks);
    let reached = false;
    // The process dies once the recovery's first order (ETH -> BTC) has reached the exchange.
    const live = await liveTriangle(id, { eth: '1.0296', ethOut: '1.0285' }, { outer: dies(() => (reached = true)) });
    void live.attempt;
    await waitUntil('the live recovery\'s first order at the exchange', () => reached, 10_000);
    expect(results(live.ledger, id)).toEqual([]);
    for (const c of closers.splice(0).reverse()) await c();
    const second = await restart();
    expect(second.found).toEqual([id]);
    const [done] = await second.recovery.recover();
    expect(done).toMatchObject({ outcome: 'unwind' });
    expect(cids(id)).toEqual([`${id}-leg1`, `${id}-leg2`, `${id}-leg3`, `${id}-unwind-l1`, `${id}-unwind-l2`]);
    expect(results(second.ledger, id)).toHaveLength(1);
    expectNothingLeftOpen(second.ledger, id);
    expectLedgerEqualsExchange(second.ledger, before);
  }, 60_000);
});
