import { Decimal, ZERO } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { ExchangeId } from '../../domain/market';
import { systemClock, type Clock } from '../../ports/clock';
import { rejected, type Rejected } from '../../ports/outcomes';
import type { StakeConfirmed, Staking, StakingPosition, StakingProduct } from '../../ports/staking';
import type { PaperBalances } from './paper-balances';
import type { StateStore } from '../persistence/state-sqlite';
import { createHash } from 'node:crypto';
import { stakeOutcomeRow, stakingPositionRow, unbondingRow } from './paper-durable';

const YEAR_MS = new Decimal(365 * 24 * 3_600_000);
const HOUR_MS = 3_600_000;

/** One row of config coins.json `paperStaking`: APY in percent, unbonding in hours. */
export interface PaperStakingRow {
  apyPercent: Decimal;
  unbondingHours: number;
}

export interface PaperStakingOptions {
  exchange: ExchangeId;
  /** The same balances the paper trading of this exchange uses: staking moves coins out and back. */
  wallet: PaperBalances;
  /** coins.json `paperStaking`: asset -> exchange -> row. Only this exchange's rows are used. */
  table: Record<string, Partial<Record<ExchangeId, PaperStakingRow>>>;
  clock?: Clock;
  /**
   * Keeps positions, unbonding coins and used keys across restarts (scope `paper-staking:<exchange>`),
   * with a durable wallet on the same store: a stake's debit and its position commit together.
   */
  store?: StateStore;
}

interface Position {
  amount: Decimal;
  rewards: Decimal;
  accruedTo: number;
}

/**
 * Paper staking: products from config, stake/unstake moving paper balances, rewards accruing
 * (simple interest on the staked amount, by the injected clock) and paid out with each unstake,
 * unbonding coins credited back once their time has come. Idempotent per key, like a venue that
 * dedupes by client id; every outcome is a confirmation or a typed rejection.
 */
export class PaperStaking implements Staking {
  readonly exchange: ExchangeId;
  private readonly clock: Clock;
  private readonly catalogue: StakingProduct[];
  private readonly positionsById = new Map<string, Position>();
  private readonly unbonding: Array<{ asset: string; amount: Decimal; availableAt: number }> = [];
  private readonly done = new Map<string, StakeConfirmed | Rejected>();
  private seq = 0;
  private readonly scope: string;

  constructor(private readonly opts: PaperStakingOptions) {
    this.exchange = opts.exchange;
    this.clock = opts.clock ?? systemClock;
    this.catalogue = Object.entries(opts.table).flatMap(([asset, venues]) => {
      const row = venues[opts.exchange];
      if (!row) return [];
      return [{ exchange: opts.exchange, asset, productId: `paper-${opts.exchange}-${asset}`, apy: row.apyPercent.div(100), unbondingMs: row.unbondingHours * HOUR_MS, minAmount: ZERO }];
    });
    this.scope = `paper-staking:${opts.exchange}`;
    this.load();
  }

  private load(): void {
    const store = this.opts.store;
    if (!store) return;
    for (const [key, row] of store.all(`${this.scope}:positions`, stakingPositionRow)) this.positionsById.set(key, { ...row });
    this.unbonding.push(...(store.get(this.scope, 'unbonding', unbondingRow) ?? []));
    for (const [key, row] of store.all(`${this.scope}:keys`, stakeOutcomeRow)) {
      this.done.set(key, row.status === 'rejected' ? rejected(row.code as Rejected['code'], row.reason, row.retryable) : { ...row });
    }
  }

  /** Writes the positions and the unbonding list (inside the caller's transaction). */
  private persist(): void {
    const store = this.opts.store;
    if (!store) return;
    store.setMany(`${this.scope}:positions`, [...this.positionsById].map(([id, p]) => [id, { amount: formatDecimal(p.amount), rewards: formatDecimal(p.rewards), accruedTo: p.accruedTo }]));
    store.set(this.scope, 'unbonding', this.unbonding.map((u) => ({ asset: u.asset, amount: formatDecimal(u.amount), availableAt: u.availableAt })));
  }

  async products(asset?: string): Promise<StakingProduct[]> {
    return this.catalogue.filter((p) => asset === undefined || p.asset === asset);
  }

  async stake(productId: string, amount: Decimal, idempotencyKey: string): Promise<StakeConfirmed | Rejected> {
    return this.once(idempotencyKey, () => {
      const product = this.catalogue.find((p) => p.productId === productId);
      if (!product) return rejected('INVALID_ORDER', `no paper staking product ${productId} on ${this.exchange}`);
      if (!amount.isFinite() || amount.lte(ZERO)) return rejected('INVALID_ORDER', `stake amount must be > 0, got ${formatDecimal(amount)}`);
      const check = this.opts.wallet.covers([[product.asset, amount.negated()]]);
      if (!check.ok) return rejected('INSUFFICIENT_FUNDS', `stake needs ${formatDecimal(amount)} ${product.asset}, free ${formatDecimal(check.free)}`);
      this.opts.wallet.apply([[product.asset, amount.negated()]]);
      const pos = this.accrue(productId);
      pos.amount = pos.amount.plus(amount);
      return { status: 'confirmed', productId, asset: product.asset, amount, id: this.nextId('stake', idempotencyKey) };
    });
  }

