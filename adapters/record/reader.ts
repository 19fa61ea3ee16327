import * as fs from 'node:fs';
import * as path from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { FRAME_FILE_RE, META_FILE, recordedFrameSchema, recordingMetaSchema, type RecordedFrame, type RecordingMeta } from './format';

export interface FileRead { frames: RecordedFrame[]; /** true when the file ended inside a gzip member or a line (a cut file). */ cut: boolean }

/**
 * Reads one frame file. A file cut mid-member (the recorder was killed) yields every complete
 * line before the cut and `cut: true`; a line that is not a valid frame is an error naming it.
 */
export function readFrameFile(file: string): FileRead {
  const buf = fs.readFileSync(file);
  let text: string;
  let cut = false;
  try {
    text = gunzipSync(buf).toString('utf8');
  } catch {
    // Sync flush returns what the complete deflate blocks hold instead of failing on the cut.
    text = gunzipSync(buf, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
    cut = true;
  }
  const lines = text.split('\n');
  const last = lines.pop();
  if (last) cut = true; // the tail after the last newline is a partial line
  const frames = lines.map((line, i) => {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new Error(`${path.basename(file)} line ${i + 1}: not JSON (${(e as Error).message})`);
    }
    const r = recordedFrameSchema.safeParse(raw);
    if (!r.success) throw new Error(`${path.basename(file)} line ${i + 1}: ${r.error.issues.map((x) => `${x.path.join('.') || '(line)'}: ${x.message}`).join('; ')}`);
    return r.data;
  });
  return { frames, cut };
}

export interface Recording { meta: RecordingMeta; frames: RecordedFrame[]; cutFiles: string[] }

/** The whole recording in a folder: its meta and every frame, in receive-time order. */
export function readRecording(dir: string): Recording {
  const metaPath = path.join(dir, META_FILE);
  if (!fs.existsSync(metaPath)) throw new Error(`${dir}: no ${META_FILE} (not a qbot recording)`);
  const m = recordingMetaSchema.safeParse(JSON.parse(fs.readFileSync(metaPath, 'utf8')));
  if (!m.success) throw new Error(`${metaPath}: ${m.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
  const files = fs.readdirSync(dir).filter((f) => FRAME_FILE_RE.test(f)).sort();
  const frames: RecordedFrame[] = [];
  const cutFiles: string[] = [];
  for (const f of files) {
    const r = readFrameFile(path.join(dir, f));
    for (const fr of r.frames) frames.push(fr);
    if (r.cut) cutFiles.push(f);
  }
  // Stable: frames of one connection keep their arrival order when times tie.
  frames.sort((a, b) => a.t - b.t);
  return { meta: m.data, frames, cutFiles };
}
