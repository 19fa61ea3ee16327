import { z } from 'zod';
import { parseDecimal, tryParseDecimal } from '../../domain/money/parse';
import { percentToFraction } from '../../domain/money/percent';
import { EXCHANGE_IDS, type ExchangeId } from '../../domain/market';
import { FeeBook, monthStartUtc, type AccountFeeSchedule, type FeePaid, type FeeRates } from '../../domain/fees';
import type { Settings } from '../../config/schemas';
import type { Ledger } from '../../ports/ledger';
import { feeEntry } from './ledger-entries';

type FeeSettings = Settings['fees'];

const rates = (r: { makerPercent: FeeRates['maker']; takerPercent: FeeRates['taker'] }): FeeRates => ({
  maker: percentToFraction(r.makerPercent),
  taker: percentToFraction(r.takerPercent),
});

/**
 * The config's fallback tiers of the venue actually traded: the `binance` venue is Binance.US when
 * BINANCE_VARIANT=binanceus, and Binance.US has its own schedule (never Binance.com's defaults).
 */
export function fallbackFeesOf(fees: FeeSettings, exchange: ExchangeId, binanceVariant: 'binance' | 'binanceus' = 'binance'): FeeSettings['binance'] {
  if (exchange !== 'binance' || binanceVariant === 'binance') return fees[exchange];
  if (!fees.binanceus) throw new Error('settings.json: fees.binanceus is missing: BINANCE_VARIANT=binanceus needs Binance.US\'s own fee tiers (Binance.com\'s would misprice every trade)');
  return fees.binanceus;
}

/** Config (percent) -> schedules (fractions). A disabled allowance is simply absent. */
export function feeSchedulesFromSettings(fees: FeeSettings, binanceVariant: 'binance' | 'binanceus' = 'binance'): AccountFeeSchedule[] {
  return EXCHANGE_IDS.map((exchange) => {
    const f = fallbackFeesOf(fees, exchange, binanceVariant);
    const schedule: AccountFeeSchedule = {
      exchange,
      defaults: rates(f),
      markets: Object.fromEntries(Object.entries(f.markets ?? {}).map(([symbol, r]) => [symbol, rates(r)])),
    };
    if (f.discount) schedule.discount = { asset: f.discount.asset, fraction: percentToFraction(f.discount.percentOff) };
    if (f.zeroFeeAllowance?.enabled) schedule.allowance = { name: f.zeroFeeAllowance.name, monthlyVolumeUsd: f.zeroFeeAllowance.monthlyVolumeUsd };
    return schedule;
  });
}

/**
 * Replays this month's booked fees into the fee book, so a restart neither forgets the allowance
 * already used nor grants it twice. The ledger is the record; the book is its working copy.
 */
export function hydrateFeeBookFromLedger(book: FeeBook, ledger: Ledger, at: number): number {
  let n = 0;
  for (const e of ledger.entries({ kind: 'fee', since: monthStartUtc(at) })) {
    if (!e.exchange || e.exchange === 'cold-wallet' || !e.asset || !e.delta) continue;
    const used = e.details?.allowanceUsedUsd;
    book.recordFee({
      exchange: e.exchange,
      at: e.at,
      currency: e.asset,
      amount: e.delta.negated(),
      allowanceUsedUsd: typeof used === 'string' ? parseDecimal(used) : undefined,
    });
    n += 1;
  }
  return n;
}

/** Books one fee in the ledger first (durable), then in the fee book; a replayed key books nothing. */
export function recordFee(book: FeeBook, ledger: Ledger, fee: FeePaid & { correlationId: string; idempotencyKey: string }): boolean {
  const written = ledger.append([
    feeEntry({ at: fee.at, exchange: fee.exchange, asset: fee.currency, amount: fee.amount, allowanceUsedUsd: fee.allowanceUsedUsd, correlationId: fee.correlationId, idempotencyKey: fee.idempotencyKey }),
  ]);
  if (written) book.recordFee(fee);
  return written;
}


const wireRate = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const r = typeof v === 'number' ? (Number.isFinite(v) ? tryParseDecimal(String(v)) : { ok: false as const, reason: 'not finite' }) : tryParseDecimal(v);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: `fee rate ${String(v)}: ${r.reason}` });
    return z.NEVER;
  }
  return r.value;
});
const ccxtTradingFeesSchema = z.record(z.string(), z.object({ maker: wireRate, taker: wireRate }).loose());

/**
 * Feeds ccxt's `fetchTradingFees()` answer (per symbol, maker/taker as float fractions) into the
 * fee book. Floats become Decimals through their shortest string (exact for what the exchange
 * sent). Returns the symbols applied and those skipped with the reason; nothing is guessed.
 */
export function applyCcxtTradingFees(book: FeeBook, exchange: ExchangeId, raw: unknown, at: number): { applied: string[]; skipped: Array<{ symbol: string; reason: string }> } {
  const applied: string[] = [];
  const skipped: Array<{ symbol: string; reason: string }> = [];
  if (raw === null || typeof raw !== 'object') return { applied, skipped: [{ symbol: '*', reason: 'fetchTradingFees returned no object' }] };
  for (const [symbol, entry] of Object.entries(raw as Record<string, unknown>)) {
    const r = ccxtTradingFeesSchema.safeParse({ [symbol]: entry });
    if (!r.success) {
      skipped.push({ symbol, reason: r.error.issues.map((i) => `${i.path.slice(1).join('.')}: ${i.message}`).join('; ') });
      continue;
    }
    const rates = r.data[symbol]!;
    try {
      book.setExchangeRates(exchange, symbol, { maker: rates.maker, taker: rates.taker }, at);
      applied.push(symbol);
    } catch (err) {
      skipped.push({ symbol, reason: (err as Error).message });
    }
  }
  return { applied, skipped };
}
