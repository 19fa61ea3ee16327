import type { Decimal } from '../domain/money/decimal';
import type { TakerFeeFn, ThresholdSource } from '../domain/arbitrage';
import type { BookCache } from './book-cache';
import type { QbotConfig } from './qbot-config';

/** What both scanners read: live books, rules, balances and capital, all synchronous. */
export interface ScanDeps {
  cache: BookCache;
  config: QbotConfig;
  fee: TakerFeeFn;
  thresholds: ThresholdSource;
  /** Free balance of an asset on an exchange (a snapshot the process refreshes). */
  balance: (exchange: string, asset: string) => Decimal;
  /** USD capital of each strategy right now. */
  capital: () => { cross: Decimal; triangular: Decimal };
  /** "exchange:ASSET" keys held by attempts in flight. */
  locked: ReadonlySet<string>;
  now: () => number;
  /**
   * Lowest net percent a float estimate must reach to be evaluated exactly. Live: the threshold
   * (default). Offline scan: 0, so every crossed book is evaluated and reported with its gate.
   */
  prefilterFloorPercent?: Decimal;
  /**
   * Offline scans: evaluate (and so report) candidates that a book-age or plausibility gate
   * rejects. Live (default false) the float prefilter drops them before any exact work.
   */
  reportGated?: boolean;
}
