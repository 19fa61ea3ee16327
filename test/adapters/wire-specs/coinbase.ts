import { checkKeys, checkPattern, type Problems, type Share } from './common';

/**
 * Coinbase Advanced Trade WebSocket as really sent (recorded level2 / heartbeats / market_trades
 * sessions). Example: {"channel":"l2_data","timestamp":"2026-08-09T21:05:48.483587501Z",
 * "sequence_num":7,"events":[{"type":"update","product_id":"BTC-USD","updates":[{"side":"bid",
 * "event_time":"2026-08-09T21:05:48.170326Z","price_level":"65062.5","new_quantity":"0.12"}]}]}
 */
export const COINBASE_WIRE = {
  /** Top-level fields, in order: no client_id. */
  envelope: ['channel', 'timestamp', 'sequence_num', 'events'] as const,
  /** Nanoseconds with trailing zeros trimmed (so never a last digit 0 after the dot). */
  timestamp: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,8}[1-9])?Z$/,
  /** Microseconds, six digits. */
  eventTime: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/,
  /** Shortest decimal string: "65062.5", "0.12", "65084", "0" (never "0.04545840"). */
  decimal: /^(0|[1-9]\d*)(\.\d*[1-9])?$/,
  updateKeys: ['side', 'event_time', 'price_level', 'new_quantity'] as const,
  sides: ['bid', 'offer'] as const,
  /** "2026-08-09 21:05:48.854840045 +0000 UTC m=+41691.26": Go's time.Time String(). */
  heartbeatTime: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{0,8}[1-9])? \+0000 UTC m=\+\d+\.\d+$/,
  /** The counter is the venue's, not the connection's: already large on the first heartbeat. */
  heartbeatCounterAtLeast: 1_000,
  /** A level2 snapshot is the whole book (real BTC-USD: ~18,800 bids / 27,200 asks). */
  snapshotLevelsPerSideAtLeast: 1_000,
  /** Changes per level2 update message. */
  updateSizes: { one: { min: 0.15, max: 0.4 } as Share, twoToNine: { min: 0.35, max: 0.65 } as Share, tenOrMore: { min: 0.1, max: 0.4 } as Share },
} as const;

export interface CoinbaseMessage { channel?: string; timestamp?: string; sequence_num?: number; events?: Array<Record<string, unknown>>; [k: string]: unknown }

/** Checks one message against the description; returns what does not match. */
export function checkCoinbaseMessage(msg: CoinbaseMessage): Problems {
  const p: Problems = [];
  checkKeys(p, 'message', msg, COINBASE_WIRE.envelope);
  checkPattern(p, 'timestamp', msg.timestamp, COINBASE_WIRE.timestamp);
  if (!Number.isInteger(msg.sequence_num)) p.push(`sequence_num ${String(msg.sequence_num)} is not an integer`);
  for (const ev of msg.events ?? []) {
    if (msg.channel === 'l2_data') {
      for (const u of (ev.updates as Array<Record<string, unknown>> | undefined) ?? []) {
        checkKeys(p, 'level2 update', u, COINBASE_WIRE.updateKeys);
        if (!COINBASE_WIRE.sides.includes(u.side as 'bid')) p.push(`side ${String(u.side)}`);
        checkPattern(p, 'event_time', u.event_time, COINBASE_WIRE.eventTime);
        checkPattern(p, 'price_level', u.price_level, COINBASE_WIRE.decimal);
        checkPattern(p, 'new_quantity', u.new_quantity, COINBASE_WIRE.decimal);
      }
    } else if (msg.channel === 'heartbeats') {
      checkPattern(p, 'current_time', ev.current_time, COINBASE_WIRE.heartbeatTime);
      if (typeof ev.heartbeat_counter !== 'number' || ev.heartbeat_counter < COINBASE_WIRE.heartbeatCounterAtLeast) p.push(`heartbeat_counter ${String(ev.heartbeat_counter)} is small`);
    } else if (msg.channel === 'market_trades') {
      for (const t of (ev.trades as Array<Record<string, unknown>> | undefined) ?? []) {
        checkPattern(p, 'trade price', t.price, COINBASE_WIRE.decimal);
        checkPattern(p, 'trade size', t.size, COINBASE_WIRE.decimal);
        checkPattern(p, 'trade time', t.time, COINBASE_WIRE.eventTime);
      }
    }
  }
  return p;
}
