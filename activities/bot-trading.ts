import { Decimal, ONE, ZERO } from '../domain/money/decimal';
import { formatDecimal } from '../domain/money/format';
import { quantizeAmountDown } from '../domain/money/quantize';
import { midPrice, type OrderBook } from '../domain/orderbook';
import { bestBuy, bestSell, buyQuote, sellQuote, type BuyQuote, type SellQuote } from '../domain/abot/venue';
import type { ExchangeId, Market, Symbol } from '../domain/market';
import type { Account } from '../ports/account';
import type { Clock } from '../ports/clock';
import type { Funding } from '../ports/funding';
import { ApplicationFailure } from '@temporalio/activity';
import { LedgerKeyConflictError, type Ledger, type LedgerEntry } from '../ports/ledger';
import type { Staking } from '../ports/staking';
import type { Confirmed, OrderOutcome, OrderRequest, Trading } from '../ports/trading';
import { decision, orderFilled } from '../adapters/persistence/ledger-entries';
import { withAllowanceSpent } from '../adapters/persistence/fee-book-setup';
import type { FeeBook } from '../domain/fees';
import { configError } from './failures';

/**
 * What the A-bot, G-bot and sweep activities trade through: one entry per exchange with its
 * ports, markets and a book source. `paper` marks paper venues in the ledger; `booksFills` says the
 * Trading adapter books its own fills (paper trading with a ledger does; the ccxt adapter does not).
 */
export interface BotVenue {
  exchange: ExchangeId;
  trading: Trading;
  account: Account;
  staking?: Staking;
  funding?: Funding;
  markets: Market[];
  books: (symbol: Symbol) => OrderBook | undefined;
  paper: boolean;
  booksFills: boolean;
  /**
   * The balances the consumer may size on where a capital guard is wired (free less other
   * consumers' reservations and other bots' coins); without one, the account itself.
   */
  spendable?: Account;
  /** The account's taker fee for a market (fee book: the venue's own schedule, else the config's tier); else the listing's. */
  takerFee?: (symbol: Symbol) => Decimal;
}

export interface BotLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error?(obj: object, msg: string): void;
}

export interface BotTradingDeps {
  venues: BotVenue[];
  ledger: Ledger;
  clock: Clock;
  /** Quote currencies the bots may pay with (coins.json quoteCurrencies). */
  quoteCurrencies: string[];
  logger?: BotLogger;
  /**
   * The process's fee book and account fee source, so that a live bot fill spends the zero-fee
   * allowance (Coinbase One) where every process sees it (the fee line in the ledger; `sync` first
   * brings the book level with the other processes' fills) and a fee that disagrees with the
   * schedule reads the account's schedule again, as the hot path's fills do.
   */
  fees?: { book: FeeBook; sync?: { sync(now: number): void }; source?: { noticeFill(c: Confirmed): void } };
}

const USD_LIKE = ['USD', 'USDT', 'USDC'];
const s = formatDecimal;

/** A trade's result as it crosses the Temporal boundary: decimal strings only. */
export type TradeResult =
  | { status: 'confirmed'; exchange: ExchangeId; symbol: string; clientOrderId: string; filled: string; averagePrice: string; usd: string; feesUsd: string }
  | { status: 'rejected'; code: string; reason: string };

/** USD per unit from the books (stables at par: the depeg guard is the hot path's business). */
export function usdPrice(deps: BotTradingDeps, asset: string): Decimal | undefined {
  if (USD_LIKE.includes(asset)) return ONE;
  for (const v of deps.venues) {
    for (const q of USD_LIKE) {
      const book = v.books(`${asset}/${q}`);
      const mid = book ? midPrice(book) : undefined;
      if (mid) return mid;
    }
  }
  return undefined;
}

/** The outcome booked under `key` by an earlier attempt, if any: a retry returns it unchanged. */
export function bookedOutcome<T>(deps: BotTradingDeps, key: string): T | undefined {
  const e = deps.ledger.entries({ kind: 'decision', correlationId: key }).find((x) => x.idempotencyKey === `${key}:outcome`);
  return e ? ((e.details as { outcome: T }).outcome) : undefined;
}

