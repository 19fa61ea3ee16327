import { formatDecimal } from '../domain/money/format';
import type { CrossEvaluation, TriEvaluation } from '../domain/arbitrage';

export type Evaluation = CrossEvaluation | TriEvaluation;

/** The wire form of a decision: for logs, the ledger and `qbot scan` (money as decimal strings). */
export interface EvaluationJson {
  time: string;
  strategy: 'cross' | 'triangular';
  venues: string[];
  markets: string[];
  path?: string;
  size: string;
  sizeAsset: string;
  grossProfit: string;
  grossPercent: string;
  netProfit: string;
  netPercent: string;
  thresholdPercent: string;
  accepted: boolean;
  rejectedBy: string | null;
  reason: string | null;
  /** The market context behind the threshold: its reasons, depth multiple, volatility flag. */
  context: { reason: string; depthMultiple: string; highVolatility: boolean } | null;
  legs: Array<{ exchange: string; symbol: string; side: string; amount: string; limitPrice: string; vwap: string }>;
}

const s = (x: { toFixed(): string } & Parameters<typeof formatDecimal>[0]) => formatDecimal(x);

export function evaluationJson(ev: Evaluation, at: number): EvaluationJson {
  const common = {
    time: new Date(at).toISOString(), strategy: ev.strategy, size: s(ev.size),
    grossProfit: s(ev.grossProfit), grossPercent: formatDecimal(ev.grossPercent, 6), netProfit: s(ev.netProfit), netPercent: formatDecimal(ev.netPercent, 6),
    thresholdPercent: s(ev.thresholdPercent), accepted: !ev.rejection, rejectedBy: ev.rejection?.code ?? null, reason: ev.rejection?.message ?? null,
    context: ev.context ? { reason: ev.context.reason, depthMultiple: s(ev.context.depthMultiple), highVolatility: ev.context.highVolatility } : null,
  };
  if (ev.strategy === 'cross') {
    return {
      ...common, venues: [ev.buyAt.split(':')[0]!, ev.sellAt.split(':')[0]!], markets: [ev.buyAt, ev.sellAt], sizeAsset: ev.base,
      legs: (ev.legs ?? []).map((l) => ({ exchange: l.exchange, symbol: l.symbol, side: l.side, amount: s(l.amount), limitPrice: s(l.worstPrice), vwap: s(l.vwap) })),
    };
  }
  return {
    ...common, venues: [ev.exchange], path: ev.path, sizeAsset: ev.start,
    markets: ev.legs.map((l) => `${l.exchange}:${l.symbol}`),
    legs: ev.legs.map((l) => ({ exchange: l.exchange, symbol: l.symbol, side: l.side, amount: s(l.amount), limitPrice: s(l.worstPrice), vwap: s(l.vwap) })),
  };
}
