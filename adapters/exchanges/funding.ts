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
import { intentDifference, type WithdrawalKeyStore } from '../persistence/withdrawal-keys';

const DAY_MS = 86_400_000;
/** The exchange's history is searched from this long before an intent was recorded (clock skew). */
const LOOKUP_SLACK_MS = 3_600_000;
/** An unanswered send to a venue without withdrawal client ids may still land this long after. */
const UNANSWERED_GRACE_MS = 120_000;

interface KeyRecord {
  asset: string;
  firstSeen: number;
  id?: string;
}

/**
 * Deposits and withdrawals. A withdrawal is never sent twice for one idempotency key. With a
 * durable key store (state.sqlite, the running system) the key's intent and outcome are recorded
 * around the call (see withdrawDurably). Without one (tests, tools) the key is remembered
 * in-process and the exchange's recent history (about a day) is searched before any send (by
 * Binance's withdrawOrderId / Coinbase's idem, else by asset, address and amount).
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
    private readonly durableKeys?: WithdrawalKeyStore,
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
    if (this.durableKeys) return this.withdrawDurably(req, this.durableKeys);
    const known = this.keys.get(req.idempotencyKey);
    if (known?.id) return { status: 'submitted', id: known.id, idempotencyKey: req.idempotencyKey };
    const record: KeyRecord = known ?? { asset: req.asset, firstSeen: this.clock.now() };
    this.keys.set(req.idempotencyKey, record);
    const network = this.codes.ccxt(req.network);
    const extra = this.quirks.withdrawParams(req, network, this.env);
    if (isRejected(extra)) return extra;
    const prior = await this.findInHistory(req, record.firstSeen);
    if (isRejected(prior)) return rejected(prior.code, `cannot check the withdrawal history, not sending: ${prior.reason}`, true);
    if (prior) return this.remember(req, String(prior.id), 'found in exchange history');
    const sent = await this.send(req, extra);
    if (isRejected(sent)) return sent;
    record.id = sent.id;
    return this.remember(req, sent.id, 'submitted');
  }

  /**
   * With state.sqlite: the intent is recorded before the call and the outcome after, so a key is
   * answered from the store, a key whose send may have reached the exchange is looked up there
   * first (however long ago), a fresh key is sent without guessing from the history, and a key
   * reused for another withdrawal is refused.
   */
  private async withdrawDurably(req: WithdrawalRequest, keys: WithdrawalKeyStore): Promise<WithdrawalSubmitted | Rejected> {
    const key = req.idempotencyKey;
    const intent = { key, exchange: this.exchange, asset: req.asset, amount: req.amount, address: req.address, network: req.network, ...(req.tag ? { tag: req.tag } : {}) };
    const row = keys.get(key);
    const differs = row && intentDifference(row, intent);
    if (differs) {
      this.log.error({ exchange: this.exchange, key, differs }, 'withdrawal key reused for a different withdrawal: refused');
      return rejected('DUPLICATE_CLIENT_ID', `WITHDRAWAL_KEY_CONFLICT: key ${key} was used for another withdrawal (${differs}); nothing sent`);
    }
    if (row?.outcome?.status === 'submitted') return { status: 'submitted', id: row.outcome.id, idempotencyKey: key };
    const network = this.codes.ccxt(req.network);
    const extra = this.quirks.withdrawParams(req, network, this.env);
    if (isRejected(extra)) return extra;
    if (row && !row.outcome) {
      // Sent before, answer never recorded (a crash or a timeout): the exchange knows, we ask it.
      const prior = await this.findInHistory(req, row.at - LOOKUP_SLACK_MS, keys.claimedIds());
      if (isRejected(prior)) return rejected(prior.code, `cannot check the withdrawal history for key ${key}, not sending: ${prior.reason}`, true);
      if (prior) {
        keys.recordOutcome(key, { status: 'submitted', id: String(prior.id) }, this.clock.now());
        return this.remember(req, String(prior.id), 'found at the exchange after an unanswered send');
      }
      // Without a client id at the venue a send still in flight could land later: wait a while.
      if (!this.quirks.withdrawalTag && this.clock.now() - row.at < UNANSWERED_GRACE_MS) {
        return rejected('UNKNOWN_OUTCOME', `withdrawal key ${key} was sent without an answer and is not in ${this.exchange}'s history yet; looked up again on the next try`, true);
      }
      this.log.warn({ exchange: this.exchange, key }, 'unanswered withdrawal not at the exchange: sending it again');
    }
    keys.recordIntent(intent, this.clock.now());
    const sent = await this.send(req, extra);
    if (isRejected(sent)) {
      // A definite refusal leaves the key free for another attempt; an unknown outcome stays an open intent.
      if (sent.code !== 'UNKNOWN_OUTCOME') keys.recordOutcome(key, { status: 'rejected', code: sent.code, reason: sent.reason }, this.clock.now());
      return sent;
    }
    keys.recordOutcome(key, { status: 'submitted', id: sent.id }, this.clock.now());
    return this.remember(req, sent.id, 'submitted');
  }

  private async send(req: WithdrawalRequest, extra: Record<string, string>): Promise<{ id: string } | Rejected> {
    const sent = await guarded(this.budget, 'withdrawal', () => this.ex.withdraw(req.asset, req.amount.toFixed() as unknown as number, req.address, req.tag, extra));
    if (isRejected(sent)) {
      this.log.warn({ exchange: this.exchange, asset: req.asset, network: req.network, key: req.idempotencyKey, code: sent.code, reason: sent.reason }, 'withdrawal not submitted');
      return sent;
    }
    return { id: String(sent.id) };
  }

  private remember(req: WithdrawalRequest, id: string, how: string): WithdrawalSubmitted {
    this.keys.set(req.idempotencyKey, { asset: req.asset, firstSeen: this.clock.now(), id });
    this.assetOfId.set(id, req.asset);
    this.log.info({ exchange: this.exchange, asset: req.asset, network: req.network, amount: req.amount.toFixed(), id, key: req.idempotencyKey }, `withdrawal ${how}`);
    return { status: 'submitted', id, idempotencyKey: req.idempotencyKey };
  }

  private async findInHistory(req: WithdrawalRequest, from: number, claimed: ReadonlySet<string> = new Set()): Promise<Transaction | undefined | Rejected> {
    const since = Math.min(from, this.clock.now() - DAY_MS);
    const list = await guarded(this.budget, 'read', () => this.transfers('withdrawal', req.asset, since));
    if (isRejected(list)) return list;
    return list.find((t) => {
      if (claimed.has(String(t.id))) return false;
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
