import { hostAllowed, SECURITY_HEADERS, splitHost } from '../../dashboard/hardening';

// DNS rebinding: the browser sends the attacker's name in Host; the dashboard answers only to its own.
const local = { boundHost: '127.0.0.1', port: 8080, allowedHosts: [] as string[] };

test('local names on our own port are allowed; foreign names, other ports and a missing Host are not', () => {
  for (const h of ['127.0.0.1:8080', 'localhost:8080', 'LOCALHOST:8080', '[::1]:8080']) expect({ h, ok: hostAllowed(h, local) }).toEqual({ h, ok: true });
  for (const h of ['attacker.example', 'attacker.example:8080', '127.0.0.1:9999', 'localhost', 'evil.localhost:8080', '127.0.0.1.attacker.example:8080', '', 'a b', '[::1', undefined]) {
    expect({ h, ok: hostAllowed(h, local) }).toEqual({ h, ok: false });
  }
});

test('configured names are allowed (any port, or the one given); a wildcard bind adds this machine\'s addresses', () => {
  const p = { boundHost: '0.0.0.0', port: 8080, allowedHosts: ['dash.example.org', 'ops.example.org:443'] };
  expect(hostAllowed('dash.example.org', p)).toBe(true);
  expect(hostAllowed('dash.example.org:8443', p)).toBe(true);
  expect(hostAllowed('ops.example.org:443', p)).toBe(true);
  expect(hostAllowed('ops.example.org:80', p)).toBe(false);
  expect(hostAllowed('0.0.0.0:8080', p)).toBe(true);
  expect(hostAllowed('127.0.0.1:8080', p)).toBe(true);
  expect(hostAllowed('attacker.example:8080', p)).toBe(false);
  expect(splitHost('Example.COM.:80')).toEqual({ name: 'example.com', port: '80' });
});

test('the security headers forbid inline script, framing and sniffing, and send no referrer', () => {
  const csp = SECURITY_HEADERS['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(SECURITY_HEADERS).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
});
