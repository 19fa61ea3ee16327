import fc from 'fast-check';
import { Decimal } from '../../domain/money/decimal';
import {
  add, cmp, cmpQuotient, div, floorQuotientSum, fromDecimal, mul, powerOfTenPlaces, quantizeDown, sub, toDecimal, type Scaled,
} from '../../domain/fixed/scaled-decimal';
import { quantizeAmountDown } from '../../domain/money/quantize';
import { buildTriGraph, evaluateCycleDecimal, LazyFigure, reject, type MarketBook, type TriInput } from '../../domain/arbitrage';
import { evaluateCycleFixed } from '../../domain/arbitrage/tri-eval-fixed';
import type { BookLevel } from '../../domain/orderbook';
import { market } from './arbitrage-fixtures';

/**
 * The scaled-integer evaluation (#17) must give the decimal.js evaluation's result to the last
 * unit: every operation rounds as Decimal does (40 digits, half-even), held here on random
 * operands, then the whole triangle (amounts, fees, profits, rejections and their figures) on
 * random books, with dust, long amounts, many levels, odd steps and fees on either side.
 */

// Nines are frequent: long runs of them are where rounding carries; fives make half-way ties.
const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789999955'), { minLength: min, maxLength: max }).map((a) => a.join(''));
const decimalArb = fc.record({ neg: fc.boolean(), int: digits(1, 30), frac: digits(0, 30), exp: fc.integer({ min: -20, max: 20 }) })
  .map(({ neg, int, frac, exp }) => new Decimal(`${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}e${exp}`));
const S = (d: Decimal): Scaled => fromDecimal(d)!;
const same = (got: Scaled, want: Decimal) => expect(toDecimal(got).toString()).toBe(want.toString());

