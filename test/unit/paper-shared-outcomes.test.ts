import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import { orderOutcomeRow } from '../../adapters/paper/paper-durable';
import { paperTotals, paperVenueProcesses } from '../helpers/paper-venue-process';
import { scaled, waitUntil } from '../helpers/wait';

// Paper mode runs several processes on one state.sqlite (two orchestrators, a hot path). A paper
// transfer in flight and a paper order's outcome are then facts every process must read from the
// file, not from the copy it loaded at start: found by the shared-paper work, a process started
// before a withdrawal never saw it, two processes that loaded it both credited it, and a process
// answered a client order id another process had filled by filling it again.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-outcomes-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const startVenues = paperVenueProcesses();
const totals = paperTotals;

test('a paper transfer in flight is seen by every process on the state file and credited exactly once', async () => {
  const file = path.join(dir, 'transfer.sqlite');
  const [early, sender] = await Promise.all([startVenues(file), startVenues(file)]);
  expect(await sender.ask({ op: 'withdraw', key: 'rb-1', amount: '500' })).toMatchObject({ status: 'submitted' });
  // The same withdrawal key asked of another process is the same withdrawal (no second debit).
  expect(await early.ask({ op: 'withdraw', key: 'rb-1', amount: '500' })).toEqual(await sender.ask({ op: 'withdraw', key: 'rb-1', amount: '500' }));
  // Started after the withdrawal: it has the transfer uncredited, as the sender does.
  const late = await startVenues(file);
  for (const v of [early, sender, late]) expect(await v.ask({ op: 'deposit', amount: '500' })).toMatchObject({ status: 'confirmed', amount: '500' });
  expect(totals(file, 'kraken')).toEqual({ USDT: '510' });
  expect(totals(file, 'binance')).toMatchObject({ USDT: '9499' });
}, scaled(90_000));

test('a client order id filled by one process is answered, never filled again, by another', async () => {
  const file = path.join(dir, 'orders.sqlite');
  const [a, b] = await Promise.all([startVenues(file, 30), startVenues(file, 30)]);
  const first = await a.ask({ op: 'place', cid: 'cid-1', side: 'buy' });
  expect(first).toMatchObject({ status: 'confirmed', filled: '0.01' });
  // b loaded the state before a placed the order: it must not lose the outcome.
  expect(await b.ask({ op: 'fetch', cid: 'cid-1' })).toEqual(first);
  expect(await b.ask({ op: 'place', cid: 'cid-1', side: 'buy' })).toEqual(first);
  // Both send one new id at the same moment: one fill, one answer for both.
  const [ra, rb] = await Promise.all([a.ask({ op: 'place', cid: 'cid-race', side: 'buy' }), b.ask({ op: 'place', cid: 'cid-race', side: 'buy' })]);
  expect(ra).toMatchObject({ status: 'confirmed', filled: '0.01' });
  expect(rb).toEqual(ra);
  expect(totals(file, 'binance')).toMatchObject({ BTC: '1.02' });
}, scaled(90_000));

test('an order claimed by a process killed before it filled is answered as never filled by another, and moves nothing', async () => {
  const file = path.join(dir, 'killed.sqlite');
  // A latency of a minute: the order is claimed and still waiting for its book when it is killed.
  const [slow, other] = await Promise.all([startVenues(file, 60_000), startVenues(file)]);
  const before = totals(file, 'binance');
  void slow.ask({ op: 'place', cid: 'cid-cut', side: 'buy' }).catch(() => undefined);
  await waitUntil('the slow process has claimed cid-cut', () => {
    const store = StateStore.open({ file });
    try {
      return store.get('paper-orders:binance', 'cid-cut', orderOutcomeRow)?.status === 'pending';
    } finally {
      store.close();
    }
  }, 30_000);
  slow.child.kill('SIGKILL');
  await waitUntil('the slow process has ended', () => slow.child.exitCode !== null || slow.child.signalCode !== null, 30_000);
  const answer = await other.ask({ op: 'place', cid: 'cid-cut', side: 'buy' });
  expect(answer).toMatchObject({ status: 'rejected', code: 'EXCHANGE_REJECTED', clientOrderId: 'cid-cut' });
  expect((answer as { reason: string }).reason).toMatch(/ended before it filled: nothing was filled/);
  expect(await other.ask({ op: 'fetch', cid: 'cid-cut' })).toEqual(answer);
  expect(totals(file, 'binance')).toEqual(before);
}, scaled(90_000));
