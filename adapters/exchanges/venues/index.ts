import type { Env } from '../../../config/env';
import type { ExchangeId } from '../../../domain/market';
import { binanceQuirks } from './binance';
import { coinbaseQuirks } from './coinbase';
import { krakenQuirks } from './kraken';
import type { VenueQuirks } from './types';

export type { VenueQuirks } from './types';

export function quirksFor(exchange: ExchangeId, env: Env): VenueQuirks {
  switch (exchange) {
    case 'binance':
      return binanceQuirks(env);
    case 'kraken':
      return krakenQuirks();
    case 'coinbase':
      return coinbaseQuirks();
  }
}
