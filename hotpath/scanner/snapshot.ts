import { formatDecimal, type Decimal } from '../../domain/money';
import type { MarketContextWire } from '../../domain/market-context';
import type { Readings } from './compute';

/** The indicator figures behind a context, as strings, for the snapshot and the dashboard. */
export interface IndicatorSummary {
  price?: string;
  dayPosition?: string;
  dailyRangeRatio?: string;
  intradayRangeRatio?: string;
  spreadRatio?: string;
  imbalance?: string;
  cvdDelta?: string;
  cvdDivergence?: string;
  whaleBuys?: number;
  whaleSells?: number;
  wyckoff?: string;
  pointOfControl?: string;
  valueArea?: string;
  priceVsValueArea?: string;
}

export interface ScannerMarketSnapshot {
  exchange: string;
  symbol: string;
  context: MarketContextWire;
  tradesBuffered: number;
  dailyCandles: 'rest' | 'trades';
  lastFetchError?: string;
  indicators: IndicatorSummary;
}

export interface ScannerSnapshot {
  updatedAt: number | null;
  updates: number;
  /** Scheduled updates skipped because the previous one was still running. */
  skippedUpdates: number;
  lastUpdateMs: number | null;
  /** The last scheduled update that failed, if any. */
  lastError?: string;
  markets: ScannerMarketSnapshot[];
}

const s = (d: Decimal | undefined, dp = 4): string | undefined => (d === undefined ? undefined : formatDecimal(d.toDecimalPlaces(dp)));

export function summarise(r: Readings): IndicatorSummary {
  const i = r.inputs;
  const out: IndicatorSummary = {
    price: s(r.price, 8),
    dayPosition: s(i.daily?.position),
    dailyRangeRatio: s(i.daily?.rangeRatio),
    intradayRangeRatio: s(i.intradayRangeRatio),
    spreadRatio: s(i.spreadRatio),
    imbalance: s(i.imbalance),
    cvdDelta: s(i.cvd?.delta, 8),
    cvdDivergence: i.cvd?.divergence,
    whaleBuys: i.whaleTrades?.buys,
    whaleSells: i.whaleTrades?.sells,
    wyckoff: i.wyckoff?.phase,
    pointOfControl: s(r.profile?.pointOfControl, 8),
    valueArea: r.profile ? `${s(r.profile.valueAreaLow, 8)}-${s(r.profile.valueAreaHigh, 8)}` : undefined,
    priceVsValueArea: i.valueArea,
  };
  for (const k of Object.keys(out) as Array<keyof IndicatorSummary>) if (out[k] === undefined) delete out[k];
  return out;
}
