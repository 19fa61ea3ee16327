import { loadConfig } from '../../config/loader';
import { feesFromMarkets } from '../../domain/arbitrage';
import type { ExchangeId, Market } from '../../domain/market';
import { Decimal } from '../../domain/money/decimal';
import type { OrderBook } from '../../domain/orderbook';
import { createLogger } from '../../hotpath/logger';
import { QbotMetrics } from '../../hotpath/metrics';
import { Qbot } from '../../hotpath/qbot';
import { evaluationJson } from '../../hotpath/opportunity-json';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import { MarketScanner, scannerConfigFromSettings, scannerThresholdSource } from '../../hotpath/scanner';
import { DAY, ManualTimer, restCandles, scriptedMarket, shippedSettings, START, type Phase } from './scanner-script';

/**
 * The Q-bot really decides with the scanner's threshold: the real MarketScanner, fed a scripted
 * market, behind scannerThresholdSource, in front of the real Qbot. The same +0.6 % net
 * opportunity is taken when the market is calm (aggressive, 0.4 %) and refused at 0.8 % after a
 * spike made the context careful.
 */
const d = (x: string) => new Decimal(x);
const mk = (exchange: ExchangeId, symbol: string): Market => {
  const [base, quote] = symbol.split('/') as [string, string];
  return { exchange, symbol, base, quote, id: symbol, amountStep: d('0.0001'), priceTick: d('0.01'), minAmount: d('0.0001'), minNotional: d('1'), takerFee: d('0.001'), makerFee: d('0.001'), active: true };
};
const MARKETS = [mk('kraken', 'BTC/USD'), mk('coinbase', 'BTC/USD')];
const book = (exchange: ExchangeId, bid: string, ask: string, at: number): OrderBook =>
  ({ exchange, symbol: 'BTC/USD', bids: [{ price: d(bid), amount: d('1') }], asks: [{ price: d(ask), amount: d('1') }], receivedAt: at });

function setup() {
  const settings = shippedSettings((raw) => {
    raw.marketContext.updateIntervalMs = 10_000;
  });
  let now = START;
  const timer = new ManualTimer();
  const scanner = new MarketScanner({
    config: scannerConfigFromSettings(settings), clock: { now: () => now }, timer,
    fetchDailyCandles: async () => restCandles(Math.floor(now / DAY) * DAY, 100_000),
  });
  scanner.start();
  const cfg = qbotConfigFrom(loadConfig({ env: {} }));
  const thresholds = scannerThresholdSource(scanner, MARKETS, settings);
  /** A fresh Q-bot (offline: accepted opportunities are counted, not sent) reading the scanner. */
  const qbot = (prefilterFloorPercent?: Decimal) => new Qbot({
    ...(prefilterFloorPercent ? { prefilterFloorPercent } : {}),
    config: cfg, markets: MARKETS, fee: feesFromMarkets(MARKETS), thresholds, clock: { now: () => now },
    log: createLogger('silent'), metrics: new QbotMetrics(),
    balances: new Map([['kraken:USD', d('20000')], ['coinbase:BTC', d('1')]]), totalCapitalUsd: d('100000'),
  });
  /** Both venues' trades and books go to the scanner; the timer fires on its schedule. */
  async function run(krakenPhases: Phase[], start: number, opts: { level?: number } = {}): Promise<void> {
    const k = scriptedMarket(krakenPhases, { start, level: opts.level ?? 100_000, seed: 1 });
    const c = scriptedMarket(krakenPhases.map((p) => ({ ...p, kind: 'calm' as const })), { start, level: 100_000, seed: 2, exchange: 'coinbase' });
    for (const s of k) {
      const other = c.next().value!;
      now = s.at;
      scanner.onBook(s.book);
      scanner.onTrade(s.trade);
      scanner.onBook(other.book);
      scanner.onTrade(other.trade);
      if ((s.at - START) % 10_000 === 500) {
        await timer.fire();
        await scanner.settled();
      }
    }
  }
  /** Kraken asks 100000, Coinbase bids 100820: +0.82 % gross. */
  const opportunity = (q: Qbot) => {
    q.onBook(book('kraken', '99900', '100000', now));
    return q.onBook(book('coinbase', '100820', '100900', now));
  };
  return { scanner, qbot, run, opportunity, thresholds };
}

