import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadConfig, redactEnv, validateConfig, envSchema, SECRET_ENV_KEYS } from '../../config';
import { effectiveEnv } from '../../config/dotenv';
import { isDecimal } from '../../domain/money';
import { SHIPPED_CONFIG_DIR, makeTempDir, setPath, writeVariant } from '../fixtures/config/variants';

describe('config loader', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts the shipped config and turns decimal strings into Decimal', () => {
    const cfg = loadConfig({ env: {} });
    expect(cfg.settings.modes.initialMode).toBe('GOLD');
    expect(isDecimal(cfg.settings.qbot.netThresholdPercent.baseline)).toBe(true);
    expect(isDecimal(cfg.settings.transfers.minimumUsd)).toBe(true);
    expect(cfg.coins.arbitrageAssets).toEqual(['BTC', 'ETH', 'SOL']);
    expect(Object.keys(cfg.networks.networks)).toContain('TRC20');
    expect(cfg.env).toMatchObject({ TRADING_MODE: 'paper', LATENCY_MODE: 'laptop', TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_NAMESPACE: 'default' });
  });

  it('accepts the shipped .env.example as a complete demo environment', () => {
    const env = effectiveEnv({ withDemoDefaults: true, base: {} });
    const r = validateConfig({ env });
    expect(r.ok ? 'ok' : r.problems).toBe('ok');
  });

  it('reads a whole config folder given with dir', () => {
    for (const name of ['coins', 'networks'] as const) fs.copyFileSync(path.join(SHIPPED_CONFIG_DIR, `${name}.json`), path.join(dir, `${name}.json`));
    writeVariant(dir, 'settings', 'settings.json', (s) => setPath(s, 'modes.initialMode', 'BTC'));
    expect(loadConfig({ dir, env: {} }).settings.modes.initialMode).toBe('BTC');
  });

  it('throws a ConfigError whose message names file, key and problem, and keeps every problem', () => {
    const file = writeVariant(dir, 'settings', 'two-problems.json', (s) => {
      setPath(s, 'transfers.erc20MinimumUsd', 10000);
      setPath(s, 'abot.slots', '6');
    });
    let caught: unknown;
    try {
      loadConfig({ files: { settings: file }, env: { LATENCY_MODE: 'fast' } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const e = caught as ConfigError;
    expect(e.problems.map((p) => `${p.source}|${p.key}`).sort()).toEqual(
      [`${file}|abot.slots`, `${file}|transfers.erc20MinimumUsd`, 'environment|LATENCY_MODE'].sort(),
    );
    expect(e.message).toContain(`  ${file}: transfers.erc20MinimumUsd: Invalid input: expected string, received number`);
  });

  it('rejects seat-warmer thresholds that contradict the slot count', () => {
    const file = writeVariant(dir, 'settings', 'warmers.json', (s) => setPath(s, 'abot.seatWarmers.buyWhenEmptyMoreThan', 7));
    const r = validateConfig({ files: { settings: file }, env: {} });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([{ source: file, key: 'abot.seatWarmers', message: 'need sellWhenEmptyFewerThan <= buyWhenEmptyMoreThan <= slots' }]);
  });
});

describe('environment', () => {
  it('parses defaults, TEMPORAL_ADDRESS as host:port, and a cold wallet as an EVM address', () => {
    expect(envSchema.safeParse({ TEMPORAL_ADDRESS: 'temporal.example:7233' }).success).toBe(true);
    expect(envSchema.safeParse({ TEMPORAL_ADDRESS: 'http://temporal:7233' }).success).toBe(false);
    expect(envSchema.safeParse({ TEMPORAL_ADDRESS: 'localhost' }).success).toBe(false);
    expect(envSchema.safeParse({ COLD_WALLET_ADDRESS: '0x1234' }).success).toBe(false);
    expect(envSchema.safeParse({ COLD_WALLET_ADDRESS: '' }).success).toBe(true); // empty = unset
  });

  it('parses the Kraken withdrawal key map and rejects one that is not JSON', () => {
    const ok = envSchema.parse({ KRAKEN_WITHDRAWAL_KEYS: '{"USDT:TRC20":"binance-usdt"}' });
    expect(ok.KRAKEN_WITHDRAWAL_KEYS).toEqual({ 'USDT:TRC20': 'binance-usdt' });
    const bad = envSchema.safeParse({ KRAKEN_WITHDRAWAL_KEYS: '{USDT:TRC20}' });
    expect(bad.error?.issues[0]?.message).toBe('must be a JSON object of "ASSET:NETWORK": "key name"');
  });

  it('redacts every secret to set/unset', () => {
    const env = envSchema.parse({ BINANCE_API_KEY: 'k-123456789', BINANCE_API_SECRET: 's-123456789', WEBHOOK_PASSPHRASE: 'passphrase-123456' });
    const shown = redactEnv(env);
    expect(shown.BINANCE_API_KEY).toBe('<set>');
    expect(shown.KRAKEN_API_KEY ?? '<unset>').toBe('<unset>'); // unset keys may be left out
    expect(JSON.stringify(shown)).not.toMatch(/k-123456789|s-123456789|passphrase-123456/);
    expect(SECRET_ENV_KEYS).toEqual(expect.arrayContaining(['COINBASE_API_PRIVATE_KEY', 'TEMPORAL_API_KEY']));
  });

  it('effectiveEnv: real environment > .env > .env.example (demo only)', () => {
    const root = makeTempDir('qbot-env-');
    try {
      fs.writeFileSync(path.join(root, '.env.example'), 'LATENCY_MODE=colo\nLOG_LEVEL=debug\nTRADING_MODE=paper\n');
      fs.writeFileSync(path.join(root, '.env'), 'LOG_LEVEL=warn\nLATENCY_MODE=server\n');
      const demo = effectiveEnv({ root, withDemoDefaults: true, base: { LATENCY_MODE: 'laptop' } });
      expect([demo.LATENCY_MODE, demo.LOG_LEVEL, demo.TRADING_MODE]).toEqual(['laptop', 'warn', 'paper']);
      const plain = effectiveEnv({ root, base: {} });
      expect([plain.LATENCY_MODE, plain.LOG_LEVEL, plain.TRADING_MODE]).toEqual(['server', 'warn', undefined]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
