import { scaled } from '../helpers/wait';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { probePort, startTemporalDevServer, TemporalDevServerError } from '../../workers/temporal-dev-server';

/**
 * The embedded dev server for real: the provisioned `temporal` binary on free ports with a temp
 * data folder, a real gRPC client, and the CLI entry (`npm run temporal`) stopped with SIGINT.
 */

const ROOT = path.resolve(__dirname, '../..');
// A real server start: allow for a loaded CI machine.
jest.setTimeout(scaled(120_000));

const made: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-temporal-'));
  made.push(d);
  return d;
}
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function occupyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen({ host: '127.0.0.1', port: 0 }, r));
  return { port: (srv.address() as net.AddressInfo).port, close: () => new Promise((r) => srv.close(() => r())) };
}

describe('startTemporalDevServer', () => {
  it('serves gRPC and the UI on free ports, keeps state in SQLite, and frees the port on stop', async () => {
    const dataDir = path.join(tempDir(), 'nested', 'data'); // created on demand
    const server = await startTemporalDevServer({ address: '127.0.0.1:0', uiPort: 0, dataDir, install: false });
    const port = Number(server.address.split(':')[1]);
    try {
      expect(port).toBeGreaterThan(0);
      const conn = await Connection.connect({ address: server.address });
      try {
        const ns = await conn.workflowService.describeNamespace({ namespace: 'default' });
        expect(ns.namespaceInfo?.name).toBe('default');
      } finally {
        await conn.close();
      }
      expect(server.dbFile).toBe(path.join(dataDir, 'temporal.sqlite'));
      expect(fs.statSync(server.dbFile).size).toBeGreaterThan(0);
      const ui = await fetch(server.uiUrl as string);
      expect(ui.status).toBe(200);
      expect(await probePort('127.0.0.1', port)).toEqual({ free: false, code: 'EADDRINUSE' });
    } finally {
      await server.stop();
    }
    await server.stop(); // idempotent
    expect(await probePort('127.0.0.1', port)).toEqual({ free: true, port });
  });

  it('refuses a busy port with a clear error, before starting anything', async () => {
    const busy = await occupyPort();
    try {
      const started = startTemporalDevServer({ address: `127.0.0.1:${busy.port}`, headless: true, dataDir: tempDir(), install: false });
      await expect(started).rejects.toThrow(TemporalDevServerError);
      await expect(started).rejects.toThrow(`Temporal gRPC port 127.0.0.1:${busy.port} is already in use`);
    } finally {
      await busy.close();
    }
  });

  it('refuses a busy UI port too', async () => {
    const busy = await occupyPort();
    try {
      await expect(startTemporalDevServer({ address: '127.0.0.1:0', uiPort: busy.port, dataDir: tempDir(), install: false })).rejects.toThrow(
        `Temporal UI port 127.0.0.1:${busy.port} is already in use`,
      );
    } finally {
      await busy.close();
    }
  });

  it('names a missing binary', async () => {
    await expect(startTemporalDevServer({ binary: '/nonexistent/temporal', address: '127.0.0.1:0', headless: true })).rejects.toThrow(
      'the Temporal CLI binary /nonexistent/temporal is missing or not executable (run `npm run provision`)',
    );
  });

  it('rejects an address that is not host:port', async () => {
    await expect(startTemporalDevServer({ address: 'http://localhost:7233', install: false })).rejects.toThrow('TEMPORAL_ADDRESS must be host:port, got "http://localhost:7233"');
  });
});

describe('npm run temporal (workers/temporal-dev.ts)', () => {
  const running: Array<{ child: ChildProcess; exited: Promise<number | null> }> = [];
  // A failed assertion must not leave a server behind: SIGINT lets the CLI stop its child too.
  afterEach(async () => {
    for (const r of running.splice(0)) {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGINT');
      await r.exited;
    }
  });

  function runCli(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'workers/temporal-dev.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    running.push({ child, exited });
    const waitFor = async (re: RegExp, ms: number): Promise<RegExpExecArray> => {
      const end = Date.now() + scaled(ms);
      while (Date.now() < end) {
        const m = re.exec(out);
        if (m) return m;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no ${re} in output:\n${out}`);
    };
    return { child, exited, waitFor, output: () => out };
  }

  it('starts, prints where it serves, and stops cleanly on SIGINT', async () => {
    const dataDir = tempDir();
    const cli = runCli({ TEMPORAL_ADDRESS: '127.0.0.1:0', TEMPORAL_UI_PORT: '0', QBOT_DATA_DIR: dataDir });
    const m = await cli.waitFor(/dev server on (127\.0\.0\.1:(\d+)) \(UI http:\/\/127\.0\.0\.1:\d+\), state in (\S+)/, 90_000);
    expect(m[3]).toBe(path.join(dataDir, 'temporal.sqlite'));
    const port = Number(m[2]);
    expect(await probePort('127.0.0.1', port)).toMatchObject({ free: false });
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain('temporal: SIGINT, stopping');
    expect(await probePort('127.0.0.1', port)).toEqual({ free: true, port });
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const busy = await occupyPort();
    try {
      const cli = runCli({ TEMPORAL_ADDRESS: `127.0.0.1:${busy.port}`, TEMPORAL_UI_PORT: '0', QBOT_DATA_DIR: tempDir() });
      expect(await cli.exited).toBe(1);
      expect(cli.output()).toContain(`temporal: Temporal gRPC port 127.0.0.1:${busy.port} is already in use`);
    } finally {
      await busy.close();
    }
  });
});