describe('Q-bot with the market scanner as its threshold source', () => {
  it('takes a +0.6 % net opportunity under an aggressive context and refuses it under a careful one', async () => {
    const s = setup();
    await s.run([{ kind: 'calm', minutes: 20 }], START);
    expect(s.scanner.contextFor('kraken', 'BTC/USD').level).toBe('aggressive');
    expect(s.scanner.contextFor('coinbase', 'BTC/USD').level).toBe('aggressive');
    const calmThreshold = s.thresholds.current('cross', 'BTC').thresholdPercent;
    expect(calmThreshold.gte('0.4') && calmThreshold.lt('0.5')).toBe(true);

    const calm = s.opportunity(s.qbot());
    const taken = calm.cross.evaluated.find((e) => e.buyAt === 'kraken:BTC/USD' && e.sellAt === 'coinbase:BTC/USD')!;
    // gross 0.82 %, minus two 0.1 % taker fees and the 0.02 % rebalance cost: about 0.6 % net
    expect(taken.netPercent.toFixed(2)).toBe('0.60');
    expect(taken.thresholdPercent.eq(calmThreshold)).toBe(true);
    expect(taken.rejection).toBeUndefined();
    expect(calm.started).toHaveLength(1);

    // A spike on Kraken: the scanner turns careful, the threshold for BTC goes to the 1 % top.
    await s.run([{ kind: 'spike', minutes: 3 }], START + 20 * 60_000);
    const ctx = s.thresholds.current('cross', 'BTC');
    expect(ctx.thresholdPercent.toFixed()).toBe('1');
    expect(ctx.depthMultiple.toFixed()).toBe('5');
    expect(ctx.highVolatility).toBe(true);
    expect(ctx.reason).toMatch(/^context careful \(kraken:BTC\/USD\): .*intraday range/);

    // With the prefilter at the scanner's 1 %, the +0.6 % net candidate is pruned before any
    // Decimal work: nothing is evaluated and nothing starts.
    const pruned = s.opportunity(s.qbot());
    expect(pruned.cross.prefiltered).toBeGreaterThanOrEqual(1);
    expect(pruned.cross.evaluated.find((e) => e.buyAt === 'kraken:BTC/USD' && e.sellAt === 'coinbase:BTC/USD')).toBeUndefined();
    expect(pruned.started).toHaveLength(0);

    // With the prefilter floored at 0 (exhaustive, as `qbot scan --all`), the exact Decimal gate
    // decides, and it decides with the scanner's threshold.
    const spiky = s.opportunity(s.qbot(new Decimal(0)));
    const refused = spiky.cross.evaluated.find((e) => e.buyAt === 'kraken:BTC/USD' && e.sellAt === 'coinbase:BTC/USD')!;
    expect(refused.netPercent.toFixed(2)).toBe('0.60');
    expect(refused.rejection?.code).toBe('NET_BELOW_THRESHOLD');
    expect(refused.thresholdPercent.toFixed()).toBe('1');
    expect(refused.rejection?.message).toContain('threshold=1');
    // The decision record (logs, ledger, qbot scan) carries the context that set the threshold.
    const record = evaluationJson(refused, START);
    expect(record.context?.reason).toMatch(/^context careful \(kraken:BTC\/USD\): .*intraday range/);
    expect(record.context).toMatchObject({ depthMultiple: '5', highVolatility: true });
    expect(evaluationJson(taken, START).context?.reason).toMatch(/aggressive/);
    expect(spiky.started).toHaveLength(0);
  });

  it('answers the baseline for markets the scanner has not computed', () => {
    const s = setup();
    const ctx = s.thresholds.current('cross', 'BTC');
    expect([ctx.thresholdPercent.toFixed(), ctx.depthMultiple.toFixed(), ctx.highVolatility, ctx.reason]).toEqual(['0.5', '2.5', false, 'baseline']);
  });
});
