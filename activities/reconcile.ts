import { formatDecimal } from '../domain/money/format';
import { compareBalances, type PlaceBalance } from '../domain/reconcile';
import type { ExchangeId } from '../domain/market';
import type { Account } from '../ports/account';
import type { Ledger } from '../ports/ledger';
import type { ReconcileReport } from '../signals/defs';
import { createHash } from 'node:crypto';
import { systemClock, type Clock } from '../ports/clock';
import { decision } from '../adapters/persistence/ledger-entries';
import type { Funding } from '../ports/funding';
import { settleLateDeposits } from './missing-deposits';

export interface ReconcileActivityDeps {
  ledger: Ledger;
  /**
   * Each venue's own account (the exchange through ccxt, or a paper venue); with `funding`, a
   * deposit booked missing that has arrived since is booked (once) before the comparison.
   */
  venues: Array<{ exchange: ExchangeId; account: Account; funding?: Pick<Funding, 'depositStatus'> }>;
  logger?: { warn(obj: object, msg: string): void; error?(obj: object, msg: string): void };
  clock?: Clock;
}

/** One comparison of the ledger's implied balances with every venue's balances; reports, never corrects. */
export function createReconcileActivities(deps: ReconcileActivityDeps) {
  return {
    async reconcileBalances(): Promise<ReconcileReport> {
      const clock = deps.clock ?? systemClock;
      const funding = Object.fromEntries(deps.venues.flatMap((v) => (v.funding ? [[v.exchange, v.funding]] : [])));
      const deposits = await settleLateDeposits({ ledger: deps.ledger, funding, clock, ...(deps.logger ? { logger: { info: deps.logger.warn.bind(deps.logger), warn: deps.logger.warn.bind(deps.logger) } } : {}) });
      const exchange: PlaceBalance[] = [];
      const unavailable: string[] = [];
      for (const v of deps.venues) {
        const b = await v.account.balances();
        if (!('assets' in b)) {
          unavailable.push(`${v.exchange}: ${b.reason}`);
          continue;
        }
        for (const [asset, bal] of Object.entries(b.assets)) exchange.push({ exchange: v.exchange, asset, amount: bal.total });
      }
      // A venue that could not be read is left out on both sides rather than shown as all-different.
      const r = compareBalances(deps.ledger.impliedBalances(), exchange);
      const s = formatDecimal;
      const report: ReconcileReport = {
        ok: r.ok && unavailable.length === 0,
        differences: r.differences.filter((d) => !d.difference.isZero()).map((d) => ({ exchange: d.exchange, asset: d.asset, ledgerAmount: s(d.ledgerAmount), exchangeAmount: s(d.exchangeAmount), difference: s(d.difference) })),
        unavailable,
        // Sent, not credited: not a difference (both sides agree it left), but money to account for.
        ...(deposits.missing.length ? { missingDeposits: deposits.missing.map((m) => ({ from: m.from, to: m.to, asset: m.asset, inTransit: m.inTransit, txid: m.txid, since: new Date(m.since).toISOString() })) } : {}),
        ...(deposits.arrived.length ? { lateDepositsBooked: deposits.arrived.length } : {}),
      };
      if (report.differences.length > 0) raiseAlert(deps, report);
      else if (!report.ok) deps.logger?.warn({ unavailable }, 'reconcile: some venues could not be read');
      return report;
    },
  };
}

export type ReconcileActivities = ReturnType<typeof createReconcileActivities>;

/**
 * A difference is an operator alert: an error log every round, and one ledger decision line per
 * distinct set of differences (keyed by its content, so a difference that stays is not booked
 * every round, and a new one is). Never a correction.
 */
function raiseAlert(deps: ReconcileActivityDeps, report: ReconcileReport): void {
  const log = deps.logger?.error ?? deps.logger?.warn;
  log?.call(deps.logger, { differences: report.differences, unavailable: report.unavailable }, 'operator alert: ledger and exchanges differ');
  const digest = createHash('sha256').update(JSON.stringify(report.differences)).digest('hex').slice(0, 24);
  deps.ledger.append([decision({
    at: (deps.clock ?? systemClock).now(), correlationId: `reconcile:${digest}`, key: `reconcile:${digest}`,
    details: { event: 'reconcile-difference', differences: report.differences, unavailable: report.unavailable },
  })]);
}
