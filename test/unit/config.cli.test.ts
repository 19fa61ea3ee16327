import { scaled } from '../helpers/wait';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, renameKey, setPath, writeVariant } from '../fixtures/config/variants';

/**
 * `qbot config check` run as the real command (bin/qbot.js in a child process), against broken
 * copies of the shipped settings. Each case must fail with exit code 1 and a line naming the file,
 * the dotted key and what is wrong.
 */

const ROOT = path.resolve(__dirname, '../..');
const QBOT = path.join(ROOT, 'bin/qbot.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: the developer's shell (TRADING_MODE, keys...) must not leak into the test. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...extra };
}

// Each run is a node + tsx start-up: a few at a time, so a loaded 2-core machine is not swamped.
const MAX_PARALLEL = 3;
let active = 0;
const waiting: Array<() => void> = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (active >= MAX_PARALLEL) await new Promise<void>((r) => waiting.push(r));
  active += 1;
  try {
    return await fn();
  } finally {
    active -= 1;
    waiting.shift()?.();
  }
}

function qbot(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return slot(
    () =>
      new Promise<Run>((resolve) => {
        execFile(process.execPath, [QBOT, ...args], { cwd: ROOT, env: cleanEnv(env), timeout: scaled(120_000) }, (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
          resolve({ code, stdout, stderr });
        });
      }),
  );
}

jest.setTimeout(scaled(180_000));

interface Case {
  name: string;
  mutate: (s: Record<string, unknown>) => void;
  key: string;
  problem: string;
}

/** Problems of the values themselves, each on its own key: all reported by one run. */
const valueCases: Case[] = [
  { name: 'wrong type (string for a millisecond count)', mutate: (s) => setPath(s, 'qbot.cycleTimeMs.cross', '10000'), key: 'qbot.cycleTimeMs.cross', problem: 'expected number, received string' },
  { name: 'wrong type (object for a mode)', mutate: (s) => setPath(s, 'modes.initialMode', { mode: 'GOLD' }), key: 'modes.initialMode', problem: 'expected one of "BTC"|"GOLD"' },
  { name: 'out-of-range percentage', mutate: (s) => setPath(s, 'moneyManager.driftLimitPercent', '150'), key: 'moneyManager.driftLimitPercent', problem: 'must be a percentage between 0 and 100' },
  { name: 'negative percentage', mutate: (s) => setPath(s, 'sweep.profitPercent', '-15'), key: 'sweep.profitPercent', problem: 'must be a percentage between 0 and 100' },
  { name: 'malformed decimal', mutate: (s) => setPath(s, 'qbot.netThresholdPercent.baseline', '0.5.1'), key: 'qbot.netThresholdPercent.baseline', problem: 'malformed decimal "0.5.1"' },
  { name: 'decimal in exponent form', mutate: (s) => setPath(s, 'transfers.minimumUsd', '5e2'), key: 'transfers.minimumUsd', problem: 'malformed decimal "5e2"' },
  { name: 'JSON number where a decimal string is required', mutate: (s) => setPath(s, 'transfers.costTargetUsd', 1), key: 'transfers.costTargetUsd', problem: 'expected string, received number' },
  { name: 'zero where a positive amount is required', mutate: (s) => setPath(s, 'transfers.avalancheMaxFeeUsd', '0'), key: 'transfers.avalancheMaxFeeUsd', problem: 'must be greater than 0' },
  { name: 'non-integer slot count', mutate: (s) => setPath(s, 'abot.slots', 6.5), key: 'abot.slots', problem: 'expected int' },
  { name: 'missing key', mutate: (s) => setPath(s, 'qbot.minTradeUsd', undefined), key: 'qbot.minTradeUsd', problem: 'expected string, received undefined' },
  // A typo is reported on the object holding it, and the key it was meant to be as missing.
  { name: 'unknown (typo) key', mutate: (s) => renameKey(s, 'transfers.approvalTimeoutMs', 'approvalTimeoutMS'), key: 'transfers', problem: 'unknown key(s) "approvalTimeoutMS"' },
  { name: 'the key the typo replaced', mutate: () => undefined, key: 'transfers.approvalTimeoutMs', problem: 'expected number, received undefined' },
];

/** Rules across keys: checked once the values are valid, so each needs its own file. */
const crossCases: Case[] = [
  { name: 'allocations not adding up to 100', mutate: (s) => setPath(s, 'modes.allocationPercent.BTC.abot', '20'), key: 'modes.allocationPercent.BTC', problem: 'allocations must add up to 100, they add up to 105' },
  { name: 'Q-bot split not adding up to 100', mutate: (s) => setPath(s, 'qbot.splitPercent.triangular', '25'), key: 'qbot.splitPercent', problem: 'cross + triangular must add up to 100' },
  { name: 'threshold baseline outside its dynamic range', mutate: (s) => setPath(s, 'qbot.netThresholdPercent.baseline', '1.5'), key: 'qbot.netThresholdPercent', problem: 'must satisfy min <= baseline <= max' },
  { name: 'G-bot keep + sell not adding up to 100', mutate: (s) => setPath(s, 'gbot.keepPercentOnFlip', '20'), key: 'gbot', problem: 'sellPercentOnFlip + keepPercentOnFlip must add up to 100' },
];