  async unstake(productId: string, amount: Decimal, idempotencyKey: string): Promise<StakeConfirmed | Rejected> {
    return this.once(idempotencyKey, () => {
      const product = this.catalogue.find((p) => p.productId === productId);
      if (!product) return rejected('INVALID_ORDER', `no paper staking product ${productId} on ${this.exchange}`);
      const pos = this.accrue(productId);
      if (!amount.isFinite() || amount.lte(ZERO) || amount.gt(pos.amount)) {
        return rejected('INVALID_ORDER', `cannot unstake ${formatDecimal(amount)} ${product.asset}: ${formatDecimal(pos.amount)} staked`);
      }
      // Rewards leave in proportion to the principal that leaves; they are paid at once.
      const rewardsPaid = pos.rewards.times(amount).div(pos.amount);
      pos.rewards = pos.rewards.minus(rewardsPaid);
      pos.amount = pos.amount.minus(amount);
      if (rewardsPaid.gt(ZERO)) this.opts.wallet.apply([[product.asset, rewardsPaid]]);
      const availableAt = this.clock.now() + product.unbondingMs;
      this.unbonding.push({ asset: product.asset, amount, availableAt });
      this.settle();
      return { status: 'confirmed', productId, asset: product.asset, amount, availableAt, rewardsPaid, id: this.nextId('unstake', idempotencyKey) };
    });
  }

  async positions(): Promise<StakingPosition[]> {
    this.settle();
    return [...this.positionsById.keys()].map((productId) => {
      const pos = this.accrue(productId);
      const asset = (this.catalogue.find((p) => p.productId === productId) as StakingProduct).asset;
      return { asset, productId, amount: pos.amount, rewards: pos.rewards };
    });
  }

  /** Coins still unbonding (not yet back in the wallet). */
  pendingUnbonding(): Array<{ asset: string; amount: Decimal; availableAt: number }> {
    this.settle();
    return this.unbonding.map((u) => ({ ...u }));
  }

  /** Credits every unbonding whose time has come back to the wallet. */
  settle(): void {
    const now = this.clock.now();
    if (!this.unbonding.some((u) => u.availableAt <= now)) return;
    // The credit and the shorter unbonding list commit together: a coin never comes back twice.
    this.atomically(() => {
      for (let i = this.unbonding.length - 1; i >= 0; i -= 1) {
        const u = this.unbonding[i] as { asset: string; amount: Decimal; availableAt: number };
        if (u.availableAt > now) continue;
        this.opts.wallet.apply([[u.asset, u.amount]]);
        this.unbonding.splice(i, 1);
      }
      this.persist();
    });
  }

  private atomically<T>(fn: () => T): T {
    return this.opts.store ? this.opts.store.transaction(fn) : fn();
  }

  private accrue(productId: string): Position {
    const now = this.clock.now();
    const pos = this.positionsById.get(productId) ?? { amount: ZERO, rewards: ZERO, accruedTo: now };
    const apy = (this.catalogue.find((p) => p.productId === productId) as StakingProduct).apy;
    if (now > pos.accruedTo) pos.rewards = pos.rewards.plus(pos.amount.times(apy).times(now - pos.accruedTo).div(YEAR_MS));
    pos.accruedTo = Math.max(pos.accruedTo, now);
    this.positionsById.set(productId, pos);
    return pos;
  }

  private once(key: string, run: () => StakeConfirmed | Rejected): StakeConfirmed | Rejected {
    const known = this.done.get(key);
    if (known) return known;
    const store = this.opts.store;
    if (!store) {
      const outcome = run();
      this.done.set(key, outcome);
      return outcome;
    }
    // The wallet change, the position and the key commit in one transaction; a failure rolls back
    // the store, and the in-memory state is reloaded from it.
    try {
      return store.transaction(() => {
        const outcome = run();
        this.persist();
        store.set(`${this.scope}:keys`, key, outcome.status === 'rejected'
          ? { status: 'rejected', code: outcome.code, reason: outcome.reason, retryable: outcome.retryable }
          : { ...outcome, amount: formatDecimal(outcome.amount), ...(outcome.rewardsPaid ? { rewardsPaid: formatDecimal(outcome.rewardsPaid) } : {}) });
        this.done.set(key, outcome);
        return outcome;
      });
    } catch (err) {
      this.positionsById.clear();
      this.unbonding.length = 0;
      this.load();
      throw err;
    }
  }

  /** Ids derive from the key when durable (unique across restarts), else count up in-process. */
  private nextId(kind: string, key?: string): string {
    if (this.opts.store && key) return `paper-${kind}-${this.exchange}-${createHash('sha256').update(`${this.exchange}\n${kind}\n${key}`).digest('hex').slice(0, 20)}`;
    this.seq += 1;
    return `paper-${kind}-${this.exchange}-${this.seq}`;
  }
}
