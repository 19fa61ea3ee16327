import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal, ZERO } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { ExchangeId } from '../../domain/market';
import { loadConfig } from '../../config/loader';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import { OrdersInFlight } from '../../adapters/persistence/orders-in-flight';
import { LedgerBookedTrading } from '../../adapters/exchanges/booked-trading';
import type { OrderRequest } from '../../ports/trading';
import { HotpathControl } from '../../hotpath/control';
import { startHotpath, type HotpathProcess } from '../../workers/hotpath';
import { adaptersFor } from '../adapters/helpers/exchange-harness';
import { waitUntil } from '../helpers/wait';

const D = (s: string) => new Decimal(s);
const ASSETS = ['USDT', 'USD', 'BTC', 'ETH', 'BNB'];
const BOUND_PERCENT = '2';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A hot path killed (kill -9) between the legs of a trade: the order it had sent filled at the
 * exchange, its answer never came, the other legs were never sent. At the next start the order is
 * looked up and booked (orders in flight), and the cut trade is recovered by the single-leg policy
 * against the live books: finished, unwound, or held and shown; booked once, resumable after a
 * second kill. Real ccxt against the simulator, SQLite ledger and state on disk, the real
 * `startHotpath` in live mode (orders go to the simulator).
 */
describe('a trade cut between its legs by a crash is recovered at the next start', () => {
  let sim: RunningSimulator;
  let dir: string;
  let ticking: NodeJS.Timeout;
  const running: HotpathProcess[] = [];
  const closers: Array<() => void> = [];

  async function stage(exchanges: ExchangeId[]) {
    sim = await startSimulator({ port: 0, seed: 23, autoTick: false, dislocationRate: 0, exchanges });
    ticking = setInterval(() => sim.control.step(), 100);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leg-recovery-'));
  }
  afterEach(async () => {
    clearInterval(ticking);
    for (const hp of running.splice(0)) await hp.close().catch(() => undefined);
    for (const c of closers.splice(0)) c();
    await sim?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const files = () => {
    const ledger = SqliteLedger.open({ file: path.join(dir, 'ledger.sqlite') });
    const state = StateStore.open({ file: path.join(dir, 'state.sqlite') });
    closers.push(() => ledger.close(), () => state.close());
    return { ledger, state };
  };

  /** What the killed run left: its decision line, then each order either booked or sent with its answer lost. */
  async function killedRun(id: string, decision: Record<string, unknown>, orders: Array<{ req: OrderRequest; answered: boolean }>, extraLines: Parameters<SqliteLedger['append']>[0] = []) {
    const { ledger, state } = files();
    ledger.append([{ kind: 'decision', at: Date.now(), correlationId: id, idempotencyKey: `attempt:${id}:decision`, details: { type: 'opportunity', ...decision } }]);
    for (const { req, answered } of orders) {
      const ad = await adaptersFor(sim, req.exchange);
      const inFlight = new OrdersInFlight(state, req.exchange);
      if (answered) {
        const out = await new LedgerBookedTrading({ trading: ad.trading, ledger, clock: { now: () => Date.now() }, log: silent, inFlight }).placeOrder(req);
        expect(out).toMatchObject({ status: 'confirmed' });
      } else {
        // kill -9 after the send: the row is durable, the exchange fills, nothing is booked.
        inFlight.sent(req.clientOrderId!, req, Date.now());
        expect(await ad.trading.placeOrder(req)).toMatchObject({ status: 'confirmed' });
      }
      await ad.close();
    }
    ledger.append(extraLines);
    ledger.close();
    state.close();
    closers.splice(0);
  }

  async function restart(exchanges: ExchangeId[], opts: { paused?: boolean } = {}) {
    const { ledger, state } = files();
    const cfg = loadConfig({
      env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', TRADING_MODE: 'live', LATENCY_MODE: 'laptop', BINANCE_API_KEY: 'sim', BINANCE_API_SECRET: 'sim', KRAKEN_API_KEY: 'sim', KRAKEN_API_SECRET: Buffer.from('sim').toString('base64') },
    });
    // The simulator's market keeps moving while the coin is held (0.2-0.7 % in a few seconds): a
    // 2 % bound keeps these tests about the recovery, the 0.5 % default's choices are unit-tested.
    const qbot = { ...cfg.settings.qbot, singleLeg: { ...cfg.settings.qbot.singleLeg, maxUnwindLossPercent: D(BOUND_PERCENT) } };
    const config = { ...cfg, settings: { ...cfg.settings, qbot, exchanges: { ...cfg.settings.exchanges, enabled: exchanges } } };
    if (opts.paused) new HotpathControl({ now: () => Date.now() }, state).pause('operator: checking the books');
    const hp = await startHotpath({ sim, temporal: false, ledger, state, config, maxSymbolsPerVenue: 40 });
    running.push(hp);
    return { hp, ledger, state };
  }

  const totals = (ex: ExchangeId) => Object.fromEntries(ASSETS.map((a) => [a, D(sim.control.balances(ex)[a]?.total ?? '0')]));
  const implied = (ledger: SqliteLedger, ex: ExchangeId) => Object.fromEntries(ASSETS.map((a) => [a, ledger.impliedBalances().find((b) => b.exchange === ex && b.asset === a)?.amount ?? ZERO]));
  const resultOf = (ledger: SqliteLedger, id: string) => ledger.entries({ kind: 'decision', correlationId: id }).filter((e) => e.idempotencyKey === `attempt:${id}:result`);
  const deltasOf = (ledger: SqliteLedger, id: string) => {
    const out = new Map<string, Decimal>();
    for (const e of ledger.entries({ correlationId: id })) if (e.delta && e.asset) out.set(`${e.exchange}:${e.asset}`, (out.get(`${e.exchange}:${e.asset}`) ?? ZERO).plus(e.delta));
    return out;
  };
  const cids = (ex: ExchangeId, id: string) => sim.control.orders(ex).map((o) => o.clientOrderId).filter((c): c is string => typeof c === 'string' && c.startsWith(id)).sort();
  const ask = (ex: ExchangeId, s: string) => D(sim.control.book(ex, s).asks[0]![0]);
  const bid = (ex: ExchangeId, s: string) => D(sim.control.book(ex, s).bids[0]![0]);

  function triDecision(amountBtc: string) {
    return {
      strategy: 'triangular', sizeAsset: 'USDT', path: 'USDT>BTC>ETH>USDT',
      legs: [
        { exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', amount: amountBtc, limitPrice: '0', vwap: '0' },
        { exchange: 'binance', symbol: 'ETH/BTC', side: 'buy', amount: '0', limitPrice: '0', vwap: '0' },
        { exchange: 'binance', symbol: 'ETH/USDT', side: 'sell', amount: '0', limitPrice: '0', vwap: '0' },
      ],
    };
  }
  const leg1 = (id: string, amount: string): OrderRequest => ({
    exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'ioc', amount: D(amount), price: ask('binance', 'BTC/USDT').times('1.002').toDecimalPlaces(2), clientOrderId: `${id}-leg1`, correlationId: id,
  });

  function expectLedgerEqualsExchange(ledger: SqliteLedger, ex: ExchangeId, ex0: Record<string, Decimal>) {
    const now = totals(ex);
    const l = implied(ledger, ex);
    for (const a of ASSETS) expect(`${ex} ${a} ${formatDecimal(l[a]!)}`).toBe(`${ex} ${a} ${formatDecimal(now[a]!.minus(ex0[a]!))}`);
  }

  it('a triangle killed after its first leg filled is finished at restart within the loss bound, booked once, and a further start books nothing', async () => {
    await stage(['binance']);
    const id = 'cut-tri-1';
    const ex0 = totals('binance');
    await killedRun(id, triDecision('0.05'), [{ req: leg1(id, '0.05'), answered: false }]);
    const { hp, ledger } = await restart(['binance']);
    const [result] = await waitUntil('the cut triangle recovered', () => resultOf(ledger, id).at(0) && resultOf(ledger, id), 20_000);
    const chose = ledger.entries({ kind: 'decision', correlationId: id }).find((e) => e.idempotencyKey === `attempt:${id}:recovery`);
    // Finishing costs 0.2-0.7 % here; should the moving market push it past the bound, the unwind must say why.
    const action = (chose?.details as { action?: string }).action;
    if (action !== 'finish') console.log(`unwound: ${JSON.stringify(chose?.details)}`);
    if (action !== 'finish') expect(chose?.details).toMatchObject({ action: 'unwind', passedOver: expect.stringMatching(/^finish: /) });
    expect(result!.details).toMatchObject({ type: 'attempt-result', status: 'recovered', recovery: action });
    // The legs never sent went out with ids from the trade id and the step (a retry, should an IOC
    // miss a moving book, gets the next id), none twice.
    const sent = cids('binance', id);
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent.filter((c) => !/-r\d$/.test(c))).toEqual(action === 'finish' ? [`${id}-finish-l2`, `${id}-finish-l3`, `${id}-leg1`] : [`${id}-leg1`, `${id}-unwind-l1`]);
    // Nothing of the intermediate coins left: the account is back in its start currency.
    const d = deltasOf(ledger, id);
    expect((d.get('binance:BTC') ?? ZERO).abs().lt('0.0001')).toBe(true);
    expect((d.get('binance:ETH') ?? ZERO).abs().lt('0.0001')).toBe(true);
    // Within the single-leg loss bound of the ~0.05 BTC spent, fees in (not a -$96 surprise).
    expect(result!.realisedPnlUsd!.gte(D('0.05').times(ask('binance', 'BTC/USDT')).times(D(BOUND_PERCENT).div(-100)))).toBe(true);
    expectLedgerEqualsExchange(ledger, 'binance', ex0);
    expect(hp.status().openExposure).toEqual([]);
    expect(hp.qbot.locked.size).toBe(0);
    expect(hp.qbot.gates.kill.consecutiveFailures).toBe(result!.realisedPnlUsd!.isNegative() ? 1 : 0);
    await hp.close();
    running.splice(0);
    // A further start: nothing found, nothing sent, nothing booked twice.
    const again = await restart(['binance']);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(again.hp.status().openExposure).toEqual([]);
    expect(resultOf(again.ledger, id)).toHaveLength(1);
    expect(cids('binance', id)).toEqual(sent);
  }, 120_000);

  it('a second kill during the recovery: the committed action resumes, its sent order is booked from the exchange, no id is sent twice', async () => {
    await stage(['binance']);
    const id = 'cut-tri-2';
    const ex0 = totals('binance');
    // Leg 1 was booked; the first recovery chose "finish", sent leg 2 and was killed before its answer.
    const got = D('0.05');
    const eth = got.times('0.999').div(ask('binance', 'ETH/BTC')).toDecimalPlaces(4, Decimal.ROUND_DOWN);
    await killedRun(id, triDecision('0.05'), [
      { req: leg1(id, '0.05'), answered: true },
      { req: { exchange: 'binance', symbol: 'ETH/BTC', side: 'buy', type: 'ioc', amount: eth, price: ask('binance', 'ETH/BTC').times('1.01').toDecimalPlaces(5), clientOrderId: `${id}-finish-l2`, correlationId: id }, answered: false },
    ], [{ kind: 'decision', at: Date.now(), correlationId: id, idempotencyKey: `attempt:${id}:recovery`, details: { type: 'leg-recovery', action: 'finish' } }]);
    const { ledger } = await restart(['binance']);
    const [result] = await waitUntil('the recovery resumed and finished', () => resultOf(ledger, id).at(0) && resultOf(ledger, id), 20_000);
    expect(result!.details).toMatchObject({ status: 'recovered', recovery: 'finish' });
    const sent = cids('binance', id);
    expect(new Set(sent).size).toBe(sent.length);
    // The killed run's leg 2 is not sent again; only leg 3 (or its retry) is new.
    expect(sent.filter((c) => !/-l3(-r\d)?$/.test(c))).toEqual([`${id}-finish-l2`, `${id}-leg1`]);
    expect(sent.some((c) => /-finish-l3(-r\d)?$/.test(c))).toBe(true);
    expect(ledger.entries({ kind: 'decision', correlationId: id }).map((e) => (e.details as { event?: string }).event)).toContain('order-found-at-start');
    expect(deltasOf(ledger, id).get('binance:ETH')!.abs().lt('0.0001')).toBe(true);
    expectLedgerEqualsExchange(ledger, 'binance', ex0);
  }, 120_000);

  it('a cross trade with only its buy filled: the exposure is shown and held while paused, then the missing sell finishes it', async () => {
    await stage(['binance', 'kraken']);
    const id = 'cut-cross-1';
    const b0 = totals('binance');
    const k0 = totals('kraken');
    // The opportunity: Binance's ask 1 % under Kraken's bid (the market held still while it is set and bought).
    clearInterval(ticking);
    const cheap = bid('kraken', 'BTC/USDT').times('0.99').toDecimalPlaces(2);
    sim.control.setBook('binance', 'BTC/USDT', [[cheap.minus(5).toFixed(2), '1']], [[cheap.toFixed(2), '1'], [cheap.plus(1).toFixed(2), '1']]);
    const buy: OrderRequest = { exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'ioc', amount: D('0.02'), price: cheap, clientOrderId: `${id}-buy`, correlationId: id };
    await killedRun(id, {
      strategy: 'cross', sizeAsset: 'BTC',
      legs: [
        { exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', amount: '0.02', limitPrice: buy.price!.toFixed(), vwap: '0' },
        { exchange: 'kraken', symbol: 'BTC/USDT', side: 'sell', amount: '0.02', limitPrice: bid('kraken', 'BTC/USDT').toFixed(), vwap: '0' },
      ],
    }, [{ req: buy, answered: false }]);
    ticking = setInterval(() => sim.control.step(), 100);
    const { hp, ledger } = await restart(['binance', 'kraken'], { paused: true });
    // Paused by the operator: no order leaves, the open position is on /status until resolved.
    const shown = await waitUntil('the exposure on /status', () => hp.status().openExposure?.find((x) => x.state === 'holding'), 20_000);
    // What the buy left after its fee (charged in BTC).
    const bought = deltasOf(ledger, id).get('binance:BTC')!;
    expect(bought.gt('0.0199')).toBe(true);
    expect(shown).toMatchObject({ attemptId: id, strategy: 'cross', exchange: 'binance', asset: 'BTC', amount: bought.toFixed() });
    expect(shown.reason).toMatch(/paused/);
    expect(cids('kraken', id)).toEqual([]);
    // Held only because the operator paused: not a failure for the kill switch.
    expect(hp.qbot.gates.kill.consecutiveFailures).toBe(0);
    hp.control.resume();
    const [result] = await waitUntil('the cut cross trade finished', () => resultOf(ledger, id).at(0) && resultOf(ledger, id), 20_000);
    expect(result!.details).toMatchObject({ status: 'recovered', recovery: 'finish' });
    expect(cids('kraken', id)).toEqual([`${id}-finish-x`]);
    expect(cids('binance', id)).toEqual([`${id}-buy`]);
    const d = deltasOf(ledger, id);
    // Square to the market's step (0.00001 on Kraken's BTC/USDT in the simulator).
    expect(d.get('binance:BTC')!.plus(d.get('kraken:BTC')!).abs().lt('0.0001')).toBe(true);
    expect(hp.status().openExposure).toEqual([]);
    // Closed with nothing left open: a failure for the kill switch only if it lost money.
    expect({ failures: hp.qbot.gates.kill.consecutiveFailures, pnl: hp.qbot.gates.kill.pnlUsd.toFixed() })
      .toEqual({ failures: result!.realisedPnlUsd!.isNegative() ? 1 : 0, pnl: result!.realisedPnlUsd!.toFixed() });
    expectLedgerEqualsExchange(ledger, 'binance', b0);
    expectLedgerEqualsExchange(ledger, 'kraken', k0);
  }, 120_000);
});
