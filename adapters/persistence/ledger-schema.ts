import type Database from 'better-sqlite3';

/**
 * The ledger's schema and its migrations. Each migration runs once, in order, inside a
 * transaction together with the version bump, so a crash mid-migration leaves the old version.
 * Money columns are TEXT holding decimal strings: SQLite's REAL would round them and its SUM
 * would add them as floats, so sums are always done in Decimal in TypeScript.
 */
const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        at INTEGER NOT NULL,
        exchange TEXT,
        asset TEXT,
        delta TEXT,
        usd_value TEXT,
        realised_pnl_usd TEXT,
        correlation_id TEXT NOT NULL,
        idempotency_key TEXT UNIQUE,
        details TEXT,
        CHECK ((asset IS NULL) = (delta IS NULL))
      );
      CREATE INDEX entries_kind_at ON entries(kind, at);
      CREATE INDEX entries_correlation ON entries(correlation_id);
      CREATE INDEX entries_at ON entries(at);
      -- Append-only: a booked line is never changed or removed; corrections are new lines.
      CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
        BEGIN SELECT RAISE(ABORT, 'ledger is append-only: UPDATE is forbidden'); END;
      CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
        BEGIN SELECT RAISE(ABORT, 'ledger is append-only: DELETE is forbidden'); END;
    `,
  },
];

export const LEDGER_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function schemaVersion(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/** Brings the file to the latest version; refuses a file written by a newer program. */
export function migrateLedger(db: Database.Database): number {
  const current = schemaVersion(db);
  if (current > LEDGER_SCHEMA_VERSION) {
    throw new Error(`ledger schema version ${current} is newer than this program knows (${LEDGER_SCHEMA_VERSION}): refusing to write to it`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      // Read again under the write lock: another process opening the same fresh file (the demo's
      // workers start side by side) may have applied this migration since the read above.
      if (schemaVersion(db) >= m.version) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
    }).immediate();
  }
  return LEDGER_SCHEMA_VERSION;
}
