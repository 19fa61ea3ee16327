import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { ExchangeId, Market } from '../domain/market';
import { Decimal, ZERO } from '../domain/money/decimal';
import { formatDecimal } from '../domain/money/format';
import { parseDecimal } from '../domain/money/parse';
import type { OrderBook } from '../domain/orderbook';
import { findCheapestConversion } from '../domain/conversion';
import type { Clock } from '../ports/clock';
import type { Ledger, LedgerEntry } from '../ports/ledger';
import { feeEntry } from '../adapters/persistence/ledger-entries';
import type { MarketData } from '../ports/market-data';
import type { Confirmed, Trading } from '../ports/trading';

export interface ConversionActivityDeps {
  /** `booksFills`: the venue books every fill and fee itself (paper venues), so a leg adds no conversion lines. */
  venues: Partial<Record<ExchangeId, { trading: Trading; marketData: MarketData; booksFills?: boolean }>>;
  ledger: Ledger;
  clock: Clock;
  /** How long to wait for the first books of the candidate markets. */
  bookWaitMs?: number;
}

export interface ConvertInput {
  /** Groups the orders and ledger lines; also derives the orders' client ids (a retry finds them). */
  rebalanceId: string;
  exchange: ExchangeId;
  from: string;
  to: string;
  /** Decimal strings. */
  amount: string;
  toUsdPrice: string;
  /** Assets a route may pass through (coins.json arbitrage assets and quote currencies). */
  bridges: string[];
}

export interface ConvertedLeg { symbol: string; side: 'buy' | 'sell'; clientOrderId: string; filled: string; averagePrice: string; spent: string; received: string }

export type ConvertOutcome =
  | { status: 'converted'; received: string; legs: ConvertedLeg[]; expectedCostUsd: string }
  | { status: 'rejected'; reason: string; legs: ConvertedLeg[]; holding?: { asset: string; amount: string } };

