import { Decimal, ZERO } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { ExchangeId } from '../../domain/market';
import { rejected, type Rejected } from '../../ports/outcomes';
import type { DepositAddress, DepositStatus, Funding, NetworkInfo, WithdrawalRequest, WithdrawalStatus, WithdrawalSubmitted } from '../../ports/funding';
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
}

/**
 * Paper withdrawals: the amount plus the network fee leave the paper balance at once and the
 * withdrawal is confirmed with a txid marked `paper-`. No chain is touched. Deposits exist only
 * with a PaperTransferNetwork (between paper venues); otherwise they answer NOT_SUPPORTED.
 */
export class PaperFunding implements Funding {
  readonly exchange: ExchangeId;
  private readonly byKey = new Map<string, WithdrawalSubmitted | Rejected>();
  private readonly withdrawals = new Map<string, WithdrawalStatus>();
  private seq = 0;

  constructor(private readonly opts: PaperFundingOptions) {
    this.exchange = opts.exchange;
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
    const known = this.byKey.get(req.idempotencyKey);
    if (known) return known;
    const outcome = this.send(req);
    this.byKey.set(req.idempotencyKey, outcome);
    return outcome;
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
    this.seq += 1;
    const id = `paper-wd-${this.exchange}-${this.seq}`;
    const txid = `paper-tx-${this.exchange}-${this.seq}`;
    this.withdrawals.set(id, { status: 'confirmed', id, txid, amount: req.amount, fee: net.fee });
    if (toVenue) this.opts.transfers?.send(txid, toVenue, req.asset, req.amount);
    return { status: 'submitted', id, idempotencyKey: req.idempotencyKey };
  }

  async withdrawalStatus(id: string): Promise<WithdrawalStatus | Rejected> {
    return this.withdrawals.get(id) ?? rejected('INVALID_ORDER', `unknown paper withdrawal ${id}`);
  }

  async depositStatus(q: { asset: string; txid?: string; amount?: Decimal; since: number }): Promise<DepositStatus> {
    return this.opts.transfers?.deposit(this.exchange, q) ?? { status: 'not-found' };
  }
}
