import { randomUUID } from 'node:crypto';
import { ccxt } from '../ccxt-venues';
import { rejected } from '../../../ports/outcomes';
import { Decimal } from '../../../domain/money/decimal';
import { KrakenWithChecksum } from './kraken-checksum';
import { krakenNetworks } from './kraken-funding';
import { atLeast, scanOrdersByClientId, type ProExchangeClass, type VenueQuirks } from './types';

const BOOK_DEPTHS = [10, 25, 100, 500, 1000] as const;

export function krakenQuirks(): VenueQuirks {
  return {
    exchange: 'kraken',
    ccxtId: 'kraken',
    marketDataClass: KrakenWithChecksum as unknown as ProExchangeClass,
    tradingClass: ccxt.pro.kraken as unknown as ProExchangeClass,
    credentials: (e) => (e.KRAKEN_API_KEY && e.KRAKEN_API_SECRET ? { apiKey: e.KRAKEN_API_KEY, secret: e.KRAKEN_API_SECRET } : ({} as Record<string, string>)),
    baseOptions: () => ({}),
    defaultUrls: () => ({}),
    // Kraken rejects any other depth (ccxt throws NotSupported before subscribing).
    bookLimit: (depth) => atLeast(BOOK_DEPTHS, depth),
    bookGroupSize: 50,
    bookSymbol: (s) => s,
    // Kraken v2 has no sequence numbers: a mismatching checksum is the gap signal, and a fresh
    // subscription on a new socket is the documented way back to a consistent book.
    resync: 'reconnect',
    newClientOrderId: () => randomUUID(),
    clientOrderIdParams: (id) => ({ clientOrderId: id }),
    fetchOrderByClientId: scanOrdersByClientId,
    withdrawParams(req, network, env) {
      // Kraken only withdraws to addresses whitelisted in its UI, referred to by the key's name.
      const keyName = env.KRAKEN_WITHDRAWAL_KEYS?.[`${req.asset}:${req.network}`];
      if (!keyName) {
        return rejected('ADDRESS_NOT_ALLOWED', `no Kraken withdrawal key configured for ${req.asset}:${req.network} (set KRAKEN_WITHDRAWAL_KEYS)`);
      }
      return { key: keyName, network };
    },
    networks: krakenNetworks,
    marketBuyNeedsPrice: false,
    hasTradingFees: false,
    orderCost: settledTradeCosts,
  };
}

/**
 * Kraken settles each trade's cost to the pair's cost_decimals and moves the account by that: the
 * sum of its trades' own `cost` (TradesHistory), when they account for the whole filled amount;
 * price x amount would book digits the account never had.
 */
function settledTradeCosts(order: { filled?: number | string; trades?: Array<{ info?: unknown }> }): Decimal | undefined {
  const raw = (order.trades ?? []).map((t) => t.info as { cost?: unknown; vol?: unknown } | undefined);
  if (raw.length === 0 || order.filled === undefined || !raw.every((r) => typeof r?.cost === 'string' && typeof r.vol === 'string')) return undefined;
  const vol = raw.reduce((a, r) => a.plus(new Decimal(r!.vol as string)), new Decimal(0));
  return vol.eq(new Decimal(String(order.filled))) ? raw.reduce((a, r) => a.plus(new Decimal(r!.cost as string)), new Decimal(0)) : undefined;
}
