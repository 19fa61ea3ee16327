/**
 * The simulator in its own process for the tick-to-order benchmark (forked by tick-to-order.ts),
 * as the real exchanges are: its model, WebSocket server and JSON encoding never share the hot
 * path's event loop or heap. Talks to the parent over the fork IPC channel.
 *
 * Timestamps are process.hrtime.bigint() (CLOCK_MONOTONIC on Linux: one clock for every process
 * on the machine), so the parent can subtract them from its own readings.
 */
import { Decimal } from '../../domain/money/decimal';
import { startSimulator } from '../../adapters/sim';
import type { ExchangeId } from '../../domain/market';

export type SimRequest =
  | { type: 'dislocate'; down: boolean }
  | { type: 'restore' }
  | { type: 'close' };

export type SimReply =
  | { type: 'ready'; port: number; urls: Record<string, Record<string, unknown>>; ccxtOptions: Record<string, Record<string, unknown>> }
  | { type: 'dislocated'; t0: string; price: string }
  | { type: 'restored'; ask: string }
  | { type: 'error'; message: string };

const EXCHANGES: ExchangeId[] = ['binance', 'kraken', 'coinbase'];

async function main(): Promise<void> {
  const send = (m: SimReply) => process.send!(m);
  // The model ticks every 100 ms (the hot path sees the usual background traffic and its books
  // stay fresh), except between a dislocation and its restore: a tick right after it could replace
  // the dislocated book before ccxt's watch loop reads it (ccxt hands over the latest state). A
  // tick that fell in that window is made up at the restore.
  const sim = await startSimulator({ port: 0, seed: 5, autoTick: false, dislocationRate: 0, exchanges: EXCHANGES });
  let held = false;
  let lastStep = Date.now();
  const step = () => {
    sim.control.step();
    lastStep = Date.now();
  };
  const ticking = setInterval(() => held || step(), 100);
  const ccxtOptions = Object.fromEntries(EXCHANGES.map((e) => [e, sim.ccxtOptions(e)]));
  process.on('message', (m: SimRequest) => {
    try {
      if (m.type === 'close') {
        clearInterval(ticking);
        void sim.close().then(() => process.exit(0));
        return;
      }
      if (m.type === 'restore') {
        held = false;
        if (Date.now() - lastStep >= 100) step();
        const k = sim.control.book('kraken', 'BTC/USDT');
        // Binance quotes Kraken's book again: nothing crossed, nothing to trade.
        sim.control.setBook('binance', 'BTC/USDT', k.bids, k.asks);
        send({ type: 'restored', ask: k.asks[0]![0] });
        return;
      }
      const k = sim.control.book('kraken', 'BTC/USDT');
      // 2 % through Kraken's touch, in the asked direction (directions alternate so paper
      // inventory flows back and forth).
      const p = new Decimal(m.down ? k.bids[0]![0] : k.asks[0]![0]).times(m.down ? '0.98' : '1.02').toDecimalPlaces(2);
      const bids: Array<[string, string]> = [[p.minus(0.5).toFixed(2), '1']];
      const asks: Array<[string, string]> = [[p.toFixed(2), '1']];
      held = true;
      const t0 = process.hrtime.bigint();
      sim.control.setBook('binance', 'BTC/USDT', bids, asks);
      send({ type: 'dislocated', t0: t0.toString(), price: p.toFixed(2) });
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  });
  process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
  send({ type: 'ready', port: sim.port, urls: sim.urls, ccxtOptions });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
