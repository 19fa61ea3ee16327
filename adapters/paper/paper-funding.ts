import { Decimal, ZERO } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { ExchangeId } from '../../domain/market';
import { rejected, type Rejected } from '../../ports/outcomes';
import type { DepositAddress, DepositStatus, Funding, NetworkInfo, WithdrawalRequest, WithdrawalStatus, WithdrawalSubmitted } from '../../ports/funding';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { decimalString } from '../../domain/money/schemas';
import type { StateStore } from '../persistence/state-sqlite';
import type { PaperBalances } from './paper-balances';
import type { PaperTransferNetwork } from './paper-transfers';

export interface PaperFundingOptions {
  exchange: ExchangeId;
  wallet: PaperBalances;
  /** Networks per asset this paper venue withdraws on, with their fee (in the asset). */
  networks: Record<string, Array<{ network: string; fee: Decimal; min?: Decimal }>>;
  /** The only external destinations allowed (the cold wallet): anything else is refused. */
  allowedAddresses: string[];
  /**
   * Transfers between paper venues: with it, each venue has deposit addresses and a withdrawal to
   * another paper venue's address arrives there after the network's delay.
   */
  transfers?: PaperTransferNetwork;
  /** Keeps withdrawal idempotency keys and withdrawals across restarts (with a durable wallet on the same store). */
  store?: StateStore;
}

const storedWithdrawalSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('submitted'), id: z.string(), idempotencyKey: z.string(), txid: z.string(), amount: decimalString, fee: decimalString }),
  z.strictObject({ status: z.literal('rejected'), code: z.string(), reason: z.string(), retryable: z.boolean() }),
]);
type StoredWithdrawal = z.infer<typeof storedWithdrawalSchema>;
type StoredWithdrawalRow = z.input<typeof storedWithdrawalSchema>;

/**
 * Paper withdrawals: the amount plus the network fee leave the paper balance at once and the
 * withdrawal is confirmed with a txid marked `paper-`. No chain is touched. Deposits exist only
 * with a PaperTransferNetwork (between paper venues); otherwise they answer NOT_SUPPORTED.
 */
export class PaperFunding implements Funding {
  readonly exchange: ExchangeId;
  /** The fee leaves the paper balance beside the amount (see the Funding port). */
  readonly feeOnTop = true;
  private readonly byKey = new Map<string, WithdrawalSubmitted | Rejected>();
  private readonly withdrawals = new Map<string, WithdrawalStatus>();
  private readonly scope: string;

  /**
   * With a store, keys and withdrawals are read from the file on each call (never from a copy
   * loaded at start), so every process on it answers a key another process used with that
   * withdrawal instead of sending it again.
   */
  constructor(private readonly opts: PaperFundingOptions) {
    this.exchange = opts.exchange;
    this.scope = `paper-withdrawals:${opts.exchange}`;
  }

  /** A key's outcome: this process's memory, else the file's row. */
  private known(key: string): WithdrawalSubmitted | Rejected | undefined {
    const mine = this.byKey.get(key);
    if (mine) return mine;
    const row = this.opts.store?.get(this.scope, key, storedWithdrawalSchema);
    return row ? this.remember(key, row) : undefined;
  }

  private remember(key: string, w: StoredWithdrawal): WithdrawalSubmitted | Rejected {
    if (w.status === 'rejected') {
      const r = rejected(w.code as Rejected['code'], w.reason, w.retryable);
      this.byKey.set(key, r);
      return r;
    }
    this.withdrawals.set(w.id, { status: 'confirmed', id: w.id, txid: w.txid, amount: w.amount, fee: w.fee });
    const sub: WithdrawalSubmitted = { status: 'submitted', id: w.id, idempotencyKey: w.idempotencyKey };
    this.byKey.set(key, sub);
    return sub;
  }

  async networks(asset: string): Promise<NetworkInfo[]> {
    return (this.opts.networks[asset] ?? []).map((n) => ({ asset, network: n.network, withdrawEnabled: true, depositEnabled: Boolean(this.opts.transfers), withdrawFee: n.fee, withdrawMin: n.min ?? ZERO }));
  }

  async depositAddress(asset: string, network: string): Promise<DepositAddress | Rejected> {
    const known = (this.opts.networks[asset] ?? []).some((n) => n.network === network);
    const address = known ? this.opts.transfers?.depositAddress(this.exchange, asset, network) : undefined;
    if (address) return { asset, network, address };
    return rejected('NOT_SUPPORTED', `paper ${this.exchange} has no deposit address for ${asset} on ${network}`);
  }