/** Books the outcome of a step (with any extra lines) once; returns what is booked under the key. */
export function bookOutcome<T extends object>(deps: BotTradingDeps, key: string, what: string, outcome: T, extra: LedgerEntry[] = [], realised?: Decimal): T {
  const line = decision({ at: deps.clock.now(), correlationId: key, key: `${key}:outcome`, details: { what, outcome } });
  let written: boolean;
  try {
    written = deps.ledger.append([...extra, { ...line, ...(realised ? { realisedPnlUsd: realised } : {}) }]);
  } catch (err) {
    if (!(err instanceof LedgerKeyConflictError)) throw err;
    // Two different events share a business id: reporting success here would lose a booking.
    const fields = { key, what, outcome, conflictKey: err.key, booked: err.booked, attempted: err.attempted };
    if (deps.logger?.error) deps.logger.error(fields, err.message);
    else console.error(JSON.stringify({ level: 'error', msg: err.message, ...fields }));
    throw ApplicationFailure.nonRetryable(`${what} ${key}: ${err.message}`, 'LEDGER_KEY_CONFLICT', { key: err.key, booked: err.booked, attempted: err.attempted });
  }
  if (!written) return bookedOutcome<T>(deps, key) ?? outcome;
  deps.logger?.info({ key, what, outcome }, `${what}: ${'status' in outcome ? String(outcome.status) : 'booked'}`);
  return outcome;
}

function feesUsd(deps: BotTradingDeps, c: Confirmed): Decimal {
  return c.fees.reduce((sum, f) => sum.plus(f.amount.times(usdPrice(deps, f.currency) ?? ZERO)), ZERO);
}

function venueInputs(deps: BotTradingDeps, asset: string, exchange?: ExchangeId) {
  const out: Array<{ venue: BotVenue; market: Market; book: OrderBook; quoteUsd: Decimal }> = [];
  for (const venue of deps.venues) {
    if (exchange && venue.exchange !== exchange) continue;
    for (const market of venue.markets) {
      if (market.base !== asset || !market.active || !deps.quoteCurrencies.includes(market.quote)) continue;
      const book = venue.books(market.symbol);
      const quoteUsd = usdPrice(deps, market.quote);
      if (book && quoteUsd) out.push({ venue, market, book, quoteUsd });
    }
  }
  return out;
}

interface SentIntent { exchange: ExchangeId; symbol: string; clientOrderId: string }

/** The bots' live orders sent under a client order id (ledger decision lines written before each send). */
function intentsOf(deps: BotTradingDeps, correlationId: string, clientOrderId: string): SentIntent[] {
  return deps.ledger.entries({ kind: 'decision', correlationId })
    .map((e) => e.details as Partial<SentIntent> & { event?: string })
    .filter((d): d is SentIntent & { event: string } => d.event === 'bot-order-sent' && d.clientOrderId === clientOrderId && !!d.exchange && !!d.symbol);
}

/**
 * A bot's order placed at most once per client order id, across crashes and activity retries, as
 * the hot path's orders in flight are: on a live venue a ledger line records the intent before the
 * order leaves; a retry that finds one asks the exchange for that client order id first and takes
 * its answer (an order sent before a crash and answered after), and only an order the exchange
 * does not have is sent (again). A failed lookup is retried, never guessed. The fill is booked from
 * the exchange's answer (idempotent keys: a retry books nothing twice). Paper venues keep their own
 * client order ids and book their own fills.
 */
export async function placeBotOrder(deps: BotTradingDeps, venue: BotVenue, req: OrderRequest): Promise<{ venue: BotVenue; outcome: OrderOutcome }> {
  if (venue.booksFills) return { venue, outcome: await venue.trading.placeOrder(req) };
  const cid = req.clientOrderId ?? '';
  const correlationId = req.correlationId ?? cid;
  const intents = intentsOf(deps, correlationId, cid);
  for (const i of intents) {
    const at = deps.venues.find((v) => v.exchange === i.exchange);
    if (!at) continue;
    const found = await at.trading.fetchOrderByClientId(i.symbol, cid);
    if (found.status === 'rejected') throw ApplicationFailure.retryable(`cannot check order ${cid} on ${i.exchange}: ${found.reason}`, found.code);
    if (found.status === 'not-found') continue;
    deps.logger?.warn({ exchange: i.exchange, symbol: i.symbol, clientOrderId: cid, filled: found.status === 'confirmed' ? s(found.filled) : undefined }, 'bot order sent before a restart found at the exchange: booked from its answer');
    return { venue: at, outcome: bookBotFill(deps, at, req, found) };
  }
  if (!intents.some((i) => i.exchange === venue.exchange && i.symbol === req.symbol)) {
    deps.ledger.append([decision({
      at: deps.clock.now(), exchange: venue.exchange, correlationId, key: `bot-order:${venue.exchange}:${req.symbol}:${cid}:sent`,
      details: { event: 'bot-order-sent', exchange: venue.exchange, symbol: req.symbol, clientOrderId: cid },
    })]);
  }
  return { venue, outcome: bookBotFill(deps, venue, req, await venue.trading.placeOrder(req)) };
}

