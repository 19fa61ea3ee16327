import * as fs from 'node:fs';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type Database from 'better-sqlite3';
import { Decimal, ZERO } from '../../domain/money/decimal';
import type { ExchangeId } from '../../domain/market';
import type { Ledger, LedgerEntry, LedgerEntryKind, StoredLedgerEntry } from '../../ports/ledger';
import { LEDGER_SCHEMA_VERSION, migrateLedger } from './ledger-schema';
import { entryToRow, rowToEntry, type LedgerRow } from './ledger-rows';

export interface LedgerOpenOptions {
  /** A file path or ':memory:'. Default: <dataDir>/ledger.sqlite. */
  file?: string;
  /** Default: QBOT_DATA_DIR or '.data'. */
  dataDir?: string;
  /** For inspection (the CLI): the file must exist and is never written or migrated. */
  readOnly?: boolean;
}

export function defaultLedgerFile(dataDir?: string): string {
  return path.join(dataDir ?? process.env.QBOT_DATA_DIR ?? '.data', 'ledger.sqlite');
}

export interface EntryQuery {
  kind?: LedgerEntryKind;
  correlationId?: string;
  exchange?: ExchangeId | 'cold-wallet';
  /** Inclusive lower bound on `at`. */
  since?: number;
  /** Exclusive upper bound on `at`. */
  until?: number;
}

type Total = { exchange: string; asset: string; amount: Decimal };

/**
 * The ledger in SQLite. better-sqlite3 is synchronous, so `append` has hit the disk (WAL with
 * synchronous=FULL fsyncs each commit) when it returns: the caller may acknowledge after it.
 */
export class SqliteLedger implements Ledger {
  private readonly insert: Database.Statement;
  private readonly keyExists: Database.Statement;

  private constructor(private readonly db: Database.Database, readonly file: string) {
    this.insert = db.prepare(`INSERT INTO entries (kind, at, exchange, asset, delta, usd_value, realised_pnl_usd, correlation_id, idempotency_key, details)
      VALUES (@kind, @at, @exchange, @asset, @delta, @usd_value, @realised_pnl_usd, @correlation_id, @idempotency_key, @details)`);
    this.keyExists = db.prepare('SELECT 1 FROM entries WHERE idempotency_key = ?');
  }

  static open(opts: LedgerOpenOptions = {}): SqliteLedger {
    const file = opts.file ?? defaultLedgerFile(opts.dataDir);
    if (opts.readOnly) return SqliteLedger.openReadOnly(file);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    // Money: a commit is durable (fsynced) before append() returns, even on power loss.
    db.pragma('synchronous = FULL');
    // Another process (the CLI, a second worker) may hold the write lock briefly.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrateLedger(db);
    return new SqliteLedger(db, file);
  }

  private static openReadOnly(file: string): SqliteLedger {
    if (!fs.existsSync(file)) throw new Error(`no ledger at ${file}`);
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    let version: number | null = null;
    try {
      version = (db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null }).v;
    } catch {
      // no schema_version table: not a ledger file
    }
    if (version !== LEDGER_SCHEMA_VERSION) {
      db.close();
      throw new Error(`${file} is not a ledger at schema version ${LEDGER_SCHEMA_VERSION} (found ${version ?? 'none'})`);
    }
    return new SqliteLedger(db, file);
  }

  /**
   * Writes the batch in one transaction. If any entry's idempotency key is already booked the
   * whole batch is skipped and false is returned: a retried step never books twice. An invalid
   * entry throws before anything is written.
   */
  append(entries: LedgerEntry[]): boolean {
    if (entries.length === 0) return true;
    const rows = entries.map(entryToRow);
    const keys = rows.map((r) => r.idempotency_key).filter((k): k is string => k !== null);
    if (new Set(keys).size !== keys.length) throw new Error('invalid ledger batch: the same idempotency key appears twice in it');
    // IMMEDIATE takes the write lock before the key check, so two writers cannot both pass it.
    return this.db
      .transaction((batch: LedgerRow[]): boolean => {
        if (keys.some((k) => this.keyExists.get(k) !== undefined)) return false;
        for (const row of batch) this.insert.run(row);
        return true;
      })
      .immediate(rows);
  }

  entries(q: EntryQuery = {}): StoredLedgerEntry[] {
    const filters: Array<[unknown, string, string]> = [
      [q.kind, 'kind = @kind', 'kind'],
      [q.correlationId, 'correlation_id = @cid', 'cid'],
      [q.exchange, 'exchange = @exchange', 'exchange'],
      [q.since, 'at >= @since', 'since'],
      [q.until, 'at < @until', 'until'],
    ];
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    for (const [value, clause, name] of filters) {
      if (value === undefined) continue;
      where.push(clause);
      params[name] = value;
    }
    const sql = `SELECT * FROM entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return this.db.prepare(sql).all(params).map(rowToEntry);
  }

  /** Sum of realised PnL booked in [since, until), in Decimal. */
  realisedPnlUsd(q: { since?: number; until?: number } = {}): Decimal {
    let total = ZERO;
    for (const e of this.entries({ since: q.since, until: q.until })) if (e.realisedPnlUsd) total = total.plus(e.realisedPnlUsd);
    return total;
  }

  /** Fees paid per exchange and asset (positive numbers; a fee line books a negative delta). */
  feesPaid(q: { since?: number; until?: number; exchange?: ExchangeId } = {}): Total[] {
    const sums = sumByExchangeAsset(this.entries({ kind: 'fee', since: q.since, until: q.until, exchange: q.exchange }));
    return sums.map((t) => ({ ...t, amount: t.amount.negated() })).filter((t) => !t.amount.isZero());
  }

  /** Balances implied by every booked delta, per exchange (or cold wallet) and asset. */
  impliedBalances(): Total[] {
    return sumByExchangeAsset(this.entries());
  }

  /** Highest id booked (0 when empty): a cheap "has anything changed" check for readers. */
  lastId(): number {
    const row = this.db.prepare('SELECT MAX(id) AS id FROM entries').get() as { id: number | null };
    return row.id ?? 0;
  }

  close(): void {
    this.db.close();
  }
}

function sumByExchangeAsset(entries: StoredLedgerEntry[]): Total[] {
  const sums = new Map<string, Total>();
  for (const e of entries) {
    if (e.asset === undefined || e.delta === undefined) continue;
    const exchange = e.exchange ?? 'unknown';
    const key = `${exchange}\u0000${e.asset}`;
    const prev = sums.get(key);
    sums.set(key, { exchange, asset: e.asset, amount: (prev?.amount ?? ZERO).plus(e.delta) });
  }
  return [...sums.values()].sort((a, b) => (a.exchange === b.exchange ? a.asset.localeCompare(b.asset) : a.exchange.localeCompare(b.exchange)));
}
