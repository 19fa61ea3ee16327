import { randomUUID } from 'node:crypto';
import { ccxt } from '../ccxt-venues';
import { Decimal } from '../../../domain/money/decimal';
import type { Env } from '../../../config/env';
import { atLeast, type ProExchangeClass, type VenueQuirks } from './types';

const SNAPSHOT_LIMITS = [5, 10, 20, 50, 100, 500, 1000, 5000] as const;

/** Binance and Binance.US: same wire protocol, different hosts. */
export function binanceQuirks(env: Env): VenueQuirks {
  const us = env.BINANCE_VARIANT === 'binanceus';
  const cls = (us ? ccxt.pro.binanceus : ccxt.pro.binance) as unknown as ProExchangeClass;
  return {
    exchange: 'binance',
    ccxtId: us ? 'binanceus' : 'binance',
    marketDataClass: cls,
    tradingClass: cls,
    credentials: (e) => (e.BINANCE_API_KEY && e.BINANCE_API_SECRET ? { apiKey: e.BINANCE_API_KEY, secret: e.BINANCE_API_SECRET } : ({} as Record<string, string>)),
    baseOptions: () => ({
      defaultType: 'spot',
      // Spot only: otherwise loadMarkets also reads the futures/options APIs we never trade.
      fetchMarkets: { types: ['spot'] },
      // A snapshot of 1000 levels is weight 50; we keep far fewer levels.
      watchOrderBookLimit: 100,
    }),
    // ccxt's binanceus keeps Binance.com's hosts for the WebSocket API (orders, private streams).
    defaultUrls: () => (us ? { api: { ws: { margin: 'wss://stream.binance.us:9443/ws', 'ws-api': { spot: 'wss://ws-api.binance.us:443/ws-api/v3' } } } } : ({} as Record<string, string>)),
    // Twice the kept depth: diffs delete levels, and the ones behind must already be known.
    bookLimit: (depth) => atLeast(SNAPSHOT_LIMITS, depth * 2),
    bookGroupSize: 50,
    bookSymbol: (s) => s,
    // ccxt detects a diff-stream gap itself (ChecksumError) and refetches the snapshot when the
    // symbols are subscribed again.
    resync: 'resubscribe',
    newClientOrderId: () => `q${randomUUID().replace(/-/g, '')}`,
    clientOrderIdParams: (id) => ({ clientOrderId: id }),
    async fetchOrderByClientId(ex, symbol, clientOrderId) {
      try {
        return (await ex.fetchOrder('', symbol, { origClientOrderId: clientOrderId })) as unknown as Record<string, unknown>;
      } catch (e) {
        if (e instanceof ccxt.OrderNotFound) return undefined;
        throw e;
      }
    },
    // withdrawOrderId makes the key visible in Binance's withdrawal history for reconciliation.
    withdrawParams: (req, network) => ({ network, withdrawOrderId: req.idempotencyKey }),
    withdrawalTag: { field: 'withdrawOrderId', value: (key) => key },
    marketBuyNeedsPrice: false,
    hasTradingFees: true,
    // What the account moved by (8 decimals); its fills' price x qty may carry more (ETH/BTC).
    orderCost: (order) => {
      const q = (order.info as { cummulativeQuoteQty?: unknown } | undefined)?.cummulativeQuoteQty;
      return typeof q === 'string' && /^\d+(\.\d+)?$/.test(q) ? new Decimal(q) : undefined;
    },
  };
}
