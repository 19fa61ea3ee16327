import * as fs from 'node:fs';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type Database from 'better-sqlite3';
import type { z } from 'zod';

export interface StateOpenOptions {
  /** A file path or ':memory:'. Default: <dataDir>/state.sqlite. */
  file?: string;
  /** Default: QBOT_DATA_DIR or '.data'. */
  dataDir?: string;
}

export function defaultStateFile(dataDir?: string): string {
  return path.join(dataDir ?? process.env.QBOT_DATA_DIR ?? '.data', 'state.sqlite');
}

/**
 * Small durable state that must survive a restart but is not a ledger line: the hot path's pause
 * and kill switch, paper balances, withdrawal idempotency keys, id counters. One row per
 * (scope, key) holding JSON (money inside as decimal strings). Same durability as the ledger:
 * WAL with synchronous=FULL, so a write has been fsynced when the call returns.
 */
export class StateStore {
  private readonly getStmt: Database.Statement;
  private readonly setStmt: Database.Statement;
  private readonly delStmt: Database.Statement;
  private readonly scopeStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;

  private constructor(private readonly db: Database.Database, readonly file: string) {
    db.exec(`CREATE TABLE IF NOT EXISTS control_state (
      scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at INTEGER NOT NULL,
      PRIMARY KEY (scope, key)) WITHOUT ROWID`);
    this.getStmt = db.prepare('SELECT value FROM control_state WHERE scope = ? AND key = ?');
    this.setStmt = db.prepare(`INSERT INTO control_state (scope, key, value, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
    this.insertStmt = db.prepare('INSERT OR IGNORE INTO control_state (scope, key, value, updated_at) VALUES (?, ?, ?, ?)');
    this.delStmt = db.prepare('DELETE FROM control_state WHERE scope = ? AND key = ?');
    this.scopeStmt = db.prepare('SELECT key, value FROM control_state WHERE scope = ? ORDER BY key');
  }

  static open(opts: StateOpenOptions = {}): StateStore {
    const file = opts.file ?? defaultStateFile(opts.dataDir);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    // A pause or a withdrawal key acknowledged must survive power loss like a ledger line.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    return new StateStore(db, file);
  }

  /** The value under (scope, key), validated; a row that no longer parses is an error, not a default. */
  get<T>(scope: string, key: string, schema: z.ZodType<T>): T | undefined {
    const row = this.getStmt.get(scope, key) as { value: string } | undefined;
    if (!row) return undefined;
    const parsed = schema.safeParse(JSON.parse(row.value));
    if (!parsed.success) throw new Error(`state ${scope}/${key} in ${this.file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  }

  set(scope: string, key: string, value: unknown, at = Date.now()): void {
    this.setStmt.run(scope, key, JSON.stringify(value), at);
  }

  /** Writes only when (scope, key) is absent; true when written (a first claim of a key). */
  setIfAbsent(scope: string, key: string, value: unknown, at = Date.now()): boolean {
    return this.insertStmt.run(scope, key, JSON.stringify(value), at).changes === 1;
  }

  /** Several rows of one scope in one transaction (one fsync). */
  setMany(scope: string, rows: ReadonlyArray<[string, unknown]>, at = Date.now()): void {
    this.db.transaction(() => {
      for (const [key, value] of rows) this.setStmt.run(scope, key, JSON.stringify(value), at);
    })();
  }

  delete(scope: string, key: string): void {
    this.delStmt.run(scope, key);
  }

  /** Every row of a scope, validated. */
  all<T>(scope: string, schema: z.ZodType<T>): Array<[string, T]> {
    return (this.scopeStmt.all(scope) as Array<{ key: string; value: string }>).map(({ key, value }) => {
      const parsed = schema.safeParse(JSON.parse(value));
      if (!parsed.success) throw new Error(`state ${scope}/${key} in ${this.file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return [key, parsed.data];
    });
  }

  /** Atomically adds one to a counter and returns the new value (ids unique across restarts). */
  next(scope: string, key: string, at = Date.now()): number {
    return this.db.transaction((): number => {
      const row = this.getStmt.get(scope, key) as { value: string } | undefined;
      const n = (row ? Number(JSON.parse(row.value)) : 0) + 1;
      this.setStmt.run(scope, key, JSON.stringify(n), at);
      return n;
    }).immediate();
  }

  /** Runs `fn` in one transaction (writes inside commit together; nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Runs `fn` in one BEGIN IMMEDIATE transaction: the write lock is taken before `fn` reads, so a
   * read-modify-write is atomic across processes sharing the file (busy_timeout waits for the lock).
   */
  immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    this.db.close();
  }
}
