import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { frameFileName, type RecordedFrame } from './format';

export interface RecordingWriterOptions {
  dir: string;
  /** Lines per gzip member: a cut file loses at most the member being written. */
  flushEveryFrames?: number;
  /** Start a new file past this many compressed bytes. */
  rotateBytes?: number;
  /** Start a new file when the UTC hour changes. */
  rotateHourly?: boolean;
}

export interface WriterStats { frames: number; bytesIn: number; bytesOut: number; files: number }

/**
 * Appends frames as JSON lines, compressed as one gzip member per batch. Concatenated gzip members
 * are one valid gzip stream, and each member is complete on disk before the next begins, so a
 * process killed mid-file leaves a file that decompresses up to its last complete batch.
 */
export class RecordingWriter {
  private batch: string[] = [];
  /** The time of the latest frame: a batch belongs to the hour of its frames, not of the flush. */
  private lastT = 0;
  private fd: number | undefined;
  private fileNo = 0;
  private fileBytes = 0;
  private fileHour = -1;
  readonly stats: WriterStats = { frames: 0, bytesIn: 0, bytesOut: 0, files: 0 };
  private readonly every: number;
  private readonly rotateBytes: number;

  constructor(private readonly o: RecordingWriterOptions) {
    this.every = o.flushEveryFrames ?? 200;
    this.rotateBytes = o.rotateBytes ?? 64 * 1024 * 1024;
    fs.mkdirSync(o.dir, { recursive: true });
  }

  write(frame: RecordedFrame): void {
    this.lastT = frame.t;
    const line = `${JSON.stringify(frame)}\n`;
    this.batch.push(line);
    this.stats.frames += 1;
    this.stats.bytesIn += Buffer.byteLength(line);
    if (this.batch.length >= this.every) this.flush(frame.t);
  }

  /** Writes the pending lines as one gzip member (synchronously: it is on disk when this returns). */
  flush(atUs = this.lastT): void {
    if (!this.batch.length) return;
    const hour = Math.floor(atUs / 3_600_000_000);
    if (this.fd === undefined || this.fileBytes >= this.rotateBytes || (this.o.rotateHourly !== false && hour !== this.fileHour)) this.rotate(hour);
    const member = gzipSync(this.batch.join(''));
    this.batch = [];
    fs.writeSync(this.fd as number, member);
    this.fileBytes += member.length;
    this.stats.bytesOut += member.length;
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private rotate(hour: number): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fileNo += 1;
    // Never overwrite an earlier recording's file in the same folder.
    while (fs.existsSync(path.join(this.o.dir, frameFileName(this.fileNo)))) this.fileNo += 1;
    this.fd = fs.openSync(path.join(this.o.dir, frameFileName(this.fileNo)), 'a');
    this.fileBytes = 0;
    this.fileHour = hour;
    this.stats.files += 1;
  }
}
