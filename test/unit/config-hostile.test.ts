import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configWarnings, loadConfig, validateConfig, ConfigError } from '../../config';
import { makeTempDir, setPath, writeVariant } from '../fixtures/config/variants';

// A careless operator's settings: refused when absurd, warned about when risky.
const ROOT = path.resolve(__dirname, '../..');
let dir: string;
beforeAll(() => {
  dir = makeTempDir();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the shipped settings carry the new keys with their defaults and give no warning', () => {
  const cfg = loadConfig({ env: {} });
  expect(cfg.settings.account?.sizeUsd.toFixed()).toBe('9000');
  expect(cfg.settings.webhook.unauthenticatedRateLimitPerMinute).toBe(60);
  expect(cfg.settings.dashboard.allowedHosts).toEqual([]);
  expect(configWarnings(cfg)).toEqual([]);
});

test('a daily-loss limit larger than the whole account is refused with file, key and reason', () => {
  const file = writeVariant(dir, 'settings', 'absurd-loss.json', (s) => setPath(s, 'qbot.killSwitch.maxDailyLossUsd', '900000000'));
  let caught: unknown;
  try {
    loadConfig({ files: { settings: file }, env: {} });
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const problems = (caught as ConfigError).problems;
  expect(problems).toEqual([{ source: file, key: 'qbot.killSwitch.maxDailyLossUsd', message: expect.stringContaining('more than the whole account') }]);
  expect(problems[0]?.message).toContain('account.sizeUsd');
  // Exactly the account is still a (reckless) limit, not nonsense: accepted, with a warning.
  const whole = writeVariant(dir, 'settings', 'whole-account.json', (s) => setPath(s, 'qbot.killSwitch.maxDailyLossUsd', '9000'));
  const r = validateConfig({ files: { settings: whole }, env: {} });
  expect(r.ok).toBe(true);
  if (r.ok) expect(configWarnings(r.value)).toEqual([expect.objectContaining({ key: 'qbot.killSwitch.maxDailyLossUsd', message: expect.stringContaining('100 % of the account') })]);
});

test('binding the dashboard or the receiver to a non-loopback address is a warning naming the key', () => {
  const file = writeVariant(dir, 'settings', 'public.json', (s) => {
    setPath(s, 'dashboard.host', '0.0.0.0');
    setPath(s, 'webhook.host', '192.168.1.20');
  });
  const r = validateConfig({ files: { settings: file }, env: {} });
  expect(r.ok).toBe(true);
  if (!r.ok) return;
  const warnings = configWarnings(r.value, file);
  expect(warnings.map((w) => [w.source, w.key])).toEqual([[file, 'webhook.host'], [file, 'dashboard.host']]);
  expect(warnings[1]?.message).toMatch(/0\.0\.0\.0.*every network/);
  for (const host of ['127.0.0.1', '::1', 'localhost']) {
    const local = writeVariant(dir, 'settings', `local-${host}.json`, (s) => setPath(s, 'dashboard.host', host));
    const v = validateConfig({ files: { settings: local }, env: {} });
    expect(v.ok && configWarnings(v.value)).toEqual([]);
  }
});

test('`qbot config check` prints the warnings (and still exits 0) and refuses the absurd limit (exit 1)', async () => {
  const publicFile = writeVariant(dir, 'settings', 'cli-public.json', (s) => setPath(s, 'dashboard.host', '0.0.0.0'));
  const absurd = writeVariant(dir, 'settings', 'cli-absurd.json', (s) => setPath(s, 'qbot.killSwitch.maxDailyLossUsd', '900000000'));
  const run = (file: string) => new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/qbot.js'), 'config', 'check', '--settings', file], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out: stdout + stderr });
    });
  });
  const [pub, bad] = await Promise.all([run(publicFile), run(absurd)]);
  expect(pub.code).toBe(0);
  expect(pub.out).toContain(`warning: ${publicFile}: dashboard.host:`);
  expect(bad.code).toBe(1);
  expect(bad.out).toContain(`${absurd}: qbot.killSwitch.maxDailyLossUsd: 900000000 USD is more than the whole account`);
}, 120_000);
