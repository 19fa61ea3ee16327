import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseEnv } from 'node:util';

export const PROJECT_ROOT = path.resolve(__dirname, '..');

function readEnvFile(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  return parseEnv(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

/**
 * The environment a process runs with: the real environment wins over `.env`, which wins over
 * `.env.example`'s demo values (only when `withDemoDefaults`, i.e. for the offline demo).
 */
export function effectiveEnv(opts: { root?: string; withDemoDefaults?: boolean; base?: NodeJS.ProcessEnv } = {}): NodeJS.ProcessEnv {
  const root = opts.root ?? PROJECT_ROOT;
  const demo = opts.withDemoDefaults ? readEnvFile(path.join(root, '.env.example')) : {};
  const local = readEnvFile(path.join(root, '.env'));
  return { ...demo, ...local, ...(opts.base ?? process.env) };
}
