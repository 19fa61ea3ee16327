import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Who is listening and which variable moves it: both go into the message an operator reads. */
export interface ListenTarget {
  /** The part of the system, as an operator knows it: "dashboard", "receiver", "metrics", … */
  part: string;
  port: number;
  host?: string;
  /** The environment variable that sets this port (named in the error). */
  envVar?: string;
}

/** A listen() that failed, with a sentence naming the part, the port and the way out. */
export class ListenError extends Error {
  constructor(
    readonly part: string,
    readonly port: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/** Why a listen failed, in words: "dashboard: port 8080 is in use (set DASHBOARD_PORT)". */
export function describeListenFailure(t: ListenTarget, err: NodeJS.ErrnoException): ListenError {
  const code = err.code ?? 'UNKNOWN';
  const where = t.host ? `${t.host}:${t.port}` : String(t.port);
  const hint = t.envVar ? ` (set ${t.envVar})` : '';
  if (code === 'EADDRINUSE') return new ListenError(t.part, t.port, code, `${t.part}: port ${t.port} is in use${hint}`);
  if (code === 'EACCES') return new ListenError(t.part, t.port, code, `${t.part}: not allowed to listen on port ${t.port} (ports below 1024 need privileges)${hint}`);
  if (code === 'EADDRNOTAVAIL') return new ListenError(t.part, t.port, code, `${t.part}: address ${where} is not on this machine`);
  return new ListenError(t.part, t.port, code, `${t.part}: cannot listen on ${where}: ${err.message}`);
}

/**
 * Listens and resolves with the bound address, or rejects with a ListenError that names the part
 * and the port (a bare EADDRINUSE says neither). Every server in the project listens through this.
 */
export function listenOn(server: Server, t: ListenTarget): Promise<AddressInfo> {
  return new Promise<AddressInfo>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(describeListenFailure(t, err));
    server.once('error', onError);
    server.listen(t.port, t.host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}