/** A client order id that is the same on every attempt of the same leg, UUID-shaped for every venue. */
export function conversionOrderId(rebalanceId: string, leg: number): string {
  const h = createHash('sha256').update(`${rebalanceId}:conversion:${leg}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * What an IOC fill left us with, after the fee when it was charged in the received asset. An
 * order found again by client id after a retry does not carry its real fees (Binance's order
 * lookup gives ccxt's estimate, in the wrong currency): then the taker fee is assumed to have come
 * out of what was received, which can only understate the holding, so the next leg never tries
 * to spend more than we have.
 */
function receivedOf(c: Confirmed, side: 'buy' | 'sell', toAsset: string, takerFee: Decimal, fromLookup: boolean): Decimal {
  const gross = side === 'sell' ? c.cost : c.filled;
  if (fromLookup) return gross.times(new Decimal(1).minus(takerFee));
  const fee = c.fees.filter((f) => f.currency === toAsset).reduce((s, f) => s.plus(f.amount), ZERO);
  return gross.minus(fee);
}

/**
 * A filled leg as the venue moved it: what left, what came in before fees, and one fee line per
 * currency the exchange charged (the received asset, the spent quote on a Kraken or Coinbase buy,
 * or BNB), so the ledger changes exactly as the balances did and the fee panel counts every fee.
 */
function conversionLines(at: number, input: ConvertInput, leg: { symbol: string; side: 'buy' | 'sell'; fromAsset: string; toAsset: string }, clientOrderId: string, c: Confirmed, spent: Decimal): LedgerEntry[] {
  const key = `conversion:${input.exchange}:${clientOrderId}`;
  const common = { at, exchange: input.exchange, correlationId: input.rebalanceId };
  const gross = leg.side === 'sell' ? c.cost : c.filled;
  return [
    { ...common, kind: 'conversion', asset: leg.fromAsset, delta: spent.negated(), idempotencyKey: `${key}:from`, details: { to: leg.toAsset, symbol: leg.symbol } },
    { ...common, kind: 'conversion', asset: leg.toAsset, delta: gross, idempotencyKey: `${key}:to`, details: { from: leg.fromAsset, symbol: leg.symbol, gross: true } },
    ...c.fees.filter((f) => !f.amount.isZero()).map((f) => feeEntry({ ...common, asset: f.currency, amount: f.amount, idempotencyKey: `${key}:fee:${f.currency}`, details: { symbol: leg.symbol, orderId: c.orderId } })),
  ];
}

/**
 * Converts inside one exchange along the cheapest route (direct or up to three markets) priced on
 * live books, one IOC order per leg at the route's worst price. Each leg's client id is derived
 * from the rebalance, so a retried activity finds the orders it already placed instead of
 * trading twice; every filled leg is booked as a conversion.
 */
export function createConversionActivities(deps: ConversionActivityDeps) {
  return {
    async convertInExchange(input: ConvertInput): Promise<ConvertOutcome> {
      const venue = deps.venues[input.exchange];
      if (!venue) throw ApplicationFailure.nonRetryable(`no trading adapters for ${input.exchange}`, 'NoVenue');
      const wanted = new Set([input.from, input.to, ...input.bridges]);
      const markets: Market[] = (await venue.marketData.markets()).filter((m) => m.active && wanted.has(m.base) && wanted.has(m.quote));
      await venue.marketData.watchBooks(markets.map((m) => m.symbol), () => undefined);
      const books = new Map<string, OrderBook>();
      const until = deps.clock.now() + (deps.bookWaitMs ?? 5_000);
      for (;;) {
        for (const m of markets) {
          const b = venue.marketData.latestBook(m.symbol);
          if (b) books.set(m.symbol, b);
        }
        if (books.size === markets.length || deps.clock.now() >= until) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const route = findCheapestConversion({
        markets, books, from: input.from, to: input.to, amount: parseDecimal(input.amount), toUsdPrice: parseDecimal(input.toUsdPrice),
      });
      if (!route.ok) return { status: 'rejected', reason: `${route.reason}${route.rejected.length ? `: ${route.rejected.map((r) => `${r.symbols.join('>')} ${r.reason}`).join('; ')}` : ''}`, legs: [] };

      const legs: ConvertedLeg[] = [];
      let holding = parseDecimal(input.amount);
      for (const [i, leg] of route.best.legs.entries()) {
        const clientOrderId = conversionOrderId(input.rebalanceId, i);
        // A previous leg may have yielded a little less than planned: scale a buy to what we hold.
        const amount = leg.side === 'sell' ? Decimal.min(holding, leg.orderAmount) : leg.orderAmount.times(Decimal.min(holding, leg.amountIn)).div(leg.amountIn);
        const known = await venue.trading.fetchOrderByClientId(leg.symbol, clientOrderId);
        // Place only when the exchange says it has no such order: a failed lookup is retried, never guessed.
        if (known.status === 'rejected') throw ApplicationFailure.retryable(`cannot check order ${clientOrderId}: ${known.reason}`, known.code);
        const outcome = known.status === 'confirmed' ? known : await venue.trading.placeOrder({
          exchange: input.exchange, symbol: leg.symbol, side: leg.side, type: 'ioc', amount, price: leg.worstPrice, clientOrderId, correlationId: input.rebalanceId,
        });
        const stop = (reason: string): ConvertOutcome => ({ status: 'rejected', reason: `leg ${i + 1} ${leg.symbol}: ${reason}`, legs, holding: { asset: leg.fromAsset, amount: formatDecimal(holding) } });
        if (outcome.status !== 'confirmed') return stop(outcome.status === 'rejected' ? `${outcome.code}: ${outcome.reason}` : 'order not found after send');
        if (outcome.filled.isZero()) return stop('IOC order filled nothing (the book moved)');
        const spent = leg.side === 'sell' ? outcome.filled : outcome.cost;
        const takerFee = markets.find((m) => m.symbol === leg.symbol)!.takerFee;
        const received = receivedOf(outcome, leg.side, leg.toAsset, takerFee, known.status === 'confirmed');
        // A venue that booked the fill and its fee already (paper) would see the leg twice in the ledger.
        if (!venue.booksFills) deps.ledger.append(conversionLines(deps.clock.now(), input, leg, clientOrderId, outcome, spent));
        legs.push({ symbol: leg.symbol, side: leg.side, clientOrderId, filled: formatDecimal(outcome.filled), averagePrice: formatDecimal(outcome.averagePrice), spent: formatDecimal(spent), received: formatDecimal(received) });
        holding = received;
      }
      return { status: 'converted', received: formatDecimal(holding), legs, expectedCostUsd: formatDecimal(route.best.cost.usd, 4) };
    },
  };
}

export type ConversionActivities = ReturnType<typeof createConversionActivities>;
