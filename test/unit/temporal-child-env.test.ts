import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { devServerEnv } from '../../workers/temporal-dev-server';

// The Temporal dev server is a child process: it gets the few variables it needs, never the
// exchange keys, the webhook passphrase or the dashboard token of the process that starts it.
const SECRETS = {
  BINANCE_API_KEY: 'binance-key-should-not-leak', BINANCE_API_SECRET: 'binance-secret-should-not-leak',
  KRAKEN_API_SECRET: 'kraken-secret-should-not-leak', COINBASE_API_PRIVATE_KEY: '-----BEGIN EC PRIVATE KEY-----leak',
  WEBHOOK_PASSPHRASE: 'passphrase-should-not-leak', DASHBOARD_TOKEN: 'dashboard-token-should-not-leak', TEMPORAL_API_KEY: 'temporal-key-should-not-leak',
};

test('the child environment is an allow-list: path, home, temp, locale and time zone only', () => {
  const env = devServerEnv({ ...SECRETS, PATH: '/usr/bin', HOME: '/home/q', TMPDIR: '/tmp', TZ: 'UTC', LANG: 'C.UTF-8', LC_ALL: 'C', AWS_SECRET_ACCESS_KEY: 'x', NODE_OPTIONS: '--inspect' });
  expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/q', TMPDIR: '/tmp', TZ: 'UTC', LANG: 'C.UTF-8', LC_ALL: 'C' });
});

test('the running dev server process does not hold the secrets of the process that started it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-env-'));
  const root = path.resolve(__dirname, '../..');
  // The starting process has the secrets in its real environment, as `npm start` with live keys does.
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'test/fixtures/dev-server-env-child.ts'), dir], { cwd: root, env: { ...process.env, ...SECRETS }, stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /pid (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`the starter exited with ${code}: ${out}`)));
    });
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    const names = environ.map((l) => l.split('=')[0]);
    expect(names).toContain('PATH');
    for (const [k, v] of Object.entries(SECRETS)) {
      expect(names).not.toContain(k);
      expect(environ.join('\n')).not.toContain(v);
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.stdin.write('stop\n');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
