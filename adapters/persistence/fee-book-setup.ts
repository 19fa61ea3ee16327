import { parseDecimal } from '../../domain/money/parse';
import { percentToFraction } from '../../domain/money/percent';
import { EXCHANGE_IDS, type ExchangeId } from '../../domain/market';
import { type FeeBook, allowanceMonth, monthStartUtc, type AccountFeeSchedule, type FeePaid, type FeeRates } from '../../domain/fees';
import { Decimal, ZERO } from '../../domain/money/decimal';
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


/**
 * A fill's fee lines with the zero-fee allowance it spends (Coinbase One), the way decisions price
 * it (domain/fees quoteFee): its USD notional, up to what is left this month, carried on the first
 * fee line (`details.allowanceUsedUsd`; a fee-free fill gets a zero fee line to carry it), so the
 * ledger is the record every process on it reads (a restart, the hot path, the orchestrator's bots).
 */
export function withAllowanceSpent(book: FeeBook | undefined, exchange: ExchangeId, fees: Array<{ currency: string; amount: Decimal }>, cost: Decimal, quote: string, quoteUsd: Decimal | undefined, at: number): Array<{ currency: string; amount: Decimal; allowanceUsedUsd?: Decimal }> {
  const lines: Array<{ currency: string; amount: Decimal; allowanceUsedUsd?: Decimal }> = fees.map((f) => ({ currency: f.currency, amount: f.amount }));
  const usage = book?.allowanceUsage(exchange, at);
  if (!usage || usage.remainingUsd.lte(0) || !quoteUsd) return lines;
  const used = Decimal.min(usage.remainingUsd, cost.times(quoteUsd));
  if (used.lte(0)) return lines;
  if (lines.length === 0) lines.push({ currency: quote, amount: new Decimal(0) });
  lines[0] = { ...lines[0]!, allowanceUsedUsd: used };
  return lines;
}

/**
 * Keeps a fee book's zero-fee allowance level with what every process booked in the shared ledger
 * this month (the hot path's fills, the bots' fills in the orchestrator): reads only lines it has
 * not seen, and raises the book to the ledger's total, never lowers it (the book's own fills are
 * in the ledger too). Nothing to do, and no read, when no venue has an allowance.
 */
export class LedgerAllowanceSync {
  private lastId = 0;
  private lastAt = 0;
  private readonly booked = new Map<string, Decimal>();

  constructor(private readonly book: FeeBook, private readonly ledger: Ledger) {}

  sync(now: number): void {
    const venues = EXCHANGE_IDS.filter((ex) => this.book.allowanceUsage(ex, now) !== undefined);
    if (venues.length === 0) return;
    // Lines come from several processes' clocks: a minute of overlap, deduplicated by id.
    const since = Math.max(monthStartUtc(now), this.lastAt - 60_000);
    for (const e of this.ledger.entries({ kind: 'fee', since })) {
      if (e.id <= this.lastId) continue;
      this.lastId = e.id;
      this.lastAt = Math.max(this.lastAt, e.at);
      const used = e.details?.allowanceUsedUsd;
      if (typeof used !== 'string' || !e.exchange || e.exchange === 'cold-wallet') continue;
      const k = `${e.exchange}:${allowanceMonth(e.at)}`;
      this.booked.set(k, (this.booked.get(k) ?? ZERO).plus(parseDecimal(used)));
    }
    for (const ex of venues) this.book.raiseAllowanceUsed(ex, now, this.booked.get(`${ex}:${allowanceMonth(now)}`) ?? ZERO);
  }
}
