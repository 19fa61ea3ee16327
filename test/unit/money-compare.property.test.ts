import fc from 'fast-check';
import { compareDecimals, Decimal } from '../../domain/money';

const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));
/** Literals from digit strings (not floats), zeros, tiny and huge exponents, and the non-finite. */
const decimal = fc.oneof(
  fc.record({ neg: fc.boolean(), int: digits(1, 25), frac: fc.option(digits(1, 25), { nil: undefined }) })
    .map(({ neg, int, frac }) => new Decimal(`${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`)),
  fc.record({ m: fc.integer({ min: -99_999, max: 99_999 }), e: fc.integer({ min: -60, max: 60 }) }).map(({ m, e }) => new Decimal(`${m}e${e}`)),
  fc.constantFrom(new Decimal(0), new Decimal('-0'), new Decimal(Infinity), new Decimal(-Infinity), new Decimal(NaN), new Decimal('64000.01'), new Decimal('64000.010000001')),
);

describe('compareDecimals', () => {
  it('answers what decimal.js cmp answers, for any two Decimals', () => {
    fc.assert(fc.property(decimal, decimal, (x, y) => {
      expect(compareDecimals(x, y)).toBe(x.cmp(y));
      expect(compareDecimals(x, x)).toBe(x.cmp(x));
    }), { numRuns: 2000 });
  });

  it('orders close prices and equal values written differently', () => {
    expect(compareDecimals(new Decimal('64000.01'), new Decimal('64000.0100'))).toBe(0);
    expect(compareDecimals(new Decimal('64000.01'), new Decimal('64000.010000000000000000001'))).toBe(-1);
    expect(compareDecimals(new Decimal('-1e-30'), new Decimal('-1e-31'))).toBe(-1);
    expect(compareDecimals(new Decimal('0'), new Decimal('-0'))).toBe(0);
  });
});
