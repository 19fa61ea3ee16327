import { z } from 'zod';
import { latencyModeSchema } from './schemas';

/**
 * Runtime switches and secrets from the environment. Secrets never leave this module except as
 * values handed to the adapters; `redactEnv` is what may be printed or logged.
 */

const optionalSecret = z.string().min(1).optional();
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const envSchema = z
  .object({
    TRADING_MODE: z.enum(['paper', 'live']).default('paper'),
    LATENCY_MODE: latencyModeSchema.default('laptop'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    QBOT_DATA_DIR: z.string().min(1).default('.data'),
    // Empty means unset (a `TEMPORAL_ADDRESS=` line left in .env), as for the connection itself.
    TEMPORAL_ADDRESS: z.preprocess(emptyToUndefined, z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port').default('127.0.0.1:7233')),
    TEMPORAL_NAMESPACE: z.preprocess(emptyToUndefined, z.string().min(1).default('default')),
    WEBHOOK_PASSPHRASE: z.preprocess(emptyToUndefined, z.string().min(12, 'must be at least 12 characters').optional()),
    DASHBOARD_TOKEN: z.preprocess(emptyToUndefined, z.string().min(12, 'must be at least 12 characters').optional()),
    // The dashboard worker: the hot paths' status URLs (comma-separated; unset = the local hot path's
    // http://127.0.0.1:$QBOT_METRICS_PORT/status) and the Temporal web UI it links to (unset = no links).
    HOTPATH_STATUS_URLS: z.preprocess(emptyToUndefined, z.string().transform((s, ctx) => {
      const urls = s.split(',').map((u) => u.trim()).filter((u) => u !== '');
      for (const u of urls) if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(u)) ctx.addIssue({ code: 'custom', message: `"${u}" is not an http(s) URL such as http://127.0.0.1:9464/status` });
      if (urls.length === 0) ctx.addIssue({ code: 'custom', message: 'must list at least one URL (comma-separated)' });
      return urls;
    }).optional()),
    TEMPORAL_UI_URL: z.preprocess(emptyToUndefined, z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http(s) URL such as http://temporal-ui:8080').transform((u) => u.replace(/\/+$/, '')).optional()),
    COLD_WALLET_ADDRESS: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be an EVM address (0x + 40 hex digits) for PAXG').optional(),
    ),
    BINANCE_VARIANT: z.enum(['binance', 'binanceus']).default('binance'),
    BINANCE_API_KEY: z.preprocess(emptyToUndefined, optionalSecret),
    BINANCE_API_SECRET: z.preprocess(emptyToUndefined, optionalSecret),
    KRAKEN_API_KEY: z.preprocess(emptyToUndefined, optionalSecret),
    KRAKEN_API_SECRET: z.preprocess(emptyToUndefined, optionalSecret),
    KRAKEN_WITHDRAWAL_KEYS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .transform((s, ctx) => {
          try {
            return z.record(z.string(), z.string().min(1)).parse(JSON.parse(s));
          } catch {
            ctx.addIssue({ code: 'custom', message: 'must be a JSON object of "ASSET:NETWORK": "key name"' });
            return z.NEVER;
          }
        })
        .optional(),
    ),
    COINBASE_API_KEY_NAME: z.preprocess(emptyToUndefined, optionalSecret),
    COINBASE_API_PRIVATE_KEY: z.preprocess(
      emptyToUndefined,
      z.string().includes('PRIVATE KEY', { message: 'must be a PEM private key' }).optional(),
    ),
  })
  .superRefine((e, ctx) => {
    const pairs: Array<[keyof typeof e, keyof typeof e]> = [
      ['BINANCE_API_KEY', 'BINANCE_API_SECRET'],
      ['KRAKEN_API_KEY', 'KRAKEN_API_SECRET'],
      ['COINBASE_API_KEY_NAME', 'COINBASE_API_PRIVATE_KEY'],
    ];
    for (const [a, b] of pairs) {
      if (Boolean(e[a]) !== Boolean(e[b])) {
        ctx.addIssue({ code: 'custom', path: [e[a] ? b : a], message: `${a} and ${b} must be set together` });
      }
    }
    if (e.TRADING_MODE === 'live' && !pairs.some(([a]) => Boolean(e[a]))) {
      ctx.addIssue({ code: 'custom', path: ['TRADING_MODE'], message: 'live trading needs API keys for at least one exchange' });
    }
  });
export type Env = z.infer<typeof envSchema>;

const SECRET_KEYS = new Set([
  'WEBHOOK_PASSPHRASE',
  'DASHBOARD_TOKEN',
  'BINANCE_API_KEY',
  'BINANCE_API_SECRET',
  'KRAKEN_API_KEY',
  'KRAKEN_API_SECRET',
  'COINBASE_API_KEY_NAME',
  'COINBASE_API_PRIVATE_KEY',
  'TEMPORAL_API_KEY',
]);

/** The environment as it may be shown: secrets become "set"/"unset". */
export function redactEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (SECRET_KEYS.has(k)) out[k] = v ? '<set>' : '<unset>';
    else if (v !== undefined) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** Keys of the environment whose values must never appear in logs (for pino's redact). */
export const SECRET_ENV_KEYS: readonly string[] = [...SECRET_KEYS];
