import fc from 'fast-check';
import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId } from '../../domain/market';
import { baselineThresholdSource, feesFromMarkets } from '../../domain/arbitrage';
import { loadConfig } from '../../config/loader';
import { Qbot } from '../../hotpath/qbot';
import { QbotMetrics } from '../../hotpath/metrics';
import { createLogger } from '../../hotpath/logger';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import type { TriScanResult } from '../../hotpath/tri-scanner';
import { book, market } from './arbitrage-fixtures';

const T0 = Date.UTC(2026, 10, 30, 12, 0);
const EX: ExchangeId = 'binance';
const MARKETS = ['BTC/USDT', 'ETH/BTC', 'ETH/USDT', 'XRP/USDT', 'XRP/BTC', 'SOL/USDT', 'SOL/BTC'].map((s) => market(EX, s, { step: '0.0001' }));
const cfg = qbotConfigFrom(loadConfig({ env: {} }), 'laptop');
// A view of USDT's value (Kraken USDT/USD at par): a stable with none is not traded (issue #14).
const USDT_USD = market('kraken', 'USDT/USD', { step: '0.01' });
const PAR = book('kraken', 'USDT/USD', [['0.9999', '1000000']], [['1.0001', '1000000']], T0);

interface Prices { btc: number; eth: number; ethUsdt: number; xrpBtc: number; solBtc: number; solAge: number }

/** Binance books at `prices` (bid 1 bp under the ask), every book fresh except SOL/BTC (solAge ms old). */
function books(p: Prices) {
  const at = (s: string) => (s === 'SOL/BTC' ? T0 - p.solAge : T0);
  const side = (ask: number, dp: number): [[[string, string]], [[string, string]]] => [[[(ask * 0.9999).toFixed(dp), '1000']], [[ask.toFixed(dp), '1000']]];
  const quote: Record<string, [number, number]> = {
    'BTC/USDT': [p.btc, 2], 'ETH/BTC': [p.eth, 6], 'ETH/USDT': [p.ethUsdt, 2], 'XRP/USDT': [0.5, 5], 'XRP/BTC': [p.xrpBtc, 10], 'SOL/USDT': [20.4, 3], 'SOL/BTC': [p.solBtc, 7],
  };
  return MARKETS.map((m) => {
    const [ask, dp] = quote[m.symbol]!;
    const [bids, asks] = side(ask, dp);
    return book(EX, m.symbol, bids, asks, at(m.symbol));
  });
}

function qbot(reportGated: boolean): Qbot {
  const balances = new Map(['USDT', 'BTC', 'ETH', 'XRP', 'SOL'].map((a) => [`${EX}:${a}`, new Decimal(a === 'USDT' ? '10000' : '1')]));
  return new Qbot({
    config: cfg, markets: [...MARKETS, USDT_USD], fee: feesFromMarkets([...MARKETS, USDT_USD]), thresholds: baselineThresholdSource(cfg.threshold, cfg.depth),
    clock: { now: () => T0 }, log: createLogger('silent'), metrics: new QbotMetrics(), balances, totalCapitalUsd: new Decimal(90000),
    ...(reportGated ? { reportGated: true } : {}),
  });
}

function scan(reportGated: boolean, p: Prices): TriScanResult {
  const q = qbot(reportGated);
  q.onBook(PAR);
  for (const b of books(p)) q.onBook(b);
  return q.tri.fullScan(EX);
}

const decision = (r: TriScanResult) => (r.best ? { path: r.best.path, size: r.best.size.toFixed(), net: r.best.netProfit.toFixed(), legs: r.best.legs.map((l) => [l.symbol, l.side, l.amount.toFixed(), l.worstPrice.toFixed()]) } : null);
const accepted = (r: TriScanResult) => r.evaluated.filter((e) => !e.rejection).map((e) => `${e.path} ${e.netProfit.toFixed()}`).sort();

// USDT>BTC>ETH>USDT makes ~2.7 % after fees; USDT>XRP>BTC>USDT shows ~20 % (a frozen XRP/BTC);
// USDT>BTC>SOL>USDT would make ~3.8 % (so it is evaluated first) but SOL/BTC is 10 s old.
const SCENE: Prices = { btc: 20000, eth: 0.05, ethUsdt: 1030, xrpBtc: 0.00003, solBtc: 0.00098, solAge: 10_000 };

describe('the live triangular prefilter drops what the book-age and plausibility gates reject', () => {
  it('never evaluates a stale or implausible cycle live, and takes the same best cycle', () => {
    const live = scan(false, SCENE);
    const codes = live.evaluated.map((e) => e.rejection?.code);
    expect(codes).not.toContain('BOOK_STALE');
    expect(codes).not.toContain('IMPLAUSIBLE_PROFIT');
    expect(live.best?.path).toBe('USDT>BTC>ETH>USDT');
    const reported = scan(true, SCENE);
    expect(decision(live)).toEqual(decision(reported));
    expect(live.prefiltered).toBeGreaterThan(reported.prefiltered);
  });

  it('an offline scan (reportGated) still reports each such cycle with its gate', () => {
    const r = scan(true, SCENE);
    const byCode = (code: string) => r.evaluated.filter((e) => e.rejection?.code === code).map((e) => e.path);
    expect(byCode('BOOK_STALE')).toContain('USDT>BTC>SOL>USDT');
    expect(byCode('IMPLAUSIBLE_PROFIT')).toContain('USDT>XRP>BTC>USDT');
  });

  it('decides exactly as the full evaluation on random books (best cycle and every accepted one)', () => {
    fc.assert(fc.property(
      fc.record({
        btc: fc.double({ min: 19000, max: 21000, noNaN: true }),
        eth: fc.double({ min: 0.048, max: 0.052, noNaN: true }),
        ethUsdt: fc.double({ min: 940, max: 1100, noNaN: true }),
        xrpBtc: fc.double({ min: 0.000022, max: 0.000032, noNaN: true }),
        solBtc: fc.double({ min: 0.00095, max: 0.00107, noNaN: true }),
        solAge: fc.integer({ min: 0, max: 3000 }),
      }),
      (p) => {
        const live = scan(false, p);
        const full = scan(true, p);
        expect(decision(live)).toEqual(decision(full));
        // Branch and bound may skip accepted candidates below the best live; the best is the decision.
        if (!live.best) expect(accepted(full)).toEqual([]);
      },
    ), { numRuns: 60 });
  });
});
