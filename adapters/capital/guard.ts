import { Decimal, ZERO } from '../../domain/money/decimal';
import { ownsHoldings, spendOf, type Budgets, type ConsumerId } from '../../domain/capital';
import type { CapitalStore, HoldingChange, Move } from '../persistence/capital-sqlite';
import type { Account, Balances } from '../../ports/account';
import type { Clock } from '../../ports/clock';
import type { Funding, WithdrawalRequest, WithdrawalSubmitted } from '../../ports/funding';
import { rejected, type Rejected } from '../../ports/outcomes';
import type { Staking } from '../../ports/staking';
import type { Confirmed, OrderOutcome, OrderRequest, Trading } from '../../ports/trading';

export interface CapitalGuardDeps {
  store: CapitalStore;
  clock: Clock;
  /** A reservation whose holder died before the outcome frees itself after this long. */
  reservationTtlMs: number;
  /**
   * A venue's balances are read at most this often for the check; what guarded orders and
   * withdrawals moved since the read is applied on top (0: read before every check).
   */
  balanceMaxAgeMs: number;
  /**
   * Budgets per consumer from the mode in force (the caller caches as it sees fit). Answered
   * synchronously (the hot path's own split), the check needs no await at all.
   */
  budgets: () => Budgets | Promise<Budgets>;
  /**
   * Tolerated over a budget, in percent (default 0): a buy reserves at its worst limit price while
   * the bot split its budget at mid, so a purchase of exactly its budget must still pass.
   */
  budgetSlackPercent?: Decimal;
  usdPrice: (asset: string) => Decimal | undefined;
  log?: { warn: (obj: object, msg: string) => void };
}

type ReserveFor = { key: string; consumer: ConsumerId; venue: string; asset: string; amount: Decimal };

/** Which consumer an order belongs to: fixed per port, or read from the request (the Q-bot's two strategies). */
export type ConsumerOf<R> = ConsumerId | ((req: R) => ConsumerId);

/**
 * The edge where orders and withdrawals leave: every Trading/Funding port a consumer gets is
 * wrapped here. Before the exchange is called, the spend is reserved durably (CapitalStore) or
 * refused with a typed rejection (INSUFFICIENT_UNRESERVED, OWNED_BY_OTHER_BOT, OVER_BUDGET,
 * NO_USD_PRICE); after the typed outcome the reservation is settled (what moved is recorded and
 * the owning bot's holding follows) or released. An outcome that may have executed
 * (UNKNOWN_OUTCOME, a throw) keeps its reservation until it expires.
 *
 * With a balance view younger than `balanceMaxAgeMs` and budgets known synchronously, the check,
 * the durable reservation (one synchronous SQLite transaction) and the call to the exchange run
 * in the caller's own step: the order leaves with the decision that made it, not after whatever
 * else the event loop resolved meanwhile (the other books of the same socket read).
 */
export class CapitalGuard {
  private readonly snapshots = new Map<string, Balances>();

  constructor(private readonly deps: CapitalGuardDeps) {
    // Restart reconciliation: reservations of crashed processes are past their expiry.
    const stale = deps.store.expire(deps.clock.now());
    if (stale.length) deps.log?.warn({ expired: stale.map((r) => r.key) }, 'capital: reservations of a crashed process expired');
  }

  /**
   * `continuesAttempt`: orders whose capital the attempt's first order already counted (a cross
   * sell beside its buy, a triangle's later legs, a single-leg correction): no budget check and
   * not counted at work (their coins may have no USD view); balances and ownership still hold.
   */
  trading(inner: Trading, account: Account, consumer: ConsumerOf<OrderRequest>, continuesAttempt?: (req: OrderRequest) => boolean): Trading {
    return {
      exchange: inner.exchange,
      placeOrder: (req) => this.placeOrder(inner, account, typeof consumer === 'function' ? consumer(req) : consumer, req, continuesAttempt?.(req) ?? false),
      cancelOrder: (symbol, orderId) => inner.cancelOrder(symbol, orderId),
      fetchOrderByClientId: (symbol, id) => inner.fetchOrderByClientId(symbol, id),
    };
  }

  funding(inner: Funding, account: Account, consumer: ConsumerOf<WithdrawalRequest>): Funding {
    return {
      exchange: inner.exchange,
      ...(inner.feeOnTop ? { feeOnTop: true } : {}),
      networks: (asset) => inner.networks(asset),
      depositAddress: (asset, network) => inner.depositAddress(asset, network),
      withdraw: (req) => this.withdraw(inner, account, typeof consumer === 'function' ? consumer(req) : consumer, req),
      withdrawalStatus: (id) => inner.withdrawalStatus(id),
      depositStatus: (q) => inner.depositStatus(q),
    };
  }

