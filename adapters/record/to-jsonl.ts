import * as fs from 'node:fs';
import { replayLine, marketsToFile } from '../../hotpath/replay/jsonl';
import { marketsOfRecording } from './markets';
import { readRecording } from './reader';
import { booksOfRecording } from './rebuild';

export interface ConvertResult { books: number; markets: number; cutFiles: string[] }

/**
 * A raw recording as the JSONL snapshots `qbot scan` reads (one line per book state, top `depth`
 * levels, the receive time in ms), plus `<out>.markets.json` with the recorded market rules.
 */
export async function recordingToJsonl(dir: string, out: string, depth = 50): Promise<ConvertResult> {
  const rec = readRecording(dir);
  const markets = await marketsOfRecording(dir);
  const fd = fs.openSync(out, 'w');
  let books = 0;
  try {
    for (const b of booksOfRecording(rec.meta, rec.frames, depth)) {
      fs.writeSync(fd, `${replayLine(b)}\n`);
      books += 1;
    }
  } finally {
    fs.closeSync(fd);
  }
  const wanted = new Set(rec.meta.symbols);
  const kept = markets.filter((m) => wanted.has(m.symbol));
  fs.writeFileSync(`${out}.markets.json`, marketsToFile(kept));
  return { books, markets: kept.length, cutFiles: rec.cutFiles };
}
