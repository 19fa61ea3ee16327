/**
 * One uncaught exception ends a Node process: in `npm run demo` / `npm start` that is the hot
 * path, the workers, the receiver and the dashboard at once, mid-trade. Every HTTP part answers
 * its own errors (adapters/http/request-guard.ts); this is the net under everything else (a
 * library's stray callback, a failing connection surfacing as an unhandled rejection): log it
 * loudly and keep the other parts running. A process throwing in a tight loop is broken, not
 * unlucky: past `maxPerMinute` it exits 1 so a supervisor can restart it.
 */
export interface GuardLog {
  error(obj: object, msg: string): void;
}

export interface ProcessGuardOptions {
  maxPerMinute?: number;
  exit?: (code: number) => void;
  now?: () => number;
}

export function installProcessGuard(log: GuardLog, o: ProcessGuardOptions = {}): () => void {
  const max = o.maxPerMinute ?? 20;
  const now = o.now ?? Date.now;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const recent: number[] = [];
  const count = () => {
    const t = now();
    recent.push(t);
    while (recent.length > 0 && t - (recent[0] as number) > 60_000) recent.shift();
    if (recent.length > max) {
      log.error({ errorsInLastMinute: recent.length }, `more than ${max} uncaught errors in a minute: exiting`);
      exit(1);
    }
  };
  const onException = (err: Error, origin: string) => {
    log.error({ err, origin }, 'UNCAUGHT EXCEPTION: logged and kept running (the other parts are unaffected)');
    count();
  };
  const onRejection = (reason: unknown) => {
    log.error({ err: reason }, 'UNHANDLED REJECTION: logged and kept running');
    count();
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
