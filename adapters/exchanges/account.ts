import type { Exchange } from 'ccxt';
import type { ExchangeId } from '../../domain/market';
import type { Account, AssetBalance, Balances } from '../../ports/account';
import type { Clock } from '../../ports/clock';
import type { Rejected } from '../../ports/outcomes';
import { decOr } from './convert';
import { guarded, isRejected } from './errors';
import type { RateBudget } from './rate-budget';

type Side = Record<string, number | undefined> | undefined;

export class CcxtAccount implements Account {
  constructor(readonly exchange: ExchangeId, private readonly ex: Exchange, private readonly budget: RateBudget, private readonly clock: Clock) {}

  async balances(): Promise<Balances | Rejected> {
    const raw = await guarded(this.budget, 'read', () => this.ex.fetchBalance());
    if (isRejected(raw)) return raw;
    const at = this.clock.now();
    const r = raw as unknown as { free: Side; used: Side; total: Side };
    const assets: Record<string, AssetBalance> = {};
    for (const [asset, total] of Object.entries(r.total ?? {})) {
      const free = decOr(r.free?.[asset]);
      const used = decOr(r.used?.[asset]);
      const t = total === undefined ? free.plus(used) : decOr(total);
      if (t.isZero() && free.isZero()) continue;
      assets[asset] = { free, used, total: t };
    }
    return { exchange: this.exchange, assets, at };
  }
}