function bookBotFill(deps: BotTradingDeps, venue: BotVenue, req: OrderRequest, outcome: OrderOutcome): OrderOutcome {
  if (outcome.status !== 'confirmed' || outcome.filled.isZero()) return outcome;
  const at = deps.clock.now();
  const quote = outcome.symbol.split('/')[1] ?? '';
  const quoteUsd = usdPrice(deps, quote);
  const book = deps.fees?.book;
  deps.fees?.sync?.sync(at);
  const fees = withAllowanceSpent(book, venue.exchange, outcome.fees, outcome.cost, quote, quoteUsd, at);
  const written = deps.ledger.append(orderFilled({
    at, exchange: venue.exchange, symbol: outcome.symbol, side: outcome.side, clientOrderId: outcome.clientOrderId, correlationId: req.correlationId ?? outcome.clientOrderId,
    orderId: outcome.orderId, filled: outcome.filled, cost: outcome.cost, fees, quoteUsd,
  }));
  // Counted once: a replayed booking (a retry that found the order) spends nothing again.
  if (written) for (const f of fees) book?.recordFee({ exchange: venue.exchange, at, currency: f.currency, amount: f.amount, ...(f.allowanceUsedUsd ? { allowanceUsedUsd: f.allowanceUsedUsd } : {}) });
  deps.fees?.source?.noticeFill(outcome);
  return outcome;
}

async function execute(deps: BotTradingDeps, venue: BotVenue, q: BuyQuote | SellQuote, side: 'buy' | 'sell', amount: Decimal, key: string, correlationId = key): Promise<TradeResult> {
  const placed = await placeBotOrder(deps, venue, { exchange: venue.exchange, symbol: q.symbol, side, type: 'ioc', amount, price: q.limitPrice, clientOrderId: key, correlationId });
  const { outcome } = placed;
  if (outcome.status === 'rejected') return { status: 'rejected', code: outcome.code, reason: `${placed.venue.exchange} ${q.symbol}: ${outcome.reason}` };
  if (outcome.filled.isZero()) return { status: 'rejected', code: 'NO_FILL', reason: `${placed.venue.exchange} ${outcome.symbol}: nothing filled` };
  // A retry may have found the order the crashed attempt sent on another venue or market than it would pick now.
  const [base, quote] = outcome.symbol.split('/') as [string, string];
  const fees = feesUsd(deps, outcome);
  const gross = outcome.cost.times(usdPrice(deps, quote) ?? ZERO);
  // Buys: what the coins cost with fees; sells: what came in after fees.
  const usd = side === 'buy' ? gross.plus(fees) : gross.minus(fees);
  // A fee taken in the bought coin reduces what we hold.
  const baseFee = outcome.fees.filter((f) => f.currency === base).reduce((a, f) => a.plus(f.amount), ZERO);
  const filled = side === 'buy' ? outcome.filled.minus(baseFee) : outcome.filled;
  return { status: 'confirmed', exchange: placed.venue.exchange, symbol: outcome.symbol, clientOrderId: key, filled: s(filled), averagePrice: s(outcome.averagePrice), usd: s(usd), feesUsd: s(fees) };
}

