import type { ExchangeId } from '../../../domain/market';
import { Decimal, ZERO } from '../../../domain/money/decimal';
import type { Accounts } from './accounts';
import type { SimState } from './state-file';

/** A stakable product: flexible (redeem at once) or bonded (unstaking waits the unbonding period). */
export interface EarnProduct { id: string; exchange: ExchangeId; asset: string; apr: Decimal; kind: 'flexible' | 'bonded'; min: Decimal }
export interface EarnPosition { product: EarnProduct; amount: Decimal; rewarded: Decimal; since: number; unbonding: Array<{ id: string; amount: Decimal; readyAt: number }> }
export type EarnRejectCode = 'UNKNOWN_PRODUCT' | 'BELOW_MINIMUM' | 'INSUFFICIENT_FUNDS' | 'NOT_STAKED';

const YEAR_MS = 365 * 24 * 3600 * 1000;

type Row = [exchange: ExchangeId, id: string, asset: string, apr: string, kind: 'flexible' | 'bonded', min: string];
const PRODUCTS: Row[] = [
  ['binance', 'USDT001', 'USDT', '0.0500', 'flexible', '0.1'],
  ['binance', 'USDC001', 'USDC', '0.0450', 'flexible', '0.1'],
  ['binance', 'BTC001', 'BTC', '0.0080', 'flexible', '0.0001'],
  ['binance', 'ETH001', 'ETH', '0.0210', 'flexible', '0.0001'],
  ['binance', 'SOL001', 'SOL', '0.0550', 'flexible', '0.01'],
  ['binance', 'BNB001', 'BNB', '0.0120', 'flexible', '0.001'],
  ['kraken', 'ESRFUO3-Q62XD-USDTFX', 'USDT', '0.0400', 'flexible', '1'],
  ['kraken', 'ESRFUO3-Q62XD-USDCFX', 'USDC', '0.0350', 'flexible', '1'],
  ['kraken', 'ESRFUO3-Q62XD-ETHBND', 'ETH', '0.0300', 'bonded', '0.01'],
  ['kraken', 'ESRFUO3-Q62XD-SOLBND', 'SOL', '0.0600', 'bonded', '0.1'],
  ['kraken', 'ESRFUO3-Q62XD-XBTOPT', 'BTC', '0.0025', 'flexible', '0.0001'],
];

/**
 * Staking/earn per venue (Binance Simple Earn flexible, Kraken Earn). Rewards accrue by the clock
 * at the product's APR and are added to the position whenever it is touched (Binance's
 * auto-subscribe, its default, and Kraken's auto-compound, both what the venues' answers say):
 * spot moves only when coins are staked or come back. Paying them to spot unannounced moved the
 * account under a ledger that had no event to book (the split demo's Binance BTC/ETH/SOL dust).
 * A bonded unstake returns the funds after `unbondingMs`.
 */
export class Earn {
  private readonly positions = new Map<string, EarnPosition>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextId = 1;

  constructor(private readonly accounts: Accounts, private readonly now: () => number, private readonly unbondingMs: number) {}

  products(exchange: ExchangeId, asset?: string): EarnProduct[] {
    return PRODUCTS.filter(([ex, , a]) => ex === exchange && (!asset || a === asset)).map(([ex, id, a, apr, kind, min]) => ({ exchange: ex, id, asset: a, apr: new Decimal(apr), kind, min: new Decimal(min) }));
  }

  positionsOf(exchange: ExchangeId): EarnPosition[] {
    const out: EarnPosition[] = [];
    for (const p of this.positions.values()) if (p.product.exchange === exchange) out.push(this.settle(p));
    return out;
  }