describe('scaled decimals round as decimal.js does', () => {
  it('+, -, x and / give the same 40-digit result for operands of up to 60 digits', () => {
    fc.assert(fc.property(decimalArb, decimalArb, (a, b) => {
      same(add(S(a), S(b)), a.plus(b));
      same(sub(S(a), S(b)), a.minus(b));
      same(mul(S(a), S(b)), a.times(b));
      if (!b.isZero()) same(div(S(a), S(b)), a.div(b));
      expect(cmp(S(a), S(b))).toBe(a.comparedTo(b));
    }), { numRuns: 1000 });
  });

  it('breaks exact half-way ties to even, on both signs', () => {
    // 41 digits ending in 5: the 40th digit decides (even stays, odd goes up), as in decimal.js.
    for (const s of [`1${'0'.repeat(38)}25`, `1${'0'.repeat(38)}35`, `-1${'0'.repeat(38)}25`, `-${'9'.repeat(40)}5`]) {
      const a = new Decimal(s);
      same(add(S(a), S(new Decimal(0))), a.plus(0));
      same(mul(S(a), S(new Decimal('0.1'))), a.times('0.1'));
    }
    same(div(S(new Decimal(1)), S(new Decimal(3))), new Decimal(1).div(3));
    same(div(S(new Decimal(-2)), S(new Decimal(3))), new Decimal(-2).div(3));
  });

  it('quantizes down exactly as quantizeAmountDown', () => {
    const steps = ['1', '0.1', '0.00001', '1e-12', '10', '0.5', '0.003', '2.5'];
    fc.assert(fc.property(decimalArb, fc.constantFrom(...steps), (amount, s) => {
      const step = new Decimal(s);
      same(quantizeDown(S(amount), S(step), powerOfTenPlaces(S(step))), quantizeAmountDown(amount, step));
    }), { numRuns: 1500 });
  });

  it('decides a quotient against a limit, and floors the last level of a budget, as the operations one by one', () => {
    const positive = decimalArb.map((d) => d.abs()).filter((d) => !d.isZero());
    // Limits near the quotient too: a / b itself, rounded to a few digits, is where a shortcut could slip.
    fc.assert(fc.property(decimalArb, positive, fc.integer({ min: 0, max: 45 }), (a, b, sd) => {
      const c = a.div(b).toSignificantDigits(Math.max(1, sd));
      for (const limit of [c, c.plus(c.abs().times('1e-39')), c.minus(c.abs().times('1e-40')), new Decimal('0.5')]) {
        expect(cmpQuotient(S(a), S(b), S(limit))).toBe(cmp(div(S(a), S(b)), S(limit)));
      }
    }), { numRuns: 500 });
    const onGrid = (places: number) => decimalArb.map((d) => d.abs().toDecimalPlaces(places, Decimal.ROUND_DOWN));
    let shortcuts = 0;
    // Small operands too (a walk's usual: safe integers), where the shortcut is meant to answer.
    const small = fc.tuple(fc.integer({ min: 1, max: 10 ** 9 }), fc.integer({ min: 0, max: 8 })).map(([n, dp]) => new Decimal(n).div(new Decimal(10).pow(dp)));
    fc.assert(fc.property(fc.integer({ min: 0, max: 12 }).chain((places) => fc.tuple(fc.constant(places), onGrid(places), fc.oneof(positive, small), fc.oneof(positive, small))), ([places, f, r, p]) => {
      const step = new Decimal(10).pow(-places);
      const got = floorQuotientSum(S(f), S(r), S(p), places);
      if (got) {
        shortcuts += 1;
        same(got, toDecimal(quantizeDown(add(S(f), div(S(r), S(p))), S(step), places)));
      }
    }), { numRuns: 2000 });
    expect(shortcuts).toBeGreaterThan(100);
    // Exactly on the grid, and a hair below it: 0.3 / 0.1 = 3; 0.2999...9 / 0.1 stays below 3 even
    // though 40 digits of it round to 3 (decimal.js takes 3, so must the shortcut, or decline).
    same(floorQuotientSum(S(new Decimal(0)), S(new Decimal('0.3')), S(new Decimal('0.1')), 0)!, new Decimal(3));
    const hair = floorQuotientSum(S(new Decimal(0)), S(new Decimal(`0.${'9'.repeat(44)}`)), S(new Decimal('0.1')), 0);
    if (hair) same(hair, toDecimal(quantizeDown(div(S(new Decimal(`0.${'9'.repeat(44)}`)), S(new Decimal('0.1'))), S(new Decimal(1)), 0)));
  });

  it('compares safe-integer quotients with a limit as the 40-digit division does, up to 2^53', () => {
    // The number path of cmpQuotient: operands, products and limits around Number.MAX_SAFE_INTEGER.
    const unitsArb = fc.oneof(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(2 ** 53 - 1, 2 ** 26, 94906265, 3));
    const safe = fc.tuple(unitsArb, fc.integer({ min: 0, max: 12 })).map(([n, dp]) => new Decimal(n).div(new Decimal(10).pow(dp)));
    fc.assert(fc.property(safe, safe.filter((d) => d.gt(0)), fc.integer({ min: 1, max: 20 }), (a, b, sd) => {
      const q = a.div(b);
      for (const limit of [q.toSignificantDigits(sd), q.toSignificantDigits(sd).plus(q.abs().times('1e-15')), a, new Decimal('0.01')]) {
        expect(cmpQuotient(S(a), S(b), S(limit))).toBe(q.comparedTo(limit));
      }
    }), { numRuns: 1500 });
    // A product c x b just past 2^53, where doubles stop being exact: 9007199254740991 / 3 and / 7.
    const big = fc.tuple(fc.integer({ min: 2 ** 52, max: 2 ** 53 - 1 }), fc.constantFrom(3, 7, 9, 11, 13), fc.integer({ min: 15, max: 17 }), fc.integer({ min: -3, max: 3 }));
    fc.assert(fc.property(big, ([n, d, sd, nudge]) => {
      const a = new Decimal(n);
      const b = new Decimal(d);
      const c = a.div(b).toSignificantDigits(sd, Decimal.ROUND_DOWN);
      const limit = c.plus(new Decimal(nudge).times(new Decimal(10).pow(c.e - sd + 1)));
      expect(cmpQuotient(S(a), S(b), S(limit))).toBe(a.div(b).comparedTo(limit));
    }), { numRuns: 1500 });
  });

  it('reads a Decimal exactly: the same integer and places as its fixed-point string', () => {
    // The reference: the digits of toFixed at the value's own decimal places (the conversion before #17 session 6).
    const viaString = (d: Decimal): { n: string; s: number } => ({ n: BigInt(d.toFixed(d.decimalPlaces()).replace('.', '')).toString(), s: d.decimalPlaces() });
    const check = (d: Decimal) => {
      const got = fromDecimal(d)!;
      expect({ n: got.n.toString(), s: got.s }).toEqual(viaString(d));
      // A number exactly when the integer is a safe one (the walks' fast path relies on it).
      expect(typeof got.n).toBe(Number.isSafeInteger(Number(viaString(d).n)) && BigInt(viaString(d).n) === BigInt(Number(viaString(d).n)) ? 'number' : 'bigint');
    };
    fc.assert(fc.property(decimalArb, check), { numRuns: 800 });
    // Word boundaries (7 digits), trailing zeros in and beyond the last word, the safe-integer edge, results of arithmetic.
    for (const x of ['0', '-0', '1e14', '10000000', '1234567.1234567', '0.000000012', '0.1', '100', '-0.5', '9007199254740991', '9007199254740992',
      '900719925474099.1', '90071992547409.93', '1e-100', '1e100', '123456789012345678901234567890', '0.00000000000000000000000000000000000001', '5e-101']) {
      const d = new Decimal(x);
      if (d.decimalPlaces() <= 100) check(d);
      else expect(fromDecimal(d)).toBeUndefined();
    }
    const ps = fc.tuple(fc.integer({ min: 1, max: 10 ** 9 }), fc.integer({ min: 0, max: 10 }), fc.double({ min: 0.9998, max: 1.0002, noNaN: true }));
    fc.assert(fc.property(ps, ([n, dp, f]) => check(new Decimal(n).div(new Decimal(10).pow(dp)).times(f))), { numRuns: 400 });
  });

  it('refuses what has no exact form (NaN, infinities) instead of guessing', () => {
    expect(fromDecimal(new Decimal(NaN))).toBeUndefined();
    expect(fromDecimal(new Decimal(Infinity))).toBeUndefined();
    // A 1e-500 would be a 500-digit integer: not money, left to decimal.js.
    expect(fromDecimal(new Decimal('1e-500'))).toBeUndefined();
    expect(fromDecimal(new Decimal('1e500'))).toBeUndefined();
    expect(() => div(S(new Decimal(1)), S(new Decimal(0)))).toThrow(RangeError);
  });
});