  async withdraw(req: WithdrawalRequest): Promise<WithdrawalSubmitted | Rejected> {
    const known = this.known(req.idempotencyKey);
    if (known) return known;
    const store = this.opts.store;
    if (!store) {
      const outcome = this.send(req);
      this.byKey.set(req.idempotencyKey, outcome);
      return outcome;
    }
    // The key is claimed, the debit made and the key written under one write lock: a crash leaves
    // both or neither, and of two processes sending one key at once the second finds the first's.
    return store.immediate(() => {
      const claimed = this.known(req.idempotencyKey);
      if (claimed) return claimed;
      const outcome = this.send(req);
      const w = this.withdrawals.get(outcome.status === 'submitted' ? outcome.id : '');
      const row: StoredWithdrawalRow = outcome.status === 'rejected'
        ? { status: 'rejected', code: outcome.code, reason: outcome.reason, retryable: outcome.retryable }
        : { status: 'submitted', id: outcome.id, idempotencyKey: outcome.idempotencyKey, txid: w && 'txid' in w ? w.txid : '', amount: formatDecimal(req.amount), fee: formatDecimal(w && 'fee' in w ? w.fee : ZERO) };
      store.set(this.scope, req.idempotencyKey, row);
      this.byKey.set(req.idempotencyKey, outcome);
      return outcome;
    });
  }

  private send(req: WithdrawalRequest): WithdrawalSubmitted | Rejected {
    const toVenue = this.opts.transfers?.destination(req.address, req.asset, req.network);
    if (toVenue === this.exchange) return rejected('ADDRESS_NOT_ALLOWED', 'a paper venue does not withdraw to itself');
    if (!toVenue && !this.opts.allowedAddresses.includes(req.address)) return rejected('ADDRESS_NOT_ALLOWED', 'the destination is neither a paper venue\'s deposit address nor on the allow-list (the cold wallet)');
    const net = (this.opts.networks[req.asset] ?? []).find((n) => n.network === req.network);
    if (!net) return rejected('NETWORK_DISABLED', `paper ${this.exchange} does not withdraw ${req.asset} on ${req.network}`);
    if (!req.amount.isFinite() || req.amount.lte(ZERO) || req.amount.lt(net.min ?? ZERO)) return rejected('BELOW_MIN_AMOUNT', `withdrawal of ${formatDecimal(req.amount)} ${req.asset} is below the minimum`);
    const total = req.amount.plus(net.fee);
    const check = this.opts.wallet.covers([[req.asset, total.negated()]]);
    if (!check.ok) return rejected('INSUFFICIENT_FUNDS', `withdrawal needs ${formatDecimal(total)} ${req.asset} with the fee, free ${formatDecimal(check.free)}`);
    this.opts.wallet.apply([[req.asset, total.negated()]]);
    // Ids derive from the idempotency key: unique across restarts (a counter restarted at 1 and
    // collided with the previous run's ledger keys), and the same key is the same withdrawal.
    const tag = createHash('sha256').update(`${this.exchange}\n${req.idempotencyKey}`).digest('hex').slice(0, 20);
    const id = `paper-wd-${this.exchange}-${tag}`;
    const txid = `paper-tx-${this.exchange}-${tag}`;
    this.withdrawals.set(id, { status: 'confirmed', id, txid, amount: req.amount, fee: net.fee });
    if (toVenue) this.opts.transfers?.send(txid, toVenue, req.asset, req.amount);
    return { status: 'submitted', id, idempotencyKey: req.idempotencyKey };
  }

  async withdrawalStatus(id: string): Promise<WithdrawalStatus | Rejected> {
    const mine = this.withdrawals.get(id);
    if (mine) return mine;
    // Sent by another process on the file: rows are keyed by idempotency key, so look for its id.
    for (const [key, w] of this.opts.store?.all(this.scope, storedWithdrawalSchema) ?? []) {
      if (w.status === 'submitted' && w.id === id) this.remember(key, w);
    }
    return this.withdrawals.get(id) ?? rejected('INVALID_ORDER', `unknown paper withdrawal ${id}`);
  }

  async depositStatus(q: { asset: string; txid?: string; amount?: Decimal; since: number }): Promise<DepositStatus> {
    return this.opts.transfers?.deposit(this.exchange, q) ?? { status: 'not-found' };
  }
}
