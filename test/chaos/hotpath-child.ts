/**
 * The hot path process of the crash trials: `startHotpath` exactly as workers/hotpath.ts runs it
 * (its venues, ledger, durable state and capital store in QBOT_DATA_DIR, tied to Temporal through
 * TEMPORAL_ADDRESS), with its exchanges at SIM_URL, a simulator in
 * another process. TRADING_MODE=paper keeps paper accounts (state.sqlite) over the simulator's
 * books; TRADING_MODE=live sends real ccxt orders to the simulator. Started as
 * `node --require tsx/cjs test/chaos/hotpath-child.ts`, so the pid a trial SIGKILLs is the one
 * that trades.
 */
import { simulatorCcxtOptions, type RunningSimulator } from '../../adapters/sim';
import { EXCHANGE_IDS, type ExchangeId } from '../../domain/market';
import { startHotpath } from '../../workers/hotpath';

/** The part of a RunningSimulator the hot path reads: urls and ccxt options per venue. */
function simulatorAt(url: string): RunningSimulator {
  const of = (ex: ExchangeId) => simulatorCcxtOptions(url, ex);
  return {
    urls: Object.fromEntries(EXCHANGE_IDS.map((ex) => [ex, of(ex).urls])),
    ccxtOptions: (ex: ExchangeId) => of(ex).ccxtOptions,
  } as unknown as RunningSimulator;
}

async function main(): Promise<void> {
  const url = process.env.SIM_URL;
  if (!url) throw new Error('SIM_URL is not set');
  // No /metrics server: the trials read the hot path's log and Temporal, not its HTTP endpoints.
  const p = await startHotpath({ sim: simulatorAt(url) });
  console.log(JSON.stringify({ msg: 'chaos hot path ready', pid: process.pid, venues: p.venues.length }));
  const stop = async () => {
    await p.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`hot path: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
