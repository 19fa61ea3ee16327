import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { coinsSchema, networksSchema, settingsSchema, type Coins, type Networks, type Settings } from './schemas';
import { envSchema, type Env } from './env';

export const DEFAULT_CONFIG_DIR = path.resolve(__dirname);

export interface ConfigProblem {
  /** Which source: a file path or "environment". */
  source: string;
  /** Dotted key path inside it, e.g. "qbot.netThresholdPercent.baseline". */
  key: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `  ${p.source}: ${p.key || '(root)'}: ${p.message}`;
}

export interface AppConfig {
  settings: Settings;
  coins: Coins;
  networks: Networks;
  env: Env;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

function problemsOf(source: string, error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({
    source,
    key: issue.path.map(String).join('.'),
    message: describeIssue(issue),
  }));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

function parseJsonFile<T>(file: string, schema: z.ZodType<T>): Parsed<T> {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, problems: [{ source: file, key: '', message: `cannot read file: ${(err as Error).message}` }] };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { ok: false, problems: [{ source: file, key: '', message: `not valid JSON: ${(err as Error).message}` }] };
  }
  const r = schema.safeParse(json);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: problemsOf(file, r.error) };
}

export interface LoadOptions {
  /** Folder holding settings.json, coins.json, networks.json. */
  dir?: string;
  /** Override single files (e.g. `qbot config check --settings other.json`). */
  files?: Partial<Record<'settings' | 'coins' | 'networks', string>>;
  env?: NodeJS.ProcessEnv;
}

/** Validates everything and returns every problem found, so a user fixes them in one go. */
export function validateConfig(opts: LoadOptions = {}): Parsed<AppConfig> {
  const dir = opts.dir ?? DEFAULT_CONFIG_DIR;
  const fileOf = (name: 'settings' | 'coins' | 'networks') => opts.files?.[name] ?? path.join(dir, `${name}.json`);
  const settings = parseJsonFile(fileOf('settings'), settingsSchema);
  const coins = parseJsonFile(fileOf('coins'), coinsSchema);
  const networks = parseJsonFile(fileOf('networks'), networksSchema);
  const envResult = envSchema.safeParse(opts.env ?? process.env);
  const env: Parsed<Env> = envResult.success
    ? { ok: true, value: envResult.data }
    : { ok: false, problems: problemsOf('environment', envResult.error) };

  const problems = [settings, coins, networks, env].flatMap((p) => (p.ok ? [] : p.problems));
  if (!settings.ok || !coins.ok || !networks.ok || !env.ok) return { ok: false, problems };
  return { ok: true, value: { settings: settings.value, coins: coins.value, networks: networks.value, env: env.value } };
}

/** Loads and validates, or throws ConfigError naming the file, the key and what is wrong. */
export function loadConfig(opts: LoadOptions = {}): AppConfig {
  const r = validateConfig(opts);
  if (!r.ok) throw new ConfigError(r.problems);
  return r.value;
}
