import { z } from 'zod';
import type { ExchangeId, Symbol } from '../../domain/market';
import { Decimal, ZERO } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { tryParseDecimal } from '../../domain/money/parse';
import type { FeeBook, FeeRates } from '../../domain/fees';
import type { Clock } from '../../ports/clock';
import type { Rejected } from '../../ports/outcomes';
import type { Confirmed, OrderOutcome, OrderRequest, Trading } from '../../ports/trading';
import type { RawFeeRates } from './venues/trading-fees';
import { isRejected } from './errors';

/** Default: the account's schedule is read once a day (tiers move on 30-day volume, daily at most). */
export const DEFAULT_ACCOUNT_FEE_REFRESH_MS = 86_400_000;
/** A fill that disagrees with the schedule reads it again, but not more often than this per venue. */
const DEFAULT_MIN_REFRESH_GAP_MS = 60_000;

/**
 * A rate from the wire: a JSON number (ccxt parses to floats; its shortest string is what the venue
 * sent) or a decimal string; a fraction in [0, 1). Anything else refuses the whole answer.
 */
const wireRate = z.union([z.number(), z.string()]).transform((v, ctx): Decimal => {
  const r = typeof v === 'number' ? (Number.isFinite(v) ? tryParseDecimal(String(v)) : { ok: false as const, reason: 'not finite' }) : tryParseDecimal(v);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: `rate ${JSON.stringify(v)}: ${r.reason}` });
    return z.NEVER;
  }
  if (r.value.isNegative() || r.value.gte(1)) {
    ctx.addIssue({ code: 'custom', message: `rate ${JSON.stringify(v)}: must be a fraction in [0, 1)` });
    return z.NEVER;
  }
  return r.value;
});
const accountFeesSchema = z
  .record(z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?$/, 'not a unified symbol'), z.object({ maker: wireRate, taker: wireRate }).loose())
  .refine((r) => Object.keys(r).length > 0, 'no market in the answer');

/** Validates a venue's answer; a garbage, negative or empty answer is refused whole, with the reason. */
export function parseAccountFees(raw: unknown): { ok: true; rates: Map<Symbol, FeeRates> } | { ok: false; reason: string } {
  const r = accountFeesSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(answer)'}: ${i.message}`);
    const more = r.error.issues.length > 3 ? ` (+${r.error.issues.length - 3} more)` : '';
    return { ok: false, reason: `${issues.join('; ')}${more}` };
  }
  // Derivative symbols ("BTC/USDT:USDT") are not spot markets we trade: left out.
  const rates = new Map(Object.entries(r.data).filter(([s]) => !s.includes(':')).map(([s, f]) => [s, { maker: f.maker, taker: f.taker }]));
  return { ok: true, rates };
}

/**
 * Binance's answer to GET /sapi/v1/bnbBurn. Only the spot switch matters for trading fees; anything
 * but a boolean is refused (the switch in force stays).
 */
const discountSwitchSchema = z.object({ spotBNBBurn: z.boolean() }).loose();

export interface AccountFeeVenue {
  exchange: ExchangeId;
  /** 'binanceus' for the Binance.US variant of the binance venue. */
  ccxtId: string;
  fetch(): Promise<Record<string, RawFeeRates> | Rejected>;
  /** The venue's "pay fees in the discount asset" switch, unvalidated (Binance); absent: the config decides. */
  fetchDiscountSwitch?(): Promise<unknown>;
}

export type FeeRefreshOutcome =
  | { status: 'applied'; exchange: ExchangeId; at: number; markets: number; changed: boolean; why: string }
  | { status: 'refused'; exchange: ExchangeId; at: number; reason: string; why: string; inForce: 'account' | 'fallback' };

