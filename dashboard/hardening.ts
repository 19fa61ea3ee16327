import * as os from 'node:os';

/**
 * Browser-facing defences of the dashboard.
 *
 * DNS rebinding: a page on attacker.example re-points its name at 127.0.0.1 and reads the
 * dashboard as same-origin. The browser still sends `Host: attacker.example`, so answering only
 * to the names this server is known by stops it. An IP literal cannot be rebound, but we still
 * list the ones we serve on rather than allowing any, so a misrouted request is refused too.
 */

const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARDS = ['0.0.0.0', '::', ''];

/** "Example.COM:8080" -> { name: "example.com", port: "8080" }; "[::1]:80" -> { name: "::1", port: "80" }. */
export function splitHost(header: string): { name: string; port: string | undefined } | undefined {
  const h = header.trim().toLowerCase();
  const v6 = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(h);
  if (v6) return { name: v6[1] as string, port: v6[2] };
  const m = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(h);
  if (!m) return undefined;
  return { name: (m[1] as string).replace(/\.$/, ''), port: m[2] };
}

/** The addresses of this machine's interfaces (for a dashboard bound to 0.0.0.0 / ::). */
function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address.toLowerCase()));
}

export interface HostPolicy {
  /** The address the server is bound to (settings.dashboard.host). */
  boundHost: string;
  /** The port it listens on (the real one, after listen). */
  port: number;
  /** settings.dashboard.allowedHosts: extra names, "name" (any port) or "name:port". */
  allowedHosts: readonly string[];
}

/**
 * True when the Host header names this server: a local name or the bound address on our own
 * port, or a configured name. A missing or unparsable Host is refused.
 */
export function hostAllowed(header: string | undefined, p: HostPolicy): boolean {
  if (!header) return false;
  const h = splitHost(header);
  if (!h) return false;
  const port = h.port ?? '80';
  for (const entry of p.allowedHosts) {
    const e = splitHost(entry);
    if (e && e.name === h.name && (e.port === undefined || e.port === port)) return true;
  }
  if (port !== String(p.port)) return false;
  const bound = p.boundHost.toLowerCase();
  const names = new Set([...LOCAL_NAMES, bound]);
  if (WILDCARDS.includes(bound)) for (const a of interfaceAddresses()) names.add(a);
  return names.has(h.name);
}

/**
 * Sent with every answer. The page loads its script and style from this server only (no inline
 * script or style in dashboard/public), may talk only to this server (fetch, EventSource), and
 * may not be framed (clickjacking the Pause or Approve buttons).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
