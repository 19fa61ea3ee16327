import { Decimal } from '../../domain/money/decimal';
import type { Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import type { TakerFeeFn, ThresholdSource } from '../../domain/arbitrage';
import { createLogger } from '../logger';
import { QbotMetrics } from '../metrics';
import { evaluationJson, type EvaluationJson } from '../opportunity-json';
import { Qbot } from '../qbot';
import type { QbotConfig } from '../qbot-config';

export interface ScanOptions {
  config: QbotConfig;
  markets: Market[];
  fee: TakerFeeFn;
  thresholds: ThresholdSource;
  /** "exchange:ASSET" -> free amount; missing assets count as unlimited (see `unlimited`). */
  balances?: Map<string, Decimal>;
  totalCapitalUsd: Decimal;
  /** Evaluate every crossed book (0) or only what the live prefilter would pass (undefined). */
  prefilterFloorPercent?: Decimal;
}

export interface ScanSummary {
  books: number;
  unknownBooks: number;
  evaluated: number;
  accepted: number;
  taken: number;
  prefiltered: number;
  rejectedBy: Record<string, number>;
  bestNetPercent: string | null;
}

/** Paper inventory with no limit: the capital share alone sizes trades. */
const UNLIMITED = new Decimal('1000000000');

/**
 * Replays recorded books through the live scanners and gates, on the recording's clock (each
 * book's timestamp is "now" when it arrives). Accepted opportunities pass the runtime gates
 * (cycle time, rate budget) as if taken, but nothing is sent and balances do not move.
 */
export function* runScan(books: Iterable<OrderBook>, o: ScanOptions): Generator<EvaluationJson, ScanSummary> {
  let now = 0;
  const explicit = o.balances ?? new Map<string, Decimal>();
  const balances = new Map<string, Decimal>();
  for (const m of o.markets) {
    for (const a of [m.base, m.quote]) {
      const k = `${m.exchange}:${a}`;
      balances.set(k, explicit.get(k) ?? (o.balances ? new Decimal(0) : UNLIMITED));
    }
  }
  const qbot = new Qbot({
    config: o.config, markets: o.markets, fee: o.fee, thresholds: o.thresholds, clock: { now: () => now },
    log: createLogger('silent'), metrics: new QbotMetrics(), balances, totalCapitalUsd: o.totalCapitalUsd,
    ...(o.prefilterFloorPercent ? { prefilterFloorPercent: o.prefilterFloorPercent } : {}),
    // A scan reports every candidate with the gate that stops it, stale and implausible included.
    reportGated: true,
  });
  const s: ScanSummary = { books: 0, unknownBooks: 0, evaluated: 0, accepted: 0, taken: 0, prefiltered: 0, rejectedBy: {}, bestNetPercent: null };
  let best: Decimal | undefined;
  for (const book of books) {
    now = Math.max(now, book.receivedAt);
    s.books += 1;
    const out = qbot.onBook(book);
    s.prefiltered += out.cross.prefiltered + out.tri.prefiltered;
    s.taken += out.started.length;
    for (const ev of [...out.cross.evaluated, ...out.tri.evaluated]) {
      s.evaluated += 1;
      if (ev.rejection) s.rejectedBy[ev.rejection.code] = (s.rejectedBy[ev.rejection.code] ?? 0) + 1;
      else s.accepted += 1;
      if (!ev.rejection || ev.rejection.code === 'CYCLE_TIME' || ev.rejection.code === 'RATE_BUDGET' || ev.rejection.code === 'NET_BELOW_THRESHOLD') {
        if (!ev.size.isZero() && (!best || ev.netPercent.gt(best))) best = ev.netPercent;
      }
      yield evaluationJson(ev, now);
    }
  }
  s.unknownBooks = qbot.cache.unknownBooks;
  s.bestNetPercent = best ? best.toFixed(6) : null;
  return s;
}
