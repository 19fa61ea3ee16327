// The TradingView receiver (Node only: never import this from workflow code).
export { createWebhookServer, startWebhookServer, WEBHOOK_PATH, type WebhookOptions, type RunningWebhook } from './server';
export { TemporalAlertSink, type AlertSink } from './deliver';
export { TRADINGVIEW_SOURCE_ADDRESSES } from './security';
export { alertIdOf } from './alert';
