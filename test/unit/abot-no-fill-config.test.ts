import * as fs from 'node:fs';
import { loadConfig } from '../../config';
import { configErrorOf, makeTempDir, setPath, writeVariant } from '../fixtures/config/variants';
import { botWorkflowInputs } from '../../activities/bot-signals';

let dir: string;
beforeAll(() => (dir = makeTempDir()));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the shipped settings retry an A-bot buy that filled nothing twice, and the A-bot workflow is started with it', () => {
  const cfg = loadConfig({ env: {} });
  expect(cfg.settings.abot.noFillRetries).toBe(2);
  expect(botWorkflowInputs(cfg.settings, cfg.coins).abot.noFillRetries).toBe(2);
});

test('settings written before the key existed get the same default; 0 turns retries off', () => {
  const older = writeVariant(dir, 'settings', 'abot-no-key.json', (s) => setPath(s, 'abot.noFillRetries', undefined));
  expect(loadConfig({ files: { settings: older }, env: {} }).settings.abot.noFillRetries).toBe(2);
  const off = writeVariant(dir, 'settings', 'abot-off.json', (s) => setPath(s, 'abot.noFillRetries', 0));
  expect(botWorkflowInputs(loadConfig({ files: { settings: off }, env: {} }).settings, loadConfig({ env: {} }).coins).abot.noFillRetries).toBe(0);
});

test.each([-1, 6, 1.5, '2'])('abot.noFillRetries = %p is refused naming file and key', (value) => {
  const file = writeVariant(dir, 'settings', `abot-retries-${String(value)}.json`, (s) => setPath(s, 'abot.noFillRetries', value));
  expect(configErrorOf(() => loadConfig({ files: { settings: file }, env: {} })).problems).toEqual([expect.objectContaining({ source: file, key: 'abot.noFillRetries' })]);
});
