import { formatDecimal } from '../domain/money/format';
import { compareBalances, type PlaceBalance } from '../domain/reconcile';
import type { ExchangeId } from '../domain/market';
import type { Account } from '../ports/account';
import type { Ledger } from '../ports/ledger';
import type { ReconcileReport } from '../signals/defs';

export interface ReconcileActivityDeps {
  ledger: Ledger;
  /** Each venue's own account (the exchange through ccxt, or a paper venue). */
  venues: Array<{ exchange: ExchangeId; account: Account }>;
  logger?: { warn(obj: object, msg: string): void };
}

/** One comparison of the ledger's implied balances with every venue's balances; reports, never corrects. */
export function createReconcileActivities(deps: ReconcileActivityDeps) {
  return {
    async reconcileBalances(): Promise<ReconcileReport> {
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
      };
      if (!report.ok) deps.logger?.warn({ differences: report.differences, unavailable }, 'ledger and exchanges differ');
      return report;
    },
  };
}

export type ReconcileActivities = ReturnType<typeof createReconcileActivities>;
