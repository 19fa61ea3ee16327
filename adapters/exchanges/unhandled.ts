import type { Logger } from './log';

let installedWith: Logger | undefined;

/**
 * ccxt settles some internal promises nobody awaits (a snapshot fetched after a socket closed, a
 * keep-alive ping on a dead connection); Node would then kill the process on an unhandled
 * rejection. The hot path must survive those: log them loudly and keep running. Installed once
 * per process; later calls are no-ops.
 */
export function installUnhandledRejectionGuard(logger: Logger): void {
  if (installedWith) return;
  installedWith = logger;
  process.on('unhandledRejection', (reason: unknown) => {
    const err = reason instanceof Error ? { name: reason.name, message: reason.message } : { value: String(reason) };
    logger.error({ err }, 'unhandled promise rejection (process kept alive)');
  });
}
