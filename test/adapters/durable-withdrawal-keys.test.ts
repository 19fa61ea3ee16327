import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal } from '../../domain/money/decimal';
import { depositAddress } from '../../adapters/sim/accounts/networks';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import type { ExchangeAdapters } from '../../adapters/exchanges';
import type { WithdrawalRequest } from '../../ports/funding';
import { adaptersFor } from './helpers/exchange-harness';
import { scaled, waitUntil } from '../helpers/wait';

const DAY_MS = 86_400_000;
const KRAKEN_ENV = { KRAKEN_WITHDRAWAL_KEYS: JSON.stringify({ 'USDT:TRC20': 'binance-USDT-TRX' }) };

/**
 * Live withdrawal keys are durable (state.sqlite): the intent is written before the withdraw call
 * and the outcome after. Real ccxt against the simulator; a "crash" is an adapter dropped after the
 * exchange took the withdrawal but before its answer arrived, and a new one built on the same file.
 * Kraken is the hard venue: it has no client id for withdrawals, so only our own record tells.
 */
describe('durable live withdrawal idempotency keys (ccxt against the simulator)', () => {
  let sim: RunningSimulator;
  let dir: string;
  const open: ExchangeAdapters[] = [];
  const stores: StateStore[] = [];
  const request = (key: string, amount = '50'): WithdrawalRequest => ({
    asset: 'USDT', network: 'TRC20', amount: new Decimal(amount), address: depositAddress('binance', 'USDT', 'TRX'), idempotencyKey: key,
  });
  async function kraken(file: string, extra: Parameters<typeof adaptersFor>[2] = {}): Promise<ExchangeAdapters> {
    const state = StateStore.open({ file });
    stores.push(state);
    const ad = await adaptersFor(sim, 'kraken', { envExtra: KRAKEN_ENV, state, ...extra });
    open.push(ad);
    return ad;
  }
  const sent = () => sim.control.withdrawals('kraken');

  beforeEach(async () => {
    sim = await startSimulator({ port: 0, seed: 13, autoTick: false, exchanges: ['kraken'], withdrawalDelayMs: 200 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-keys-'));
  });
  afterEach(async () => {
    for (const a of open.splice(0)) await a.close().catch(() => undefined);
    for (const s of stores.splice(0)) s.close();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a send the exchange took but never answered is found after a restart two days later, never sent twice', async () => {
    const file = path.join(dir, 'state.sqlite');
    const timeoutMs = scaled(1_500);
    const first = await kraken(file, { ccxtExtra: { timeout: timeoutMs } });
    // Markets loaded first, so the withdrawal request is the one the slow exchange holds.
    expect(await first.account.balances()).toHaveProperty('assets');
    // The exchange executes the withdrawal only after the client has given up waiting for it.
    sim.control.injectFault('kraken', { type: 'slow', ms: timeoutMs + 500 });
    const lost = await first.funding.withdraw(request('wd-crash-1'));
    expect(lost).toMatchObject({ status: 'rejected', code: 'UNKNOWN_OUTCOME' });
    sim.control.clearFaults();
    await waitUntil('the exchange executed the withdrawal', () => sent().length === 1, 5_000);
    const id = sent()[0]!.id;
    // "Crash": the adapter is gone; the process comes back two days later on the same state file.
    await first.close();
    const later = { now: () => Date.now() + 2 * DAY_MS };
    const restarted = await kraken(file, { clock: later });
    expect(await restarted.funding.withdraw(request('wd-crash-1'))).toEqual({ status: 'submitted', id, idempotencyKey: 'wd-crash-1' });
    expect(sent()).toHaveLength(1);
    // Its outcome is now recorded: a further retry answers from the store.
    expect(await restarted.funding.withdraw(request('wd-crash-1'))).toMatchObject({ status: 'submitted', id });
    expect(sent()).toHaveLength(1);
  });

  it('two keys for the same amount to the same address are two withdrawals (history matching would merge them)', async () => {
    const ad = await kraken(path.join(dir, 'state.sqlite'));
    const a = await ad.funding.withdraw(request('wd-rent-1'));
    const b = await ad.funding.withdraw(request('wd-rent-2'));
    expect(a.status).toBe('submitted');
    expect(b.status).toBe('submitted');
    expect((a as { id: string }).id).not.toBe((b as { id: string }).id);
    expect(sent()).toHaveLength(2);
  });

  it('a key reused for a different withdrawal is refused with the difference, before and after a restart, and nothing is sent', async () => {
    const file = path.join(dir, 'state.sqlite');
    const ad = await kraken(file);
    expect((await ad.funding.withdraw(request('wd-same-1', '50'))).status).toBe('submitted');
    const conflict = await ad.funding.withdraw(request('wd-same-1', '60'));
    expect(conflict).toMatchObject({ status: 'rejected', code: 'DUPLICATE_CLIENT_ID', retryable: false });
    expect((conflict as { reason: string }).reason).toMatch(/WITHDRAWAL_KEY_CONFLICT.*amount 50 != 60/);
    await ad.close();
    const restarted = await kraken(file);
    expect(await restarted.funding.withdraw(request('wd-same-1', '60'))).toMatchObject({ status: 'rejected', code: 'DUPLICATE_CLIENT_ID' });
    expect(sent()).toHaveLength(1);
  });
});
