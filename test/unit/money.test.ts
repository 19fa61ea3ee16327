import {
  Decimal,
  DecimalParseError,
  bpsToFraction,
  decimalFromWireNumber,
  decimalString,
  formatDecimal,
  formatForPeople,
  fractionToBps,
  fractionToPercent,
  isOnGrid,
  nonNegativeDecimalString,
  parseDecimal,
  percentOf,
  percentToFraction,
  percentageString,
  positiveDecimalString,
  quantizeAmountDown,
  quantizePrice,
  relativeChange,
  stepDecimals,
  tryParseDecimal,
} from '../../domain/money';

const d = (s: string) => new Decimal(s);

describe('the configured Decimal', () => {
  it('keeps 40 significant digits and rounds half to even', () => {
    expect(d('1').div(3).toFixed()).toBe(`0.${'3'.repeat(40)}`);
    // Banker's rounding at 40 digits: ...5 rounds to the even neighbour.
    expect(d(`1${'0'.repeat(38)}5`).plus(0).toFixed()).toBe(`1${'0'.repeat(38)}5`); // 40 digits: untouched
    expect(d(`1${'0'.repeat(38)}25`).plus(0).toFixed()).toBe(`1${'0'.repeat(38)}20`);
    expect(d(`1${'0'.repeat(38)}35`).plus(0).toFixed()).toBe(`1${'0'.repeat(38)}40`);
  });

  it('adds 0.1 and 0.2 exactly (the float trap)', () => {
    expect(d('0.1').plus(d('0.2')).eq(d('0.3'))).toBe(true);
  });
});