const MARKETS = [market('binance', 'BTC/USDT'), market('binance', 'ETH/BTC'), market('binance', 'ETH/USDT')];
const graph = buildTriGraph(MARKETS, ['USDT', 'BTC', 'ETH']);

/** A side of up to `maxLevels` levels moving away from `mid`, prices on the tick, amounts of any length. */
const sideArb = (mid: number, tickDp: number, sign: number, maxLevels: number, amountDp: number) => {
  // Units of 7 to 16 digits (log-uniform) at one scale: a level's cost or the walk's running sums
  // near 2^53, where the walks' safe-integer path must hand over to BigInts.
  const nearSafeLimit = (minDigits: number, maxDigits: number) => fc.integer({ min: minDigits, max: maxDigits })
    .chain((d) => fc.integer({ min: 10 ** (d - 1), max: Math.min(10 ** d - 1, Number.MAX_SAFE_INTEGER) }))
    .map((n) => new Decimal(n).div(new Decimal(10).pow(amountDp + 4)).toFixed());
  const anyAmount = fc.oneof(
    fc.double({ min: 0.0001, max: 40, noNaN: true }).map((x) => x.toFixed(amountDp)),
    // Dust and long amounts: a few units of the step, or 20+ digits.
    fc.integer({ min: 1, max: 9 }).map((k) => new Decimal(k).times(new Decimal(10).pow(-amountDp)).toFixed()),
    digits(1, 3).chain((int) => digits(15, 22).map((frac) => `${int}.${frac}`)),
    nearSafeLimit(7, 16),
  );
  // One side in four has every level near the limit (sums of several costs cross it).
  return fc.constantFrom(false, false, false, true).chain((allNear) => fc.array(
    fc.record({ gap: fc.integer({ min: 1, max: 40 }), amount: allNear ? nearSafeLimit(8, 12) : anyAmount }),
    { minLength: 1, maxLength: maxLevels },
  )).map((ls) => {
    let ticks = Math.round(mid * 10 ** tickDp);
    const out: BookLevel[] = [];
    for (const l of ls) {
      ticks += sign * l.gap;
      if (ticks <= 0) break;
      out.push({ price: new Decimal(ticks).div(new Decimal(10).pow(tickDp)), amount: new Decimal(l.amount) });
    }
    return out;
  });
};

