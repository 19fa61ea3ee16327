import type { ExchangeId } from '../../domain/market';
import { EXCHANGE_IDS } from '../../domain/market';
import { parseFeeTier } from './accounts/fee-tiers';

export type Fault =
  | { type: 'drop-sockets' }
  /**
   * The next update of SYMBOL skips sequence numbers (Binance) or is lost on the wire so the next
   * checksum fails (Kraken); with `resyncHoldMs` the venue also holds any new book snapshot of the
   * venue that long (from the injection), so the broken book cannot be re-synced at once.
   */
  | { type: 'sequence-gap'; symbol: string; resyncHoldMs?: number }
  | { type: 'silence'; ms: number }
  | { type: 'slow'; ms: number }
  | { type: 'http-status'; status: 429 | 418; count: number }
  | { type: 'reject-orders'; count: number; reason?: string }
  | { type: 'withdrawal-fails' }
  | { type: 'withdrawal-stuck' }
  /**
   * On the receiving venue: a withdrawal from another simulated venue completes at the sender
   * (ok, txid) but its deposit never shows up here until `control.releaseDeposits` (a late arrival).
   */
  | { type: 'deposit-missing' }
  /** The venue executes the next COUNT orders but answers each with a gateway timeout (504). */
  | { type: 'order-timeout'; count: number }
  /** An account option more than a fault: Binance charges taker fees in BNB, PERCENT off, while BNB covers them. */
  | { type: 'bnb-fees'; percentOff: number }
  /** An account option: the account sits on this fee tier (percent), on fills and on the fee endpoints. */
  | { type: 'fee-tier'; makerPercent: string; takerPercent: string }
  /** The fee endpoints answer garbage (a negative taker, a non-number maker). */
  | { type: 'garbage-fees' };

/** Standing faults of one venue. One-shot faults (drop-sockets, sequence-gap) act at once instead. */
export interface VenueFaults {
  silenceUntil: number;
  slowMs: number;
  httpStatus?: { status: 429 | 418; remaining: number };
  rejectOrders?: { remaining: number; reason: string };
  withdrawalFails: boolean;
  withdrawalStuck: boolean;
  depositMissing?: boolean;
  /** No new book snapshot goes out before this time (a sequence-gap fault's resyncHoldMs). */
  snapshotHoldUntil?: number;
  orderTimeout?: { remaining: number };
  garbageFees?: boolean;
}

export function emptyFaults(): VenueFaults {
  return { silenceUntil: 0, slowMs: 0, withdrawalFails: false, withdrawalStuck: false };
}

/**
 * Grammar of a fault spec (CLI `--faults`, option `faults`): a comma-separated list of
 * `exchange:fault[=value]`, where fault is one of
 *   drop-sockets | gap=SYMBOL | silence=MS | slow=MS | http-429=COUNT | http-418=COUNT |
 *   reject-orders=COUNT | withdrawal-fails | withdrawal-stuck | deposit-missing | order-timeout=COUNT | bnb-fees=PERCENT_OFF |
 *   fee-tier=MAKER/TAKER (percent) | garbage-fees
 * e.g. "binance:silence=5000,kraken:http-429=3,coinbase:reject-orders=2".
 */
export function parseFaultSpec(spec: string): Array<{ exchange: ExchangeId; fault: Fault }> {
  const out: Array<{ exchange: ExchangeId; fault: Fault }> = [];
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z]+):([a-z0-9-]+)(?:=(.+))?$/.exec(raw);
    if (!m) throw new Error(`bad fault "${raw}": expected exchange:fault[=value]`);
    const [, ex = '', name = '', value] = m;
    if (!(EXCHANGE_IDS as readonly string[]).includes(ex)) throw new Error(`bad fault "${raw}": unknown exchange "${ex}"`);
    out.push({ exchange: ex as ExchangeId, fault: parseOne(name, value, raw) });
  }
  return out;
}

function parseOne(name: string, value: string | undefined, raw: string): Fault {
  const num = (): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < 0) throw new Error(`bad fault "${raw}": "${name}" needs a whole number`);
    return n;
  };
  switch (name) {
    case 'drop-sockets': return { type: 'drop-sockets' };
    case 'gap':
    case 'sequence-gap':
      if (!value) throw new Error(`bad fault "${raw}": gap needs a symbol`);
      return { type: 'sequence-gap', symbol: value };
    case 'silence': return { type: 'silence', ms: num() };
    case 'slow': return { type: 'slow', ms: num() };
    case 'http-429': return { type: 'http-status', status: 429, count: num() };
    case 'http-418': return { type: 'http-status', status: 418, count: num() };
    case 'reject-orders': return { type: 'reject-orders', count: num() };
    case 'withdrawal-fails': return { type: 'withdrawal-fails' };
    case 'withdrawal-stuck': return { type: 'withdrawal-stuck' };
    case 'deposit-missing': return { type: 'deposit-missing' };
    case 'order-timeout': return { type: 'order-timeout', count: num() };
    case 'bnb-fees': return { type: 'bnb-fees', percentOff: num() };
    case 'fee-tier': return { type: 'fee-tier', ...parseFeeTier(value, raw) };
    case 'garbage-fees': return { type: 'garbage-fees' };
    default: throw new Error(`bad fault "${raw}": unknown fault "${name}"`);
  }
}