describe('parseDecimal is strict', () => {
  it.each(['0', '-0', '1', '12.5', '-12.345', '0.00000001', '123456789012345678901234567890.123456789'])('accepts %j', (s) => {
    expect(parseDecimal(s).eq(d(s))).toBe(true);
  });

  it.each([
    ['', 'empty string'],
    ['NaN', 'must be digits'],
    ['Infinity', 'must be digits'],
    ['-Infinity', 'must be digits'],
    ['0x10', 'must be digits'],
    ['0b1', 'must be digits'],
    ['0o7', 'must be digits'],
    [' 1', 'whitespace'],
    ['1 ', 'whitespace'],
    ['1\n', 'whitespace'],
    ['\t1', 'whitespace'],
    ['1e5', 'must be digits'],
    ['1E-5', 'must be digits'],
    ['+1', 'must be digits'],
    ['.5', 'must be digits'],
    ['5.', 'must be digits'],
    ['0.5.1', 'must be digits'],
    ['01', 'must be digits'],
    ['--1', 'must be digits'],
    ['1,000', 'must be digits'],
    ['1_000', 'must be digits'],
    ['١٢', 'must be digits'], // Arabic-Indic digits
    ['1'.repeat(81), 'longer than 80'],
  ])('rejects %j (%s)', (input, reason) => {
    const r = tryParseDecimal(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
    expect(() => parseDecimal(input)).toThrow(DecimalParseError);
  });

  it.each([
    [5, 'number'],
    [0.1, 'number'],
    [Number.NaN, 'number'],
    [Number.POSITIVE_INFINITY, 'number'],
    [10n, 'bigint'],
    [null, 'object'],
    [undefined, 'undefined'],
    [{ value: '1' }, 'object'],
    [['1'], 'object'],
    [true, 'boolean'],
  ])('rejects the non-string %p', (input, kind) => {
    const r = tryParseDecimal(input);
    expect(r).toEqual({ ok: false, reason: `expected a string, got ${kind}` });
  });

  it('names the input in the thrown message and truncates long ones', () => {
    expect(() => parseDecimal('1e5')).toThrow('not a decimal string (must be digits with an optional minus sign and fraction, like "-12.345"): "1e5"');
    const long = '9'.repeat(200);
    try {
      parseDecimal(long);
      throw new Error('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(DecimalParseError);
      expect((err as Error).message).toContain(`"${'9'.repeat(40)}..."`);
      expect((err as Error).message.length).toBeLessThan(120);
    }
  });

  it('normalises "-0" to zero that formats as "0"', () => {
    expect(formatDecimal(parseDecimal('-0'))).toBe('0');
    expect(formatDecimal(parseDecimal('-0.000'))).toBe('0');
  });
});

describe('decimalFromWireNumber (the ccxt float edge)', () => {
  it('keeps what the exchange sent for <= 15 significant digits', () => {
    expect(formatDecimal(decimalFromWireNumber(0.1))).toBe('0.1');
    expect(formatDecimal(decimalFromWireNumber(67123.45))).toBe('67123.45');
    expect(formatDecimal(decimalFromWireNumber(1e-8))).toBe('0.00000001');
  });

  it('refuses NaN and infinities', () => {
    expect(() => decimalFromWireNumber(Number.NaN)).toThrow(DecimalParseError);
    expect(() => decimalFromWireNumber(Number.NEGATIVE_INFINITY)).toThrow('not a finite number');
  });
});

describe('formatDecimal never uses exponent notation', () => {
  it.each([
    ['1e-30', `0.${'0'.repeat(29)}1`],
    ['1e30', `1${'0'.repeat(30)}`],
    ['-1.5e-20', `-0.${'0'.repeat(19)}15`],
    ['123.4500', '123.45'],
    ['0', '0'],
  ])('formats %s as %s', (input, expected) => {
    const s = formatDecimal(d(input));
    expect(s).toBe(expected);
    expect(s).not.toMatch(/e/i);
  });

  it('rounds half-even to dp and never prints "-0"', () => {
    expect(formatDecimal(d('0.125'), 2)).toBe('0.12');
    expect(formatDecimal(d('0.135'), 2)).toBe('0.14');
    expect(formatDecimal(d('-0.001'), 2)).toBe('0.00');
    expect(formatDecimal(d('5'), 3)).toBe('5.000');
  });

  it('refuses non-finite values', () => {
    expect(() => formatDecimal(d('NaN'))).toThrow('non-finite');
    expect(() => formatDecimal(d('Infinity'))).toThrow('non-finite');
  });

  it('groups thousands for people', () => {
    expect(formatForPeople(d('9001.254'), 2)).toBe('9,001.25');
    expect(formatForPeople(d('-1234567'), 0)).toBe('-1,234,567');
    expect(formatForPeople(d('999'), 1)).toBe('999.0');
  });
});

describe('quantization', () => {
  it('rounds amounts down to the step, toward zero', () => {
    expect(formatDecimal(quantizeAmountDown(d('0.123456789'), d('0.00001')))).toBe('0.12345');
    expect(formatDecimal(quantizeAmountDown(d('1.99999'), d('1')))).toBe('1');
    expect(formatDecimal(quantizeAmountDown(d('0.3'), d('0.1')))).toBe('0.3');
    expect(formatDecimal(quantizeAmountDown(d('7'), d('2.5')))).toBe('5');
    expect(formatDecimal(quantizeAmountDown(d('0.000009'), d('0.00001')))).toBe('0');
  });

  it('floors buy prices and ceils sell prices to the tick', () => {
    expect(formatDecimal(quantizePrice(d('67123.456'), d('0.01'), 'buy'))).toBe('67123.45');
    expect(formatDecimal(quantizePrice(d('67123.451'), d('0.01'), 'sell'))).toBe('67123.46');
    expect(formatDecimal(quantizePrice(d('67123.455'), d('0.01'), 'nearest'))).toBe('67123.46');
    expect(formatDecimal(quantizePrice(d('67123.445'), d('0.01'), 'nearest'))).toBe('67123.44');
    expect(formatDecimal(quantizePrice(d('100'), d('0.5'), 'sell'))).toBe('100');
  });

  it.each(['0', '-0.01', 'NaN', 'Infinity'])('refuses the step %s', (step) => {
    expect(() => quantizeAmountDown(d('1'), d(step))).toThrow('amount step must be a positive decimal');
    expect(() => quantizePrice(d('1'), d(step), 'buy')).toThrow('price tick must be a positive decimal');
  });

  it('knows the grid and the digits a step implies', () => {
    expect(isOnGrid(d('0.30'), d('0.1'))).toBe(true);
    expect(isOnGrid(d('0.31'), d('0.1'))).toBe(false);
    expect(stepDecimals(d('0.001'))).toBe(3);
    expect(stepDecimals(d('1'))).toBe(0);
    expect(stepDecimals(d('0.5'))).toBe(1);
  });
});

describe('percent and basis points', () => {
  it('converts both ways', () => {
    expect(percentToFraction(d('0.5')).eq(d('0.005'))).toBe(true);
    expect(fractionToPercent(d('0.005')).eq(d('0.5'))).toBe(true);
    expect(bpsToFraction(d('50')).eq(d('0.005'))).toBe(true);
    expect(fractionToBps(d('0.005')).eq(d('50'))).toBe(true);
    // 0.5 % == 50 bps through the fraction.
    expect(fractionToBps(percentToFraction(d('0.5'))).eq(d('50'))).toBe(true);
  });

  it('takes a percentage of an amount and a relative change', () => {
    expect(percentOf(d('9000'), d('85')).eq(d('7650'))).toBe(true);
    expect(percentOf(d('9000'), d('0.5')).eq(d('45'))).toBe(true);
    expect(relativeChange(d('100'), d('115')).eq(d('0.15'))).toBe(true);
    expect(relativeChange(d('100'), d('85')).eq(d('-0.15'))).toBe(true);
    expect(() => relativeChange(d('0'), d('1'))).toThrow('relative change from zero');
  });
});

describe('zod schemas for decimal strings', () => {
  const msg = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues.map((i) => i.message).join('; ');

  it('parse strings into Decimal', () => {
    const r = decimalString.safeParse('-12.5');
    expect(r.success).toBe(true);
    expect(r.data?.eq(d('-12.5'))).toBe(true);
    expect(positiveDecimalString.parse('0.00000001').eq(d('1e-8'))).toBe(true);
    expect(nonNegativeDecimalString.parse('0').isZero()).toBe(true);
    expect(percentageString.parse('100').eq(100)).toBe(true);
    expect(percentageString.parse('0').isZero()).toBe(true);
  });

  it('refuse JSON numbers: they have already been through a float', () => {
    const r = decimalString.safeParse(0.5);
    expect(r.success).toBe(false);
    expect(msg(r)).toContain('expected string, received number');
  });

  it('say what is malformed', () => {
    expect(msg(decimalString.safeParse('0.5.1'))).toBe('malformed decimal "0.5.1": must be digits with an optional minus sign and fraction, like "-12.345"');
    expect(msg(decimalString.safeParse(''))).toBe('malformed decimal "": empty string');
    expect(msg(decimalString.safeParse(' 1'))).toContain('whitespace');
  });

  it.each([
    ['positive', '0', 'must be greater than 0'],
    ['positive', '-1', 'must be greater than 0'],
    ['nonNegative', '-0.00000001', 'must be 0 or greater'],
    ['percentage', '150', 'must be a percentage between 0 and 100'],
    ['percentage', '100.0000001', 'must be a percentage between 0 and 100'],
    ['percentage', '-1', 'must be a percentage between 0 and 100'],
  ] as const)('%s rejects %j: %s', (kind, input, message) => {
    const schema = { positive: positiveDecimalString, nonNegative: nonNegativeDecimalString, percentage: percentageString }[kind];
    const r = schema.safeParse(input);
    expect(r.success).toBe(false);
    expect(msg(r)).toBe(message);
  });

  it('report a malformed string once, not also as out of range', () => {
    const r = percentageString.safeParse('1e5');
    expect(r.success).toBe(false);
    expect(r.error?.issues).toHaveLength(1);
    expect(msg(r)).toContain('malformed decimal "1e5"');
  });
});
