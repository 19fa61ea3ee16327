/**
 * A pass-through HTTP + WebSocket proxy between one worker process and the simulator, so a crash
 * trial can stop a worker at an exact point of a money move instead of at a lucky moment:
 *  - `hold-before`: the request reaches the proxy and goes no further (the exchange never sees it);
 *  - `hold-after`: the request is forwarded, the exchange acts on it, and its answer is held (the
 *    worker never learns the outcome: "submitted, not booked").
 * Each held request is reported through `onHold`; the trial then SIGKILLs the worker. Everything
 * else (REST and WebSocket upgrades) is forwarded unchanged, so the worker runs its real ccxt code
 * against the real simulator. Each worker gets its own proxy, so a hold also says WHICH worker
 * was doing the move.
 */
import * as http from 'node:http';
import * as net from 'node:net';

export type HoldRule = (req: { method: string; path: string; body: string }) => 'pass' | 'hold-before' | 'hold-after';

export interface HeldRequest {
  kind: 'hold-before' | 'hold-after';
  method: string;
  path: string;
  body: string;
  /** The exchange's answer (hold-after only): what the killed worker never received. */
  status?: number;
  answer?: string;
}

export interface SimProxy {
  url: string;
  port: number;
  held: HeldRequest[];
  /** Replaces the rule (e.g. arm a hold only once the trial has reached its phase). */
  setRule(rule: HoldRule): void;
  onHold(listener: (h: HeldRequest) => void): void;
  close(): Promise<void>;
}

export const passAll: HoldRule = () => 'pass';

export async function startSimProxy(target: string, rule: HoldRule = passAll): Promise<SimProxy> {
  const upstream = new URL(target);
  const upstreamPort = Number(upstream.port);
  let current = rule;
  const held: HeldRequest[] = [];
  const listeners: Array<(h: HeldRequest) => void> = [];
  const sockets = new Set<net.Socket>();
  const hold = (h: HeldRequest) => {
    held.push(h);
    for (const l of listeners) l(h);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const verdict = current({ method, path, body });
      // Held before: never forwarded, never answered (the socket stays open until the worker dies).
      if (verdict === 'hold-before') return hold({ kind: 'hold-before', method, path, body });
      const out = http.request({ host: upstream.hostname, port: upstreamPort, method, path, headers: { ...req.headers, host: upstream.host } }, (up) => {
        const answer: Buffer[] = [];
        up.on('data', (c: Buffer) => answer.push(c));
        up.on('end', () => {
          const text = Buffer.concat(answer);
          if (verdict === 'hold-after') return hold({ kind: 'hold-after', method, path, body, status: up.statusCode ?? 0, answer: text.toString('utf8') });
          const headers = { ...up.headers };
          delete headers['transfer-encoding'];
          res.writeHead(up.statusCode ?? 502, { ...headers, 'content-length': String(text.length) }).end(text);
        });
      });
      out.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${err.message}`);
      });
      out.end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // WebSocket upgrades: replay the request head to the simulator, then splice the two sockets.
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const up = net.connect(upstreamPort, upstream.hostname, () => {
      const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i] ?? ''}: ${req.rawHeaders[i + 1] ?? ''}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      socket.pipe(up).pipe(socket);
    });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    const end = () => {
      up.destroy();
      socket.destroy();
    };
    up.on('error', end);
    socket.on('error', end);
    socket.on('close', end);
    up.on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    held,
    setRule(r) {
      current = r;
    },
    onHold(l) {
      listeners.push(l);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
