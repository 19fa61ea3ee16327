import { ccxt } from '../ccxt-venues';

type CoinbaseClient = Parameters<InstanceType<typeof ccxt.pro.coinbase>['handleMessage']>[0];

interface RejectingClient {
  reject(error: unknown, hash?: string): unknown;
  subscriptions: Record<string, unknown>;
}

/**
 * Coinbase numbers every message on a connection (`sequence_num`); ccxt ignores it, so a lost
 * level2 update would go unnoticed. This subclass watches the numbers per socket and, on a jump,
 * fails that socket's book watches with ChecksumError so the adapter reconnects for a fresh
 * snapshot. Updates arriving on a socket already found inconsistent are dropped.
 */
export class CoinbaseWithSequence extends ccxt.pro.coinbase {
  private readonly lastSeq = new WeakMap<object, number>();
  private readonly desynced = new WeakSet<object>();
  private readonly guarded = new WeakSet<object>();

  /**
   * Every future this client hands out gets a rejection listener. A gap rejects each level2 hash;
   * one with no watch waiting is stored and rejects the future the next watch creates, and ccxt's
   * `Future.race` stops subscribing at the first settled future, so the second stored rejection
   * had no listener and escaped as an unhandled ChecksumError. The watch that races them still
   * sees the error; the listener only stops the others from escaping.
   */
  override client(url: string): ReturnType<InstanceType<typeof ccxt.pro.coinbase>['client']> {
    const c = super.client(url);
    if (!this.guarded.has(c)) {
      this.guarded.add(c);
      const future = c.future.bind(c) as (hash: string) => Promise<unknown>;
      (c as unknown as { future: (hash: string) => Promise<unknown> }).future = (hash: string) => {
        const f = future(hash);
        // Once per future: a quiet symbol's future is raced by many watches in a row.
        if (!this.guarded.has(f)) {
          this.guarded.add(f);
          f.catch(() => undefined);
        }
        return f;
      };
    }
    return c;
  }

  override handleMessage(client: CoinbaseClient, message: Record<string, unknown>): void {
    const seq = message?.sequence_num;
    if (typeof seq === 'number') {
      const last = this.lastSeq.get(client);
      this.lastSeq.set(client, seq);
      if (last !== undefined && seq !== last + 1 && !this.desynced.has(client)) {
        this.desynced.add(client);
        const c = client as unknown as RejectingClient;
        for (const hash of Object.keys(c.subscriptions)) {
          if (!hash.startsWith('level2::')) continue;
          delete c.subscriptions[hash];
          c.reject(new ccxt.ChecksumError(`coinbase: sequence gap ${last} -> ${seq} on ${hash}`), hash);
        }
      }
    }
    if (this.desynced.has(client) && message?.channel === 'l2_data') return;
    super.handleMessage(client, message);
  }
}
