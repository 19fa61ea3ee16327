import ccxt from 'ccxt';
import { CoinbaseWithSequence } from '../../adapters/exchanges/venues/coinbase-sequence';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { waitUntil } from '../helpers/wait';

interface WsClient {
  futures: Record<string, unknown>;
  rejections: Record<string, unknown>;
}

let sim: RunningSimulator;
let ex: CoinbaseWithSequence;
const escaped: unknown[] = [];
const onUnhandled = (reason: unknown) => escaped.push(reason);

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 3, autoTick: false, exchanges: ['coinbase'] });
  process.on('unhandledRejection', onUnhandled);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await ex?.close();
  await sim?.close();
});

const SYMBOLS = ['BTC/USD', 'ETH/USD'];
const level2 = (keys: string[]) => keys.filter((k) => k.startsWith('level2::'));

describe('Coinbase sequence-gap detection (real ccxt against the simulator)', () => {
  it('a gap found while no watch is waiting fails the next watch once with ChecksumError, and no rejection escapes unhandled', async () => {
    ex = new CoinbaseWithSequence(sim.ccxtOptions('coinbase'));
    await ex.loadHttpProxyAgent();
    await ex.watchOrderBookForSymbols(SYMBOLS);
    const client = () => Object.values((ex as unknown as { clients: Record<string, WsClient> }).clients)[0]!;
    // Both books change and nobody watches: every level2 future resolves and none is left waiting.
    sim.control.step(1);
    await waitUntil('no level2 watch pending', () => level2(Object.keys(client().futures)).length === 0, 5_000, 10);
    // A message is lost on the wire while the adapter is busy elsewhere (no watch pending).
    sim.control.injectFault('coinbase', { type: 'sequence-gap', symbol: 'BTC/USD' });
    sim.control.step(1);
    sim.control.step(1);
    await waitUntil('the gap noticed', () => level2(Object.keys(client().rejections)).length > 0, 5_000, 10);

    // The next watch learns of the gap; nothing else rejects without a listener.
    await expect(ex.watchOrderBookForSymbols(SYMBOLS)).rejects.toBeInstanceOf(ccxt.ChecksumError);
    // Let every pending rejection report itself (unhandled ones are reported after the microtasks).
    for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
    expect(escaped.map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)))).toEqual([]);
    expect(level2(Object.keys(client().rejections))).toEqual([]);
  }, 30_000);
});
