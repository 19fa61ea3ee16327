import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultExecArgv } from '../../workers/supervisor';

const ROOT = path.resolve(__dirname, '../..');
const semiSpace = (args: string) => /--max-semi-space-size=(\d+)/.exec(args)?.[1];

/**
 * The young generation's size was chosen from measurements (docs/qbot.md, Tick to order, GC and
 * the hot path's memory): 16 MB semi-spaces keep the hot path's RSS ~40-90 MB lower than 64 with
 * shorter longest pauses and no worse tick to order. Every way the system is started uses it.
 */
describe('GC flags: one semi-space size wherever node is started', () => {
  it('the supervisor\'s children and the demo, start and bench scripts all run with --max-semi-space-size=16', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const sizes = {
      supervisor: semiSpace(defaultExecArgv().join(' ')),
      demo: semiSpace(scripts.demo ?? ''), start: semiSpace(scripts.start ?? ''), bench: semiSpace(scripts.bench ?? ''),
    };
    expect(sizes).toEqual({ supervisor: '16', demo: '16', start: '16', bench: '16' });
  });
});