const bookArb = (mid: number, tickDp: number, amountDp: number) => fc.integer({ min: 1, max: 25 }).chain((maxLevels) => fc.record({
  bids: sideArb(mid, tickDp, -1, maxLevels, amountDp), asks: sideArb(mid * 1.0004, tickDp, 1, maxLevels, amountDp),
}));

const inputArb = fc.record({
  cycle: fc.integer({ min: 0, max: graph.cycles.length - 1 }),
  // ETH/USDT at 1000 is in line with the other two; 1004 and 1100 are a small and a wild edge.
  btc: bookArb(20000, 2, 6), ethBtc: bookArb(0.05, 6, 4), eth: fc.constantFrom(1000, 1004, 1100).chain((mid) => bookArb(mid, 2, 4)),
  stepBtc: fc.constantFrom('0.00001', '0.001', '0.0005', '1e-8'), stepEth: fc.constantFrom('0.0001', '0.01', '0.003', '1'),
  feeBuy: fc.constantFrom('0.001', '0.00075', '0', '0.0026', '0.0004'),
  feeSell: fc.constantFrom('0.001', '0.0012', '0'),
  capitalUsd: fc.constantFrom('50', '1000', '15300', '250000', '0.01', '7777.777777777777777777777777777777777777777'),
  // 'capital': exactly capital / USD value (40 digits), where sizing by capital and by balance meet.
  startFree: fc.constantFrom('0.3', '2', '10000', '123.456789', '0.00000123', `0.${'3'.repeat(45)}`, 'capital', 'capital+', 'capital-'),
  usdPerStart: fc.constantFrom('1', '20000.5', '1001.37', '0.999850022496625506174073888916662500937'),
  multiple: fc.constantFrom('1', '2.5', '3', '1.7', '0'),
  levels: fc.integer({ min: 1, max: 25 }),
  threshold: fc.constantFrom('0.5', '-5', '0', '-100'),
  minNotional: fc.constantFrom('0', '10', '0.0001'),
  minAmount: fc.constantFrom('step', '0', '0.5'),
  plausible: fc.constantFrom('5', '0.1', undefined),
});

type Drawn = typeof inputArb extends fc.Arbitrary<infer T> ? T : never;

function inputOf(x: Drawn): TriInput {
  const m = (symbol: string, step: string) => market('binance', symbol, { step, minNotional: x.minNotional, minAmount: x.minAmount === 'step' ? step : x.minAmount });
  const books: Record<string, MarketBook> = {
    'BTC/USDT': { market: m('BTC/USDT', x.stepBtc), book: { exchange: 'binance', symbol: 'BTC/USDT', ...x.btc, receivedAt: 1 } },
    'ETH/BTC': { market: m('ETH/BTC', x.stepEth), book: { exchange: 'binance', symbol: 'ETH/BTC', ...x.ethBtc, receivedAt: 1 } },
    'ETH/USDT': { market: m('ETH/USDT', x.stepEth), book: { exchange: 'binance', symbol: 'ETH/USDT', ...x.eth, receivedAt: 1 } },
  };
  const cycle = graph.cycles[x.cycle]!;
  // Buys pay their fee in the base received, sells in the quote: different fees per side.
  const fee = (_e: string, symbol: string, side: 'buy' | 'sell') => new Decimal(side === 'buy' ? x.feeBuy : x.feeSell).plus(symbol === 'ETH/BTC' ? '0.0001' : '0');
  return {
    cycle, books: cycle.legs.map((l) => books[MARKETS[l.market]!.symbol]!) as [MarketBook, MarketBook, MarketBook],
    startFree: startFreeOf(x), capitalUsd: new Decimal(x.capitalUsd), usdPerStart: new Decimal(x.usdPerStart), fee,
    params: {
      thresholdPercent: new Decimal(x.threshold), depthLevels: x.levels, depthMultiple: new Decimal(x.multiple), minTradeUsd: new Decimal(10),
      ...(x.plausible ? { maxPlausibleGrossPercent: new Decimal(x.plausible) } : {}),
    },
  };
}

