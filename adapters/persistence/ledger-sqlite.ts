import * as fs from 'node:fs';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type Database from 'better-sqlite3';
import { Decimal, ZERO } from '../../domain/money/decimal';
import type { ExchangeId } from '../../domain/market';
import { parseDecimal } from '../../domain/money/parse';
import { LedgerKeyConflictError, type Ledger, type LedgerEntry, type LedgerEntryKind, type LedgerKeyContent, type StoredLedgerEntry } from '../../ports/ledger';
import { LEDGER_SCHEMA_VERSION, migrateLedger } from './ledger-schema';
import { deltaRowSchema, pnlRowSchema, entryToRow, rowToEntry, type LedgerRow } from './ledger-rows';

export interface LedgerOpenOptions {
  /** A file path or ':memory:'. Default: <dataDir>/ledger.sqlite. */
  file?: string;
  /** Default: QBOT_DATA_DIR or '.data'. */
  dataDir?: string;
  /** For inspection (the CLI): the file must exist and is never written or migrated. */
  readOnly?: boolean;
  /**
   * This process's venues are the local simulator (the demo, SIM_URL): every entry it books is
   * tagged `details.simulated: true`, so a data folder later used for paper or live trading never
   * mixes the demo's money with real figures unmarked.
   */
  simulated?: boolean;
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
type KeyRow = { kind: string; exchange: string | null; asset: string | null; delta: string | null; correlation_id: string };

function keyContent(r: KeyRow): LedgerKeyContent {
  return { kind: r.kind, exchange: r.exchange, asset: r.asset, delta: r.delta, correlationId: r.correlation_id };
}

/** Amounts compare as numbers ("0.10" is "0.1"); the rest as written. */
function sameContent(a: LedgerKeyContent, b: LedgerKeyContent): boolean {
  const sameDelta = a.delta === null || b.delta === null ? a.delta === b.delta : new Decimal(a.delta).eq(b.delta);
  return a.kind === b.kind && a.exchange === b.exchange && a.asset === b.asset && a.correlationId === b.correlationId && sameDelta;
}

/**
 * The ledger in SQLite. better-sqlite3 is synchronous, so `append` has hit the disk (WAL with
 * synchronous=FULL fsyncs each commit) when it returns: the caller may acknowledge after it.
 */
export class SqliteLedger implements Ledger {
  private readonly insert: Database.Statement;
  private readonly keyExists: Database.Statement;
  private readonly balanceSums = new Map<string, Total>();
  private balanceCursor = 0;

