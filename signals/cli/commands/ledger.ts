import type { Command } from 'commander';
import { Decimal } from '../../../domain/money/decimal';
import { formatDecimal } from '../../../domain/money/format';
import { parseDecimal } from '../../../domain/money/parse';
import { EXCHANGE_IDS, type ExchangeId } from '../../../domain/market';
import { FeeBook } from '../../../domain/fees';
import { loadConfig } from '../../../config/loader';
import { effectiveEnv } from '../../../config/dotenv';
import { SqliteLedger, defaultLedgerFile } from '../../../adapters/persistence/ledger-sqlite';
import { feeSchedulesFromSettings, hydrateFeeBookFromLedger } from '../../../adapters/persistence/fee-book-setup';
import type { LedgerEntryKind } from '../../../ports/ledger';

interface Common {
  file?: string;
  json?: boolean;
}

const ledgerFile = (o: Common) => o.file ?? defaultLedgerFile(effectiveEnv().QBOT_DATA_DIR);
const s = formatDecimal;

/** A time as ms since the epoch or an ISO date ("2026-11-01"). */
function parseTime(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t)) throw new Error(`--${what} must be ms since the epoch or an ISO date, got "${v}"`);
  return t;
}

function withLedger(o: Common, fn: (l: SqliteLedger) => unknown): void {
  const ledger = SqliteLedger.open({ file: ledgerFile(o), readOnly: true });
  try {
    const out = fn(ledger);
    console.log(o.json ? JSON.stringify(out, (_k, v: unknown) => (Decimal.isDecimal(v) ? s(v as Decimal) : v)) : String(out));
  } finally {
    ledger.close();
  }
}

const table = (rows: Array<{ exchange: string; asset: string; amount: Decimal }>) =>
  rows.length ? rows.map((r) => `${r.exchange.padEnd(12)} ${r.asset.padEnd(6)} ${s(r.amount)}`).join('\n') : '(none)';

/** `qbot ledger ...` (read-only views of the ledger) and `qbot fees quote` (the fee book's answer). */
export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('read the ledger (never writes)');
  const common = (c: Command) => c.option('--file <file>', 'ledger file (default: $QBOT_DATA_DIR/ledger.sqlite)').option('--json', 'print JSON');

  common(ledger.command('balances').description('balances implied by the booked entries'))
    .action((o: Common) => withLedger(o, (l) => (o.json ? l.impliedBalances() : table(l.impliedBalances()))));

  common(ledger.command('fees').description('fees paid per exchange and asset'))
    .option('--since <time>', 'from (ms or ISO date)')
    .option('--exchange <id>', 'only this exchange')
    .action((o: Common & { since?: string; exchange?: string }) => withLedger(o, (l) => {
      if (o.exchange && !(EXCHANGE_IDS as readonly string[]).includes(o.exchange)) throw new Error(`--exchange must be one of ${EXCHANGE_IDS.join(', ')}`);
      const rows = l.feesPaid({ since: parseTime(o.since, 'since'), exchange: o.exchange as ExchangeId | undefined });
      return o.json ? rows : table(rows);
    }));

  common(ledger.command('pnl').description('realised PnL in USD'))
    .option('--since <time>', 'from (ms or ISO date)')
    .option('--until <time>', 'until, exclusive (ms or ISO date)')
    .action((o: Common & { since?: string; until?: string }) => withLedger(o, (l) => {
      const pnl = l.realisedPnlUsd({ since: parseTime(o.since, 'since'), until: parseTime(o.until, 'until') });
      return o.json ? { realisedPnlUsd: pnl } : `realised PnL: ${s(pnl)} USD`;
    }));

  common(ledger.command('entries').description('booked entries, oldest first'))
    .option('--kind <kind>', 'only this kind (fill, fee, order-rejected, ...)')
    .option('--correlation <id>', 'only this correlation id')
    .option('--since <time>', 'from (ms or ISO date)')
    .option('--last <n>', 'only the last n', (v) => Number.parseInt(v, 10))
    .action((o: Common & { kind?: string; correlation?: string; since?: string; last?: number }) => withLedger(o, (l) => {
      const all = l.entries({ kind: o.kind as LedgerEntryKind | undefined, correlationId: o.correlation, since: parseTime(o.since, 'since') });
      const rows = o.last && o.last > 0 ? all.slice(-o.last) : all;
      if (o.json) return rows;
      return rows.map((e) => [e.id, new Date(e.at).toISOString(), e.kind, e.exchange ?? '-', e.asset ?? '-', e.delta ? s(e.delta) : '-', e.correlationId, ...(e.details?.simulated === true ? ['[simulated]'] : [])].join('  ')).join('\n') || '(none)';
    }));

  program
    .command('fees')
    .description('the fee book')
    .command('quote <exchange> <symbol> <notionalUsd>')
    .description('the taker fee a trade would really pay now (config, discounts, allowance used per the ledger)')
    .option('--discount-asset-usd <usd>', 'USD value of the discount asset (BNB) held on the exchange')
    .option('--file <file>', 'ledger file for allowance usage (default: $QBOT_DATA_DIR/ledger.sqlite, if present)')
    .option('--json', 'print JSON')
    .action((exchange: string, symbol: string, notional: string, o: Common & { discountAssetUsd?: string }) => {
      if (!(EXCHANGE_IDS as readonly string[]).includes(exchange)) throw new Error(`exchange must be one of ${EXCHANGE_IDS.join(', ')}`);
      const cfg = loadConfig({ env: effectiveEnv() });
      // The venue the adapters trade: Binance.US quotes its own fallback tiers.
      const book = new FeeBook(feeSchedulesFromSettings(cfg.settings.fees, cfg.env.BINANCE_VARIANT));
      const now = Date.now();
      try {
        const l = SqliteLedger.open({ file: ledgerFile(o), readOnly: true });
        hydrateFeeBookFromLedger(book, l, now);
        l.close();
      } catch {
        // No ledger yet: nothing of the allowance has been used.
      }
      const q = book.effectiveTakerFee(exchange as ExchangeId, symbol, parseDecimal(notional), now, {
        discountAssetValueUsd: o.discountAssetUsd ? parseDecimal(o.discountAssetUsd) : undefined,
      });
      console.log(o.json ? JSON.stringify({ rate: s(q.rate), feeCurrency: q.feeCurrency, source: q.source, reason: q.reason }) : `${s(q.rate.times(100))} % in ${q.feeCurrency}: ${q.reason}`);
    });
}
