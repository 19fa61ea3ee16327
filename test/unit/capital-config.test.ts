import * as fs from 'node:fs';
import { loadConfig, ConfigError } from '../../config';
import { makeTempDir, setPath, writeVariant } from '../fixtures/config/variants';
import { guardSettings } from '../../workers/capital';

let dir: string;
beforeAll(() => (dir = makeTempDir()));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the shipped settings carry capital.* with their defaults; the guard takes them from there', () => {
  const cfg = loadConfig({ env: {} });
  const shown = (c: { reservationTtlMs: number; balanceMaxAgeMs: number; budgetSlackPercent: { toFixed(): string } }) => ({ ...c, budgetSlackPercent: c.budgetSlackPercent.toFixed() });
  expect(shown(cfg.settings.capital)).toEqual({ reservationTtlMs: 120_000, balanceMaxAgeMs: 5_000, budgetSlackPercent: '2' });
  expect(shown(guardSettings(cfg))).toEqual({ reservationTtlMs: 120_000, balanceMaxAgeMs: 5_000, budgetSlackPercent: '2' });
});

test.each([
  ['capital.reservationTtlMs', 0],
  ['capital.reservationTtlMs', '120000'],
  ['capital.balanceMaxAgeMs', -1],
  ['capital.budgetSlackPercent', 2],
  ['capital.budgetSlackPercent', '101'],
])('%s = %p is refused naming file and key', (key, value) => {
  const file = writeVariant(dir, 'settings', `capital-${key}-${String(value)}.json`, (s) => setPath(s, key, value));
  let caught: unknown;
  try {
    loadConfig({ files: { settings: file }, env: {} });
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  expect((caught as ConfigError).problems).toEqual([expect.objectContaining({ source: file, key })]);
});

test('settings without a capital section get the same defaults', () => {
  const file = writeVariant(dir, 'settings', 'no-capital.json', (s) => setPath(s, 'capital', undefined));
  const c = loadConfig({ files: { settings: file }, env: {} }).settings.capital;
  expect({ ...c, budgetSlackPercent: c.budgetSlackPercent.toFixed() }).toEqual({ reservationTtlMs: 120_000, balanceMaxAgeMs: 5_000, budgetSlackPercent: '2' });
});