  /**
   * The account as `consumer` should size on: free less open reservations and other bots' coins,
   * so a planned trade fits what the check will allow (the check at the edge still decides).
   */
  spendable(inner: Account, consumer: ConsumerId): Account {
    return {
      exchange: inner.exchange,
      balances: async () => {
        const b = await inner.balances();
        if (!('assets' in b)) return b;
        // The consumer's own read is as fresh as the guard's would be: the next check need not read again.
        this.remember(inner.exchange, b);
        const claimed = this.deps.store.claimedFrom(consumer, inner.exchange, this.deps.clock.now());
        const assets = Object.fromEntries(Object.entries(b.assets).map(([asset, x]) => {
          const free = Decimal.max(ZERO, x.free.minus(claimed.get(asset) ?? ZERO));
          return [asset, { ...x, free }];
        }));
        return { ...b, assets };
      },
    };
  }

  /** Staked coins leave the free balance: the owner's holding follows, so others are not starved by it. */
  staking(inner: Staking, consumerOf: ConsumerId | (() => ConsumerId)): Staking {
    const track = (direction: 'stake' | 'unstake') => async (productId: string, amount: Decimal, key: string) => {
      const consumer = typeof consumerOf === 'function' ? consumerOf() : consumerOf;
      const r = await inner[direction](productId, amount, key);
      if (r.status === 'confirmed' && ownsHoldings(consumer)) {
        this.deps.store.stake({ key, owner: consumer, venue: inner.exchange, asset: r.asset, amount: r.amount, direction, now: this.deps.clock.now() });
      }
      return r;
    };
    return { exchange: inner.exchange, products: (a) => inner.products(a), positions: () => inner.positions(), stake: track('stake'), unstake: track('unstake') };
  }

