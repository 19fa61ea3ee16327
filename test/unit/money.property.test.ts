import fc from 'fast-check';
import {
  Decimal,
  formatDecimal,
  isOnGrid,
  parseDecimal,
  percentageString,
  quantizeAmountDown,
  quantizePrice,
  tryParseDecimal,
} from '../../domain/money';

/**
 * Decimals are generated from digit strings, not from floats: a float generator would only ever
 * produce the values a double can hold, which is exactly the class of values money must not be
 * limited to.
 */
const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** A canonical decimal literal: no leading zeros, optional fraction, optional minus. */
const decimalLiteral = fc
  .record({
    negative: fc.boolean(),
    int: digits(1, 30).map((s) => s.replace(/^0+(?=\d)/, '')),
    frac: fc.option(digits(1, 30), { nil: undefined }),
  })
  .map(({ negative, int, frac }) => `${negative ? '-' : ''}${int}${frac !== undefined ? `.${frac}` : ''}`);

const nonNegativeDecimal = decimalLiteral.map((s) => new Decimal(s).abs());

/** Steps as exchanges publish them: 1, 0.1, 0.00001, 0.5, 2.5, 0.0025 ... */
const step = fc
  .record({ mantissa: fc.constantFrom('1', '2', '5', '25'), scale: fc.integer({ min: -2, max: 12 }) })
  .map(({ mantissa, scale }) => new Decimal(mantissa).times(new Decimal(10).pow(-scale)));

const RUNS = { numRuns: 500 };

describe('money properties', () => {
  it('parse(format(x)) == x for arbitrary decimals', () => {
    fc.assert(
      fc.property(decimalLiteral, (s) => {
        const x = new Decimal(s);
        const formatted = formatDecimal(x);
        expect(formatted).not.toMatch(/e/i);
        expect(parseDecimal(formatted).eq(x)).toBe(true);
      }),
      RUNS,
    );
  });

  it('format never uses exponent notation, even at extreme scales', () => {
    fc.assert(
      fc.property(digits(1, 20), fc.integer({ min: -60, max: 60 }), (m, exp) => {
        const x = new Decimal(`${m}e${exp}`);
        const s = formatDecimal(x);
        expect(s).toMatch(/^-?\d+(\.\d+)?$/);
        expect(new Decimal(s).eq(x)).toBe(true);
      }),
      RUNS,
    );
  });

  it('a canonical literal formats back to itself (modulo trailing fraction zeros)', () => {
    fc.assert(
      fc.property(decimalLiteral, (s) => {
        const canonical = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
        const expected = /^-0$/.test(canonical) ? '0' : canonical;
        expect(formatDecimal(parseDecimal(s))).toBe(expected);
      }),
      RUNS,
    );
  });

  it('rejects garbage: any string that is not a plain decimal literal', () => {
    const literal = /^-?(0|[1-9]\d*)(\.\d+)?$/;
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        const r = tryParseDecimal(s);
        expect(r.ok).toBe(literal.test(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects a valid literal with any junk character glued on', () => {
    const junk = fc.constantFrom(' ', '\t', '\n', 'e', 'E', '+', 'x', ',', '_', '.', 'a', '\u00a0', '%', '$');
    fc.assert(
      fc.property(decimalLiteral, junk, fc.boolean(), (s, j, before) => {
        expect(tryParseDecimal(before ? `${j}${s}` : `${s}${j}`).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('rejects every JS number, finite or not', () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        expect(tryParseDecimal(x).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('quantizeAmountDown never rounds up, lands on the grid, and loses less than one step', () => {
    fc.assert(
      fc.property(nonNegativeDecimal, step, (amount, st) => {
        const q = quantizeAmountDown(amount, st);
        expect(q.lte(amount)).toBe(true);
        expect(q.gte(0)).toBe(true);
        expect(isOnGrid(q, st)).toBe(true);
        expect(amount.minus(q).lt(st)).toBe(true);
        // Idempotent: a quantized amount stays put.
        expect(quantizeAmountDown(q, st).eq(q)).toBe(true);
      }),
      RUNS,
    );
  });

  it('quantizePrice: buy floors, sell ceils, both on the tick and within one tick', () => {
    fc.assert(
      fc.property(nonNegativeDecimal, step, (price, tick) => {
        const buy = quantizePrice(price, tick, 'buy');
        const sell = quantizePrice(price, tick, 'sell');
        expect(buy.lte(price)).toBe(true);
        expect(sell.gte(price)).toBe(true);
        expect(price.minus(buy).lt(tick)).toBe(true);
        expect(sell.minus(price).lt(tick)).toBe(true);
        expect(isOnGrid(buy, tick) && isOnGrid(sell, tick)).toBe(true);
        // On the grid both agree; off it they are exactly one tick apart.
        expect(sell.minus(buy).eq(isOnGrid(price, tick) ? 0 : tick)).toBe(true);
      }),
      RUNS,
    );
  });

  it('percentageString accepts exactly [0, 100]', () => {
    fc.assert(
      fc.property(decimalLiteral, (s) => {
        const x = new Decimal(s);
        expect(percentageString.safeParse(s).success).toBe(x.gte(0) && x.lte(100));
      }),
      RUNS,
    );
  });
});
