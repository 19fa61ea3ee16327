import * as http from 'node:http';
import { listenOn } from '../../adapters/net/listen';
import type { Logger } from 'pino';
import { alertBodySchema, alertIdOf, toAbotAlert, toMacroAlert } from './alert';
import { clientAddress, passphraseMatches, RateLimiter, sourceAllowed } from './security';
import { readBodyLimited } from './body';
import type { AlertSink } from './deliver';
import { RecentAlerts } from './recent-alerts';
import { createHardenedServer, guardRequests } from '../../adapters/http/request-guard';

export const WEBHOOK_PATH = '/webhooks/tradingview';

export interface WebhookOptions {
  host: string;
  port: number;
  maxAlertAgeMs: number;
  bodyLimitBytes: number;
  allowList: readonly string[];
  /** Authenticated alerts delivered per source and minute. */
  rateLimitPerMinute: number;
  /**
   * Requests that do not authenticate (wrong path or method, bad body, wrong passphrase) per source
   * and minute; past it they get 429 instead of their 4xx. A separate budget: junk from a shared
   * TradingView address never uses up what a real alert needs.
   */
  unauthenticatedRateLimitPerMinute: number;
  trustProxy: boolean;
  passphrase: string;
  abotUniverse: readonly string[];
  sink: AlertSink;
  logger: Logger;
  now?: () => number;
  /** How far in the future an alert's time may be (clock skew between TradingView and us). */
  maxFutureSkewMs?: number;
  /** The whole request must arrive within this (default 10 s; TradingView itself gives up after 3 s). */
  requestTimeoutMs?: number;
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
  // Two budgets: junk is counted apart from authenticated alerts, so it can never starve them.
  const authenticatedLimiter = new RateLimiter(opts.rateLimitPerMinute, now);
  const junkLimiter = new RateLimiter(opts.unauthenticatedRateLimitPerMinute, now);
  const schema = alertBodySchema(opts.abotUniverse);
  const skew = opts.maxFutureSkewMs ?? 60_000;
  const recent = new RecentAlerts(opts.maxAlertAgeMs + skew, now);
  const log = opts.logger;

  async function handle(req: http.IncomingMessage, path: string, source: string): Promise<Answer> {
    if (!sourceAllowed(source, opts.allowList)) return refuse(403, 'source_not_allowed', `source ${source} is not in webhook.allowList`);
    if (req.method === 'GET' && path === '/healthz') return { status: 200, body: { ok: true } };
    // Everything that fails before the passphrase is proven spends the unauthenticated budget only.
    const junk = (a: Answer): Answer =>
      junkLimiter.take(source) ? a : refuse(429, 'rate_limited', `more than ${opts.unauthenticatedRateLimitPerMinute} unauthenticated requests a minute from ${source}`, { refused: a.body.error });
    if (path !== WEBHOOK_PATH) return junk(refuse(404, 'not_found', `POST alerts to ${WEBHOOK_PATH}`));
    if (req.method !== 'POST') return junk(refuse(405, 'method_not_allowed', 'use POST'));

    const body = await readBodyLimited(req, opts.bodyLimitBytes);
    if (!body.ok) return junk(refuse(413, 'body_too_large', `the body exceeds ${opts.bodyLimitBytes} bytes`));
    // TradingView sends text/plain when it could not parse the message as JSON: ignore the type.
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch {
      return junk(refuse(400, 'malformed_json', 'the body is not valid JSON: check the alert message template'));
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return junk(refuse(400, 'malformed_json', 'the body must be a JSON object'));
    if (!passphraseMatches((json as { passphrase?: unknown }).passphrase, opts.passphrase)) return junk(refuse(401, 'bad_passphrase', 'wrong or missing passphrase'));

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
    const deliveredTo = alert.kind === 'macro' ? 'mode' : 'abot-inbox';
    // A replay is answered as one and costs no budget (the workflows would drop it anyway).
    if (recent.has(alertId)) return { status: 200, body: { ok: true, duplicate: true, alertId, deliveredTo, message: 'this alert was already delivered; nothing changed' } };
    if (!authenticatedLimiter.take(source)) return refuse(429, 'rate_limited', `more than ${opts.rateLimitPerMinute} alerts a minute from ${source}`, { alertId });
    try {
      if (alert.kind === 'macro') await opts.sink.deliverMacro(toMacroAlert(alert));
      else await opts.sink.deliverAbot(toAbotAlert(alert));
    } catch (err) {
      // Loud: TradingView does not retry, so this alert is lost unless someone acts on this line.
      log.error({ err, alertId, kind: alert.kind, action: alert.action, source },
        'TEMPORAL UNAVAILABLE: alert NOT confirmed; re-send it or apply it by hand (qbot mode / qbot abot)');
      return refuse(503, 'temporal_unavailable', 'Temporal did not confirm the alert; re-sending it is safe (a duplicate id is dropped)', { alertId });
    }
    recent.add(alertId);
    log.info({ alertId, kind: alert.kind, action: alert.action, ticker: 'ticker' in alert ? alert.ticker : undefined, source }, 'alert delivered');
    return { status: 200, body: { ok: true, duplicate: false, alertId, deliveredTo } };
  }

  const listener = guardRequests('receiver', async (req, res, url) => {
    const source = clientAddress(req, opts.trustProxy);
    const answer = await handle(req, url.pathname, source).catch((err: unknown): Answer => {
      log.error({ err, source }, 'webhook handler failed');
      return refuse(500, 'internal_error', 'internal error');
    });
    if (req.destroyed && !req.complete) return; // cut off (timeout) or gone: nobody to answer
    // A flood of junk past its budget is logged at debug only, so it cannot flood the log either.
    if (answer.status === 429 && answer.body.refused) log.debug({ source, refused: answer.body.refused }, 'unauthenticated request rate-limited');
    else if (answer.status >= 400 && answer.status !== 503) log.warn({ source, status: answer.status, error: answer.body.error }, 'alert refused');
    const payload = JSON.stringify(answer.body);
    // A refused request may still be sending its body: close rather than read the rest.
    const close = answer.status === 413 || !req.complete;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) });
    res.end(payload);
    if (close) req.resume();
  }, log);
  // Slow senders must not hold sockets open (the whole exchange has to fit in TradingView's 3 s).
  return createHardenedServer(listener, { headersTimeoutMs: 5_000, requestTimeoutMs: opts.requestTimeoutMs ?? 10_000 });
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
