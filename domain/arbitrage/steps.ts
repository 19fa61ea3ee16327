import { Decimal } from '../money/decimal';

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * The smallest amount step valid on two markets at once: the least common multiple of both
 * steps. A cross-exchange trade buys and sells the same base amount, so it must lie on both grids
 * (0.00001 and 0.00000001 -> 0.00001; 0.002 and 0.005 -> 0.01).
 */
// Markets' steps are few and fixed, and the BigInt arithmetic is slow on the hot path: memoise.
const memo = new Map<string, Decimal>();

export function commonStep(a: Decimal, b: Decimal): Decimal {
  if (a.eq(b)) {
    if (a.lte(0)) throw new Error(`steps must be positive: ${a.toFixed()}`);
    return a;
  }
  const key = `${a.toFixed()}|${b.toFixed()}`;
  let step = memo.get(key);
  if (!step) {
    step = lcmOf(a, b);
    memo.set(key, step);
  }
  return step;
}

function lcmOf(a: Decimal, b: Decimal): Decimal {
  if (a.lte(0) || b.lte(0)) throw new Error(`steps must be positive: ${a.toFixed()} ${b.toFixed()}`);
  const dp = Math.max(a.decimalPlaces(), b.decimalPlaces());
  const scale = new Decimal(10).pow(dp);
  const ia = BigInt(a.times(scale).toFixed(0));
  const ib = BigInt(b.times(scale).toFixed(0));
  const lcm = (ia / gcd(ia, ib)) * ib;
  return new Decimal(lcm.toString()).div(scale);
}
