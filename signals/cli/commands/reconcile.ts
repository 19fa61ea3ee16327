import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { formatDecimal } from '../../../domain/money/format';
import { nonNegativeDecimalString } from '../../../domain/money/schemas';
import { EXCHANGE_IDS } from '../../../domain/market';
import { compareBalances, type PlaceBalance } from '../../../domain/reconcile';
import { loadConfig } from '../../../config/loader';
import { effectiveEnv } from '../../../config/dotenv';
import { SqliteLedger, defaultLedgerFile } from '../../../adapters/persistence/ledger-sqlite';
import { StateStore, defaultStateFile } from '../../../adapters/persistence/state-sqlite';
import { createExchangeAdapters } from '../../../adapters/exchanges/factory';
import { simulatorCcxtOptions } from '../../../adapters/sim';
import { systemClock } from '../../../ports/clock';
import { openMissingDeposits, type MissingDeposit } from '../../../activities/missing-deposits';

interface Opts {
  json?: boolean;
  dataDir?: string;
  live?: boolean;
}

/** Paper balances as the paper venues keep them in state.sqlite (what the paper "exchange" holds). */
function paperBalances(dataDir: string): PlaceBalance[] {
  const file = defaultStateFile(dataDir);
  if (!fs.existsSync(file)) throw new Error(`no paper state at ${file} (nothing has traded on paper there yet)`);
  const store = StateStore.open({ file });
  try {
    return EXCHANGE_IDS.flatMap((exchange) => store.all(`paper-balances:${exchange}`, z.strictObject({ total: nonNegativeDecimalString })).map(([asset, r]) => ({ exchange, asset, amount: r.total })));
  } finally {
    store.close();
  }
}

/** Each enabled exchange's own balances through ccxt (keys from the environment; SIM_URL: that simulator, as the demo trades it). */
async function liveBalances(simUrl: string | undefined): Promise<PlaceBalance[]> {
  const cfg = loadConfig({ env: effectiveEnv() });
  const out: PlaceBalance[] = [];
  for (const exchange of cfg.settings.exchanges.enabled) {
    const sim = simUrl ? simulatorCcxtOptions(simUrl, exchange) : undefined;
    const v = await createExchangeAdapters({ exchange, env: cfg.env, settings: cfg.settings, clock: systemClock, networks: cfg.networks, ...(sim ? { urlsOverride: sim.urls, ccxtOptions: sim.ccxtOptions } : {}) });
    try {
      const b = await v.account.balances();
      if (!('assets' in b)) throw new Error(`${exchange}: balances unavailable: ${b.reason}`);
      for (const [asset, bal] of Object.entries(b.assets)) out.push({ exchange, asset, amount: bal.total });
    } finally {
      await v.close();
    }
  }
  return out;
}

/**
 * `qbot reconcile [--json]`: the balances the ledger implies against each exchange's balances,
 * per venue and asset. Reports only (exit 1 when anything differs); it never books a correction.
 */
export function registerReconcileCommands(program: Command): void {
  program.command('reconcile')
    .description('compare the balances the ledger implies with each exchange\'s balances (exit 1 on any difference)')
    .option('--json', 'print JSON')
    .option('--data-dir <dir>', 'where ledger.sqlite and state.sqlite are (default: $QBOT_DATA_DIR or .data)')
    .option('--live', 'ask the exchanges (ccxt, keys from the environment; SIM_URL: that simulator) instead of the paper venues; default: TRADING_MODE, or SIM_URL set')
    .action(async (o: Opts) => {
      const env = effectiveEnv();
      const dataDir = path.resolve(o.dataDir ?? env.QBOT_DATA_DIR ?? '.data');
      // The supervised demo's exchange is its simulator process (SIM_URL): asked like a live venue.
      const simUrl = env.SIM_URL || undefined;
      const live = o.live ?? (env.TRADING_MODE === 'live' || simUrl !== undefined);
      const ledger = SqliteLedger.open({ file: defaultLedgerFile(dataDir), readOnly: true });
      let implied: PlaceBalance[];
      let missing: MissingDeposit[];
      try {
        implied = ledger.impliedBalances();
        // Sent and not credited: both sides agree it left, so no difference, but money to account for.
        missing = openMissingDeposits(ledger);
      } finally {
        ledger.close();
      }
      const exchange = live ? await liveBalances(simUrl) : paperBalances(dataDir);
      const r = compareBalances(implied, exchange);
      const s = formatDecimal;
      const differences = r.differences.map((d) => ({ exchange: d.exchange, asset: d.asset, ledgerAmount: s(d.ledgerAmount), exchangeAmount: s(d.exchangeAmount), difference: s(d.difference) }));
      const missingDeposits = missing.map((m) => ({ from: m.from, to: m.to, asset: m.asset, inTransit: m.inTransit, txid: m.txid, since: new Date(m.since).toISOString(), correlationId: m.correlationId }));
      if (o.json) console.log(JSON.stringify({ ok: r.ok, source: live ? (simUrl ? 'simulator' : 'live') : 'paper', differences, ...(missingDeposits.length ? { missingDeposits } : {}) }, null, 2));
      else {
        console.log(r.ok ? `ledger and ${live ? 'exchanges' : 'paper venues'} agree` : `ledger and ${live ? 'exchanges' : 'paper venues'} DIFFER`);
        for (const d of differences) {
          console.log(`${d.exchange.padEnd(10)} ${d.asset.padEnd(6)} ledger ${d.ledgerAmount.padEnd(14)} exchange ${d.exchangeAmount.padEnd(14)} difference ${d.difference}${d.difference === '0' ? '' : '  <-'}`);
        }
        for (const m of missingDeposits) console.log(`DEPOSIT MISSING, in transit: ${m.inTransit} ${m.asset} ${m.from} -> ${m.to} (txid ${m.txid}, since ${m.since}, ${m.correlationId})`);
      }
      if (!r.ok) process.exitCode = 1;
    });
}
