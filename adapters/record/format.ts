import { z } from 'zod';
import { EXCHANGE_IDS, type ExchangeId } from '../../domain/market';

/**
 * One line of a raw recording (inside the gzip members of `frames-NNNN.jsonl.gz`):
 * - `open`: a socket was opened (`d` = its URL); `sent`: what we sent on it (`d` = the text);
 * - `ws`: a frame received, `d` = its text exactly as it arrived; `close`: the socket ended;
 * - `rest`: a REST answer (`u` = path and query below the venue's base, `d` = the body text).
 * `t` is the receive time in microseconds since the epoch; `c` names the connection (one id per
 * socket, so a reconnect starts a new one).
 */
export const FRAME_KINDS = ['open', 'sent', 'ws', 'close', 'rest'] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];

export const recordedFrameSchema = z.strictObject({
  t: z.number().int().nonnegative(),
  v: z.enum(EXCHANGE_IDS as unknown as [ExchangeId, ...ExchangeId[]]),
  c: z.string().min(1),
  k: z.enum(FRAME_KINDS),
  u: z.string().optional(),
  d: z.string(),
});
export type RecordedFrame = z.infer<typeof recordedFrameSchema>;

/** What a recording is of: `meta.json` next to the frame files. */
export const recordingMetaSchema = z.strictObject({
  format: z.literal('qbot-raw-recording/1'),
  source: z.string().min(1),
  exchanges: z.array(z.enum(EXCHANGE_IDS as unknown as [ExchangeId, ...ExchangeId[]])).min(1),
  symbols: z.array(z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/)).min(1),
  /** Kraken v2 book depth subscribed (the window a client must truncate to). */
  krakenDepth: z.number().int().positive(),
  startedAtUs: z.number().int().nonnegative(),
});
export type RecordingMeta = z.infer<typeof recordingMetaSchema>;

export const META_FILE = 'meta.json';
export const FRAME_FILE_RE = /^frames-(\d{4,})\.jsonl\.gz$/;
export const frameFileName = (n: number): string => `frames-${String(n).padStart(4, '0')}.jsonl.gz`;

/** The wall clock in microseconds (performance's origin plus its sub-millisecond reading). */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}
