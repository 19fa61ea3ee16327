import type { Exchange, Market } from 'ccxt';
import { Decimal } from '../../../domain/money/decimal';
import { formatDecimal } from '../../../domain/money/format';

/** One market's rates as the venue answered them: fractions (0.001 = 0.1 %), not yet validated. */
export interface RawFeeRates { maker: unknown; taker: unknown }

/** Reads the account's own fee schedule through ccxt; the answer is validated by the caller. */
export type TradingFeeFetcher = (ex: Exchange, markets: Array<Market | undefined>) => Promise<Record<string, RawFeeRates>>;

/** Kraken's TradeVolume takes a list of pairs; a bounded list keeps one request reasonable. */
const KRAKEN_PAIRS_PER_CALL = 100;

type Implicit = (params?: Record<string, unknown>) => Promise<unknown>;
const implicit = (ex: Exchange, name: string): Implicit => {
  const fn = (ex as unknown as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new Error(`ccxt ${ex.id} has no ${name}`);
  return (fn as Implicit).bind(ex);
};

const unified: TradingFeeFetcher = async (ex) => (await ex.fetchTradingFees()) as unknown as Record<string, RawFeeRates>;

/**
 * Binance.US answers on its own endpoint (GET /sapi/v1/asset/query/trading-fee); ccxt's
 * fetchTradingFees asks Binance.com's /sapi/v1/asset/tradeFee, which Binance.US does not serve.
 * Same row shape, decimal strings kept as strings.
 */
const binanceUs: TradingFeeFetcher = async (ex, markets) => {
  const rows = await implicit(ex, 'sapiGetAssetQueryTradingFee')();
  if (!Array.isArray(rows)) throw new Error(`binanceus trading-fee: expected a list, got ${typeof rows}`);
  const byId = new Map(markets.flatMap((m) => (m ? [[m.id, m.symbol] as const] : [])));
  const out: Record<string, RawFeeRates> = {};
  for (const r of rows as Array<Record<string, unknown>>) {
    const symbol = byId.get(String(r.symbol));
    if (symbol) out[symbol] = { maker: r.makerCommission, taker: r.takerCommission };
  }
  return out;
};

/**
 * Kraken has fetchTradingFee (one pair per request) only: TradeVolume with `fee-info` answers for
 * many pairs at once, in percent ("0.2600"), which we turn into fractions as exact strings.
 */
const kraken: TradingFeeFetcher = async (ex, markets) => {
  const call = implicit(ex, 'privatePostTradeVolume');
  const out: Record<string, RawFeeRates> = {};
  const spot = markets.filter((m): m is NonNullable<Market> => m !== undefined && m.spot !== false && Boolean(m.id));
  for (let i = 0; i < spot.length; i += KRAKEN_PAIRS_PER_CALL) {
    const chunk = spot.slice(i, i + KRAKEN_PAIRS_PER_CALL);
    const res = (await call({ pair: chunk.map((m) => m.id).join(','), 'fee-info': true })) as { result?: { fees?: Record<string, { fee?: unknown }>; fees_maker?: Record<string, { fee?: unknown }> } };
    const taker = res.result?.fees ?? {};
    const maker = res.result?.fees_maker ?? {};
    for (const m of chunk) {
      const id = m.id ?? '';
      const t = taker[id]?.fee;
      // A pair without a maker entry is charged its taker rate (Kraken lists both for spot).
      const mk = maker[id]?.fee ?? t;
      if (t !== undefined) out[m.symbol] = { maker: percentToFractionString(mk), taker: percentToFractionString(t) };
    }
  }
  return out;
};

/** "0.2600" (percent) -> "0.0026", exactly; anything else is passed on for the validator to refuse. */
function percentToFractionString(v: unknown): unknown {
  return typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? formatDecimal(new Decimal(v).div(100)) : v;
}

/** The account-fee reader per ccxt id (Binance.US differs from Binance.com). */
export function tradingFeeFetcher(ccxtId: string): TradingFeeFetcher | undefined {
  switch (ccxtId) {
    case 'binance': return unified;
    case 'binanceus': return binanceUs;
    case 'kraken': return kraken;
    case 'coinbase': return unified;
    default: return undefined;
  }
}

/** Reads whether the account pays its fees in the venue's discount asset (unvalidated answer). */
export type FeeDiscountSwitchFetcher = (ex: Exchange) => Promise<unknown>;

/**
 * Binance's "pay fees with BNB" switch: GET /sapi/v1/bnbBurn (`{ spotBNBBurn, interestBNBBurn }`).
 * Binance.US has no such endpoint (its config's discount stays the fallback); other venues have no discount asset.
 */
export function feeDiscountSwitchFetcher(ccxtId: string): FeeDiscountSwitchFetcher | undefined {
  return ccxtId === 'binance' ? (ex) => implicit(ex, 'sapiGetBnbBurn')() : undefined;
}
