import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import ccxtBundle from 'ccxt';
import { ccxt } from '../../adapters/exchanges/ccxt-venues';
import { scaled } from '../helpers/wait';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Which ccxt files a fresh node process has loaded once it required the hot path's entry module
 * and built both ccxt instances (market data, trading) of every venue, as the hot path does.
 */
async function ccxtFilesOfTheHotPath(): Promise<{ bundle: boolean; exchanges: string[] }> {
  const at = (file: string) => JSON.stringify(path.join(ROOT, file));
  const script = `(async () => {
    require(${at('workers/hotpath.ts')});
    const env = require(${at('config/loader.ts')}).loadConfig({ env: {} }).env;
    const { quirksFor } = require(${at('adapters/exchanges/venues/index.ts')});
    const { createCcxtInstance } = require(${at('adapters/exchanges/instances.ts')});
    for (const exchange of ['binance', 'kraken', 'coinbase']) {
      for (const purpose of ['market-data', 'trading']) await createCcxtInstance({ quirks: quirksFor(exchange, env), env, purpose });
    }
    const files = Object.keys(require.cache).filter((f) => f.includes('/node_modules/ccxt/dist/cjs/'));
    const exchanges = files.map((f) => /\\/cjs\\/src\\/(?:pro\\/)?([a-z0-9]+)\\.js$/.exec(f)?.[1]).filter(Boolean);
    process.stdout.write(JSON.stringify({ bundle: files.some((f) => f.endsWith('/dist/cjs/ccxt.js')), exchanges: [...new Set(exchanges)].sort() }));
  })();`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { cwd: ROOT, timeout: scaled(30_000) });
  return JSON.parse(stdout) as { bundle: boolean; exchanges: string[] };
}

describe('ccxt venues: only the exchanges the adapters use are loaded', () => {
  it('are the very classes the full ccxt bundle exports (instanceof holds across both)', () => {
    for (const id of ['binance', 'binanceus', 'kraken', 'coinbase'] as const) expect(ccxt.pro[id]).toBe(ccxtBundle.pro[id]);
    for (const name of ['ChecksumError', 'RateLimitExceeded', 'DDoSProtection', 'NetworkError', 'ExchangeError', 'InsufficientFunds', 'BadSymbol', 'OrderNotFound'] as const) {
      expect(ccxt[name]).toBe(ccxtBundle[name]);
    }
    const e = new ccxtBundle.RateLimitExceeded('429');
    expect(e).toBeInstanceOf(ccxt.NetworkError);
  });

  it('the hot path process loads three venues of ccxt, not its ~110 exchanges', async () => {
    const loaded = await ccxtFilesOfTheHotPath();
    expect(loaded.bundle).toBe(false);
    // The REST class of each venue and its pro (WebSocket) subclass; Binance.US only on demand.
    expect(loaded.exchanges).toEqual(['binance', 'coinbase', 'kraken']);
  }, scaled(40_000));
});
