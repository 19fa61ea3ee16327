import pino, { type Logger } from 'pino';

/** Structured JSON logs; money in the payloads is always decimal strings. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'hotpath'): Logger {
  return pino({ name, level, base: { proc: name } });
}

export type { Logger };
