import { parseDecimal } from '../../domain/money/parse';
import { percentToFraction } from '../../domain/money/percent';
import { EXCHANGE_IDS, type ExchangeId } from '../../domain/market';
import { type FeeBook, monthStartUtc, type AccountFeeSchedule, type FeePaid, type FeeRates } from '../../domain/fees';
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