/** What the dashboard and `qbot status` show per venue: which schedule prices decisions, and how old it is. */
export interface VenueFeeStatus {
  exchange: ExchangeId;
  ccxtId: string;
  /** account: the venue's own rates (fetchTradingFees); fallback: the config's tier for this venue. */
  source: 'account' | 'fallback';
  appliedAt?: number;
  ageMs?: number;
  markets: number;
  lastAttemptAt?: number;
  /** Why the last read was refused (the schedule in force stayed). */
  lastError?: string;
  /** A representative market's taker/maker in percent as decimal strings. */
  sample?: { symbol: Symbol; makerPercent: string; takerPercent: string; source: string };
  /** Fees paid in the discount asset (Binance's BNB switch) as the venue last said; absent: not read, the config decides. */
  discountSwitch?: 'on' | 'off';
}

interface Log {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
}

interface VenueState {
  venue: AccountFeeVenue;
  markets: number;
  sampleSymbol?: Symbol;
  lastAttemptAt?: number;
  lastError?: string;
  lastRefreshAt?: number;
  inFlight?: Promise<FeeRefreshOutcome>;
}

const pct = (x: Decimal) => formatDecimal(x.times(100));

/**
 * The account's own fee schedule per venue, read through ccxt (the real adapters), validated at the
 * edge, and put into the fee book that every decision prices with: on start, every `refreshMs`, and
 * at once when a fill's fee disagrees with the schedule (a tier change). A refused read changes
 * nothing: the previous account schedule, or the config's fallback tier, stays in force.
 */
