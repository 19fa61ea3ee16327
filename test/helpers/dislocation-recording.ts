import { startSimulator } from '../../adapters/sim';
import { Recorder } from '../../adapters/record/recorder';
import { Decimal } from '../../domain/money/decimal';
import { waitUntil } from './wait';

export const SYMBOLS = ['BTC/USDT', 'BTC/USD', 'USDT/USD', 'USDC/USD', 'USDC/USDT'];
export const BALANCES = {
  binance: { BTC: new Decimal('0.05'), USDT: new Decimal('5000'), USDC: new Decimal('5000') },
  kraken: { BTC: new Decimal('0.05'), USDT: new Decimal('5000'), USD: new Decimal('5000'), USDC: new Decimal('5000') },
};

/**
 * A recording made from the simulator in the test: the model steps, and twice Binance's BTC/USDT
 * is lifted 2 % above Kraken's for a few frames (a cross opportunity that fees cannot eat), then
 * the model takes over again.
 */
export async function recordWithDislocations(dir: string, krakenDepth = 25): Promise<void> {
  const sim = await startSimulator({ port: 0, seed: 21, autoTick: false, exchanges: ['binance', 'kraken'], dislocationRate: 0 });
  try {
    const rec = new Recorder({ exchanges: ['binance', 'kraken'], symbols: SYMBOLS, out: dir, sim: `http://127.0.0.1:${sim.port}`, krakenDepth, flushEveryFrames: 25 });
    await rec.start();
    const frames = () => Object.values(rec.stats().venues).reduce((a, v) => a + v.frames, 0);
    const settled = async (what: string, act: () => void) => {
      const before = frames();
      act();
      await waitUntil(what, () => frames() > before, 10_000, 10);
    };
    // Binance's diff stream starts once its REST snapshot is recorded.
    await waitUntil('binance snapshots', () => rec.stats().venues.binance!.frames > 0, 10_000);
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 8; i += 1) await settled('a model step', () => sim.control.step());
      const ask = new Decimal(sim.control.book('kraken', 'BTC/USDT').asks[0]![0]);
      for (let k = 0; k < 3; k += 1) {
        const bid = ask.times('1.02').toDecimalPlaces(2);
        await settled('a dislocation', () => sim.control.setBook('binance', 'BTC/USDT', [[bid.plus(k).toFixed(2), '0.5'], [bid.minus(1).toFixed(2), '1']], [[bid.plus(k + 5).toFixed(2), '0.5'], [bid.plus(k + 6).toFixed(2), '1']]));
      }
    }
    for (let i = 0; i < 5; i += 1) await settled('a model step', () => sim.control.step());
    await rec.stop();
  } finally {
    await sim.close();
  }
}

