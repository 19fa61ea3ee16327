import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AbotAlert, MacroAlert } from '../defs';

/**
 * The TradingView alert body. The passphrase is checked separately (before this schema, in
 * constant time), so the schema's error messages are only ever shown to a caller who knows it.
 */
const time = z.iso.datetime({ offset: true, message: 'time must be an ISO-8601 time such as {{timenow}} gives' });
const id = z.string().min(1).max(128).regex(/^[\w.:-]+$/, 'id may contain letters, digits, "_", ".", ":" and "-" only');

const macroBody = z.strictObject({
  passphrase: z.string(),
  kind: z.literal('macro'),
  action: z.enum(['BTC', 'GOLD'], { message: 'a macro alert\'s action must be "BTC" or "GOLD"' }),
  ticker: z.string().optional(),
  time,
  id: id.optional(),
});

const abotBody = (universe: readonly string[]) =>
  z.strictObject({
    passphrase: z.string(),
    kind: z.literal('abot'),
    action: z.enum(['buy', 'sell'], { message: 'an A-bot alert\'s action must be "buy" or "sell"' }),
    ticker: z
      .string()
      .transform((t) => t.toUpperCase())
      .refine((t) => universe.includes(t), { message: `ticker must be one of the A-bot universe (config/coins.json abotUniverse): ${universe.join(', ')}` }),
    time,
    id: id.optional(),
  });

export function alertBodySchema(abotUniverse: readonly string[]) {
  return z.discriminatedUnion('kind', [macroBody, abotBody(abotUniverse)], {
    error: (issue) => (issue.code === 'invalid_union' ? 'kind must be "macro" or "abot"' : undefined),
  });
}
export type AlertBody = z.infer<ReturnType<typeof alertBodySchema>>;

/**
 * Without an explicit id, the alert is its kind, action, ticker and time: TradingView re-sending
 * the same alert yields the same id, so the workflows drop the duplicate.
 */
export function alertIdOf(body: Pick<AlertBody, 'kind' | 'action' | 'time' | 'id'> & { ticker?: string | undefined }): string {
  if (body.id) return body.id;
  const digest = createHash('sha256').update(`${body.kind}|${body.action}|${body.ticker ?? ''}|${body.time}`).digest('hex');
  return `tv-${digest.slice(0, 32)}`;
}

const MACRO_REASON = { BTC: 'TradingView macro: buy BTC / sell PAXG', GOLD: 'TradingView macro: sell BTC / buy PAXG' } as const;

export function toMacroAlert(body: Extract<AlertBody, { kind: 'macro' }>): MacroAlert {
  return { mode: body.action, alertId: alertIdOf(body), firedAt: body.time, source: 'tradingview', reason: MACRO_REASON[body.action] };
}

export function toAbotAlert(body: Extract<AlertBody, { kind: 'abot' }>): AbotAlert {
  return { action: body.action, ticker: body.ticker, alertId: alertIdOf(body), firedAt: body.time, source: 'tradingview' };
}