  stake(exchange: ExchangeId, productId: string, amount: Decimal): EarnPosition | { rejected: EarnRejectCode; message: string } {
    const product = this.products(exchange).find((p) => p.id === productId);
    if (!product) return { rejected: 'UNKNOWN_PRODUCT', message: `no earn product ${productId}` };
    if (amount.lt(product.min)) return { rejected: 'BELOW_MINIMUM', message: `amount ${amount.toFixed()} is below the minimum ${product.min.toFixed()}` };
    if (!this.accounts.debit(exchange, product.asset, amount)) return { rejected: 'INSUFFICIENT_FUNDS', message: `insufficient ${product.asset}` };
    const key = `${exchange}:${productId}`;
    const p = this.positions.get(key) ?? { product, amount: ZERO, rewarded: ZERO, since: this.now(), unbonding: [] };
    this.settle(p);
    p.amount = p.amount.plus(amount);
    this.positions.set(key, p);
    return p;
  }

  /** Unstakes `amount` (all when absent); returns the request id and when the funds are back. */
  unstake(exchange: ExchangeId, productId: string, amount?: Decimal): { id: string; readyAt: number; amount: Decimal } | { rejected: EarnRejectCode; message: string } {
    const p = this.positions.get(`${exchange}:${productId}`);
    if (!p) return { rejected: 'NOT_STAKED', message: `nothing staked in ${productId}` };
    this.settle(p);
    const take = amount ?? p.amount;
    if (take.lte(0) || take.gt(p.amount)) return { rejected: 'NOT_STAKED', message: `staked ${p.amount.toFixed()}, asked to unstake ${take.toFixed()}` };
    p.amount = p.amount.minus(take);
    const id = `${(this.nextId++).toString().padStart(6, '0')}`;
    const readyAt = this.now() + (p.product.kind === 'bonded' ? this.unbondingMs : 0);
    if (p.product.kind === 'flexible') this.accounts.credit(exchange, p.product.asset, take);
    else {
      p.unbonding.push({ id, amount: take, readyAt });
      // A timer may fire a millisecond before the clock reaches readyAt: re-arm until it is due.
      const release = (delay: number): void => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.settle(p);
          if (p.unbonding.some((u) => u.id === id)) release(Math.max(1, readyAt - this.now()));
        }, delay);
        this.timers.add(t);
      };
      release(this.unbondingMs);
    }
    return { id, readyAt, amount: take };
  }

  exportState(): SimState['earn'] {
    return {
      nextId: this.nextId,
      positions: [...this.positions.values()].map((p) => ({ exchange: p.product.exchange, productId: p.product.id, amount: p.amount, rewarded: p.rewarded, since: p.since, unbonding: p.unbonding.map((u) => ({ ...u })) })),
    };
  }

  /** Restores saved positions; unbondings still running are released when due. */
  importState(s: SimState['earn']): void {
    this.nextId = Math.max(this.nextId, s.nextId);
    for (const x of s.positions) {
      const product = this.products(x.exchange).find((p) => p.id === x.productId);
      if (!product) continue;
      const p: EarnPosition = { product, amount: x.amount, rewarded: x.rewarded, since: x.since, unbonding: x.unbonding.map((u) => ({ ...u })) };
      this.positions.set(`${x.exchange}:${x.productId}`, p);
      for (const u of p.unbonding) {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.settle(p);
        }, Math.max(1, u.readyAt - this.now()));
        this.timers.add(t);
      }
    }
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Pays rewards accrued since the last touch and releases finished unbondings. */
  private settle(p: EarnPosition): EarnPosition {
    const t = this.now();
    const reward = p.amount.times(p.product.apr).times(t - p.since).div(YEAR_MS).toDecimalPlaces(10, Decimal.ROUND_DOWN);
    if (reward.gt(0)) {
      p.amount = p.amount.plus(reward);
      p.rewarded = p.rewarded.plus(reward);
    }
    p.since = t;
    const due = p.unbonding.filter((u) => u.readyAt <= t);
    for (const u of due) this.accounts.credit(p.product.exchange, p.product.asset, u.amount);
    p.unbonding = p.unbonding.filter((u) => u.readyAt > t);
    return p;
  }
}
