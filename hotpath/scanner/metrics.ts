import { Gauge, type Registry } from 'prom-client';
import type { ContextLevel, MarketContext } from '../../domain/market-context';

/** Level as a number for graphs: 0 aggressive, 1 normal, 2 careful. */
export const LEVEL_VALUE: Record<ContextLevel, number> = { aggressive: 0, normal: 1, careful: 2 };

/**
 * Prometheus gauges for the scanner. Prometheus values are floats: the threshold gauge is for
 * graphs only; decisions read the Decimal in the context, never this.
 */
export class ScannerMetrics {
  private readonly level: Gauge<'exchange' | 'symbol'>;
  private readonly threshold: Gauge<'exchange' | 'symbol'>;
  private readonly depth: Gauge<'exchange' | 'symbol'>;
  private readonly highVol: Gauge<'exchange' | 'symbol'>;
  private readonly updateMs: Gauge;

  constructor(registry: Registry) {
    const labelNames = ['exchange', 'symbol'] as const;
    const registers = [registry];
    this.level = new Gauge({ name: 'qbot_market_context_level', help: 'Market context level: 0 aggressive, 1 normal, 2 careful', labelNames, registers });
    this.threshold = new Gauge({ name: 'qbot_market_context_threshold_percent', help: 'Net-profit threshold from the market context, percent', labelNames, registers });
    this.depth = new Gauge({ name: 'qbot_market_context_depth_multiple', help: 'Depth multiple from the market context', labelNames, registers });
    this.highVol = new Gauge({ name: 'qbot_market_context_high_volatility', help: '1 when high volatility doubles the cycle time', labelNames, registers });
    this.updateMs = new Gauge({ name: 'qbot_market_scanner_update_ms', help: 'Duration of the last full scanner update, ms', registers });
  }

  record(exchange: string, symbol: string, ctx: MarketContext): void {
    const labels = { exchange, symbol };
    this.level.set(labels, LEVEL_VALUE[ctx.level]);
    this.threshold.set(labels, Number(ctx.thresholdPercent.toFixed()));
    this.depth.set(labels, Number(ctx.depthMultiple.toFixed()));
    this.highVol.set(labels, ctx.highVolatility ? 1 : 0);
  }

  updateTook(ms: number): void {
    this.updateMs.set(ms);
  }
}
