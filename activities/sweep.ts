import type { Client } from '@temporalio/client';
import { formatDecimal } from '../domain/money/format';
import type { TradingMode } from '../domain/allocation';
import { decision } from '../adapters/persistence/ledger-entries';
import type { Clock } from '../ports/clock';
import type { Ledger } from '../ports/ledger';
import { MODE_WORKFLOW_ID, modeQuery } from '../signals/defs';

/**
 * The sweep's own activities: what the rules need to judge (mode, months already swept, realised
 * profit since the last sweep) and the claim of the month. The claim is a ledger line with the
 * idempotency key `sweep-claim:YYYY-MM`: the ledger is kept forever, so "once per month" holds
 * after Temporal's retention has dropped the old run, and two racing starts cannot both claim it.
 */
export interface SweepActivityDeps {
  ledger: Ledger;
  clock: Clock;
  /** The mode in force (the `mode` workflow's query in production: see `modeFromTemporal`). */
  currentMode: () => Promise<TradingMode>;
}

export interface SweepContext {
  mode: TradingMode;
  sweptMonths: string[];
  /** Realised PnL booked since the last sweep's claim (all of it before the first sweep). */
  profitSinceLastUsd: string;
  lastSweepAt: number | null;
}

interface ClaimDetails { what: 'sweep-claim'; month: string; runId: string; profitUsd: string; amountUsd: string }

export function modeFromTemporal(client: Client): () => Promise<TradingMode> {
  return async () => (await client.workflow.getHandle(MODE_WORKFLOW_ID).query(modeQuery)).mode;
}

export function createSweepActivities(deps: SweepActivityDeps) {
  const claims = () => deps.ledger.entries({ kind: 'decision' }).filter((e) => (e.details as { what?: string } | undefined)?.what === 'sweep-claim');

  return {
    async sweepContext(): Promise<SweepContext> {
      const done = claims();
      const last = done.at(-1);
      const since = last ? last.at : undefined;
      return {
        mode: await deps.currentMode(),
        sweptMonths: done.map((e) => (e.details as unknown as ClaimDetails).month),
        profitSinceLastUsd: formatDecimal(deps.ledger.realisedPnlUsd(since === undefined ? {} : { since })),
        lastSweepAt: last?.at ?? null,
      };
    },

    /** Claims the month for this run; a retry of the same run gets its claim back, another run is refused. */
    async sweepClaim(input: { month: string; runId: string; profitUsd: string; amountUsd: string }): Promise<{ claimed: boolean; reason?: string }> {
      const details: ClaimDetails = { what: 'sweep-claim', ...input };
      const written = deps.ledger.append([decision({ at: deps.clock.now(), correlationId: `sweep-${input.month}`, key: `sweep-claim:${input.month}`, details: { ...details } })]);
      if (written) return { claimed: true };
      const prior = claims().find((e) => (e.details as unknown as ClaimDetails).month === input.month);
      if ((prior?.details as unknown as ClaimDetails | undefined)?.runId === input.runId) return { claimed: true };
      return { claimed: false, reason: `the sweep for ${input.month} already ran (claimed in the ledger at ${new Date(prior?.at ?? 0).toISOString()})` };
    },

    async sweepRecord(input: { month: string; what: string; details: Record<string, unknown> }): Promise<void> {
      deps.ledger.append([decision({ at: deps.clock.now(), correlationId: `sweep-${input.month}`, key: `sweep:${input.month}:${input.what}`, details: { what: input.what, month: input.month, ...input.details } })]);
    },
  };
}

export type SweepActivities = ReturnType<typeof createSweepActivities>;
