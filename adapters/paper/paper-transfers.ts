import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId } from '../../domain/market';
import type { Clock } from '../../ports/clock';
import type { DepositStatus } from '../../ports/funding';
import type { PaperBalances } from './paper-balances';
import type { StateStore } from '../persistence/state-sqlite';
import { formatDecimal } from '../../domain/money/format';
import { transferRow } from './paper-durable';

interface InFlight {
  txid: string;
  to: ExchangeId;
  asset: string;
  amount: Decimal;
  sentAt: number;
  creditAt: number;
  credited: boolean;
}

const PREFIX = 'paper-deposit';

/**
 * The "chain" between paper venues: a withdrawal from one paper wallet to another paper venue's
 * deposit address arrives after a delay, so the money manager's convert-then-transfer path runs
 * end to end in paper mode. Deposit addresses name the venue, asset and network they accept;
 * nothing else is an address here. Credits settle lazily when a status is asked for (no timers).
 */
export class PaperTransferNetwork {
  private readonly wallets = new Map<ExchangeId, PaperBalances>();
  private readonly inFlight: InFlight[] = [];
  private static readonly SCOPE = 'paper-transfers';

  /**
   * With `store` (and durable wallets on the same store) transfers in flight survive a restart and
   * are shared by every process on the file: each is a row keyed by txid, read from the file on
   * each question (never from a copy loaded at start), and claimed and credited in one
   * BEGIN IMMEDIATE transaction, so of several processes asking at once exactly one credits it.
   */
  constructor(private readonly clock: Clock, private readonly delayMs = 5_000, private readonly store?: StateStore) {}

  private persist(t: InFlight): void {
    this.store?.set(PaperTransferNetwork.SCOPE, t.txid, { ...t, amount: formatDecimal(t.amount) });
  }

  /** Every transfer: the file's rows with a store, else this process's list. */
  private transfers(): InFlight[] {
    if (!this.store) return this.inFlight;
    return this.store.all(PaperTransferNetwork.SCOPE, transferRow).map(([, t]) => ({ ...t, to: t.to as ExchangeId }));
  }

  register(exchange: ExchangeId, wallet: PaperBalances): void {
    this.wallets.set(exchange, wallet);
  }

  depositAddress(exchange: ExchangeId, asset: string, network: string): string | undefined {
    return this.wallets.has(exchange) ? `${PREFIX}:${exchange}:${asset}:${network}` : undefined;
  }

  /** The venue an address belongs to, when it is a paper deposit address for this asset and network. */
  destination(address: string, asset: string, network: string): ExchangeId | undefined {
    const [prefix, exchange, a, n] = address.split(':');
    if (prefix !== PREFIX || a !== asset || n !== network) return undefined;
    return this.wallets.has(exchange as ExchangeId) ? (exchange as ExchangeId) : undefined;
  }

  send(txid: string, to: ExchangeId, asset: string, amount: Decimal): void {
    const now = this.clock.now();
    const t = { txid, to, asset, amount, sentAt: now, creditAt: now + this.delayMs, credited: false };
    this.persist(t);
    if (!this.store) this.inFlight.push(t);
  }

  /** A deposit to `exchange`, by txid or by asset and amount since a time. */
  deposit(exchange: ExchangeId, q: { asset: string; txid?: string; amount?: Decimal; since: number }): DepositStatus {
    this.settle();
    const match = this.transfers().find((t) =>
      t.to === exchange && t.asset === q.asset && t.sentAt >= q.since && (q.txid ? t.txid === q.txid : q.amount ? t.amount.eq(q.amount) : true));
    if (!match) return { status: 'not-found' };
    return match.credited ? { status: 'confirmed', txid: match.txid, amount: match.amount } : { status: 'pending', txid: match.txid, amount: match.amount };
  }

  /** Credits the transfers whose time has come: claim (the row read under the write lock) then credit, in one transaction. */
  private settle(): void {
    const now = this.clock.now();
    const due = () => this.transfers().filter((t) => !t.credited && t.creditAt <= now && this.wallets.has(t.to));
    const credit = () => {
      // Not registered (yet) in this process: left for a process that has the venue, or for later.
      for (const t of due()) {
        (this.wallets.get(t.to) as PaperBalances).apply([[t.asset, t.amount]]);
        if (this.store) this.persist({ ...t, credited: true });
        else t.credited = true;
      }
    };
    // The lock is taken only when something looks due (a status poll alone writes nothing).
    if (!this.store) credit();
    else if (due().length > 0) this.store.immediate(credit);
  }
}
