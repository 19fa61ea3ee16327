import { randomUUID } from 'node:crypto';
import ccxt from 'ccxt';
import { CoinbaseWithSequence } from './coinbase-sequence';
import { scanOrdersByClientId, type ProExchangeClass, type VenueQuirks } from './types';

interface Subscriber {
  subscribe(name: string, isPrivate: boolean, symbol?: string[]): Promise<unknown>;
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
    withdrawParams: (_req, network) => ({ network }),
    hasTradingFees: true,
  };
}
