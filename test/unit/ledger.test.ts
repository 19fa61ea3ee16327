import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { LedgerKeyConflictError } from '../../ports/ledger';
import { SqliteLedger, defaultLedgerFile } from '../../adapters/persistence/ledger-sqlite';
import { LEDGER_SCHEMA_VERSION, schemaVersion } from '../../adapters/persistence/ledger-schema';
import type { LedgerEntry } from '../../ports/ledger';

const d = (s: string) => new Decimal(s);
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-test-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const fee = (at: number, exchange: 'binance' | 'kraken', asset: string, amount: string, key: string): LedgerEntry => ({
  kind: 'fee', at, exchange, asset, delta: d(amount).negated(), correlationId: `c-${key}`, idempotencyKey: key,
});

describe('SqliteLedger', () => {
  test('opens under QBOT_DATA_DIR by default with WAL and synchronous=FULL', () => {
    expect(defaultLedgerFile('/x/y')).toBe(path.join('/x/y', 'ledger.sqlite'));
    const ledger = SqliteLedger.open({ dataDir: path.join(dir, 'nested') });
    expect(ledger.file).toBe(path.join(dir, 'nested', 'ledger.sqlite'));
    ledger.close();
    const raw = new BetterSqlite3(path.join(dir, 'nested', 'ledger.sqlite'));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(raw)).toBe(LEDGER_SCHEMA_VERSION);
    raw.close();
  });

  test('entries survive closing and reopening the file, exactly as written', () => {
    const file = path.join(dir, 'l.sqlite');
    const a = SqliteLedger.open({ file });
    expect(a.append([{ kind: 'fill', at: 1000, exchange: 'kraken', asset: 'BTC', delta: d('0.00000001'), usdValue: d('0.00064772'), correlationId: 'x', idempotencyKey: 'k1', details: { price: d('64772.43'), note: 'tiny' } }])).toBe(true);
    a.close();
    const b = SqliteLedger.open({ file });
    const [e] = b.entries();
    expect(e).toBeDefined();
    expect(e!.id).toBe(1);
    expect(formatDecimal(e!.delta!)).toBe('0.00000001');
    expect(formatDecimal(e!.usdValue!)).toBe('0.00064772');
    expect(e!.details).toEqual({ price: '64772.43', note: 'tiny' });
    // Reopening runs migrations again: they must be no-ops on an up-to-date file.
    expect(b.append([fee(2000, 'kraken', 'USD', '0.26', 'k2')])).toBe(true);
    b.close();
    const c = SqliteLedger.open({ file });
    expect(c.entries().map((x) => x.id)).toEqual([1, 2]);
    c.close();
  });

  test('a batch whose idempotency key is already booked is skipped whole', () => {
    const l = SqliteLedger.open({ file: ':memory:' });
    expect(l.append([fee(1, 'binance', 'USDT', '0.1', 'a'), fee(1, 'binance', 'USDT', '0.2', 'b')])).toBe(true);
    // The same content again (a retried step) is a no-op for the whole batch ...
    expect(l.append([fee(2, 'binance', 'USDT', '5', 'c'), fee(2, 'binance', 'USDT', '0.2', 'b')])).toBe(false);
    // ... other content under a booked key is a conflict, never a silent skip; nothing is written.
    expect(() => l.append([fee(2, 'binance', 'USDT', '5', 'c'), fee(2, 'binance', 'USDT', '7', 'b')])).toThrow(LedgerKeyConflictError);
    expect(l.entries()).toHaveLength(2);
    expect(l.entries({ correlationId: 'c-c' })).toHaveLength(0);
    // Entries without a key are always written (decisions and the like).
    expect(l.append([{ kind: 'decision', at: 3, correlationId: 'd' }])).toBe(true);
    expect(l.append([{ kind: 'decision', at: 3, correlationId: 'd' }])).toBe(true);
    expect(l.entries({ kind: 'decision' })).toHaveLength(2);
    l.close();
  });

  test('invalid entries throw a clear error and write nothing', () => {
    const l = SqliteLedger.open({ file: ':memory:' });
    expect(() => l.append([fee(1, 'binance', 'USDT', '1', 'ok'), { kind: 'fill', at: 1, asset: 'BTC', correlationId: 'x' }])).toThrow(/asset and delta go together/);
    expect(() => l.append([{ kind: 'fill', at: 1, asset: 'btc', delta: d('1'), correlationId: 'x' }])).toThrow(/upper-case/);
    expect(() => l.append([{ kind: 'fill', at: 1, asset: 'BTC', delta: d('NaN'), correlationId: 'x' }])).toThrow(/finite Decimal/);
    expect(() => l.append([fee(1, 'binance', 'USDT', '1', 'dup'), fee(1, 'binance', 'USDT', '1', 'dup')])).toThrow(/twice/);
    expect(() => l.append([{ kind: 'nonsense' as never, at: 1, correlationId: 'x' }])).toThrow(/kind/);
    expect(l.entries()).toHaveLength(0);
    l.close();
  });

  test('SQL triggers forbid UPDATE and DELETE, even from outside the adapter', () => {
    const file = path.join(dir, 'l.sqlite');
    const l = SqliteLedger.open({ file });
    l.append([fee(1, 'binance', 'USDT', '1', 'a')]);
    l.close();
    const raw = new BetterSqlite3(file);
    expect(() => raw.prepare("UPDATE entries SET delta = '-100'").run()).toThrow(/append-only: UPDATE/);
    expect(() => raw.prepare('DELETE FROM entries').run()).toThrow(/append-only: DELETE/);
    expect((raw.prepare('SELECT delta FROM entries').get() as { delta: string }).delta).toBe('-1');
    raw.close();
  });

  test('a file from a newer schema is refused', () => {
    const file = path.join(dir, 'l.sqlite');
    SqliteLedger.open({ file }).close();
    const raw = new BetterSqlite3(file);
    raw.prepare('INSERT INTO schema_version (version) VALUES (?)').run(LEDGER_SCHEMA_VERSION + 1);
    raw.close();
    expect(() => SqliteLedger.open({ file })).toThrow(/newer than this program knows/);
  });

  test('PnL, fees and implied balances are exact to the last digit (no float sums)', () => {
    const l = SqliteLedger.open({ file: ':memory:' });
    l.append([
      { kind: 'fill', at: 10, exchange: 'binance', asset: 'USDT', delta: d('0.1'), realisedPnlUsd: d('0.1'), correlationId: 'p1', idempotencyKey: 'p1' },
      { kind: 'fill', at: 20, exchange: 'binance', asset: 'USDT', delta: d('0.2'), realisedPnlUsd: d('0.2'), correlationId: 'p2', idempotencyKey: 'p2' },
      { kind: 'fill', at: 30, exchange: 'kraken', asset: 'BTC', delta: d('0.00000001'), realisedPnlUsd: d('-0.000000000000000001'), correlationId: 'p3', idempotencyKey: 'p3' },
      fee(40, 'binance', 'USDT', '0.06015', 'f1'),
      fee(50, 'binance', 'BNB', '0.00012345', 'f2'),
      fee(60, 'kraken', 'USD', '0.0000001', 'f3'),
      fee(70, 'binance', 'USDT', '0.00000000000000000003', 'f4'),
    ]);
    // 0.1 + 0.2 - 1e-18 = 0.299999999999999999 (a float would print 0.30000000000000004).
    expect(formatDecimal(l.realisedPnlUsd())).toBe('0.299999999999999999');
    expect(formatDecimal(l.realisedPnlUsd({ since: 20 }))).toBe('0.199999999999999999');
    expect(formatDecimal(l.realisedPnlUsd({ since: 10, until: 30 }))).toBe('0.3');
    const fees = l.feesPaid().map((f) => [f.exchange, f.asset, formatDecimal(f.amount)]);
    // USDT: 0.06015 + 0.00000000000000000003 = 0.06015000000000000003
    expect(fees).toEqual([['binance', 'BNB', '0.00012345'], ['binance', 'USDT', '0.06015000000000000003'], ['kraken', 'USD', '0.0000001']]);
    expect(l.feesPaid({ exchange: 'kraken' }).map((f) => f.asset)).toEqual(['USD']);
    expect(l.feesPaid({ since: 45, until: 65 }).map((f) => f.asset)).toEqual(['BNB', 'USD']);
    const bal = l.impliedBalances().map((b) => [b.exchange, b.asset, formatDecimal(b.amount)]);
    // binance USDT: 0.1 + 0.2 - 0.06015 - 0.00000000000000000003 = 0.23984999999999999997
    expect(bal).toEqual([
      ['binance', 'BNB', '-0.00012345'],
      ['binance', 'USDT', '0.23984999999999999997'],
      ['kraken', 'BTC', '0.00000001'],
      ['kraken', 'USD', '-0.0000001'],
    ]);
    l.close();
  });

  test('implied balances stay current when another connection appends, and a corrupt row fails loudly', () => {
    const file = path.join(dir, 'l.sqlite');
    const a = SqliteLedger.open({ file });
    const b = SqliteLedger.open({ file });
    a.append([{ kind: 'transfer-in', at: 1, exchange: 'kraken', asset: 'USDT', delta: d('0.1'), correlationId: 't1', idempotencyKey: 't1' }]);
    expect(a.impliedBalances().map((x) => formatDecimal(x.amount))).toEqual(['0.1']);
    b.append([{ kind: 'transfer-in', at: 2, exchange: 'kraken', asset: 'USDT', delta: d('0.2'), correlationId: 't2', idempotencyKey: 't2' }]);
    // 0.1 + 0.2, read incrementally from the cached 0.1 plus the new line
    expect(a.impliedBalances().map((x) => formatDecimal(x.amount))).toEqual(['0.3']);
    const raw = new BetterSqlite3(file);
    raw.prepare("INSERT INTO entries (kind, at, exchange, asset, delta, correlation_id) VALUES ('fill', 3, 'kraken', 'USDT', '1e3', 'bad')").run();
    raw.close();
    expect(() => a.impliedBalances()).toThrow(/decimal/);
    expect(() => b.entries()).toThrow(/decimal/);
    a.close();
    b.close();
  });

  test('interleaved batches from two connections to one file all land, each exactly once', async () => {
    const file = path.join(dir, 'l.sqlite');
    const a = SqliteLedger.open({ file });
    const b = SqliteLedger.open({ file });
    // Each "worker" books 50 batches of 3 lines; both also try to book the same 10 shared keys.
    const work = (l: SqliteLedger, name: string) =>
      Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          Promise.resolve().then(() => {
            const key = i < 50 ? `${name}-${i}` : `shared-${i}`;
            return l.append([
              { kind: 'fill', at: i, exchange: 'binance', asset: 'BTC', delta: d('0.001'), correlationId: key, idempotencyKey: `${key}:base` },
              { kind: 'fill', at: i, exchange: 'binance', asset: 'USDT', delta: d('-64.77243'), correlationId: key, idempotencyKey: `${key}:quote` },
              fee(i, 'binance', 'USDT', '0.06477243', `${key}:fee`),
            ]);
          }),
        ),
      );
    const [ra, rb] = await Promise.all([work(a, 'a'), work(b, 'b')]);
    const written = [...ra, ...rb].filter(Boolean).length;
    expect(written).toBe(110); // 50 + 50 own batches + the 10 shared ones once
    expect(a.entries()).toHaveLength(330);
    const bal = Object.fromEntries(b.impliedBalances().map((x) => [x.asset, formatDecimal(x.amount)]));
    // 110 batches: BTC 110 * 0.001 = 0.11; USDT -110 * (64.77243 + 0.06477243) = -110 * 64.83720243 = -7132.0922673
    expect(bal).toEqual({ BTC: '0.11', USDT: '-7132.0922673' });
    a.close();
    b.close();
  });
});
