import * as fs from 'node:fs';
import * as path from 'node:path';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { workflowBundle } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('ERROR') });

/**
 * Histories recorded from real runs of an earlier version (npm run histories:record) must replay
 * on today's workflow code: a change that alters the commands of a running workflow without
 * patched() fails here instead of breaking running workflows in production.
 */
const DIR = path.resolve(__dirname, '../fixtures/histories');
const WORKFLOWS = ['mode', 'abot', 'abot-inbox', 'gbot', 'sweep', 'money', 'rebalance'];

test('a recorded history exists for every workflow', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
  for (const w of WORKFLOWS) expect(files.some((f) => f === `${w}.json` || f.startsWith(`${w}.`))).toBe(true);
});

test('every recorded history replays on the current workflow code', async () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
  const histories = files.map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'))) }));
  const failures: string[] = [];
  let replayed = 0;
  for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
    replayed += 1;
    if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
}, 120_000);
