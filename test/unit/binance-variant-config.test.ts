import * as fs from 'node:fs';
import { loadConfig, ConfigError } from '../../config';
import { makeTempDir, setPath, writeVariant } from '../fixtures/config/variants';

/**
 * #13: `settings.exchanges.binanceVariant` was read nowhere: an operator who set it to binanceus
 * still traded Binance.com's URLs priced with Binance.com's fees. The variant goes with the
 * account's keys, so it lives beside them (BINANCE_VARIANT); the settings key is refused by name.
 */
let dir: string;
beforeAll(() => {
  dir = makeTempDir();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the shipped settings have no binanceVariant; BINANCE_VARIANT picks the venue (binance by default)', () => {
  expect(loadConfig({ env: {} }).settings.exchanges).toEqual({ enabled: ['binance', 'kraken', 'coinbase'] });
  expect(loadConfig({ env: {} }).env.BINANCE_VARIANT).toBe('binance');
  expect(loadConfig({ env: { BINANCE_VARIANT: 'binanceus' } }).env.BINANCE_VARIANT).toBe('binanceus');
});

test('a settings file that still sets exchanges.binanceVariant is refused, naming the key and BINANCE_VARIANT', () => {
  const file = writeVariant(dir, 'settings', 'variant.json', (s) => setPath(s, 'exchanges.binanceVariant', 'binanceus'));
  let caught: unknown;
  try {
    loadConfig({ files: { settings: file }, env: {} });
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  expect((caught as ConfigError).problems).toEqual([{ source: file, key: 'exchanges.binanceVariant', message: expect.stringContaining('BINANCE_VARIANT') }]);
});
