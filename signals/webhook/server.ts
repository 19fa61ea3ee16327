import * as http from 'node:http';
import { listenOn } from '../../adapters/net/listen';
import type { Logger } from 'pino';
import { alertBodySchema, alertIdOf, toAbotAlert, toMacroAlert } from './alert';
import { clientAddress, passphraseMatches, RateLimiter, sourceAllowed } from './security';
import { readBodyLimited } from './body';
import type { AlertSink } from './deliver';

export const WEBHOOK_PATH = '/webhooks/tradingview';

export interface WebhookOptions {
  host: string;
  port: number;
  maxAlertAgeMs: number;
  bodyLimitBytes: number;
  allowList: readonly string[];
  rateLimitPerMinute: number;
  trustProxy: boolean;
  passphrase: string;
  abotUniverse: readonly string[];
  sink: AlertSink;
  logger: Logger;
  now?: () => number;
  /** How far in the future an alert's time may be (clock skew between TradingView and us). */
  maxFutureSkewMs?: number;
}

type Answer = { status: number; body: Record<string, unknown> };
const refuse = (status: number, error: string, message: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  body: { ok: false, error, message, ...extra },
});

/**
 * The TradingView receiver. It only listens and passes alerts on; every refusal is a 4xx with a
 * stable error code, and a 2xx means Temporal holds the alert.
 */
export function createWebhookServer(opts: WebhookOptions): http.Server {
  const now = opts.now ?? Date.now;
  const limiter = new RateLimiter(opts.rateLimitPerMinute, now);
  const schema = alertBodySchema(opts.abotUniverse);
  const skew = opts.maxFutureSkewMs ?? 60_000;
  const log = opts.logger;

  async function handle(req: http.IncomingMessage, source: string): Promise<Answer> {
    if (!sourceAllowed(source, opts.allowList)) return refuse(403, 'source_not_allowed', `source ${source} is not in webhook.allowList`);
    if (!limiter.take(source)) return refuse(429, 'rate_limited', `more than ${opts.rateLimitPerMinute} requests a minute from ${source}`);
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return { status: 200, body: { ok: true } };
    if (path !== WEBHOOK_PATH) return refuse(404, 'not_found', `POST alerts to ${WEBHOOK_PATH}`);
    if (req.method !== 'POST') return refuse(405, 'method_not_allowed', 'use POST');

    const body = await readBodyLimited(req, opts.bodyLimitBytes);
    if (!body.ok) return refuse(413, 'body_too_large', `the body exceeds ${opts.bodyLimitBytes} bytes`);
    // TradingView sends text/plain when it could not parse the message as JSON: ignore the type.
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch {
      return refuse(400, 'malformed_json', 'the body is not valid JSON: check the alert message template');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return refuse(400, 'malformed_json', 'the body must be a JSON object');
    if (!passphraseMatches((json as { passphrase?: unknown }).passphrase, opts.passphrase)) return refuse(401, 'bad_passphrase', 'wrong or missing passphrase');

    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      return refuse(422, 'invalid_alert', issues.join('; '), { issues });
    }
    const alert = parsed.data;
    const age = now() - Date.parse(alert.time);
    if (age > opts.maxAlertAgeMs) return refuse(422, 'stale_alert', `the alert is ${Math.round(age / 1000)} s old (limit ${opts.maxAlertAgeMs / 1000} s)`);
    if (-age > skew) return refuse(422, 'alert_from_future', `the alert's time is ${Math.round(-age / 1000)} s ahead of this server's clock`);

    const alertId = alertIdOf(alert);
    try {
      if (alert.kind === 'macro') await opts.sink.deliverMacro(toMacroAlert(alert));
      else await opts.sink.deliverAbot(toAbotAlert(alert));
    } catch (err) {
      // Loud: TradingView does not retry, so this alert is lost unless someone acts on this line.
      log.error({ err, alertId, kind: alert.kind, action: alert.action, source },
        'TEMPORAL UNAVAILABLE: alert NOT confirmed; re-send it or apply it by hand (qbot mode / qbot abot)');
      return refuse(503, 'temporal_unavailable', 'Temporal did not confirm the alert; re-sending it is safe (a duplicate id is dropped)', { alertId });
    }
    log.info({ alertId, kind: alert.kind, action: alert.action, ticker: 'ticker' in alert ? alert.ticker : undefined, source }, 'alert delivered');
    return { status: 200, body: { ok: true, alertId, deliveredTo: alert.kind === 'macro' ? 'mode' : 'abot-inbox' } };
  }

  const server = http.createServer((req, res) => {
    const source = clientAddress(req, opts.trustProxy);
    void handle(req, source)
      .catch((err: unknown): Answer => {
        log.error({ err, source }, 'webhook handler failed');
        return refuse(500, 'internal_error', 'internal error');
      })
      .then((answer) => {
        if (answer.status >= 400 && answer.status !== 503) log.warn({ source, status: answer.status, error: answer.body.error }, 'alert refused');
        const payload = JSON.stringify(answer.body);
        // A refused request may still be sending its body: close rather than read the rest.
        const close = answer.status === 413 || !req.complete;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) });
        res.end(payload);
        if (close) req.resume();
      });
  });
  // Slow senders must not hold sockets open (the whole exchange has to fit in TradingView's 3 s).
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  return server;
}

export interface RunningWebhook {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

export async function startWebhookServer(opts: WebhookOptions): Promise<RunningWebhook> {
  const server = createWebhookServer(opts);
  const { address, port } = await listenOn(server, { part: 'receiver', port: opts.port, host: opts.host, envVar: 'WEBHOOK_PORT' });
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    server,
    url: `http://${host}:${port}${WEBHOOK_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
