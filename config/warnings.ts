import * as path from 'node:path';
import { Decimal } from '../domain/money/decimal';
import { DEFAULT_CONFIG_DIR, type AppConfig, type ConfigProblem } from './loader';

/**
 * Settings that are valid but risky: printed by `qbot config check` and logged at start. Not
 * errors, because each has a legitimate use (a dashboard behind a firewall, a tiny test account).
 */

/** A loss limit above this share of the account is reckless (the default is 1 %). */
const RECKLESS_LOSS_SHARE = new Decimal('0.1');

function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

function bindWarning(host: string, what: string): string {
  const where = ['0.0.0.0', '::', ''].includes(host.trim()) ? `${host || '(empty)'} listens on every network interface` : `${host} is not a loopback address`;
  return `${where}: ${what} can be reached from other machines; keep it on 127.0.0.1 behind your own TLS proxy, or make sure a firewall does`;
}

export function configWarnings(config: AppConfig, settingsFile = path.join(DEFAULT_CONFIG_DIR, 'settings.json')): ConfigProblem[] {
  const s = config.settings;
  const out: ConfigProblem[] = [];
  const warn = (key: string, message: string) => out.push({ source: settingsFile, key, message });
  if (!isLoopbackHost(s.webhook.host)) warn('webhook.host', bindWarning(s.webhook.host, 'the TradingView receiver'));
  if (!isLoopbackHost(s.dashboard.host)) warn('dashboard.host', bindWarning(s.dashboard.host, 'the dashboard (reads need the token from other machines, but it is exposed)'));
  const loss = s.qbot.killSwitch.maxDailyLossUsd;
  if (s.account && loss.gt(s.account.sizeUsd.times(RECKLESS_LOSS_SHARE))) {
    const share = loss.div(s.account.sizeUsd).times(100).toDecimalPlaces(1);
    warn('qbot.killSwitch.maxDailyLossUsd', `${loss.toFixed()} USD a day is ${share.toFixed()} % of the account (account.sizeUsd ${s.account.sizeUsd.toFixed()}): the kill switch would let most of it go first`);
  }
  return out;
}