/** The drawn free balance; 'capital' (+/-: one unit of its last digit more or less) from the drawn capital. */
function startFreeOf(x: Drawn): Decimal {
  if (!x.startFree.startsWith('capital')) return new Decimal(x.startFree);
  const capital = new Decimal(x.capitalUsd).div(x.usdPerStart);
  const ulp = new Decimal(10).pow(capital.e - capital.precision(true) + 1);
  return x.startFree === 'capital+' ? capital.plus(ulp) : x.startFree === 'capital-' ? capital.minus(ulp) : capital;
}

/** Every field as its exact string, rejections' figures and message included, VWAPs read. */
const exact = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe('the scaled-integer triangle evaluation', () => {
  it('equals the decimal.js evaluation to the last unit on random books', () => {
    fc.assert(fc.property(inputArb, (x) => {
      const input = inputOf(x);
      const fixed = evaluateCycleFixed(input);
      expect(fixed).toBeDefined();
      expect(exact(fixed)).toEqual(exact(evaluateCycleDecimal(input)));
    }), { numRuns: 1000 });
  });

  it('reaches every outcome the walk can give on a fixed sample (the random runs above vary)', () => {
    // Some outcomes are rare (implausible profit: ~0.5 % of draws), so coverage is held on a
    // fixed seed: a random 1,000 would miss one about once in a hundred runs.
    const codes = new Set<string>();
    for (const x of fc.sample(inputArb, { numRuns: 1500, seed: 17 })) {
      const input = inputOf(x);
      const want = evaluateCycleDecimal(input);
      expect(exact(evaluateCycleFixed(input))).toEqual(exact(want));
      codes.add(want.rejection?.code ?? 'ACCEPTED');
    }
    expect([...codes].sort()).toEqual(expect.arrayContaining([
      'ACCEPTED', 'BELOW_MIN_AMOUNT', 'BELOW_MIN_NOTIONAL', 'BELOW_MIN_TRADE', 'DEPTH_INSUFFICIENT', 'IMPLAUSIBLE_PROFIT', 'INSUFFICIENT_BALANCE', 'NET_BELOW_THRESHOLD',
    ]));
  });

  it('leaves to the decimal.js path what it cannot represent (a NaN price, a zero USD value)', () => {
    const x = fc.sample(inputArb, { numRuns: 1, seed: 7 })[0]!;
    const input = inputOf(x);
    const nanBook = { ...input.books[0], book: { ...input.books[0].book, asks: [{ price: new Decimal(NaN), amount: new Decimal(1) }], bids: [{ price: new Decimal(NaN), amount: new Decimal(1) }] } };
    expect(evaluateCycleFixed({ ...input, books: [nanBook, input.books[1], input.books[2]] })).toBeUndefined();
    expect(evaluateCycleFixed({ ...input, usdPerStart: new Decimal(0) })).toBeUndefined();
  });

  it('sees a book changed in place (a level replaced, a market step replaced) between two evaluations', () => {
    const x = fc.sample(inputArb, { numRuns: 40, seed: 11 }).find((d) => !evaluateCycleDecimal(inputOf(d)).rejection || evaluateCycleDecimal(inputOf(d)).legs.length === 3)!;
    const input = inputOf(x);
    expect(exact(evaluateCycleFixed(input))).toEqual(exact(evaluateCycleDecimal(input)));
    for (const { book } of input.books) {
      for (const side of [book.bids, book.asks]) {
        side[0] = { price: side[0]!.price.times('1.001').toDecimalPlaces(6), amount: side[0]!.amount.div(3).toDecimalPlaces(4) };
        if (side[1]) side[1].amount = side[1].amount.plus('0.5');
      }
    }
    (input.books[0].market as { amountStep: Decimal }).amountStep = new Decimal('0.01');
    expect(exact(evaluateCycleFixed(input))).toEqual(exact(evaluateCycleDecimal(input)));
  });

  it('formats a rejection only when it is read', () => {
    class Boom extends LazyFigure {
      value(): string {
        throw new Error('read');
      }
    }
    const r = reject('NET_BELOW_THRESHOLD', { net: new Boom() });
    expect(r.code).toBe('NET_BELOW_THRESHOLD');
    expect(() => r.message).toThrow('read');
  });
});
