import { z } from 'zod';
import { Decimal } from '../money/decimal';
import { decimalFromWireNumber, tryParseDecimal } from '../money/parse';
import type { NetworkAvailability, NetworkCatalogue } from './types';

/**
 * The part of ccxt's `fetchCurrencies()` result that transfer planning reads:
 * currencies[code].networks[networkCode] = { id, network, deposit, withdraw, fee, limits.withdraw.min }.
 * Other fields (info, precision, active...) are allowed and ignored. ccxt gives fees and limits as
 * JS numbers (strings with `number: String`); both are turned into Decimal here, at the edge.
 */
const wireAmount = z.union([z.number(), z.string()]).nullish().transform((x, ctx): Decimal | undefined => {
  if (x === null || x === undefined) return undefined;
  if (typeof x === 'number' && !Number.isFinite(x)) {
    ctx.addIssue({ code: 'custom', message: `not a finite number: ${x}` });
    return z.NEVER;
  }
  // A double goes through String(x), the shortest text that round-trips (what the exchange
  // sent); it may be in exponent form (1e-7), which Decimal reads exactly. A string must be a
  // plain decimal literal.
  let value: Decimal;
  if (typeof x === 'number') {
    value = decimalFromWireNumber(x);
  } else {
    const r = tryParseDecimal(x);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: `not a decimal string: ${JSON.stringify(x)} (${r.reason})` });
      return z.NEVER;
    }
    value = r.value;
  }
  if (value.isNegative()) {
    ctx.addIssue({ code: 'custom', message: `must not be negative: ${JSON.stringify(x)}` });
    return z.NEVER;
  }
  return value;
});

const ccxtNetwork = z.looseObject({
  id: z.string().nullish(),
  network: z.string().nullish(),
  deposit: z.boolean().nullish(),
  withdraw: z.boolean().nullish(),
  fee: wireAmount,
  limits: z.looseObject({ withdraw: z.looseObject({ min: wireAmount, max: wireAmount }).nullish() }).nullish(),
  // The venue's raw network entry; only Binance's arrival estimate (minutes) is read from it.
  info: z.unknown().optional(),
});

/** Binance's `estimatedArrivalTime` (minutes, often a string); anything but a positive whole number is ignored. */
function arrivalMinutes(info: unknown): number | undefined {
  const raw = typeof info === 'object' && info !== null ? (info as { estimatedArrivalTime?: unknown }).estimatedArrivalTime : undefined;
  const minutes = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  return typeof minutes === 'number' && Number.isInteger(minutes) && minutes > 0 ? minutes : undefined;
}

export const ccxtCurrenciesSchema = z.record(
  z.string(),
  z.looseObject({ networks: z.record(z.string(), ccxtNetwork).nullish() }),
);
export type CcxtCurrencies = z.infer<typeof ccxtCurrenciesSchema>;

/** Our code for a ccxt network: a networks.json key, or the key whose ccxtCode matches. */
export function ourNetworkCode(candidates: ReadonlyArray<string | null | undefined>, catalogue: NetworkCatalogue): string | undefined {
  for (const c of candidates) {
    if (!c) continue;
    const upper = c.toUpperCase();
    if (catalogue.networks[upper]) return upper;
    const byCcxt = Object.entries(catalogue.networks).find(([, n]) => n.ccxtCode.toUpperCase() === upper);
    if (byCcxt) return byCcxt[0];
  }
  return undefined;
}

/**
 * The networks of one asset as NetworkAvailability. A deposit/withdraw flag ccxt left unknown
 * counts as disabled (sending on a guess is how money gets stuck); a missing minimum counts as 0;
 * a missing fee stays unknown, which the planner refuses to choose. A network not in
 * networks.json keeps its ccxt code so the plan can say it was not considered.
 */
export function networksFromCcxtCurrencies(currencies: CcxtCurrencies, asset: string, catalogue: NetworkCatalogue): NetworkAvailability[] | undefined {
  const currency = currencies[asset];
  if (!currency) return undefined;
  const out: NetworkAvailability[] = [];
  const seen = new Set<string>();
  for (const [key, n] of Object.entries(currency.networks ?? {})) {
    const code = ourNetworkCode([n.network, key, n.id], catalogue) ?? n.network ?? key;
    if (seen.has(code)) continue;
    seen.add(code);
    out.push({
      asset,
      network: code,
      withdrawEnabled: n.withdraw === true,
      depositEnabled: n.deposit === true,
      withdrawFee: n.fee,
      withdrawMin: n.limits?.withdraw?.min ?? new Decimal(0),
      expectedMinutes: arrivalMinutes(n.info),
    });
  }
  return out;
}