export class AccountFeeSource {
  private readonly venues = new Map<ExchangeId, VenueState>();
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly o: {
    book: FeeBook;
    venues: AccountFeeVenue[];
    clock: Clock;
    log: Log;
    refreshMs?: number;
    minRefreshGapMs?: number;
    /** A representative market per venue for the status view (default: the first applied). */
    sampleSymbol?: (exchange: ExchangeId) => Symbol | undefined;
  }) {
    for (const v of o.venues) this.venues.set(v.exchange, { venue: v, markets: 0 });
  }

  /** Reads every venue now, then every `refreshMs` (default daily). */
  async start(): Promise<FeeRefreshOutcome[]> {
    const first = await this.refreshAll('start');
    const every = this.o.refreshMs ?? DEFAULT_ACCOUNT_FEE_REFRESH_MS;
    this.timer = setInterval(() => void this.track(this.refreshAll('daily')), every);
    this.timer.unref();
    return first;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.pending]);
  }

  refreshAll(why: string): Promise<FeeRefreshOutcome[]> {
    return Promise.all([...this.venues.keys()].map((e) => this.refresh(e, why)));
  }

  /** One read of one venue (joined when one is already in flight). */
  refresh(exchange: ExchangeId, why: string): Promise<FeeRefreshOutcome> {
    const st = this.venues.get(exchange);
    if (!st) return Promise.resolve({ status: 'refused', exchange, at: this.o.clock.now(), reason: `no account fee reader for ${exchange}`, why, inForce: 'fallback' });
    st.inFlight ??= this.read(st, why).finally(() => (st.inFlight = undefined));
    return st.inFlight;
  }

  private async read(st: VenueState, why: string): Promise<FeeRefreshOutcome> {
    const { exchange, ccxtId } = st.venue;
    const at = this.o.clock.now();
    st.lastAttemptAt = at;
    st.lastRefreshAt = at;
    await this.readDiscountSwitch(st.venue, why);
    const inForce = this.o.book.accountRatesAppliedAt(exchange) === undefined ? 'fallback' as const : 'account' as const;
    const refuse = (reason: string): FeeRefreshOutcome => {
      st.lastError = reason;
      this.o.log.warn({ exchange, ccxtId, why, reason, inForce }, `account fee schedule refused: the ${inForce === 'account' ? 'previous account' : 'config fallback'} schedule stays in force`);
      return { status: 'refused', exchange, at, reason, why, inForce };
    };
    let raw: Awaited<ReturnType<AccountFeeVenue['fetch']>>;
    try {
      raw = await st.venue.fetch();
    } catch (err) {
      return refuse(`read failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (isRejected(raw)) return refuse(`${raw.code}: ${raw.reason}`);
    const parsed = parseAccountFees(raw);
    if (!parsed.ok) return refuse(`invalid answer: ${parsed.reason}`);
    let changed: boolean;
    try {
      ({ changed } = this.o.book.replaceExchangeRates(exchange, parsed.rates, at));
    } catch (err) {
      return refuse(err instanceof Error ? err.message : String(err));
    }
    st.markets = parsed.rates.size;
    st.lastError = undefined;
    st.sampleSymbol = this.o.sampleSymbol?.(exchange) ?? st.sampleSymbol ?? [...parsed.rates.keys()][0];
    this.o.log.info({ exchange, ccxtId, why, markets: parsed.rates.size, changed, sample: this.sample(exchange, st.sampleSymbol) }, changed ? 'account fee schedule applied' : 'account fee schedule unchanged');
    return { status: 'applied', exchange, at, markets: parsed.rates.size, changed, why };
  }

  /**
   * The discount switch (Binance: pay fees with BNB), read with the schedule: off removes the BNB
   * discount from every decision, on restores it while BNB covers the fee. A failed or malformed
   * read changes nothing (the last answer, or the config's discount, stays) and is logged.
   */
  private async readDiscountSwitch(venue: AccountFeeVenue, why: string): Promise<void> {
    const { exchange, ccxtId } = venue;
    if (!venue.fetchDiscountSwitch || this.o.book.discountAsset(exchange) === undefined) return;
    let raw: unknown;
    try {
      raw = await venue.fetchDiscountSwitch();
    } catch (err) {
      raw = { failed: err instanceof Error ? err.message : String(err) };
    }
    if (isRejected(raw) && raw.code === 'NOT_SUPPORTED') return;
    const parsed = discountSwitchSchema.safeParse(raw);
    const inForce = this.o.book.discountSwitchOf(exchange);
    if (!parsed.success) {
      const reason = isRejected(raw) ? `${raw.code}: ${raw.reason}` : `invalid answer: ${JSON.stringify(raw)?.slice(0, 200)}`;
      this.o.log.warn({ exchange, ccxtId, why, reason, inForce: inForce === undefined ? 'config' : inForce ? 'on' : 'off' }, 'fee discount switch unread: the switch in force stays');
      return;
    }
    const on = parsed.data.spotBNBBurn;
    if (this.o.book.setDiscountSwitch(exchange, on).changed) this.o.log.info({ exchange, ccxtId, why, discountAsset: this.o.book.discountAsset(exchange), on }, `fees in ${this.o.book.discountAsset(exchange) ?? ''} switched ${on ? 'on' : 'off'} at the venue`);
  }

  /**
   * Compares a fill's fee with the schedule in force; a disagreement means the tier moved, so the
   * schedule is read again (at most once per `minRefreshGapMs` per venue). Fees in another asset
   * than the quote or the base (BNB) need a price and are left to the daily read.
   */
  noticeFill(c: Confirmed): void {
    const st = this.venues.get(c.exchange);
    if (!st || c.filled.lte(0) || c.cost.lte(0)) return;
    const [base, quote] = c.symbol.split('/');
    const fees = c.fills.length ? c.fills.map((f) => ({ currency: f.feeCurrency, amount: f.fee })) : c.fees;
    if (!fees.length || fees.some((f) => f.currency !== fees[0]!.currency)) return;
    const currency = fees[0]!.currency;
    const over = currency === quote ? c.cost : currency === base ? c.filled : undefined;
    if (!over) return;
    const charged = fees.reduce((t, f) => t.plus(f.amount), ZERO);
    const paidRate = charged.div(over);
    const { rates } = this.o.book.scheduleRates(c.exchange, c.symbol);
    // Venues round each fill's fee to 8 decimals: allow that, and 2 % of the rate, before calling it a change.
    const slack = (r: Decimal) => r.times('0.02').plus(new Decimal('0.00000001').times(c.fills.length + 1).div(over));
    const agrees = [rates.taker, rates.maker].some((r) => paidRate.minus(r).abs().lte(slack(r)));
    if (agrees) return;
    const now = this.o.clock.now();
    if (st.lastRefreshAt !== undefined && now - st.lastRefreshAt < (this.o.minRefreshGapMs ?? DEFAULT_MIN_REFRESH_GAP_MS)) return;
    this.o.log.info({ exchange: c.exchange, symbol: c.symbol, paidPercent: pct(paidRate), schedule: { takerPercent: pct(rates.taker), makerPercent: pct(rates.maker) } }, 'fill fee differs from the schedule: reading the account fee schedule again');
    this.track(this.refresh(c.exchange, `fill ${c.clientOrderId} paid ${pct(paidRate)} %`));
  }

  /** A Trading that reports every confirmed fill to `noticeFill` (the decorator the hot path wires). */
  watching(t: Trading): Trading {
    const notice = (o: OrderOutcome | { status: 'not-found' }) => {
      if (o.status === 'confirmed') this.noticeFill(o);
      return o;
    };
    return {
      exchange: t.exchange,
      placeOrder: async (req: OrderRequest) => notice(await t.placeOrder(req)) as OrderOutcome,
      cancelOrder: (symbol, orderId) => t.cancelOrder(symbol, orderId),
      fetchOrderByClientId: async (symbol, cid) => notice(await t.fetchOrderByClientId(symbol, cid)),
    };
  }

  /** Per venue: the schedule in force (account or config fallback) and its age. */
  status(): VenueFeeStatus[] {
    const now = this.o.clock.now();
    return [...this.venues.values()].map((st) => {
      const appliedAt = this.o.book.accountRatesAppliedAt(st.venue.exchange);
      const sample = this.sample(st.venue.exchange, st.sampleSymbol ?? this.o.sampleSymbol?.(st.venue.exchange));
      const discount = this.o.book.discountSwitchOf(st.venue.exchange);
      return {
        exchange: st.venue.exchange,
        ccxtId: st.venue.ccxtId,
        source: appliedAt === undefined ? 'fallback' : 'account',
        ...(appliedAt !== undefined ? { appliedAt, ageMs: Math.max(0, now - appliedAt) } : {}),
        markets: appliedAt === undefined ? 0 : st.markets,
        ...(st.lastAttemptAt !== undefined ? { lastAttemptAt: st.lastAttemptAt } : {}),
        ...(st.lastError ? { lastError: st.lastError } : {}),
        ...(sample ? { sample } : {}),
        ...(discount !== undefined ? { discountSwitch: discount ? 'on' as const : 'off' as const } : {}),
      };
    });
  }

  /** Settles once every refresh started by a fill or the timer has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private sample(exchange: ExchangeId, symbol: Symbol | undefined): VenueFeeStatus['sample'] {
    if (!symbol) return undefined;
    try {
      const { rates, source } = this.o.book.scheduleRates(exchange, symbol);
      return { symbol, makerPercent: pct(rates.maker), takerPercent: pct(rates.taker), source };
    } catch {
      return undefined;
    }
  }

  private track<T>(p: Promise<T>): void {
    const q = p.catch((err: unknown) => this.o.log.warn({ err }, 'account fee refresh failed')).finally(() => this.pending.delete(q));
    this.pending.add(q);
  }
}

/** The account fee venues of a set of ccxt adapters. */
export function accountFeeVenues(venues: Array<{ exchange: ExchangeId; trading: { fetchAccountFees(): Promise<Record<string, RawFeeRates> | Rejected>; fetchFeeDiscountSwitch?(): Promise<unknown>; readonly ccxtId: string } }>): AccountFeeVenue[] {
  return venues.map((v) => ({
    exchange: v.exchange, ccxtId: v.trading.ccxtId, fetch: () => v.trading.fetchAccountFees(),
    ...(v.trading.fetchFeeDiscountSwitch ? { fetchDiscountSwitch: () => v.trading.fetchFeeDiscountSwitch!() } : {}),
  }));
}
