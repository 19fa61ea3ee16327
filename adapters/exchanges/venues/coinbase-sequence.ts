import ccxt from 'ccxt';

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
