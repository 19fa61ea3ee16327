import * as path from 'node:path';

// The provisioning logic is plain JS (it runs from postinstall); this gives it types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const provision = require(path.join(__dirname, 'provision-temporal.js')) as {
  resolveAll(opts: { install?: boolean; log?: (m: string) => void }): Record<'cli' | 'testServer', { path: string; source: string }>;
};

export interface TemporalBinaries {
  cli: string;
  testServer: string;
}

/** Finds the provisioned binaries; installs them when allowed (the demo, not the tests). */
export function temporalBinaries(opts: { install?: boolean } = {}): TemporalBinaries {
  const found = provision.resolveAll({ install: opts.install ?? false, log: (m) => console.log(`[provision] ${m}`) });
  return { cli: found.cli.path, testServer: found.testServer.path };
}
