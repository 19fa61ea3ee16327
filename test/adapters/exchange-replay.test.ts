import { MARKET_DATA } from '../fixtures/market-data/paths';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertInterdexFile, startSimulator, toJsonl, type RunningSimulator } from '../../adapters/sim';
import type { ExchangeAdapters } from '../../adapters/exchanges';
import type { ExchangeId } from '../../domain/market';
import { adaptersFor, levelsOf, simLevels, waitFor } from './helpers/exchange-harness';

// Real recorded books (palisade-research interdex, 2025-07-03), committed under test/fixtures/market-data.
const INTERDEX = MARKET_DATA.interdex;

describe('adapters read back the real three-exchange BTC/USDC books replayed by the simulator', () => {
  let sim: RunningSimulator;
  const adapters: ExchangeAdapters[] = [];
  let dir: string;
  const snaps = convertInterdexFile(INTERDEX);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'exchange-replay-'));
    const file = join(dir, 'interdex.jsonl');
    writeFileSync(file, toJsonl(snaps));
    sim = await startSimulator({ port: 0, replayFile: file, autoTick: false });
  });
  afterAll(async () => {
    for (const a of adapters) await a.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['binance', 'kraken', 'coinbase'] as ExchangeId[])('%s: every one of the 100 levels a side, exactly, as Decimals', async (exchange) => {
    const snap = snaps.find((s) => s.exchange === exchange);
    expect(snap?.symbol).toBe('BTC/USDC');
    const ad = await adaptersFor(sim, exchange, { marketData: { bookDepth: 100 } });
    adapters.push(ad);
    await ad.marketData.watchBooks(['BTC/USDC'], () => undefined);
    const want = simLevels({ bids: snap!.bids, asks: snap!.asks }, 100);
    await waitFor(() => JSON.stringify(levelsOf(ad.marketData.latestBook('BTC/USDC'), 100)) === JSON.stringify(want), 4000, `${exchange} replayed book`);
    const book = ad.marketData.latestBook('BTC/USDC')!;
    expect(book.bids).toHaveLength(100);
    expect(book.asks).toHaveLength(100);
    expect(book.exchange).toBe(exchange);
  });

  it('shows the recorded cross-venue spread (Binance bid above Coinbase and Kraken asks) to the last digit', () => {
    const best = (ex: ExchangeId) => adapters.find((a) => a.exchange === ex)!.marketData.latestBook('BTC/USDC')!;
    expect(best('binance').bids[0]!.price.toFixed()).toBe('109950.01');
    expect(best('coinbase').asks[0]!.price.toFixed()).toBe('109927.76');
    expect(best('kraken').asks[0]!.price.toFixed()).toBe('109922.74');
    expect(best('binance').bids[0]!.price.minus(best('kraken').asks[0]!.price).toFixed()).toBe('27.27');
  });
});
