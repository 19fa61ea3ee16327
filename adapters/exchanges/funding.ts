import type { Exchange, Transaction } from 'ccxt';
import type { Env } from '../../config/env';
import type { ExchangeId } from '../../domain/market';
import type { Decimal } from '../../domain/money/decimal';
import type { Clock } from '../../ports/clock';
import type { DepositAddress, DepositStatus, Funding, NetworkInfo, WithdrawalRequest, WithdrawalStatus, WithdrawalSubmitted } from '../../ports/funding';
import { rejected, type Rejected } from '../../ports/outcomes';
import { decOr } from './convert';
import { guarded, isRejected } from './errors';
import { NetworkCodes, networkInfos, withdrawalStatusOf } from './funding-map';
import type { Logger } from './log';
import type { RateBudget } from './rate-budget';
import type { VenueQuirks } from './venues/types';

const DAY_MS = 86_400_000;

interface KeyRecord {
  asset: string;
  firstSeen: number;
  id?: string;
}

/**
 * Deposits and withdrawals. A withdrawal is never sent twice for one idempotency key: the key is
 * remembered in-process, and before any send the exchange's own history is searched for it (by
 * Binance's withdrawOrderId, else by asset, address and amount), which also covers a send that
 * timed out and a process that restarted.
 */
export class CcxtFunding implements Funding {
  readonly exchange: ExchangeId;
  private readonly keys = new Map<string, KeyRecord>();
  private readonly assetOfId = new Map<string, string>();

  constructor(
    private readonly ex: Exchange,
    private readonly quirks: VenueQuirks,
    private readonly budget: RateBudget,
    private readonly clock: Clock,
    private readonly env: Env,
    private readonly codes: NetworkCodes,
    private readonly log: Logger,
  ) {
    this.exchange = quirks.exchange;
  }

  async networks(asset: string): Promise<NetworkInfo[] | Rejected> {
    // Fresh each time: fees and enabled flags change, and a transfer must price them live.
    const venue = this.quirks.networks;
    const got = await guarded(this.budget, 'read', async () =>
      venue ? venue(this.ex, asset, this.env, this.codes) : networkInfos(asset, (await this.ex.fetchCurrencies())?.[asset], this.codes),
    );
    if (isRejected(got)) return got;
    const { infos, unpriced } = got;
    if (unpriced.length) this.log.info({ exchange: this.exchange, asset, unpriced }, 'networks without a stated fee left out');
    return infos;
  }

  async depositAddress(asset: string, network: string): Promise<DepositAddress | Rejected> {
    const net = this.codes.ccxt(network);
    const venue = this.quirks.depositAddress;
    const r = await guarded(this.budget, 'read', () => (venue ? venue(this.ex, asset, net) : this.ex.fetchDepositAddress(asset, { network: net })));
    if (isRejected(r)) return r;
    if (!r?.address) return rejected('NETWORK_DISABLED', `${this.exchange} gave no ${asset} address on ${network}`);
    return { asset, network, address: r.address, ...(r.tag ? { tag: r.tag } : {}) };
  }

  async withdraw(req: WithdrawalRequest): Promise<WithdrawalSubmitted | Rejected> {
    if (!req.idempotencyKey) return rejected('INVALID_ORDER', 'a withdrawal needs an idempotency key');
    if (!req.amount.isFinite() || req.amount.lte(0)) return rejected('INVALID_ORDER', `withdrawal amount must be positive, got ${req.amount.toFixed()}`);
    if (!req.address) return rejected('ADDRESS_NOT_ALLOWED', 'withdrawal address is empty');
    const known = this.keys.get(req.idempotencyKey);
    if (known?.id) return { status: 'submitted', id: known.id, idempotencyKey: req.idempotencyKey };
    const record: KeyRecord = known ?? { asset: req.asset, firstSeen: this.clock.now() };
    this.keys.set(req.idempotencyKey, record);
    const network = this.codes.ccxt(req.network);
    const extra = this.quirks.withdrawParams(req, network, this.env);
    if (isRejected(extra)) return extra;
    const prior = await this.findInHistory(req, record);
    if (isRejected(prior)) return rejected(prior.code, `cannot check the withdrawal history, not sending: ${prior.reason}`, true);
    if (prior) return this.remember(req, record, String(prior.id), 'found in exchange history');
    const sent = await guarded(this.budget, 'withdrawal', () => this.ex.withdraw(req.asset, req.amount.toFixed() as unknown as number, req.address, req.tag, extra));
    if (isRejected(sent)) {
      this.log.warn({ exchange: this.exchange, asset: req.asset, network: req.network, key: req.idempotencyKey, code: sent.code, reason: sent.reason }, 'withdrawal not submitted');
      return sent;
    }
    return this.remember(req, record, String(sent.id), 'submitted');
  }

