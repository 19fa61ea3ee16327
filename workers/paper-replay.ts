import type { AppConfig } from '../config';
import type { ExchangeId } from '../domain/market';
import type { Decimal } from '../domain/money/decimal';
import type { OrderBook } from '../domain/orderbook';
import type { Ledger } from '../ports/ledger';
import { startRawReplay } from '../adapters/record/replay-server';
import { marketsOfRecording } from '../adapters/record/markets';
import { settle, VirtualTime } from '../hotpath/backtest/virtual-time';
import { startHotpath } from './hotpath';

export interface PaperReplayOptions {
  /** A raw recording (`qbot record`). */
  dir: string;
  config: AppConfig;
  /** Paper fills wait this long on the recording's clock, as the backtest's `--latency-ms`. */
  latencyMs: number;
  balances: Partial<Record<ExchangeId, Record<string, Decimal>>>;
  /** Where the hot path books everything (the figure to compare: its realised PnL). */
  ledger: Ledger;
  /** Wall time one frame may take to reach the Q-bot before the run fails (default 20 s). */
  ackTimeoutMs?: number;
}

export interface PaperReplayResult {
  /** Frames played after the hot path joined, and the books they brought it. */
  frames: number;
  books: number;
  /** Recording time (ms) at which the hot path joined the replay. */
  joinedAtMs: number;
  /**
   * Books the hot path was handed that differ from the recording's rebuild after the same frame
   * (top 50 levels; the first few, described). Empty when the hot path saw what the backtest sees.
   */
  differentBooks: string[];
}

const keyOf = (b: Pick<OrderBook, 'exchange' | 'symbol'>): string => `${b.exchange}:${b.symbol}`;
const levelsOf = (b: OrderBook): string => [b.bids, b.asks].map((side) => side.slice(0, 50).map((l) => `${l.price.toFixed()}x${l.amount.toFixed()}`).join(' ')).join(' | ');

/**
 * The live hot path (`startHotpath`: ccxt adapters, cache, scanners, gates, executor, paper
 * fills, ledger) in paper mode over `qbot sim --replay-raw`, paced so that it sees exactly what a
 * backtest of the same recording sees: the replay is stepped by hand, one recorded frame at a
 * time, and the next frame goes out only once the Q-bot has been handed every book the frame
 * changed (its acknowledgement) and its attempts have run as far as they can. The hot path's
 * clock is the recording's (`VirtualTime`, moved to each frame's receive time before it is
 * played), and its paper fills wait their latency on that clock, so a fill reads the book as it
 * was once the latency had passed, as in the backtest. It watches only the recording's markets
 * and uses the configured baseline threshold. The hot path joins once every recorded book is live
 * (each venue's books come as a snapshot of the book as it stands, as from a real venue).
 */
export async function runPaperReplay(o: PaperReplayOptions): Promise<PaperReplayResult> {
  const replay = await startRawReplay({ dir: o.dir, manual: true });
  const time = new VirtualTime();
  const ackMs = o.ackTimeoutMs ?? 20_000;
  let hotpath: Awaited<ReturnType<typeof startHotpath>> | undefined;
  try {
    const { meta } = replay;
    const watched = new Set((await marketsOfRecording(o.dir)).filter((m) => meta.symbols.includes(m.symbol)).map(keyOf));
    // Up to the point where every recorded book is live: the hot path joins there.
    const live = new Set<string>();
    while ([...watched].some((k) => !live.has(k))) {
      const next = replay.nextUs();
      if (next === undefined) throw new Error(`${o.dir}: the recording ends before every book is live (${[...watched].filter((k) => !live.has(k)).join(', ')} never)`);
      await time.advanceTo(Math.floor(next / 1000));
      for (const b of replay.step()!.books) live.add(keyOf(b));
    }
    const joinedAtMs = time.now();
    const config: AppConfig = { ...o.config, settings: { ...o.config.settings, exchanges: { ...o.config.settings.exchanges, enabled: meta.exchanges } } };
    hotpath = await startHotpath({
      config, ledger: o.ledger, temporal: false, baselineThreshold: true, paperBalances: o.balances, symbols: meta.symbols,
      clock: { now: time.now }, ccxtOptions: (ex) => replay.ccxtOptions(ex), paperFills: { latencyMs: o.latencyMs, sleep: time.sleep },
    });
    // Counted after the Q-bot's own listener: it has had the book when the count moves.
    const handed = new Map<string, number>();
    const last = new Map<string, OrderBook>();
    for (const v of hotpath.venues) {
      const symbols = [...watched].filter((k) => k.startsWith(`${v.exchange}:`)).map((k) => k.slice(v.exchange.length + 1));
      if (symbols.length) {
        await v.marketData.watchBooks(symbols, (b) => {
          handed.set(keyOf(b), (handed.get(keyOf(b)) ?? 0) + 1);
          last.set(keyOf(b), b);
        });
      }
    }
    const differentBooks: string[] = [];
    const q = hotpath.qbot;
    await until(ackMs, 'every recorded book in the hot path', () => [...watched].every((k) => q.cache.get(k.split(':')[0] as ExchangeId, k.slice(k.indexOf(':') + 1))?.book));
    // Its capital was valued (and kept for a second) while the snapshots were still arriving: value it with every book in.
    await q.refreshBalances();
    let frames = 0;
    let books = 0;
    for (let next = replay.nextUs(); next !== undefined; next = replay.nextUs()) {
      // Fills due before this frame read the books as they were (the backtest's order of events).
      await time.advanceTo(Math.floor(next / 1000));
      const want = new Map<string, number>();
      const step = replay.step()!;
      for (const b of step.books) if (watched.has(keyOf(b))) want.set(keyOf(b), (handed.get(keyOf(b)) ?? 0) + 1);
      frames += 1;
      books += want.size;
      await until(ackMs, `the hot path's books of frame ${frames} (${[...want.keys()].join(', ')}, ${step.frame.v} at ${step.frame.t} µs)`, () => [...want].every(([k, n]) => (handed.get(k) ?? 0) >= n));
      for (const b of step.books) {
        const got = last.get(keyOf(b));
        if (got && watched.has(keyOf(b)) && levelsOf(got) !== levelsOf(b) && differentBooks.length < 5) differentBooks.push(`${keyOf(b)} after frame ${frames}: hot path ${levelsOf(got)} / recording ${levelsOf(b)}`);
      }
      await settle();
    }
    await time.runOut();
    await q.drain();
    await settle();
    return { frames, books, joinedAtMs, differentBooks };
  } finally {
    await hotpath?.close();
    await replay.close();
  }
}

/** Polls `done` (each turn of the event loop) until it holds; fails naming `what` after `ms` of wall time. */
async function until(ms: number, what: string, done: () => unknown): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`paper replay: no acknowledgement within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