describe('qbot config check (the real CLI)', () => {
  let dir: string;
  let valuesFile: string;
  let valuesRun: Promise<Run>;
  const crossRuns: Promise<Run>[] = [];

  beforeAll(() => {
    dir = makeTempDir();
    valuesFile = writeVariant(dir, 'settings', 'settings-values.json', (s) => valueCases.forEach((c) => c.mutate(s)));
    valuesRun = qbot(['config', 'check', '--settings', valuesFile]);
    crossCases.forEach((c, i) => crossRuns.push(qbot(['config', 'check', '--settings', writeVariant(dir, 'settings', `settings-cross-${i}.json`, c.mutate)])));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts the shipped config with exit code 0', async () => {
    const r = await qbot(['config', 'check']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^config OK \(trading paper, latency laptop, initial mode GOLD\)/);
    expect(r.code).toBe(0);
  });

  it('rejects broken values with exit code 1, one line per problem', async () => {
    const r = await valuesRun;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`config INVALID (${valueCases.length} problems)`);
  });

  const lineFor = (stderr: string, file: string, key: string) => stderr.split('\n').find((l) => l.startsWith(`  ${file}: ${key}: `));

  it.each(valueCases.map((c) => [c.name, c] as const))('names file, key and problem for %s', async (_name, c) => {
    const r = await valuesRun;
    expect(lineFor(r.stderr, valuesFile, c.key)).toContain(c.problem);
  });

  it.each(crossCases.map((c, i) => [c.name, i, c] as const))('rejects %s', async (_name, i, c) => {
    const r = await (crossRuns[i] as Promise<Run>);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('config INVALID (1 problem)');
    expect(lineFor(r.stderr, path.join(dir, `settings-cross-${i}.json`), c.key)).toContain(c.problem);
  });

  it('rejects a file that is not JSON, naming the file', async () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{ "modes": ');
    const r = await qbot(['config', 'check', '--settings', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: (root): not valid JSON`);
  });

  it('rejects a missing file, naming it', async () => {
    const file = path.join(dir, 'does-not-exist.json');
    const r = await qbot(['config', 'check', '--settings', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: (root): cannot read file`);
  });

  it('rejects a broken coins.json and networks.json by their own file names', async () => {
    const coins = writeVariant(dir, 'coins', 'coins-bad.json', (c) => setPath(c, 'quoteCurrencies', ['USD', 'usdt']));
    const networks = writeVariant(dir, 'networks', 'networks-bad.json', (n) => {
      setPath(n, 'preferredRoutes', [{ from: 'kraken', to: 'binance', asset: 'USDT', networks: ['TRC20', 'ERC-20'] }]);
    });
    const r = await qbot(['config', 'check', '--coins', coins, '--networks', networks]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${coins}: quoteCurrencies.1: must be an upper-case asset code like "BTC"`);
    expect(r.stderr).toContain(`${networks}: preferredRoutes.0.networks.1: unknown network "ERC-20"`);
  });

  it('prints machine-readable problems with --json', async () => {
    const file = writeVariant(dir, 'settings', 'settings-json.json', (s) => setPath(s, 'sweep.profitPercent', '150'));
    const r = await qbot(['config', 'check', '--json', '--settings', file]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      problems: [{ source: file, key: 'sweep.profitPercent', message: 'must be a percentage between 0 and 100' }],
    });
  });

  describe('environment', () => {
    const SECRET = 'sk-live-9f8e7d6c5b4a39281706';

    it('rejects live trading without exchange keys', async () => {
      const r = await qbot(['config', 'check'], { TRADING_MODE: 'live' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('environment: TRADING_MODE: live trading needs API keys for at least one exchange');
    });

    it('rejects a garbage LATENCY_MODE and names the allowed values', async () => {
      const r = await qbot(['config', 'check'], { LATENCY_MODE: 'turbo' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('environment: LATENCY_MODE: ');
      expect(r.stderr).toContain('"laptop"|"server"|"colo"');
    });

    it('rejects a key without its secret, and never prints the secret', async () => {
      const r = await qbot(['config', 'check'], { BINANCE_API_KEY: SECRET, TRADING_MODE: 'live' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('environment: BINANCE_API_SECRET: BINANCE_API_KEY and BINANCE_API_SECRET must be set together');
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stdout + r.stderr).not.toContain(SECRET.slice(0, 12));
    });

    it('never prints secrets that are malformed either', async () => {
      const r = await qbot(['config', 'check', '--json'], {
        WEBHOOK_PASSPHRASE: 'short',
        COINBASE_API_KEY_NAME: SECRET,
        COINBASE_API_PRIVATE_KEY: `not-a-pem-${SECRET}`,
      });
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout) as { problems: { key: string; message: string }[] };
      expect(out.problems.map((p) => p.key).sort()).toEqual(['COINBASE_API_PRIVATE_KEY', 'WEBHOOK_PASSPHRASE']);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stdout + r.stderr).not.toContain('short');
    });

    it('accepts live trading with a complete key pair, without printing it', async () => {
      const r = await qbot(['config', 'check'], { TRADING_MODE: 'live', KRAKEN_API_KEY: SECRET, KRAKEN_API_SECRET: `${SECRET}-s` });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('config OK (trading live');
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    });
  });
});