/** Buys `asset` for `budgetUsd` on the venue and quote with the best net price, paying with quote held there. */
export async function buyBest(deps: BotTradingDeps, req: { key: string; asset: string; budgetUsd: Decimal; exchanges?: ExchangeId[]; allowPartial?: boolean; correlationId?: string }): Promise<TradeResult> {
  const skipped: string[] = [];
  const quotes: Array<{ q: BuyQuote; venue: BotVenue; market: Market }> = [];
  for (const { venue, market, book, quoteUsd } of venueInputs(deps, req.asset)) {
    if (req.exchanges && !req.exchanges.includes(venue.exchange)) continue;
    const balances = await (venue.spendable ?? venue.account).balances();
    const free = 'assets' in balances ? (balances.assets[market.quote]?.free ?? ZERO) : ZERO;
    // Partial: what this venue can pay (a little headroom for rounding), when it is worth an order.
    const affordable = Decimal.min(req.budgetUsd, free.times(quoteUsd).times('0.999'));
    if (affordable.lt(req.budgetUsd) && !(req.allowPartial && affordable.gte(market.minNotional.times(quoteUsd)) && affordable.gt(0))) {
      skipped.push(`${venue.exchange} ${market.symbol}: ${s(free)} ${market.quote} free`);
      continue;
    }
    const q = buyQuote({ market, book, takerFee: venue.takerFee?.(market.symbol) ?? market.takerFee, quoteUsd }, affordable);
    if (q) quotes.push({ q, venue, market });
    else skipped.push(`${venue.exchange} ${market.symbol}: book too thin`);
  }
  const best = bestBuy(quotes.map((x) => x.q));
  const pick = quotes.find((x) => x.q === best);
  if (!best || !pick) return { status: 'rejected', code: 'NO_VENUE', reason: `no venue can buy ${req.asset} for ${s(req.budgetUsd)} USD (${skipped.join('; ') || 'no market'})` };
  const amount = quantizeAmountDown(best.baseAmount, pick.market.amountStep);
  if (amount.lt(pick.market.minAmount) || amount.isZero()) return { status: 'rejected', code: 'BELOW_MIN_AMOUNT', reason: `${s(amount)} ${req.asset} is below the minimum on ${pick.venue.exchange}` };
  return execute(deps, pick.venue, best, 'buy', amount, req.key, req.correlationId ?? req.key);
}

/** Sells `amount` of `asset` held on `exchange` for the best net proceeds among its quote markets. */
export async function sellBest(deps: BotTradingDeps, req: { key: string; asset: string; amount: Decimal; exchange: ExchangeId }): Promise<TradeResult> {
  const quotes: Array<{ q: SellQuote; venue: BotVenue; market: Market }> = [];
  for (const { venue, market, book, quoteUsd } of venueInputs(deps, req.asset, req.exchange)) {
    const amount = quantizeAmountDown(req.amount, market.amountStep);
    const q = sellQuote({ market, book, takerFee: venue.takerFee?.(market.symbol) ?? market.takerFee, quoteUsd }, amount);
    if (q && amount.gte(market.minAmount)) quotes.push({ q, venue, market });
  }
  const best = bestSell(quotes.map((x) => x.q));
  const pick = quotes.find((x) => x.q === best);
  if (!best || !pick) return { status: 'rejected', code: 'NO_VENUE', reason: `no ${req.exchange} market can take ${s(req.amount)} ${req.asset}` };
  return execute(deps, pick.venue, best, 'sell', best.baseAmount, req.key);
}

export function venueOf(deps: BotTradingDeps, exchange: ExchangeId): BotVenue {
  const v = deps.venues.find((x) => x.exchange === exchange);
  // A venue the workflow names but this worker lacks is a deployment problem: retrying cannot fix it.
  if (!v) throw configError(`no venue ${exchange} is wired on this worker (exchanges.enabled and the worker's venues differ)`);
  return v;
}

/** Everything held across venues (free + used + staked), in USD at mid prices. */
export async function portfolioUsd(deps: BotTradingDeps): Promise<Decimal> {
  let total = ZERO;
  for (const v of deps.venues) {
    const b = await v.account.balances();
    if ('assets' in b) for (const [asset, bal] of Object.entries(b.assets)) total = total.plus(bal.total.times(usdPrice(deps, asset) ?? ZERO));
    const staked = v.staking ? await v.staking.positions() : [];
    if (Array.isArray(staked)) for (const p of staked) total = total.plus(p.amount.plus(p.rewards).times(usdPrice(deps, p.asset) ?? ZERO));
  }
  return total;
}
