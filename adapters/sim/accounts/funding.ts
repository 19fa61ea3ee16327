import type { ExchangeId } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';
import type { VenueFaults } from '../faults';
import type { Accounts } from './accounts';
import { depositAddress, fakeTxid, networksOf } from './networks';
import type { SimState } from './state-file';

export interface SimTransfer {
  id: string;
  exchange: ExchangeId;
  kind: 'withdrawal' | 'deposit';
  asset: string;
  network: string;
  /** Gross amount (what left the balance for a withdrawal, what arrived for a deposit). */
  amount: Decimal;
  fee: Decimal;
  address: string;
  tag?: string;
  /** Idempotency / client id (Binance withdrawOrderId, Coinbase idem). */
  clientId?: string;
  status: 'pending' | 'ok' | 'failed';
  failReason?: string;
  txid?: string;
  created: number;
  updated: number;
}

export type WithdrawRejectCode = 'UNKNOWN_ASSET' | 'UNKNOWN_NETWORK' | 'BELOW_MINIMUM' | 'INSUFFICIENT_FUNDS' | 'BAD_ADDRESS';
export interface WithdrawRequest { asset: string; amount: Decimal; address: string; tag?: string; network?: string; clientId?: string }

/**
 * Withdrawals that take time (pending, then ok with a txid) and can fail or hang (faults); when the
 * address is another simulated venue's deposit address, the deposit shows up and is credited there.
 */
export class Funding {
  private readonly transfers: SimTransfer[] = [];
  /** Deposits a deposit-missing fault keeps from their venue until released (not saved with the state). */
  private readonly heldDeposits: SimTransfer[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextId = 1;

  constructor(
    private readonly accounts: Accounts,
    private readonly exchanges: ExchangeId[],
    private readonly faults: () => Record<ExchangeId, VenueFaults>,
    private readonly now: () => number,
    private readonly delayMs: number,
  ) {}

  address(exchange: ExchangeId, asset: string, network?: string): { address: string; network: string } | undefined {
    const nets = networksOf(exchange, asset);
    const net = network ? nets.find((n) => n.code === network) : nets[0];
    return net ? { address: depositAddress(exchange, asset, net.code), network: net.code } : undefined;
  }

  withdrawalsOf(exchange: ExchangeId): SimTransfer[] {
    return this.transfers.filter((t) => t.exchange === exchange && t.kind === 'withdrawal');
  }

  depositsOf(exchange: ExchangeId): SimTransfer[] {
    return this.transfers.filter((t) => t.exchange === exchange && t.kind === 'deposit');
  }

  find(exchange: ExchangeId, id: string): SimTransfer | undefined {
    return this.transfers.find((t) => t.exchange === exchange && (t.id === id || t.clientId === id));
  }

  withdraw(exchange: ExchangeId, req: WithdrawRequest): SimTransfer | { rejected: WithdrawRejectCode; message: string } {
    if (req.clientId) {
      const same = this.withdrawalsOf(exchange).find((w) => w.clientId === req.clientId);
      if (same) return same;
    }
    const nets = networksOf(exchange, req.asset);
    if (!nets.length) return { rejected: 'UNKNOWN_ASSET', message: `${req.asset} cannot be withdrawn` };
    const net = req.network ? nets.find((n) => n.code === req.network) : nets[0];
    if (!net) return { rejected: 'UNKNOWN_NETWORK', message: `${req.asset} has no network ${req.network ?? ''} (have ${nets.map((n) => n.code).join(', ')})` };
    if (req.amount.lt(net.min)) return { rejected: 'BELOW_MINIMUM', message: `amount ${req.amount.toFixed()} is below the minimum ${net.min.toFixed()}` };
    if (req.address.length < 10) return { rejected: 'BAD_ADDRESS', message: `invalid address ${req.address}` };
    if (!this.accounts.debit(exchange, req.asset, req.amount)) {
      return { rejected: 'INSUFFICIENT_FUNDS', message: `insufficient ${req.asset}: free ${this.accounts.free(exchange, req.asset).toFixed()}` };
    }
    const t = this.now();
    const w: SimTransfer = {
      id: `${exchange === 'kraken' ? 'FT' : ''}${(this.nextId++).toString(16).padStart(8, '0')}sim`, exchange, kind: 'withdrawal', asset: req.asset,
      network: net.code, amount: req.amount, fee: net.fee, address: req.address, ...(req.tag ? { tag: req.tag } : {}),
      ...(req.clientId ? { clientId: req.clientId } : {}), status: 'pending', created: t, updated: t,
    };
    this.transfers.push(w);
    const f = this.faults()[exchange];
    if (!f.withdrawalStuck) this.later(() => this.settle(w, f.withdrawalFails));
    return w;
  }

  exportState(): SimState['funding'] {
    return { nextId: this.nextId, transfers: this.transfers.map((t) => ({ ...t })) };
  }

  /** Restores saved transfers; one that was pending when the state was saved goes on (settles later). */
  importState(s: SimState['funding']): void {
    this.nextId = Math.max(this.nextId, s.nextId);
    for (const t of s.transfers) {
      const x = t as SimTransfer;
      this.transfers.push(x);
      if (x.status !== 'pending') continue;
      if (x.kind === 'withdrawal') this.later(() => this.settle(x, false));
      else {
        this.later(() => {
          x.status = 'ok';
          x.updated = this.now();
          this.accounts.credit(x.exchange, x.asset, x.amount);
        }, Math.max(1, Math.floor(this.delayMs / 4)));
      }
    }
  }

  private settle(w: SimTransfer, fails: boolean): void {
    w.updated = this.now();
    if (fails) {
      w.status = 'failed';
      w.failReason = 'simulated network failure';
      this.accounts.credit(w.exchange, w.asset, w.amount);
      return;
    }
    w.status = 'ok';
    w.txid = fakeTxid(`${w.exchange}|${w.id}`, w.network);
    const target = this.exchanges.find((ex) => ex !== w.exchange && depositAddress(ex, w.asset, w.network) === w.address);
    if (!target) return;
    const received = w.amount.minus(w.fee);
    const d: SimTransfer = {
      id: `${(this.nextId++).toString(16).padStart(8, '0')}dep`, exchange: target, kind: 'deposit', asset: w.asset, network: w.network,
      amount: received, fee: new Decimal(0), address: w.address, status: 'pending', txid: w.txid, created: this.now(), updated: this.now(),
    };
    if (this.faults()[target].depositMissing) {
      this.heldDeposits.push(d);
      return;
    }
    this.transfers.push(d);
    // The chain confirms the deposit a little after the sending venue calls it done.
    this.later(() => {
      d.status = 'ok';
      d.updated = this.now();
      this.accounts.credit(target, w.asset, received);
    }, Math.max(1, Math.floor(this.delayMs / 4)));
  }

  /** A late arrival: every deposit held from `exchange` shows up now, credited (how many). */
  releaseDeposits(exchange: ExchangeId): number {
    const due = this.heldDeposits.filter((d) => d.exchange === exchange);
    for (const d of due) {
      this.heldDeposits.splice(this.heldDeposits.indexOf(d), 1);
      d.status = 'ok';
      d.created = d.updated = this.now();
      this.transfers.push(d);
      this.accounts.credit(exchange, d.asset, d.amount);
    }
    return due.length;
  }

  private later(fn: () => void, ms = this.delayMs): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
