import { z } from 'zod';
import type { Decimal } from '../../domain/money/decimal';
import { nonNegativeDecimalString } from '../../domain/money/schemas';
import { EXCHANGE_IDS, type ExchangeId, type Market, type Symbol } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { FeeBook } from '../../domain/fees';
import type { Settings } from '../../config/schemas';
import { systemClock, type Clock } from '../../ports/clock';
import type { Ledger } from '../../ports/ledger';
import { feeSchedulesFromSettings, hydrateFeeBookFromLedger } from '../persistence/fee-book-setup';
import { PaperTrading, type PaperTradingOptions } from './paper-trading';

export type PaperBalancesByExchange = Partial<Record<ExchangeId, Record<string, Decimal>>>;

/** Paper starting balances as JSON: `{"binance": {"USDT": "3000", "BNB": "0.5"}, ...}` (decimal strings). */
export const paperBalancesSchema = z.partialRecord(
  z.enum(EXCHANGE_IDS as unknown as [ExchangeId, ...ExchangeId[]]),
  z.record(z.string().regex(/^[A-Z0-9]{2,15}$/, 'asset must be an upper-case code like "USDT"'), nonNegativeDecimalString),
);

export interface PaperAccountsOptions extends Pick<PaperTradingOptions, 'latencyMs' | 'sleep' | 'marketProtection' | 'maxBookAgeMs' | 'usdPrice'> {
  fees: Settings['fees'];
  markets: Market[];
  /** The live book of (exchange, symbol), e.g. from each exchange's MarketData.latestBook. */
  books: (exchange: ExchangeId, symbol: Symbol) => OrderBook | undefined;
  initialBalances: PaperBalancesByExchange;
  exchanges?: readonly ExchangeId[];
  ledger?: Ledger;
  clock?: Clock;
}

export interface PaperAccounts {
  feeBook: FeeBook;
  trading: Map<ExchangeId, PaperTrading>;
  /** Feed every book update here so resting paper limit orders can fill. */
  onBook(book: OrderBook): void;
}

/**
 * One paper account per exchange sharing one fee book (built from config, with this month's
 * allowance usage replayed from the ledger). What `TRADING_MODE=paper` wires instead of ccxt.
 */
export function createPaperAccounts(o: PaperAccountsOptions): PaperAccounts {
  const clock = o.clock ?? systemClock;
  const feeBook = new FeeBook(feeSchedulesFromSettings(o.fees));
  if (o.ledger) hydrateFeeBookFromLedger(feeBook, o.ledger, clock.now());
  const trading = new Map<ExchangeId, PaperTrading>();
  for (const exchange of o.exchanges ?? EXCHANGE_IDS) {
    trading.set(exchange, new PaperTrading({
      exchange, markets: o.markets.filter((m) => m.exchange === exchange), books: (symbol) => o.books(exchange, symbol),
      initialBalances: o.initialBalances[exchange] ?? {}, feeBook, ledger: o.ledger, clock,
      latencyMs: o.latencyMs, sleep: o.sleep, marketProtection: o.marketProtection, maxBookAgeMs: o.maxBookAgeMs, usdPrice: o.usdPrice,
    }));
  }
  return { feeBook, trading, onBook: (book) => void trading.get(book.exchange)?.onBook(book) };
}
