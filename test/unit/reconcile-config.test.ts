import * as fs from 'node:fs';
import { loadConfig, ConfigError } from '../../config';
import { makeTempDir, setPath, writeVariant } from '../fixtures/config/variants';
import { reconcileWorkflowInput } from '../../workers/reconcile';

let dir: string;
beforeAll(() => (dir = makeTempDir()));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the shipped settings reconcile every 15 minutes, and the workflow is started with that interval', () => {
  const cfg = loadConfig({ env: {} });
  expect(cfg.settings.reconcile).toEqual({ intervalMs: 900_000 });
  expect(reconcileWorkflowInput(cfg)).toEqual({ intervalMs: 900_000 });
});

test('settings without a reconcile section get the same default', () => {
  const file = writeVariant(dir, 'settings', 'no-reconcile.json', (s) => setPath(s, 'reconcile', undefined));
  expect(loadConfig({ files: { settings: file }, env: {} }).settings.reconcile).toEqual({ intervalMs: 900_000 });
});

test.each([
  ['reconcile.intervalMs', 0],
  ['reconcile.intervalMs', 999],
  ['reconcile.intervalMs', '900000'],
])('%s = %p is refused naming file and key', (key, value) => {
  const file = writeVariant(dir, 'settings', `reconcile-${String(value)}.json`, (s) => setPath(s, key, value));
  let caught: unknown;
  try {
    loadConfig({ files: { settings: file }, env: {} });
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  expect((caught as ConfigError).problems).toEqual([expect.objectContaining({ source: file, key })]);
});
