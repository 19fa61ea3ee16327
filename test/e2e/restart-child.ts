/**
 * The in-process system (workers/system.ts) as its own process for the restart trial, so that the
 * trial can `kill -9` it: started on the data dir given as argv[2], it prints one JSON line when
 * ready (its Temporal dev server's address and pid: a kill -9 of the whole machine's worth of
 * processes kills that server too) and stops cleanly on SIGTERM.
 */
import { startTestDemo } from './demo-helpers';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: restart-child.ts DATA_DIR');
  const sys = await startTestDemo(dataDir);
  process.once('SIGTERM', () => {
    void sys.stop().then(() => process.exit(0), () => process.exit(1));
  });
  console.log(JSON.stringify({ ready: true, temporalAddress: sys.temporalAddress, temporalPid: sys.temporalPid ?? null }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
