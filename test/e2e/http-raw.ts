import * as net from 'node:net';

/**
 * Raw HTTP over node:net, for requests no HTTP client would send (malformed request lines,
 * invalid URLs, trickled bodies). Resolves with the status the server answered (undefined when
 * it closed the connection without one), the raw answer, and how long it took.
 */
export interface RawAnswer {
  status: number | undefined;
  raw: string;
  ms: number;
  /** The server closed the connection (rather than our own time limit ending the wait). */
  closedByServer: boolean;
}

export interface RawRequestOptions {
  /** Bytes to send, in pieces; each piece after `gapMs` (0 = all at once). */
  pieces: Array<string | Buffer>;
  gapMs?: number;
  /** Give up waiting after this long (the answer then has closedByServer false). */
  waitMs?: number;
  /** Settle as soon as the status line and headers are in (streams such as /events never end). */
  untilHeaders?: boolean;
}

export function rawRequest(host: string, port: number, o: RawRequestOptions): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const chunks: Buffer[] = [];
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      socket.destroy();
      const raw = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
      resolve({ status: m ? Number(m[1]) : undefined, raw, ms: Date.now() - started, closedByServer });
    };
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // One full answer is enough: keep-alive would otherwise hold the socket open.
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      if (head >= 0 && o.untilHeaders) return finish(true);
      if (head >= 0) {
        const len = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, head));
        if ((len && text.length - head - 4 >= Number(len[1])) || /\r\ntransfer-encoding: *chunked/i.test(text.slice(0, head)) && text.endsWith('0\r\n\r\n')) finish(true);
      }
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      const gap = o.gapMs ?? 0;
      o.pieces.forEach((p, i) => {
        const send = () => {
          if (!settled && socket.writable) socket.write(p);
        };
        if (gap === 0 || i === 0) send();
        else timers.push(setTimeout(send, gap * i));
      });
    });
    timers.push(setTimeout(() => finish(false), o.waitMs ?? 10_000));
  });
}

/** host and port of an http:// URL. */
export function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) };
}