  private constructor(private readonly db: Database.Database, readonly file: string, private readonly simulated = false) {
    this.insert = db.prepare(`INSERT INTO entries (kind, at, exchange, asset, delta, usd_value, realised_pnl_usd, correlation_id, idempotency_key, details)
      VALUES (@kind, @at, @exchange, @asset, @delta, @usd_value, @realised_pnl_usd, @correlation_id, @idempotency_key, @details)`);
    this.keyExists = db.prepare('SELECT kind, exchange, asset, delta, correlation_id FROM entries WHERE idempotency_key = ?');
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
    return new SqliteLedger(db, file, opts.simulated === true);
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
   * Writes the batch in one transaction. If an entry's idempotency key is already booked with the
   * same content (kind, place, asset, delta, correlation) the whole batch is skipped and false is
   * returned: a retried step never books twice. A key booked with different content is a
   * LedgerKeyConflictError and nothing is written. An invalid entry throws before anything is written.
   */
  append(entries: LedgerEntry[]): boolean {
    if (entries.length === 0) return true;
    const rows = entries.map((e) => entryToRow(this.simulated ? { ...e, details: { ...e.details, simulated: true } } : e));
    const keys = rows.map((r) => r.idempotency_key).filter((k): k is string => k !== null);
    if (new Set(keys).size !== keys.length) throw new Error('invalid ledger batch: the same idempotency key appears twice in it');
    // IMMEDIATE takes the write lock before the key check, so two writers cannot both pass it.
    return this.db
      .transaction((batch: LedgerRow[]): boolean => {
        let replay = false;
        for (const row of batch) {
          if (row.idempotency_key === null) continue;
          const booked = this.keyExists.get(row.idempotency_key) as KeyRow | undefined;
          if (!booked) continue;
          const was = keyContent(booked);
          const now = keyContent(row);
          if (!sameContent(was, now)) throw new LedgerKeyConflictError(row.idempotency_key, was, now);
          replay = true;
        }
        if (replay) return false;
        for (const row of batch) this.insert.run(row);
        return true;
      })
      .immediate(rows);
  }

  entries(q: EntryQuery = {}): StoredLedgerEntry[] {
    const { where, params } = whereClause(q);
    return this.db.prepare(`SELECT * FROM entries ${where} ORDER BY id`).all(params).map(rowToEntry);
  }

  /** Sum of realised PnL booked in [since, until), in Decimal. */
  realisedPnlUsd(q: { since?: number; until?: number } = {}): Decimal {
    const { where, params } = whereClause({ since: q.since, until: q.until });
    let total = ZERO;
    for (const raw of this.db.prepare(`SELECT realised_pnl_usd FROM entries ${where} AND realised_pnl_usd IS NOT NULL`).all(params)) {
      total = total.plus(pnlRowSchema.parse(raw).realised_pnl_usd);
    }
    return total;
  }

  /** Fees paid per exchange and asset (positive numbers; a fee line books a negative delta). */
  feesPaid(q: { since?: number; until?: number; exchange?: ExchangeId } = {}): Total[] {
    const { where, params } = whereClause({ kind: 'fee', since: q.since, until: q.until, exchange: q.exchange });
    const sums = new Map<string, Total>();
    addDeltas(sums, this.db.prepare(`SELECT id, exchange, asset, delta FROM entries ${where} AND asset IS NOT NULL`).all(params));
    return sorted(sums).map((t) => ({ ...t, amount: t.amount.negated() })).filter((t) => !t.amount.isZero());
  }

  transferCosts(q: { since?: number } = {}): Array<{ at: number; correlationId: string; costUsd: Decimal }> {
    const { where, params } = whereClause({ kind: 'decision', since: q.since });
    // Outcomes after which the withdrawal had left: its fee is spent whatever came of it.
    const rows = this.db.prepare(
      `SELECT at, correlation_id AS correlationId, json_extract(details, '$.costUsd') AS costUsd FROM entries ${where}
       AND json_extract(details, '$.what') = 'rebalance' AND json_extract(details, '$.outcome') IN ('completed', 'stuck', 'deposit-missing')
       AND json_extract(details, '$.costUsd') IS NOT NULL ORDER BY id`,
    ).all(params) as Array<{ at: number; correlationId: string; costUsd: unknown }>;
    return rows.map((r) => ({ at: r.at, correlationId: r.correlationId, costUsd: parseDecimal(String(r.costUsd)) }));
  }

  /**
   * Balances implied by every booked delta, per exchange (or cold wallet) and asset. Lines never
   * change, so the sums up to the last id read stay valid: each call reads only newer lines.
   */
  impliedBalances(): Total[] {
    const rows = this.db.prepare('SELECT id, exchange, asset, delta FROM entries WHERE id > ? AND asset IS NOT NULL ORDER BY id').all(this.balanceCursor);
    this.balanceCursor = addDeltas(this.balanceSums, rows, this.balanceCursor);
    return sorted(this.balanceSums).map((t) => ({ ...t }));
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

function whereClause(q: EntryQuery): { where: string; params: Record<string, unknown> } {
  const filters: Array<[unknown, string, string]> = [
    [q.kind, 'kind = @kind', 'kind'],
    [q.correlationId, 'correlation_id = @cid', 'cid'],
    [q.exchange, 'exchange = @exchange', 'exchange'],
    [q.since, 'at >= @since', 'since'],
    [q.until, 'at < @until', 'until'],
  ];
  const clauses = ['1 = 1'];
  const params: Record<string, unknown> = {};
  for (const [value, clause, name] of filters) {
    if (value === undefined) continue;
    clauses.push(clause);
    params[name] = value;
  }
  return { where: `WHERE ${clauses.join(' AND ')}`, params };
}

/** Adds rows' deltas into the sums (validated with zod, summed in Decimal); returns the last id. */
function addDeltas(sums: Map<string, Total>, rows: unknown[], lastId = 0): number {
  let last = lastId;
  for (const raw of rows) {
    const r = deltaRowSchema.parse(raw);
    const exchange = r.exchange ?? 'unknown';
    const key = `${exchange}\u0000${r.asset}`;
    const prev = sums.get(key);
    sums.set(key, { exchange, asset: r.asset, amount: (prev?.amount ?? ZERO).plus(r.delta) });
    last = Math.max(last, r.id);
  }
  return last;
}

function sorted(sums: Map<string, Total>): Total[] {
  return [...sums.values()].sort((a, b) => (a.exchange === b.exchange ? a.asset.localeCompare(b.asset) : a.exchange.localeCompare(b.exchange)));
}
