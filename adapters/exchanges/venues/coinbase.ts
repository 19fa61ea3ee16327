import { createHash, randomUUID } from 'node:crypto';
import type { Exchange, Transaction } from 'ccxt';
import { ccxt } from '../ccxt-venues';
import { Decimal } from '../../../domain/money/decimal';
import { CoinbaseWithSequence } from './coinbase-sequence';
import { scanOrdersByClientId, type ProExchangeClass, type VenueQuirks } from './types';

interface Subscriber {
  subscribe(name: string, isPrivate: boolean, symbol?: string[]): Promise<unknown>;
}

/** A stable UUID-shaped token for an idempotency key (same key, same token). */
export function uuidFromKey(key: string): string {
  const h = createHash('sha256').update(`qbot-withdrawal:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface TransactionsApi {
  fetchTransactionsWithMethod(method: string, code?: string, since?: number, limit?: number, params?: object): Promise<Transaction[]>;
}

/**
 * Coinbase lists crypto sends only as v2 account transactions (its withdrawals list is fiat only),
 * and ccxt labels them all "deposit": a send is told apart by its negative amount.
 */
async function coinbaseTransfers(ex: Exchange, kind: 'withdrawal' | 'deposit', code: string | undefined, since: number): Promise<Transaction[]> {
  const all = await (ex as unknown as TransactionsApi).fetchTransactionsWithMethod('v2PrivateGetAccountsAccountIdTransactions', code, since);
  return all.filter((t) => {
    const amount = ((t.info as { amount?: { amount?: string } } | undefined)?.amount?.amount ?? '').trim();
    return (kind === 'withdrawal') === amount.startsWith('-');
  });
}

/** Coinbase Advanced Trade: CDP key name + EC private key (ES256 JWT, which ccxt builds). */
export function coinbaseQuirks(): VenueQuirks {
  return {
    exchange: 'coinbase',
    ccxtId: 'coinbase',
    marketDataClass: CoinbaseWithSequence as unknown as ProExchangeClass,
    tradingClass: ccxt.pro.coinbase as unknown as ProExchangeClass,
    credentials: (e) =>
      e.COINBASE_API_KEY_NAME && e.COINBASE_API_PRIVATE_KEY
        ? // .env files often carry the PEM with literal "\n"; the JWT signer needs real newlines.
          { apiKey: e.COINBASE_API_KEY_NAME, secret: e.COINBASE_API_PRIVATE_KEY.replace(/\\n/g, '\n') }
        : ({} as Record<string, string>),
    baseOptions: () => ({}),
    // Coinbase market buys are sized in quote: ccxt derives quote_size = amount x price.
    marketBuyNeedsPrice: true,
    defaultUrls: () => ({}),
    bookLimit: () => undefined,
    bookGroupSize: 30,
    // Coinbase merged the USD and USDC books: X/USDC is streamed as the X/USD book.
    bookSymbol: (s) => (s.endsWith('/USDC') ? s.slice(0, -1) : s),
    resync: 'reconnect',
    afterSubscribe(ex, symbols) {
      // Without heartbeats Coinbase closes a quiet channel after ~60-90 s.
      (ex as unknown as Subscriber).subscribe('heartbeats', false, symbols).catch(() => undefined);
    },
    newClientOrderId: () => randomUUID(),
    clientOrderIdParams: (id) => ({ client_order_id: id }),
    fetchOrderByClientId: scanOrdersByClientId,
    // Coinbase deduplicates sends by `idem` (a UUID): derived from our key, a retry reuses it.
    withdrawParams: (req, network) => ({ network, idem: uuidFromKey(req.idempotencyKey) }),
    withdrawalTag: { field: 'idem', value: uuidFromKey },
    listTransfers: coinbaseTransfers,
    async depositAddress(ex, asset, ccxtNetwork) {
      const byNetwork = await ex.fetchDepositAddressesByNetwork(asset);
      return byNetwork[ccxtNetwork] ?? Object.values(byNetwork).find((a) => a?.network === ccxtNetwork);
    },
    hasTradingFees: true,
    // ccxt's cost is average_filled_price x filled_size, and the average is rounded.
    orderCost: (order) => {
      const value = (order.info as { filled_value?: unknown } | undefined)?.filled_value;
      return typeof value === 'string' && value !== '' ? new Decimal(value) : undefined;
    },
  };
}
