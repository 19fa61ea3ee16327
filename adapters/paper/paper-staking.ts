import { Decimal, ZERO } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { ExchangeId } from '../../domain/market';
import { systemClock, type Clock } from '../../ports/clock';
import { rejected, type Rejected } from '../../ports/outcomes';
import type { StakeConfirmed, Staking, StakingPosition, StakingProduct } from '../../ports/staking';
import type { PaperBalances } from './paper-balances';
import type { StateStore } from '../persistence/state-sqlite';
import { createHash } from 'node:crypto';
import { memoryStakingBook, storeStakingBook, type PaperStakingBook, type StakePosition } from './paper-staking-book';

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
   * Keeps positions, unbonding coins and used keys in the file (scope `paper-staking:<exchange>`),
   * shared by every process on it and kept across restarts, with a durable wallet on the same
   * store: a stake's debit and its position commit together.
   */
  store?: StateStore;
}

/**
 * Paper staking: products from config, stake/unstake moving paper balances, rewards accruing
 * (simple interest on the staked amount, by the injected clock) and paid out with each unstake,
 * unbonding coins credited back once their time has come. Idempotent per key, like a venue that
 * dedupes by client id; every outcome is a confirmation or a typed rejection. With a store, the
 * positions, unbonding coins and keys are the file's (shared by every process on it, kept across
 * restarts); without one, this process's.
 */
export class PaperStaking implements Staking {
  readonly exchange: ExchangeId;
  private readonly clock: Clock;
  private readonly catalogue: StakingProduct[];
  private readonly book: PaperStakingBook;
  private seq = 0;

  constructor(private readonly opts: PaperStakingOptions) {
    this.exchange = opts.exchange;
    this.clock = opts.clock ?? systemClock;
    this.catalogue = Object.entries(opts.table).flatMap(([asset, venues]) => {
      const row = venues[opts.exchange];
      if (!row) return [];
      return [{ exchange: opts.exchange, asset, productId: `paper-${opts.exchange}-${asset}`, apy: row.apyPercent.div(100), unbondingMs: row.unbondingHours * HOUR_MS, minAmount: ZERO }];
    });
    this.book = opts.store ? storeStakingBook(opts.store, opts.exchange) : memoryStakingBook();
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
      const pos = this.accrued(product);
      this.book.setPosition(productId, { ...pos, amount: pos.amount.plus(amount) });
      return { status: 'confirmed', productId, asset: product.asset, amount, id: this.nextId('stake', idempotencyKey) };
    });
  }

  async unstake(productId: string, amount: Decimal, idempotencyKey: string): Promise<StakeConfirmed | Rejected> {
    return this.once(idempotencyKey, () => {
      const product = this.catalogue.find((p) => p.productId === productId);
      if (!product) return rejected('INVALID_ORDER', `no paper staking product ${productId} on ${this.exchange}`);
      const pos = this.accrued(product);
      if (!amount.isFinite() || amount.lte(ZERO) || amount.gt(pos.amount)) {
        return rejected('INVALID_ORDER', `cannot unstake ${formatDecimal(amount)} ${product.asset}: ${formatDecimal(pos.amount)} staked`);
      }
      // Rewards leave in proportion to the principal that leaves; they are paid at once.
      const rewardsPaid = pos.rewards.times(amount).div(pos.amount);
      this.book.setPosition(productId, { amount: pos.amount.minus(amount), rewards: pos.rewards.minus(rewardsPaid), accruedTo: pos.accruedTo });
      if (rewardsPaid.gt(ZERO)) this.opts.wallet.apply([[product.asset, rewardsPaid]]);
      const availableAt = this.clock.now() + product.unbondingMs;
      this.book.setUnbonding([...this.book.unbonding(), { asset: product.asset, amount, availableAt }]);
      this.settle();
      return { status: 'confirmed', productId, asset: product.asset, amount, availableAt, rewardsPaid, id: this.nextId('unstake', idempotencyKey) };
    });
  }

  async positions(): Promise<StakingPosition[]> {
    this.settle();
    return this.book.positions().flatMap(([productId]) => {
      const product = this.catalogue.find((p) => p.productId === productId);
      if (!product) return [];
      const pos = this.accrued(product);
      return [{ asset: product.asset, productId, amount: pos.amount, rewards: pos.rewards }];
    });
  }

  /** Coins still unbonding (not yet back in the wallet). */
  pendingUnbonding(): Array<{ asset: string; amount: Decimal; availableAt: number }> {
    this.settle();
    return this.book.unbonding();
  }

  /** Credits every unbonding whose time has come back to the wallet. */
  settle(): void {
    const now = this.clock.now();
    if (!this.book.unbonding().some((u) => u.availableAt <= now)) return;
    // Read again under the lock: the credit and the shorter list commit together, so a coin never
    // comes back twice, whichever process settles first.
    this.book.atomically(() => {
      const list = this.book.unbonding();
      for (const u of list) if (u.availableAt <= now) this.opts.wallet.apply([[u.asset, u.amount]]);
      this.book.setUnbonding(list.filter((u) => u.availableAt > now));
    });
  }

  /** The product's position with its rewards brought up to now (not written: accrual is a function of time). */
  private accrued(product: StakingProduct): StakePosition {
    const now = this.clock.now();
    const pos = this.book.position(product.productId) ?? { amount: ZERO, rewards: ZERO, accruedTo: now };
    if (now <= pos.accruedTo) return pos;
    return { amount: pos.amount, rewards: pos.rewards.plus(pos.amount.times(product.apy).times(now - pos.accruedTo).div(YEAR_MS)), accruedTo: now };
  }

  /**
   * The key's first outcome, or `run` and its outcome: the wallet change, the position and the
   * key commit together (one write lock with a store: of two processes asking at once, one runs).
   */
  private once(key: string, run: () => StakeConfirmed | Rejected): StakeConfirmed | Rejected {
    return this.book.atomically(() => {
      const known = this.book.outcome(key);
      if (known) return known;
      const outcome = run();
      this.book.setOutcome(key, outcome);
      return outcome;
    });
  }

  /** Ids derive from the key when durable (unique across restarts), else count up in-process. */
  private nextId(kind: string, key?: string): string {
    if (this.opts.store && key) return `paper-${kind}-${this.exchange}-${createHash('sha256').update(`${this.exchange}\n${kind}\n${key}`).digest('hex').slice(0, 20)}`;
    this.seq += 1;
    return `paper-${kind}-${this.exchange}-${this.seq}`;
  }
}
