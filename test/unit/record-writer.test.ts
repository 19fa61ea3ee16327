import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { frameFileName, type RecordedFrame } from '../../adapters/record/format';
import { readFrameFile } from '../../adapters/record/reader';
import { RecordingWriter } from '../../adapters/record/writer';

const frame = (i: number): RecordedFrame => ({ t: 1_700_000_000_000_000 + i * 1000, v: 'binance', c: 'binance-1', k: 'ws', d: JSON.stringify({ e: 'depthUpdate', u: i, b: [['64167.51000000', `${i}.00000000`]] }) });

describe('raw recording files: gzip members that survive a cut', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rec-writer-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads back every frame exactly, text untouched', () => {
    const w = new RecordingWriter({ dir, flushEveryFrames: 7 });
    for (let i = 0; i < 50; i++) w.write(frame(i));
    w.close();
    const r = readFrameFile(path.join(dir, frameFileName(1)));
    expect(r.cut).toBe(false);
    expect(r.frames).toEqual(Array.from({ length: 50 }, (_, i) => frame(i)));
  });

  it('a file cut anywhere decompresses up to its last complete member', () => {
    const w = new RecordingWriter({ dir, flushEveryFrames: 10 });
    const ends: number[] = [];
    const file = path.join(dir, frameFileName(1));
    for (let i = 0; i < 60; i++) {
      w.write(frame(i));
      if ((i + 1) % 10 === 0) ends.push(fs.statSync(file).size);
    }
    w.close();
    const whole = fs.readFileSync(file);
    // Cut inside member 4 (after 3 complete members), in its header and in its middle.
    for (const at of [ends[2]! + 3, Math.floor((ends[2]! + ends[3]!) / 2), ends[3]! - 1]) {
      const cutFile = path.join(dir, `cut-${at}.gz`);
      fs.writeFileSync(cutFile, whole.subarray(0, at));
      const r = readFrameFile(cutFile);
      expect(r.cut).toBe(true);
      // Complete lines of the cut member may come through too (a cut in its trailer loses none);
      // never a broken or invented one.
      expect(r.frames.length).toBeGreaterThanOrEqual(30);
      expect(r.frames.length).toBeLessThanOrEqual(40);
      expect(r.frames).toEqual(Array.from({ length: r.frames.length }, (_, i) => frame(i)));
    }
  });

  it('rotates to a new file past the size limit, never overwriting one', () => {
    fs.writeFileSync(path.join(dir, frameFileName(1)), 'older recording');
    const w = new RecordingWriter({ dir, flushEveryFrames: 5, rotateBytes: 200 });
    for (let i = 0; i < 40; i++) w.write(frame(i));
    w.close();
    expect(fs.readFileSync(path.join(dir, frameFileName(1)), 'utf8')).toBe('older recording');
    const files = fs.readdirSync(dir).filter((f) => f !== frameFileName(1)).sort();
    expect(files.length).toBeGreaterThan(1);
    const all = files.flatMap((f) => readFrameFile(path.join(dir, f)).frames);
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => frame(i)));
  });

  it('rotates when the UTC hour changes', () => {
    const w = new RecordingWriter({ dir, flushEveryFrames: 1 });
    w.write(frame(0));
    w.write({ ...frame(1), t: frame(0).t + 3_600_000_000 });
    w.close();
    expect(fs.readdirSync(dir).sort()).toEqual([frameFileName(1), frameFileName(2)]);
  });
});
