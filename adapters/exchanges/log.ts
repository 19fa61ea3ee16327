import pino from 'pino';

export type Logger = pino.Logger;

/** The adapters' logger. Secrets never reach it: only ids, symbols, codes and decimal strings. */
export function createExchangeLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'exchanges', level });
}
