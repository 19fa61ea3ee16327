import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The Q-bot's Prometheus metrics, on their own registry (the worker serves it; tests read it). */
export class QbotMetrics {
  readonly registry = new Registry();
  readonly bookAgeMs = new Gauge({ name: 'qbot_book_age_ms', help: 'Age of the cached book at its last use', labelNames: ['exchange', 'symbol'], registers: [this.registry] });
  readonly scanSeconds = new Histogram({
    name: 'qbot_scan_seconds', help: 'Book update applied to the cache -> decision', labelNames: ['strategy'],
    buckets: [5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 5e-3, 2.5e-2], registers: [this.registry],
  });
  readonly opportunitiesSeen = new Counter({ name: 'qbot_opportunities_seen_total', help: 'Candidates evaluated in Decimal', labelNames: ['strategy'], registers: [this.registry] });
  readonly opportunitiesTaken = new Counter({ name: 'qbot_opportunities_taken_total', help: 'Attempts started', labelNames: ['strategy'], registers: [this.registry] });
  readonly rejections = new Counter({ name: 'qbot_rejections_total', help: 'Rejected candidates by gate code', labelNames: ['strategy', 'code'], registers: [this.registry] });
  readonly attempts = new Counter({ name: 'qbot_attempts_total', help: 'Finished attempts by status', labelNames: ['strategy', 'status'], registers: [this.registry] });
  readonly killSwitch = new Gauge({ name: 'qbot_kill_switch_tripped', help: '1 when the kill switch stopped trading', registers: [this.registry] });
  readonly unansweredAtStart = new Counter({ name: 'qbot_unanswered_orders_at_start_total', help: 'Orders sent before a restart without an answer, by what the start-up lookup found (recovered, notAtExchange, unresolved)', labelNames: ['exchange', 'outcome'], registers: [this.registry] });
}