  /** Not async: on a fresh balance view the order reaches `inner` before this returns (see the class). */
  private placeOrder(inner: Trading, account: Account, consumer: ConsumerId, req: OrderRequest, continuing: boolean): Promise<OrderOutcome> {
    try {
      const spend = spendOf(req);
      // Without a client order id the reservation has no key to settle by: the guard gives one.
      const key = req.clientOrderId ?? `cap-${consumer}-${this.deps.clock.now()}-${Math.floor(performance.now() * 1000)}`;
      const refuse = (r: Rejected): OrderOutcome => ({ ...r, clientOrderId: key });
      if ('error' in spend) return Promise.resolve(refuse(rejected('INVALID_ORDER', spend.error)));
      const send = (verdict: Rejected | undefined): Promise<OrderOutcome> => (verdict ? Promise.resolve(refuse(verdict)) : this.send(inner, consumer, req, key, spend.amount));
      const verdict = this.reserve(account, { key, consumer, venue: inner.exchange, asset: spend.asset, amount: spend.amount }, continuing);
      return verdict instanceof Promise ? verdict.then(send) : send(verdict);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** The order is reserved: it leaves now (synchronously), and its outcome settles or releases the reservation. */
  private async send(inner: Trading, consumer: ConsumerId, req: OrderRequest, key: string, reserved: Decimal): Promise<OrderOutcome> {
    let outcome: OrderOutcome;
    try {
      outcome = await inner.placeOrder({ ...req, clientOrderId: key });
    } catch (err) {
      this.deps.log?.warn({ key, err: (err as Error).message }, 'capital: order threw; its reservation stays until it expires');
      throw err;
    }
    const now = this.deps.clock.now();
    if (outcome.status === 'rejected') {
      if (outcome.code !== 'UNKNOWN_OUTCOME') this.deps.store.release(key, now);
      return outcome;
    }
    this.deps.store.settle(key, { venue: inner.exchange, now, ...this.orderEffects(consumer, req, reserved, outcome) });
    return outcome;
  }

  private orderEffects(consumer: ConsumerId, req: OrderRequest, reserved: Decimal, o: Confirmed): { moves: Move[]; holding?: HoldingChange } {
    const [base, quote] = req.symbol.split('/') as [string, string];
    const buy = req.side === 'buy';
    const feeIn = (c: string) => o.fees.filter((f) => f.currency === c).reduce((a, f) => a.plus(f.amount), ZERO);
    // A resting order keeps the rest of its spend locked on the exchange: count all of it as gone.
    const spent = o.orderStatus === 'open' ? reserved : buy ? o.cost : o.filled;
    const moves: Move[] = [
      { asset: buy ? quote : base, delta: spent.negated() },
      { asset: buy ? base : quote, delta: buy ? o.filled : o.cost },
      ...o.fees.filter((f) => f.currency !== base && f.currency !== quote).map((f) => ({ asset: f.currency, delta: f.amount.negated() })),
      ...[base, quote].map((c) => ({ asset: c, delta: feeIn(c).negated() })),
    ];
    if (!ownsHoldings(consumer) || o.filled.isZero()) return { moves };
    if (!buy) return { moves, holding: { owner: consumer, asset: base, op: 'reduce', amount: o.filled } };
    const got = Decimal.max(ZERO, o.filled.minus(feeIn(base)));
    const costUsd = o.cost.plus(feeIn(quote)).times(this.deps.usdPrice(quote) ?? ZERO);
    return { moves, holding: { owner: consumer, asset: base, op: 'add', amount: got, costUsd } };
  }

  private async withdraw(inner: Funding, account: Account, consumer: ConsumerId, req: WithdrawalRequest): Promise<WithdrawalSubmitted | Rejected> {
    // Withdrawal keys live in their own namespace beside client order ids.
    const key = `withdraw:${req.idempotencyKey}`;
    const verdict = await this.reserve(account, { key, consumer, venue: inner.exchange, asset: req.asset, amount: req.amount });
    if (verdict) return verdict;
    const r = await inner.withdraw(req);
    const now = this.deps.clock.now();
    if (r.status === 'rejected') {
      if (r.code !== 'UNKNOWN_OUTCOME') this.deps.store.release(key, now);
      return r;
    }
    this.deps.store.settle(key, {
      venue: inner.exchange, now, moves: [{ asset: req.asset, delta: req.amount.negated() }],
      ...(ownsHoldings(consumer) ? { holding: { owner: consumer, asset: req.asset, op: 'reduce' as const, amount: req.amount } } : {}),
    });
    return r;
  }

  /**
   * Reserves, or answers the typed refusal (undefined: reserved, or a retry of a known key).
   * Synchronous when the balance view is fresh and the budgets are known without waiting.
   */
  private reserve(account: Account, req: ReserveFor, noBudget = false): Rejected | undefined | Promise<Rejected | undefined> {
    if (!req.amount.gt(ZERO)) return rejected('INVALID_ORDER', `${req.consumer}: nothing to spend (${req.amount.toFixed()} ${req.asset})`);
    const balances = this.freshBalances(account.exchange) ?? this.readBalances(account);
    return balances instanceof Promise ? balances.then((b) => this.reserveWithBudget(req, b, noBudget)) : this.reserveWithBudget(req, balances, noBudget);
  }

  private reserveWithBudget(req: ReserveFor, balances: Balances | Rejected, noBudget: boolean): Rejected | undefined | Promise<Rejected | undefined> {
    if ('status' in balances) return rejected(balances.code, `capital check could not read ${req.venue} balances: ${balances.reason}`, balances.retryable);
    const budgets = noBudget ? null : this.deps.budgets();
    return budgets instanceof Promise ? budgets.then((all) => this.reserveOn(req, balances, all[req.consumer])) : this.reserveOn(req, balances, budgets === null ? null : budgets[req.consumer]);
  }

  /** The check and the reservation: one synchronous SQLite transaction (committed when it returns). */
  private reserveOn(req: ReserveFor, balances: Balances, budget: Decimal | null): Rejected | undefined {
    const now = this.deps.clock.now();
    const slack = this.deps.budgetSlackPercent ?? ZERO;
    const r = this.deps.store.reserve(req, {
      balance: { free: balances.assets[req.asset]?.free ?? ZERO, at: balances.at },
      budgetUsd: budget === null ? null : budget.plus(budget.times(slack).div(100)), usdPrice: this.deps.usdPrice(req.asset), now, ttlMs: this.deps.reservationTtlMs,
    });
    if (r.status !== 'refused') return undefined;
    return rejected(r.reason === 'KEY_CONFLICT' ? 'DUPLICATE_CLIENT_ID' : r.reason, r.detail);
  }

  /** The venue's last balance read while it is younger than `balanceMaxAgeMs`. */
  private freshBalances(exchange: string): Balances | undefined {
    const known = this.snapshots.get(exchange);
    return known && this.deps.clock.now() - known.at < this.deps.balanceMaxAgeMs ? known : undefined;
  }

  /**
   * Reads the venue's balances for the next checks now, off any order's path (a hot path calls it
   * on a timer shorter than `balanceMaxAgeMs`, so its first order after a quiet spell need not wait).
   */
  async refresh(account: Account): Promise<Balances | Rejected> {
    return this.readBalances(account);
  }

  private async readBalances(account: Account): Promise<Balances | Rejected> {
    const b = await account.balances();
    if ('assets' in b) this.remember(account.exchange, b);
    return b;
  }

  private remember(exchange: string, b: Balances): void {
    const known = this.snapshots.get(exchange);
    // Reads may answer out of order: the newest read wins.
    if (!known || b.at >= known.at) this.snapshots.set(exchange, b);
  }
}
