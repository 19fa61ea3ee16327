import type { ExchangeId } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { baselineThresholdSource, feesFromMarkets } from '../../domain/arbitrage';
import { loadConfig } from '../../config/loader';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import type { Trading } from '../../ports/trading';
import { Qbot } from '../../hotpath/qbot';
import { QbotMetrics } from '../../hotpath/metrics';
import { createLogger } from '../../hotpath/logger';
import { qbotConfigFrom, type QbotConfig } from '../../hotpath/qbot-config';
import { HotpathControl } from '../../hotpath/control';
import { book, d, mk } from '../helpers/qbot-books';

const T0 = Date.UTC(2026, 10, 24, 20, 0);

const MARKETS = [mk('kraken', 'BTC/USD'), mk('coinbase', 'BTC/USD'), mk('kraken', 'BTC/USDC'), mk('kraken', 'USDC/USD')];

/**
 * A Q-bot over paper trading and an in-memory SQLite ledger. `exchangeBooks` is what each paper
 * venue fills against: by default the books the Q-bot saw; a test may make the venue's book
 * thinner than what was seen (the market moved during the round trip).
 */
function setup(over: Partial<QbotConfig> = {}, balances: Record<ExchangeId, Record<string, string>> = { kraken: { USD: '20000' }, coinbase: { BTC: '1' }, binance: {} }, control?: HotpathControl) {
  let now = T0;
  const cfg = { ...qbotConfigFrom(loadConfig({ env: {} })), ...over };
  const ledger = SqliteLedger.open({ file: ':memory:' });
  const exchangeBooks = new Map<string, OrderBook>();
  const trading = new Map<ExchangeId, Trading>();
  const papers: PaperTrading[] = [];
  for (const ex of ['kraken', 'coinbase'] as const) {
    const p = new PaperTrading({
      exchange: ex, markets: MARKETS, ledger, clock: { now: () => now },
      books: (symbol) => exchangeBooks.get(`${ex}:${symbol}`),
      initialBalances: Object.fromEntries(Object.entries(balances[ex]).map(([a, v]) => [a, d(v)])),
    });
    trading.set(ex, p);
    papers.push(p);
  }
  const qbot = new Qbot({
    config: cfg, markets: MARKETS, fee: feesFromMarkets(MARKETS), thresholds: baselineThresholdSource(cfg.threshold, cfg.depth),
    clock: { now: () => now }, log: createLogger('silent'), metrics: new QbotMetrics(), trading, ledger,
    accounts: new Map(papers.map((p) => [p.exchange, p])), totalCapitalUsd: d('100000'), ...(control ? { control } : {}),
    newId: (() => { let n = 0; return () => `att-${(n += 1)}`; })(),
  });
  const feed = (b: OrderBook, venueSees: OrderBook = b) => {
    exchangeBooks.set(`${b.exchange}:${b.symbol}`, venueSees);
    return qbot.onBook(b);
  };
  return { qbot, ledger, feed, papers, cfg, advance: (ms: number) => (now += ms), now: () => now };
}

// Kraken asks 100000, Coinbase bids 101500: +1.5 % before fees, about +1.28 % after.
const cheap = (at: number) => book('kraken', 'BTC/USD', [['99900', '1']], [['100000', '1']], at);
const dear = (at: number) => book('coinbase', 'BTC/USD', [['101500', '1']], [['101600', '1']], at);

