import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { paperTotals, paperVenueProcesses } from '../helpers/paper-venue-process';
import { scaled } from '../helpers/wait';

// Paper staking is used by every orchestrator on the state file (two may run) and must survive a
// restart. Found by the shared-paper work: each process loaded the positions once at start, so a
// stake made by one was invisible to the other, whose next stake wrote its stale positions over
// it, and a key staked by one process was staked again (a second debit) by the other.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-staking-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const startVenues = paperVenueProcesses();

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
const TENTH_OF_A_YEAR = 365 * 24 * HOUR / 10;
const DOT = 'paper-binance-DOT';

test('two processes on one state file stake and unstake one set of paper positions; a restart keeps them', async () => {
  const file = path.join(dir, 'staking.sqlite');
  const [a, b] = await Promise.all([startVenues(file), startVenues(file)]);
  const at = async (now: number) => Promise.all([a, b].map((v) => v.ask({ op: 'at', now })));
  await at(T0);

  const s1 = await a.ask({ op: 'stake', key: 's-1', amount: '80' });
  expect(s1).toMatchObject({ status: 'confirmed', amount: '80' });
  // b loaded the file before a staked: it sees a's position.
  expect(await b.ask({ op: 'staking' })).toEqual({ positions: [{ asset: 'DOT', productId: DOT, amount: '80', rewards: '0' }], unbonding: [] });
  // The same key asked of the other process is the same stake (no second debit).
  expect(await b.ask({ op: 'stake', key: 's-1', amount: '80' })).toEqual(s1);
  // A stake by b adds to a's position instead of writing its own copy over it; so do two at once.
  expect(await b.ask({ op: 'stake', key: 's-2', amount: '6' })).toMatchObject({ status: 'confirmed' });
  const race = await Promise.all([a.ask({ op: 'stake', key: 'r-a', amount: '2' }), b.ask({ op: 'stake', key: 'r-b', amount: '2' })]);
  expect(race).toEqual([expect.objectContaining({ status: 'confirmed' }), expect.objectContaining({ status: 'confirmed' })]);
  expect(await a.ask({ op: 'staking' })).toEqual({ positions: [{ asset: 'DOT', productId: DOT, amount: '90', rewards: '0' }], unbonding: [] });
  expect(paperTotals(file, 'binance')).toMatchObject({ DOT: '10' });

  // A tenth of a year at 10 %: 0.9 DOT of rewards on 90; unstaking a third pays a third of them.
  await at(T0 + TENTH_OF_A_YEAR);
  const u1 = await a.ask({ op: 'unstake', key: 'u-1', amount: '30' });
  expect(u1).toMatchObject({ status: 'confirmed', amount: '30', rewardsPaid: '0.3', availableAt: T0 + TENTH_OF_A_YEAR + 24 * HOUR });
  expect(await b.ask({ op: 'unstake', key: 'u-1', amount: '30' })).toEqual(u1);
  // b cannot unstake what a already took out.
  expect(await b.ask({ op: 'unstake', key: 'u-2', amount: '61' })).toMatchObject({ status: 'rejected', code: 'INVALID_ORDER' });
  const afterUnstake = { positions: [{ asset: 'DOT', productId: DOT, amount: '60', rewards: '0.6' }], unbonding: [{ asset: 'DOT', amount: '30', availableAt: T0 + TENTH_OF_A_YEAR + 24 * HOUR }] };
  expect(await b.ask({ op: 'staking' })).toEqual(afterUnstake);
  expect(paperTotals(file, 'binance')).toMatchObject({ DOT: '10.3' });

  // A restart (a third process on the file) has the same positions and unbonding coins.
  const c = await startVenues(file);
  await c.ask({ op: 'at', now: T0 + TENTH_OF_A_YEAR });
  expect(await c.ask({ op: 'staking' })).toEqual(afterUnstake);

  // Once their time has come the unbonding coins are credited once, though all three ask at once.
  const later = T0 + TENTH_OF_A_YEAR + 25 * HOUR;
  await Promise.all([a, b, c].map((v) => v.ask({ op: 'at', now: later })));
  const seen = await Promise.all([a, b, c].map((v) => v.ask({ op: 'staking' })));
  for (const s of seen) expect(s).toMatchObject({ positions: [{ amount: '60' }], unbonding: [] });
  expect(seen[1]).toEqual(seen[0]);
  expect(seen[2]).toEqual(seen[0]);
  expect(paperTotals(file, 'binance')).toMatchObject({ DOT: '40.3' });
}, scaled(90_000));
