import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { PaperBalances } from '../../adapters/paper/paper-balances';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import type { LedgerEntry } from '../../ports/ledger';

// A paper fill in one process while another process on the same state.sqlite spends the same
// money. The other process is a second SQLite connection to the file (SQLite's locks are per
// connection, the same as between processes); it writes as PaperBalances would, with no wait for
// a lock, at two moments: during the order's latency, and between the fill's funds check and its
// balance write (the moment the fill is booked in the ledger). Found by the shared-paper work: a
// spend in that window left the fill booked in the ledger but answered as a paper engine error.
const D = (s: string) => new Decimal(s);
const market: Market = {
  exchange: 'binance', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', id: 'BTCUSDT', amountStep: D('0.0001'), priceTick: D('0.01'),
  minAmount: D('0.0001'), minNotional: D('0.5'), takerFee: D('0.001'), makerFee: D('0.001'), active: true,
};
const book: OrderBook = { exchange: 'binance', symbol: 'BTC/USDT', receivedAt: Date.now(), bids: [{ price: D('99'), amount: D('10') }], asks: [{ price: D('100'), amount: D('10') }] };
const order = { exchange: 'binance' as const, symbol: 'BTC/USDT', side: 'buy' as const, type: 'ioc' as const, amount: D('1'), price: D('101'), clientOrderId: 'cid-1' };

let dir: string;
const closers: Array<() => void> = [];
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-fill-shared-')); });
afterEach(() => {
  for (const close of closers.splice(0)) close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The other process (opened when it acts): sets binance's USDT total to `total` in one immediate transaction, or says it could not take the lock. */
function otherProcess(): { spendTo(total: string): 'written' | 'locked out' } {
  return {
    spendTo(total) {
      const db = new BetterSqlite3(path.join(dir, 'state.sqlite'));
      db.pragma('busy_timeout = 0');
      closers.push(() => db.close());
      const write = db.prepare("UPDATE control_state SET value = ? WHERE scope = 'paper-balances:binance' AND key = 'USDT'");
      try {
        db.transaction(() => write.run(JSON.stringify({ total }))).immediate();
        return 'written';
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_BUSY') return 'locked out';
        throw err;
      }
    },
  };
}

function rig(onFillBooked?: () => void, duringLatency?: () => void) {
  const file = path.join(dir, 'state.sqlite');
  const store = StateStore.open({ file });
  const ledger = SqliteLedger.open({ file: path.join(dir, 'ledger.sqlite') });
  closers.push(() => { store.close(); ledger.close(); });
  const append = ledger.append.bind(ledger);
  ledger.append = (entries: LedgerEntry[]) => {
    if (entries.some((e) => e.kind === 'fill')) onFillBooked?.();
    return append(entries);
  };
  const wallet = new PaperBalances({ USDT: D('150'), BTC: D('0') }, { store, exchange: 'binance' });
  const paper = new PaperTrading({ exchange: 'binance', markets: [market], books: () => book, wallet, ledger, store, sleep: async () => duringLatency?.() });
  return { wallet, ledger, paper };
}

test('the funds check and the fill\'s writes hold the lock: another process cannot spend between them, and the fill is answered as booked', async () => {
  const other = otherProcess();
  const attempts: string[] = [];
  const r = rig(() => attempts.push(other.spendTo('0')));
  const outcome = await r.paper.placeOrder(order);
  expect(outcome).toMatchObject({ status: 'confirmed', filled: D('1'), cost: D('100') });
  expect(attempts).toEqual(['locked out']);
  expect(r.ledger.entries({ kind: 'fill' }).map((e) => [e.asset, formatDecimal(e.delta as Decimal)])).toEqual([['BTC', '1'], ['USDT', '-100']]);
  // Balances and ledger agree: 150 - 100 - the 0.1 fee.
  expect(formatDecimal(r.wallet.freeOf('USDT'))).toBe('49.9');
  expect(formatDecimal(r.wallet.freeOf('BTC'))).toBe('1');
});

test('a fill whose money another process spent first is a typed INSUFFICIENT_FUNDS and books no fill', async () => {
  const other = otherProcess();
  const r = rig(undefined, () => { expect(other.spendTo('60')).toBe('written'); });
  const outcome = await r.paper.placeOrder(order);
  expect(outcome).toMatchObject({ status: 'rejected', code: 'INSUFFICIENT_FUNDS', clientOrderId: 'cid-1' });
  expect(r.ledger.entries({ kind: 'fill' })).toEqual([]);
  expect(formatDecimal(r.wallet.freeOf('USDT'))).toBe('60');
  expect(formatDecimal(r.wallet.freeOf('BTC'))).toBe('0');
});