  private remember(req: WithdrawalRequest, record: KeyRecord, id: string, how: string): WithdrawalSubmitted {
    record.id = id;
    this.assetOfId.set(id, req.asset);
    this.log.info({ exchange: this.exchange, asset: req.asset, network: req.network, amount: req.amount.toFixed(), id, key: req.idempotencyKey }, `withdrawal ${how}`);
    return { status: 'submitted', id, idempotencyKey: req.idempotencyKey };
  }

  private async findInHistory(req: WithdrawalRequest, record: KeyRecord): Promise<Transaction | undefined | Rejected> {
    const since = Math.min(record.firstSeen, this.clock.now() - DAY_MS);
    const list = await guarded(this.budget, 'read', () => this.transfers('withdrawal', req.asset, since));
    if (isRejected(list)) return list;
    return list.find((t) => {
      const info = (t.info ?? {}) as Record<string, unknown>;
      const tag = this.quirks.withdrawalTag;
      if (tag && info[tag.field] !== undefined) return info[tag.field] === tag.value(req.idempotencyKey);
      // Venues report the amount either gross or net of the fee.
      const net = t.amount === undefined ? undefined : decOr(t.amount).plus(decOr(t.fee?.cost));
      const amountMatches = sameAmount(t.amount, req.amount) || (net !== undefined && net.eq(req.amount));
      return t.address === req.address && amountMatches && t.status !== 'failed' && t.status !== 'canceled';
    });
  }

  private transfers(kind: 'withdrawal' | 'deposit', code: string | undefined, since: number): Promise<Transaction[]> {
    if (this.quirks.listTransfers) return this.quirks.listTransfers(this.ex, kind, code, since);
    return kind === 'withdrawal' ? this.ex.fetchWithdrawals(code, since) : this.ex.fetchDeposits(code, since);
  }

  async withdrawalStatus(id: string): Promise<WithdrawalStatus | Rejected> {
    const asset = this.assetOfId.get(id);
    const list = await guarded(this.budget, 'read', () => this.transfers('withdrawal', asset, this.clock.now() - 30 * DAY_MS));
    if (isRejected(list)) return list;
    const t = list.find((x) => String(x.id) === id);
    if (!t) return rejected('UNKNOWN_OUTCOME', `${this.exchange} withdrawal ${id} is not in the exchange's history`, true);
    return withdrawalStatusOf(t);
  }

  async depositStatus(q: { asset: string; txid?: string; amount?: Decimal; since: number }): Promise<DepositStatus | Rejected> {
    const list = await guarded(this.budget, 'read', () => this.transfers('deposit', q.asset, q.since));
    if (isRejected(list)) return list;
    const t = list.find((d) => (q.txid ? d.txid === q.txid : q.amount !== undefined && sameAmount(d.amount, q.amount)));
    if (!t) return { status: 'not-found' };
    const status = t.status === 'ok' ? 'confirmed' : t.status === 'failed' || t.status === 'canceled' ? 'failed' : 'pending';
    return { status, ...(t.txid ? { txid: t.txid } : {}), amount: decOr(t.amount) };
  }
}

function sameAmount(x: number | undefined, want: Decimal): boolean {
  return x !== undefined && decOr(x).eq(want);
}