describe('hot path: scan -> gates -> execution -> ledger', () => {
  it('trades a dislocation in paper mode and books decision, fills and PnL', async () => {
    const s = setup();
    await s.qbot.refreshBalances();
    s.feed(cheap(T0));
    const out = s.feed(dear(T0));
    expect(out.started).toHaveLength(1);
    const [r] = await s.qbot.drain();
    expect(r!.status).toBe('completed');
    // Capital 100000 x 15 % (GOLD) x 80 % = 12000 USD; /1.001 at 100000 -> 0.1198 BTC on the 0.0001 step.
    // Buy 0.1198 x 100000 = 11980, fee 11.98; sell 0.1198 x 101500 = 12159.7, fee 12.1597.
    // PnL = 12159.7 - 12.1597 - 11980 - 11.98 = 155.5603 USD
    expect(r!.realisedPnlUsd.toFixed()).toBe('155.5603');
    expect(s.ledger.realisedPnlUsd().toFixed()).toBe('155.5603');
    const lines = s.ledger.entries({ correlationId: 'att-1' });
    expect(lines.map((l) => l.kind)).toEqual(expect.arrayContaining(['decision', 'order-attempt', 'fill', 'fee']));
    const decision = lines.find((l) => l.kind === 'decision' && (l.details as { type?: string }).type === 'opportunity')!;
    expect(decision.details).toMatchObject({ strategy: 'cross', markets: ['kraken:BTC/USD', 'coinbase:BTC/USD'], size: '0.1198', accepted: true });
  });

  it('applies the single-leg policy when the sell venue fills only half: unwinds within the loss limit', async () => {
    const s = setup();
    await s.qbot.refreshBalances();
    s.feed(cheap(T0));
    // The Q-bot sees 1 BTC bid at 101500; by the time the order lands only 0.05 BTC is left there.
    const out = s.feed(dear(T0), book('coinbase', 'BTC/USD', [['101500', '0.05']], [['101600', '1']], T0));
    expect(out.started).toHaveLength(1);
    const [r] = await s.qbot.drain();
    expect(r!.status).toBe('single-leg');
    expect(r!.singleLeg).toMatchObject({ action: 'unwind', order: { exchange: 'kraken', side: 'sell', symbol: 'BTC/USD' } });
    if (r!.singleLeg?.action !== 'unwind') throw new Error('expected unwind');
    // 0.1198 bought, 0.05 sold: 0.0698 sold back on Kraken at its 99900 bid (limit 100000 x 0.995 = 99500)
    expect(r!.singleLeg.order.amount.toFixed()).toBe('0.0698');
    expect(r!.singleLeg.order.limitPrice.toFixed()).toBe('99500');
    const singleLine = s.ledger.entries({ correlationId: 'att-1' }).find((l) => (l.details as { type?: string }).type === 'single-leg');
    expect(singleLine?.details).toMatchObject({ action: 'unwind' });
    // PnL: 0.05 x (101500 - 100000) - fees, minus the unwind's 0.0698 x (100000 - 99900) and its fee
    // = 75 - 11.98 - 5.075 - 6.98 - 6.97302 = 43.99198
    expect(r!.realisedPnlUsd.toFixed()).toBe('43.99198');
    // Inventory: the matched 0.05 BTC moved from Coinbase to Kraken, the excess is gone.
    const btc = async (k: number) => {
      const b = await s.papers[k]!.balances();
      if ('status' in b) throw new Error('balances rejected');
      return b.assets.BTC?.free.toFixed();
    };
    expect([await btc(0), await btc(1)]).toEqual(['0.05', '0.95']);
  });

  it('kill switch: a run of failed attempts stops trading, with the reason', async () => {
    const s = setup({ killSwitch: { maxDailyLossUsd: d('90'), maxConsecutiveFailures: 1 } });
    await s.qbot.refreshBalances();
    s.feed(cheap(T0));
    // The sell venue's bids are gone when the order lands: the buy fills alone and is unwound.
    s.feed(dear(T0), book('coinbase', 'BTC/USD', [], [['101600', '1']], T0));
    const [r] = await s.qbot.drain();
    expect(r!.status).toBe('single-leg');
    s.advance(60_000);
    s.feed(cheap(s.now()));
    const out = s.feed(dear(s.now()));
    expect(out.started).toHaveLength(0);
    expect(out.held[0]?.rejection?.message).toBe('KILL_SWITCH: cause=consecutive failures failures=1 limit=1');
  });

  it('cycle time: a second opportunity within 10 s waits', async () => {
    const s = setup();
    await s.qbot.refreshBalances();
    s.feed(cheap(T0));
    s.feed(dear(T0));
    await s.qbot.drain();
    s.advance(4000);
    s.feed(cheap(s.now()));
    const out = s.feed(dear(s.now()));
    expect(out.held[0]?.rejection?.code).toBe('CYCLE_TIME');
  });

  it('when USD runs out and USDC is left, trades the USDC market', async () => {
    const s = setup({}, { kraken: { USD: '0', USDC: '20000' }, coinbase: { BTC: '1' }, binance: {} });
    await s.qbot.refreshBalances();
    s.feed(book('kraken', 'USDC/USD', [['0.9999', '1000000']], [['1.0001', '1000000']], T0));
    s.feed(cheap(T0));
    s.feed(book('kraken', 'BTC/USDC', [['99900', '1']], [['100000', '1']], T0));
    const out = s.feed(dear(T0));
    const usd = out.cross.evaluated.find((e) => e.buyAt === 'kraken:BTC/USD');
    expect(usd?.rejection?.code).toBe('INSUFFICIENT_BALANCE');
    expect(out.started.map((e) => (e.strategy === 'cross' ? e.buyAt : ''))).toEqual(['kraken:BTC/USDC']);
    await s.qbot.drain();
  });

  it('obeys the Temporal control surface: paused means PAUSED; a BTC-mode allocation sizes from 85 %', async () => {
    const control = new HotpathControl({ now: () => T0 });
    const s = setup({}, undefined, control);
    await s.qbot.refreshBalances();
    control.pause('operator: maintenance');
    s.feed(cheap(T0));
    expect(s.feed(dear(T0)).held[0]?.rejection?.message).toBe('PAUSED: reason=operator: maintenance');
    control.resume();
    control.applyAllocation({ mode: 'BTC', allocationPercent: { qbot: '85', abot: '15', gbot: '0' }, flipId: 'flip-1' });
    // 100000 x 85 % x 80 % = 68000 USD of capital, but Kraken holds 20000 USD: /1.001 at 100000 -> 0.1998 BTC
    const out = s.feed(dear(T0));
    expect(out.started[0]?.size.toFixed()).toBe('0.1998');
    await s.qbot.drain();
  });

  it('stale and reconnecting feeds produce no trade', () => {
    const s = setup();
    s.feed(cheap(T0 - 5_000));
    const out = s.feed(dear(T0));
    expect(out.cross.evaluated[0]?.rejection?.code).toBe('BOOK_STALE');
    s.qbot.cache.setState('kraken', 'BTC/USD', 'reconnecting');
    expect(s.feed(dear(T0)).cross.evaluated[0]?.rejection?.code).toBe('FEED_NOT_LIVE');
  });
});
