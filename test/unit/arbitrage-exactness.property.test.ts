import fc from 'fast-check';
import { Decimal } from '../../domain/money/decimal';
import { quantizeAmountDown } from '../../domain/money/quantize';
import { buildTriGraph, evaluateCycle, type MarketBook } from '../../domain/arbitrage';
import type { BookLevel } from '../../domain/orderbook';
import { market } from './arbitrage-fixtures';
import { evaluateCycle as referenceEvaluateCycle } from './reference/tri-eval-reference';

/**
 * The speed work on the exact path (#17) must not move a single digit: the fast versions are held
 * to the plain decimal.js formulas on random inputs, every field compared as its exact string.
 */
// Nines are frequent on purpose: a long run of them is where rounding at 40 digits carries over.
const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'01234567899999999'), { minLength: min, maxLength: max }).map((a) => a.join(''));
const decimalArb = fc.record({ neg: fc.boolean(), int: digits(1, 25), frac: digits(0, 25), exp: fc.integer({ min: -12, max: 12 }) })
  .map(({ neg, int, frac, exp }) => new Decimal(`${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}e${exp}`));
const STEPS = ['1', '0.1', '0.01', '0.00001', '0.00000001', '1e-12', '10', '100', '0.5', '0.25', '0.003', '2.5'];

describe('quantizeAmountDown', () => {
  it('equals amount / step, truncated, x step for every amount and step (up to 50 digits)', () => {
    fc.assert(fc.property(decimalArb, fc.constantFrom(...STEPS), (amount, s) => {
      const step = new Decimal(s);
      const ref = amount.div(step).toDecimalPlaces(0, Decimal.ROUND_DOWN).times(step);
      const got = quantizeAmountDown(amount, step);
      expect(got.toString()).toBe(ref.toString());
      expect(got.isNegative()).toBe(ref.isNegative());
    }), { numRuns: 3000 });
  });

  it('rounds like the division even past 40 digits (0.999... with 45 nines, step 0.01 -> 1)', () => {
    expect(quantizeAmountDown(new Decimal(`0.${'9'.repeat(45)}`), new Decimal('0.01')).toString()).toBe('1');
    expect(quantizeAmountDown(new Decimal('0.12999'), new Decimal('0.01')).toString()).toBe('0.12');
  });
});

const MARKETS = [
  market('binance', 'BTC/USDT'), market('binance', 'ETH/BTC'), market('binance', 'ETH/USDT'),
];
const graph = buildTriGraph(MARKETS, ['USDT', 'BTC', 'ETH']);

const levelsArb = (mid: number, tickDp: number, stepDp: number) => fc.array(
  fc.record({ dp: fc.double({ min: 0, max: 0.01, noNaN: true }), amount: fc.double({ min: 0.0001, max: 40, noNaN: true }) }),
  { minLength: 1, maxLength: 6 },
).map((ls) => ls.map((l, k) => ({ off: (k + 1) * 0.0005 + l.dp * 0.1, amount: l.amount })).map((l) => ({ off: l.off, amount: Math.max(l.amount, 10 ** -stepDp).toFixed(stepDp) }))
  .map((l) => ({ mid, tickDp, ...l })));

const bookArb = (mid: number, tickDp: number, stepDp: number) => fc.tuple(levelsArb(mid, tickDp, stepDp), levelsArb(mid, tickDp, stepDp)).map(([b, a]) => {
  const side = (ls: typeof b, sign: number): BookLevel[] => {
    let last = sign < 0 ? Infinity : 0;
    const out: BookLevel[] = [];
    for (const l of ls) {
      const p = Number((mid * (1 + sign * l.off)).toFixed(tickDp));
      if (sign < 0 ? p >= last : p <= last) continue;
      last = p;
      out.push({ price: new Decimal(p.toFixed(tickDp)), amount: new Decimal(l.amount) });
    }
    return out;
  };
  return { bids: side(b, -1), asks: side(a, 1) };
});

const inputArb = fc.record({
  cycle: fc.integer({ min: 0, max: graph.cycles.length - 1 }),
  btc: bookArb(20000, 2, 5), ethBtc: bookArb(0.05, 6, 4), eth: bookArb(1000 * (1 + 0.01), 2, 4),
  stepBtc: fc.constantFrom('0.00001', '0.001', '0.0005'), stepEth: fc.constantFrom('0.0001', '0.01', '0.003'),
  fee: fc.constantFrom('0.001', '0.00075', '0', '0.0026'),
  capitalUsd: fc.constantFrom('50', '1000', '15300', '250000'),
  startFree: fc.constantFrom('0.3', '2', '10000', '123.456789'),
  usdPerStart: fc.constantFrom('1', '20000.5', '1001.37'),
  multiple: fc.constantFrom('1', '2.5', '3', '1.7'),
  levels: fc.integer({ min: 1, max: 5 }),
  threshold: fc.constantFrom('0.5', '-5', '0'),
  minNotional: fc.constantFrom('0', '10'),
});

describe('the triangular evaluation', () => {
  it('gives exactly the reference decimal.js result, every field to the last digit', () => {
    fc.assert(fc.property(inputArb, (x) => {
      const m = (symbol: string, step: string) => market('binance', symbol, { step, fee: x.fee, minNotional: x.minNotional, minAmount: step });
      const books: Record<string, MarketBook> = {
        'BTC/USDT': { market: m('BTC/USDT', x.stepBtc), book: { exchange: 'binance', symbol: 'BTC/USDT', ...x.btc, receivedAt: 1 } },
        'ETH/BTC': { market: m('ETH/BTC', x.stepEth), book: { exchange: 'binance', symbol: 'ETH/BTC', ...x.ethBtc, receivedAt: 1 } },
        'ETH/USDT': { market: m('ETH/USDT', x.stepEth), book: { exchange: 'binance', symbol: 'ETH/USDT', ...x.eth, receivedAt: 1 } },
      };
      const cycle = graph.cycles[x.cycle]!;
      const legBooks = cycle.legs.map((l) => books[MARKETS[l.market]!.symbol]!) as [MarketBook, MarketBook, MarketBook];
      const fee = (_e: string, symbol: string) => new Decimal(x.fee).plus(symbol === 'ETH/BTC' ? '0.0001' : '0');
      const input = {
        cycle, books: legBooks, startFree: new Decimal(x.startFree), capitalUsd: new Decimal(x.capitalUsd), usdPerStart: new Decimal(x.usdPerStart), fee,
        params: { thresholdPercent: new Decimal(x.threshold), depthLevels: x.levels, depthMultiple: new Decimal(x.multiple), minTradeUsd: new Decimal(10), maxPlausibleGrossPercent: new Decimal(5) },
      };
      const exact = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
      expect(exact(evaluateCycle(input))).toEqual(exact(referenceEvaluateCycle(input)));
    }), { numRuns: 400 });
  });
});
