import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EXCHANGE_IDS, type ExchangeId } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';

/**
 * The recorded-book format (also read by `qbot scan`): JSON Lines, one snapshot per line,
 * {"exchange":"binance","symbol":"BTC/USDT","timestamp":1754493864098,"bids":[["64772.43","0.00934"],...],"asks":[...]}
 * timestamp in ms since the epoch; prices and amounts as decimal strings; best level first.
 */
export interface ReplaySnapshot {
  exchange: ExchangeId;
  symbol: string;
  timestamp: number;
  bids: Array<[string, string]>;
  asks: Array<[string, string]>;
}

const decimalString = z.string().regex(/^\d+(\.\d+)?$/, 'a decimal string like "64772.43"');
const level = z.tuple([decimalString, decimalString]);
const snapshotSchema = z.object({
  exchange: z.enum(EXCHANGE_IDS as [ExchangeId, ...ExchangeId[]]),
  symbol: z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'a unified symbol like "BTC/USDT"'),
  timestamp: z.number().int().nonnegative(),
  bids: z.array(level),
  asks: z.array(level),
});

/** Parses one line; the error names the line and the field. */
export function parseSnapshotLine(line: string, lineNo = 1): ReplaySnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    throw new Error(`line ${lineNo}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const r = snapshotSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`line ${lineNo}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid snapshot'}`);
  }
  const s = r.data;
  checkSorted(s.bids, 'desc', lineNo, 'bids');
  checkSorted(s.asks, 'asc', lineNo, 'asks');
  // A crossed snapshot is a broken recording (a missed update): a venue never serves one.
  const bid = s.bids[0]?.[0];
  const ask = s.asks[0]?.[0];
  if (bid !== undefined && ask !== undefined && !new Decimal(bid).lt(ask)) throw new Error(`line ${lineNo}: book crossed: bid ${bid} >= ask ${ask}`);
  return s;
}

function checkSorted(levels: Array<[string, string]>, order: 'asc' | 'desc', lineNo: number, what: string): void {
  for (let i = 1; i < levels.length; i++) {
    const a = Number(levels[i - 1]?.[0]);
    const b = Number(levels[i]?.[0]);
    if (order === 'desc' ? b >= a : b <= a) throw new Error(`line ${lineNo}: ${what} must be best first and strictly ${order === 'desc' ? 'falling' : 'rising'} (level ${i})`);
  }
}

/** Reads a JSONL file (blank lines ignored), sorted by timestamp (stable for equal times). */
export function readReplayFile(path: string): ReplaySnapshot[] {
  const text = readFileSync(path, 'utf8');
  const out: ReplaySnapshot[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim()) out.push(parseSnapshotLine(line, i + 1));
  });
  if (!out.length) throw new Error(`${path}: no snapshots`);
  return out.map((s, i) => ({ s, i })).sort((a, b) => a.s.timestamp - b.s.timestamp || a.i - b.i).map((x) => x.s);
}

export function toJsonl(snapshots: ReplaySnapshot[]): string {
  return snapshots.map((s) => JSON.stringify({ exchange: s.exchange, symbol: s.symbol, timestamp: s.timestamp, bids: s.bids, asks: s.asks })).join('\n') + '\n';
}
