import * as http from 'node:http';

/**
 * What every HTTP entry point (dashboard, webhook receiver, simulator, metrics) shares so that one
 * hostile request cannot end the process: the request URL is parsed without throwing, a handler's
 * error becomes a 500 for that request only, and slow senders are cut off by timeouts that are
 * actually checked (Node checks them only every `connectionsCheckingInterval`, 30 s by default).
 */

export interface GuardLogger {
  error(obj: object, msg: string): void;
}

/** The request's URL, or undefined when it cannot be parsed (`GET //x:99999` makes `new URL` throw). */
export function parseRequestUrl(req: http.IncomingMessage): URL | undefined {
  const raw = req.url ?? '/';
  // Only origin-form targets ("/path?query"): "//host:port" or "http://..." would let the client pick the authority.
  if (!raw.startsWith('/') || raw.startsWith('//')) return undefined;
  try {
    return new URL(raw, 'http://request.invalid');
  } catch {
    return undefined;
  }
}

export type GuardedHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void | Promise<void>;

function fail(res: http.ServerResponse, status: number, error: string, message: string): void {
  if (res.headersSent) {
    // Half an answer is already out: the only honest end is to close the connection.
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ ok: false, error, message }));
}

/**
 * Wraps a request handler: a request target that is not a parseable path gets 400 `bad_request`,
 * and anything the handler throws (or rejects with) is logged and answered with 500 for that
 * request alone.
 */
export function guardRequests(part: string, handler: GuardedHandler, log?: GuardLogger): http.RequestListener {
  return (req, res) => {
    const url = parseRequestUrl(req);
    if (!url) return fail(res, 400, 'bad_request', 'the request target is not a valid path');
    const onError = (err: unknown) => {
      (log ?? consoleLog).error({ err, part, method: req.method, path: url.pathname }, `${part}: request handler failed`);
      fail(res, 500, 'internal_error', 'internal error');
    };
    try {
      const r = handler(req, res, url);
      if (r) r.catch(onError);
    } catch (err) {
      onError(err);
    }
  };
}

const consoleLog: GuardLogger = { error: (obj, msg) => console.error(msg, obj) };

export interface HardenedServerOptions {
  /** Whole request (headers and body) must arrive within this; default 10 s. */
  requestTimeoutMs?: number;
  /** Headers must arrive within this; default 5 s. */
  headersTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this; default 5 s (Node's own default). */
  keepAliveTimeoutMs?: number;
}

/** A node:http server with enforced timeouts, so a trickled body cannot hold a socket for minutes. */
export function createHardenedServer(listener: http.RequestListener, o: HardenedServerOptions = {}): http.Server {
  const requestTimeout = o.requestTimeoutMs ?? 10_000;
  const headersTimeout = Math.min(o.headersTimeoutMs ?? 5_000, requestTimeout);
  const server = http.createServer({
    requestTimeout,
    headersTimeout,
    keepAliveTimeout: o.keepAliveTimeoutMs ?? 5_000,
    // Check the timeouts often enough that they mean what they say.
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersTimeout / 2))),
  }, listener);
  // Malformed request lines and timeouts are Node's own business: it answers 400/408/431 and closes
  // that connection (the default 'clientError' behaviour), which is what we want.
  return server;
}
