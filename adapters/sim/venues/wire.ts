import type { WebSocket } from 'ws';
import type { ExchangeId } from '../../../domain/market';
import type { SimContext } from '../context';
import { Prng } from '../model/prng';

const held = new WeakMap<WebSocket, string[]>();

/**
 * Sends a message unless the venue's feed is silenced (fault); held messages go out in order once
 * the silence ends, so a silent feed looks silent without breaking sequence numbers.
 */
export function sendWhenAudible(ws: WebSocket, ctx: SimContext, exchange: ExchangeId, msg: unknown): void {
  if (ws.readyState !== ws.OPEN) return;
  const text = typeof msg === 'string' ? msg : JSON.stringify(msg);
  const until = ctx.faults[exchange].silenceUntil;
  const queue = held.get(ws);
  if (ctx.now() < until) {
    if (queue) queue.push(text);
    else {
      held.set(ws, [text]);
      const t = setTimeout(() => flush(ws), until - ctx.now());
      ws.once('close', () => clearTimeout(t));
    }
    return;
  }
  if (queue) flush(ws);
  ws.send(text);
}

function flush(ws: WebSocket): void {
  const queue = held.get(ws);
  held.delete(ws);
  if (!queue || ws.readyState !== ws.OPEN) return;
  for (const m of queue) ws.send(m);
}

/** A decimal that must go on the wire as a JSON number with exactly these digits (Kraken v2). */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** JSON.stringify that writes RawNumber values as bare numbers, never through a float. */
export function toWireJson(value: unknown): string {
  const s = JSON.stringify(value, (_k, v: unknown) => (v instanceof RawNumber ? `\u0000RAW:${v.text}` : v));
  return s.replace(/"\\u0000RAW:([-0-9.]+)"/g, '$1');
}

/** A random stream for one connection's wire choices (message sizes, ids): same seed, same stream. */
export function connectionRng(ctx: SimContext, exchange: ExchangeId): Prng {
  let h = (ctx.options.seed ^ ctx.stats[exchange].connections) >>> 0;
  for (const c of exchange) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return new Prng(h);
}
