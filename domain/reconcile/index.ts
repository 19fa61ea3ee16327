import { Decimal, ZERO } from '../money/decimal';

export interface PlaceBalance {
  exchange: string;
  asset: string;
  amount: Decimal;
}

export interface BalanceDifference {
  exchange: string;
  asset: string;
  ledgerAmount: Decimal;
  exchangeAmount: Decimal;
  difference: Decimal;
}

/**
 * The ledger's implied balances against the exchanges' own, one entry per venue and asset seen on
 * either side (venues the exchange side does not cover, like the cold wallet, are left out).
 * `difference` is exchange minus ledger: positive means coins the ledger never booked. Reports,
 * never corrects: an adjustment is an operator's decision.
 */
export function compareBalances(ledger: PlaceBalance[], exchange: PlaceBalance[]): { ok: boolean; differences: BalanceDifference[] } {
  const venues = new Set(exchange.map((b) => b.exchange));
  const key = (b: { exchange: string; asset: string }) => `${b.exchange}\u0000${b.asset}`;
  const rows = new Map<string, BalanceDifference>();
  const row = (b: PlaceBalance) => {
    let r = rows.get(key(b));
    if (!r) rows.set(key(b), (r = { exchange: b.exchange, asset: b.asset, ledgerAmount: ZERO, exchangeAmount: ZERO, difference: ZERO }));
    return r;
  };
  for (const b of ledger) if (venues.has(b.exchange)) row(b).ledgerAmount = row(b).ledgerAmount.plus(b.amount);
  for (const b of exchange) row(b).exchangeAmount = row(b).exchangeAmount.plus(b.amount);
  const differences = [...rows.values()]
    .map((r) => ({ ...r, difference: r.exchangeAmount.minus(r.ledgerAmount) }))
    // Both zero is no position at all (an asset fully spent on both sides stays listed only if it differs).
    .filter((r) => !(r.ledgerAmount.isZero() && r.exchangeAmount.isZero()))
    .sort((a, b) => (a.exchange === b.exchange ? (a.asset < b.asset ? -1 : 1) : a.exchange < b.exchange ? -1 : 1));
  return { ok: differences.every((d) => d.difference.isZero()), differences };
}

