import * as path from 'node:path';
import type ccxtBundle from 'ccxt';

type Ccxt = typeof ccxtBundle;

/** The venues the adapters wire (config `exchanges.enabled`; Binance.US with BINANCE_VARIANT). */
type VenueClass = 'binance' | 'binanceus' | 'kraken' | 'coinbase';

/** ccxt's error classes the adapters tell apart. */
type ErrorClass =
  | 'AuthenticationError' | 'BadSymbol' | 'ChecksumError' | 'DDoSProtection' | 'DuplicateOrderId' | 'ExchangeError'
  | 'InsufficientFunds' | 'InvalidAddress' | 'InvalidNonce' | 'InvalidOrder' | 'MarketClosed' | 'NetworkError'
  | 'NotSupported' | 'OrderNotFound' | 'RateLimitExceeded';

export type CcxtVenues = Pick<Ccxt, ErrorClass> & { pro: Pick<Ccxt['pro'], VenueClass> };

// `require('ccxt')` loads every one of ccxt's ~110 exchanges (REST and pro): ~40 MB of source
// text and code in every process that trades, for the three venues we use. ccxt's CommonJS build
// keeps one file per exchange, so the adapters load only those files (and what they require).
// The package's `exports` map hides the files, hence the path from its entry point; the classes
// are the very objects the full bundle exports (same files, same module cache): instanceof holds
// across both (test/adapters/ccxt-venues.test.ts checks it, so an upgrade that moves them fails).
// Plain `require`, not createRequire: under jest it must be jest's registry, like every import.
const dist = path.join(path.dirname(require.resolve('ccxt')), 'cjs');
/* eslint-disable @typescript-eslint/no-require-imports */
const load = (file: string): Record<string, unknown> => require(path.join(dist, file)) as Record<string, unknown>;
// The bundle registers a few CommonJS helpers before anything else requires them (as ccxt.js does).
load('_virtual/_commonjsHelpers.js');
load('_virtual/index.cjs.js');
const errors = load('src/base/errors.js');
/* eslint-enable @typescript-eslint/no-require-imports */

const pro = {} as CcxtVenues['pro'];
for (const id of ['binance', 'binanceus', 'kraken', 'coinbase'] as const) {
  // Loaded on first use: Binance.US's classes only when BINANCE_VARIANT asks for them.
  Object.defineProperty(pro, id, { enumerable: true, get: () => load(`src/pro/${id}.js`).default });
}

/** The subset of ccxt the adapters use, without loading the rest of it. */
export const ccxt: CcxtVenues = { ...(errors as unknown as Pick<Ccxt, ErrorClass>), pro };
