import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type ccxt from 'ccxt';
import { Decimal } from '../../domain/money/decimal';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { proClient } from './sim-helpers';
import { waitUntil } from '../helpers/wait';

type Pro = InstanceType<typeof ccxt.pro.binance>;

// `qbot sim --state FILE`: the demo's exchange of record keeps its accounts across a restart of its
// process (balances, orders by client order id, withdrawals by their key, staking, id counters).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-state-'));
const open: Array<{ sim: RunningSimulator; clients: Pro[] }> = [];

async function start(file: string): Promise<{ sim: RunningSimulator; binance: Pro }> {
  const sim = await startSimulator({ port: 0, seed: 5, autoTick: false, withdrawalDelayMs: 60_000, stateFile: file, stateSaveMs: 50 });
  const binance = await proClient(sim, 'binance');
  await binance.loadMarkets();
  open.push({ sim, clients: [binance] });
  return { sim, binance };
}

afterAll(async () => {
  for (const o of open) {
    await Promise.all(o.clients.map((c) => c.close()));
    await o.sim.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a restarted simulator continues the same accounts: balances, an order by its client id, a pending withdrawal by its key', async () => {
  const file = path.join(dir, 'accounts.json');
  const a = await start(file);
  a.sim.control.credit('binance', 'USDT', '1234.5');
  const order = await a.binance.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { newClientOrderId: 'state-test-1' });
  const w = await a.binance.withdraw('USDT', 50, 'TXYZabcdefghijklmnopqrstuvwxyz1234', undefined, { network: 'TRX', withdrawOrderId: 'state-key-1' });
  const before = a.sim.control.balances('binance');
  await a.sim.close();
  open.pop();
  await a.binance.close();

  const b = await start(file);
  expect(b.sim.control.balances('binance')).toEqual(before);
  const again = await b.binance.fetchOrder(String(order.id), 'BTC/USDT', { origClientOrderId: 'state-test-1' });
  expect(again.clientOrderId).toBe('state-test-1');
  expect(again.status).toBe('closed');
  expect(b.sim.control.withdrawals('binance').find((x) => x.clientId === 'state-key-1')).toMatchObject({ id: w.id, status: 'pending', amount: '50' });
  // The same key is the same withdrawal after the restart, not a second one.
  const repeat = await b.binance.withdraw('USDT', 50, 'TXYZabcdefghijklmnopqrstuvwxyz1234', undefined, { network: 'TRX', withdrawOrderId: 'state-key-1' });
  expect(repeat.id).toBe(w.id);
  // New ids continue after the old ones.
  const next = await b.binance.createOrder('BTC/USDT', 'market', 'buy', 0.01);
  expect(Number(next.id)).toBeGreaterThan(Number(order.id));
}, 60_000);

test('the file follows changes while the simulator runs (a kill -9 loses at most the last moments)', async () => {
  const file = path.join(dir, 'running.json');
  const a = await start(file);
  a.sim.control.credit('kraken', 'USD', '777');
  const want = new Decimal(a.sim.control.balances('kraken').USD?.free ?? '0');
  // Copied while the first one still runs, as a crash would leave it.
  await waitUntil('the credit written to the state file', () => {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { accounts: { holdings: Record<string, Record<string, { free: string }>> } };
    return saved.accounts.holdings.kraken?.USD?.free === want.toFixed();
  }, 5_000, 50);
  const crashed = path.join(dir, 'crashed.json');
  fs.copyFileSync(file, crashed);
  const b = await start(crashed);
  expect(b.sim.control.balances('kraken').USD?.free).toBe(want.toFixed());
}, 60_000);

test('a broken state file is refused with its name, and nothing listens', async () => {
  const file = path.join(dir, 'broken.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, accounts: { nextId: 1, holdings: { binance: { USDT: { free: 12.5, used: '0' } } }, orders: [] }, funding: { nextId: 1, transfers: [] }, earn: { nextId: 1, positions: [] } }));
  await expect(startSimulator({ port: 0, stateFile: file })).rejects.toThrow(`simulator state ${file} is not valid: accounts.holdings.binance.USDT.free`);
  fs.writeFileSync(file, '{"version":');
  await expect(startSimulator({ port: 0, stateFile: file })).rejects.toThrow(/is not JSON .*move it away/);
});
