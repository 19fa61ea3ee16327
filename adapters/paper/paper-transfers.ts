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
   * With `store` (and durable wallets on it) transfers in flight survive a restart: each is a row
   * keyed by txid, and its credit commits together with the receiving wallet's change.
   */
  constructor(private readonly clock: Clock, private readonly delayMs = 5_000, private readonly store?: StateStore) {
    for (const [, t] of store?.all(PaperTransferNetwork.SCOPE, transferRow) ?? []) this.inFlight.push({ ...t, to: t.to as ExchangeId });
  }

  private persist(t: InFlight): void {
    this.store?.set(PaperTransferNetwork.SCOPE, t.txid, { ...t, amount: formatDecimal(t.amount) });
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
    this.inFlight.push(t);
  }

  /** A deposit to `exchange`, by txid or by asset and amount since a time. */
  deposit(exchange: ExchangeId, q: { asset: string; txid?: string; amount?: Decimal; since: number }): DepositStatus {
    this.settle();
    const match = this.inFlight.find((t) =>
      t.to === exchange && t.asset === q.asset && t.sentAt >= q.since && (q.txid ? t.txid === q.txid : q.amount ? t.amount.eq(q.amount) : true));
    if (!match) return { status: 'not-found' };
    return match.credited ? { status: 'confirmed', txid: match.txid, amount: match.amount } : { status: 'pending', txid: match.txid, amount: match.amount };
  }

  private settle(): void {
    const now = this.clock.now();
    for (const t of this.inFlight) {
      if (t.credited || t.creditAt > now) continue;
      const wallet = this.wallets.get(t.to);
      // Not registered (yet) in this process: credited once its venue is.
      if (!wallet) continue;
      const credit = () => {
        wallet.apply([[t.asset, t.amount]]);
        this.persist({ ...t, credited: true });
      };
      if (this.store) this.store.transaction(credit);
      else credit();
      t.credited = true;
    }
  }
}
