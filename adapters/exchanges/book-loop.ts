import type { Exchange } from 'ccxt';
import { ccxt } from './ccxt-venues';
import type { Logger } from './log';
import type { RateBudget } from './rate-budget';
import { backoffMs, sleep, withTimeout, WatchTimeout } from './timing';
import type { VenueQuirks } from './venues/types';

export interface LoopConfig {
  /** A watch that has not resolved after this long counts as silence. */
  watchTimeoutMs: number;
  /** Continuous silence after which the socket is dropped and redialled. */
  reconnectAfterSilentMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export interface LoopHooks<T> {
  /** Called synchronously with the raw ccxt value: copy it here, before anything awaits. */
  onData(raw: T): void;
  onSilence(silentMs: number): void;
  onTrouble(kind: 'reconnect' | 'resync', error: unknown): void;
  closed(): boolean;
  /** Aborted when the adapter closes: ends backoff sleeps at once. */
  signal: AbortSignal;
}

/**
 * The book ccxt holds is crossed or unsorted (a missed update that the venue's sequence or
 * checksum did not reveal). ccxt keeps that book and its subscription, so resubscribing on the
 * same socket would go on from it: only a new socket brings a new snapshot.
 */
export class BrokenBookError extends Error {
  override readonly name = 'BrokenBookError';
}

interface ClosableClient {
  url: string;
  subscriptions: Record<string, unknown>;
  close(): Promise<unknown> | undefined;
}

/** Whether a ccxt subscription hash names one of the symbols ("orderbook::A,B" or Kraken's "orderbook@A"). */
function mentions(hash: string, symbols: string[]): boolean {
  const tail = hash.includes('::') ? hash.split('::')[1] : hash.split('@')[1];
  return tail !== undefined && tail.split(',').some((s) => symbols.includes(s));
}

/** Closes the sockets carrying these symbols so the next watch dials fresh and resubscribes. */
export async function dropSockets(ex: Exchange, symbols: string[], remembered: Set<string>): Promise<void> {
  const clients = Object.values((ex as unknown as { clients: Record<string, ClosableClient> }).clients ?? {});
  const targets = clients.filter((c) => remembered.has(c.url) || Object.keys(c.subscriptions).some((h) => mentions(h, symbols)));
  // A socket already half-closed never reports its close: bound the wait.
  await Promise.all(targets.map((c) => withTimeout(Promise.resolve(c.close()), 2_000, 'socket close').catch(() => undefined)));
}

/**
 * Forgets ccxt's copy of these books and their subscriptions, as ccxt's own gap handling does:
 * a client that still lists the subscription would not send it again on the new socket, and the
 * watch would wait for data that never comes.
 */
function forgetBooks(ex: Exchange, symbols: string[]): void {
  const books = (ex as unknown as { orderbooks?: Record<string, unknown> }).orderbooks ?? {};
  for (const s of symbols) delete books[s];
  for (const c of Object.values((ex as unknown as { clients: Record<string, ClosableClient> }).clients ?? {})) {
    for (const h of Object.keys(c.subscriptions)) if (mentions(h, symbols)) delete c.subscriptions[h];
  }
}

export function socketsOf(ex: Exchange, symbols: string[]): string[] {
  const clients = Object.values((ex as unknown as { clients: Record<string, ClosableClient> }).clients ?? {});
  return clients.filter((c) => Object.keys(c.subscriptions).some((h) => mentions(h, symbols))).map((c) => c.url);
}

/**
 * One subscription group's life: watch, hand over, repeat; on silence mark and eventually redial;
 * on a gap resync; on a network failure back off exponentially and resubscribe. ccxt itself never
 * redials until the next watch call, and never notices silence, so this loop is what keeps a feed
 * alive.
 */
export async function runWatchLoop<T>(
  name: string,
  ex: Exchange,
  quirks: VenueQuirks,
  symbols: string[],
  watch: () => Promise<T>,
  hooks: LoopHooks<T>,
  budget: RateBudget,
  cfg: LoopConfig,
  log: Logger,
): Promise<void> {
  let failures = 0;
  let silentMs = 0;
  let subscribe = true;
  const urls = new Set<string>();
  while (!hooks.closed()) {
    try {
      if (subscribe) await budget.acquire('ws');
      // Closing may have happened while waiting for budget: a watch now would dial a new socket.
      if (hooks.closed()) return;
      const pending = watch();
      if (subscribe) {
        quirks.afterSubscribe?.(ex, symbols);
        subscribe = false;
      }
      const raw = await withTimeout(pending, cfg.watchTimeoutMs, `${quirks.exchange} ${name}`);
      if (hooks.closed()) return;
      hooks.onData(raw);
      if (urls.size === 0) for (const u of socketsOf(ex, symbols)) urls.add(u);
      failures = 0;
      silentMs = 0;
    } catch (e) {
      if (hooks.closed()) return;
      if (e instanceof WatchTimeout) {
        silentMs += e.ms;
        hooks.onSilence(silentMs);
        if (silentMs >= cfg.reconnectAfterSilentMs) {
          log.warn({ exchange: quirks.exchange, name, silentMs }, 'feed silent: redialling');
          silentMs = 0;
          hooks.onTrouble('reconnect', e);
          await dropSockets(ex, symbols, urls);
          urls.clear();
          subscribe = true;
        }
        continue;
      }
      if (e instanceof BrokenBookError) {
        log.warn({ exchange: quirks.exchange, name, err: e.message }, 'broken book: resyncing from a fresh snapshot');
        hooks.onTrouble('resync', e);
        forgetBooks(ex, symbols);
        await dropSockets(ex, symbols, urls);
        urls.clear();
        failures += 1;
        if (failures > 1) await sleep(backoffMs(failures - 1, cfg.backoffBaseMs, cfg.backoffMaxMs), hooks.signal);
        subscribe = true;
        continue;
      }
      if (e instanceof ccxt.ChecksumError) {
        log.warn({ exchange: quirks.exchange, name, err: (e as Error).message }, 'book gap: resyncing');
        hooks.onTrouble('resync', e);
        if (quirks.resync === 'reconnect') {
          await dropSockets(ex, symbols, urls);
          urls.clear();
        }
        // A first gap resyncs at once; gaps that keep coming back off like failures.
        failures += 1;
        if (failures > 1) await sleep(backoffMs(failures - 1, cfg.backoffBaseMs, cfg.backoffMaxMs), hooks.signal);
        subscribe = true;
        continue;
      }
      failures += 1;
      const wait = backoffMs(failures, cfg.backoffBaseMs, cfg.backoffMaxMs);
      log.warn({ exchange: quirks.exchange, name, failures, wait, err: e instanceof Error ? e.message : String(e) }, 'feed failed: reconnecting after backoff');
      hooks.onTrouble('reconnect', e);
      urls.clear();
      await sleep(wait, hooks.signal);
      subscribe = true;
    }
  }
}
