import type ccxt from 'ccxt';
import { Decimal } from '../../domain/money/decimal';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { proClient, waitFor } from './sim-helpers';

type Pro = InstanceType<typeof ccxt.pro.binance>;
type Any = Record<string, unknown>;

describe('simulated funding: fee tables, addresses, withdrawals that take time, deposits that arrive', () => {
  let sim: RunningSimulator;
  let binance: Pro;
  let kraken: Pro;
  let coinbase: Pro;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, autoTick: false, withdrawalDelayMs: 300 });
    [binance, kraken, coinbase] = await Promise.all([proClient(sim, 'binance'), proClient(sim, 'kraken'), proClient(sim, 'coinbase')]);
    await Promise.all([binance.loadMarkets(), kraken.loadMarkets(), coinbase.loadMarkets()]);
  });
  afterAll(async () => {
    await Promise.all([binance.close(), kraken.close(), coinbase.close()]);
    await sim.close();
  });

  it('publishes per-network withdrawal fees and minimums (Binance currencies, Kraken WithdrawMethods)', async () => {
    // ccxt 4.5.84 names Binance's TRX network of USDT "TRC20" (ERC20, BEP20 likewise).
    const trx = binance.currencies.USDT?.networks?.TRC20;
    expect(trx?.fee).toBe(1);
    expect(trx?.limits?.withdraw?.min).toBe(10);
    expect(trx?.withdraw).toBe(true);
    const methods = (await (kraken as unknown as { privatePostWithdrawMethods(p: Any): Promise<{ result: Any[] }> }).privatePostWithdrawMethods({ asset: 'USDT' })).result;
    expect(methods.map((m) => m.method)).toContain('Tether USD (TRC20)');
    expect(methods.find((m) => m.network === 'TRX')?.fee).toBe('1.5');
  });

  it('Binance -> Kraken USDT over TRC20: pending, then ok with a txid, and the deposit is credited on Kraken', async () => {
    const to = await kraken.fetchDepositAddress('USDT', { network: 'TRC20' });
    expect(to.address).toMatch(/^T[1-9A-HJ-NP-Za-km-z]{33}$/);
    const krakenBefore = new Decimal(sim.control.balances('kraken').USDT?.total ?? '0');
    const w = await binance.withdraw('USDT', 100, String(to.address), undefined, { network: 'TRX' });
    const pending = (await binance.fetchWithdrawals('USDT')).find((x) => x.id === w.id);
    expect(pending?.status).toBe('pending');
    await waitFor(async () => (await binance.fetchWithdrawals('USDT')).find((x) => x.id === w.id)?.status === 'ok', 3000, 'withdrawal ok');
    const done = (await binance.fetchWithdrawals('USDT')).find((x) => x.id === w.id);
    expect(done?.txid).toBeTruthy();
    expect(done?.fee?.cost).toBe(1);
    expect(sim.control.withdrawals('binance').find((x) => x.id === w.id)).toMatchObject({ status: 'ok', amount: '100', fee: '1', network: 'TRX', txid: done?.txid });
    await waitFor(async () => (await kraken.fetchDeposits('USDT')).some((d) => d.status === 'ok' && d.txid === done?.txid), 3000, 'deposit on kraken');
    expect(new Decimal(sim.control.balances('kraken').USDT?.total ?? '0').minus(krakenBefore).toFixed()).toBe('99');
  });

  it('Kraken -> Coinbase BTC to a whitelisted key; Coinbase shows the incoming send in its ledger', async () => {
    const w = await kraken.withdraw('BTC', 0.01, '', undefined, { key: 'coinbase-BTC-BTC' });
    expect(w.id).toBeTruthy();
    await waitFor(async () => (await kraken.fetchWithdrawals('BTC')).find((x) => x.id === w.id)?.status === 'ok', 3000, 'kraken withdrawal ok');
    await waitFor(async () => (await coinbase.fetchLedger('BTC')).some((e) => e.direction === 'in' && e.status === 'ok'), 3000, 'coinbase deposit');
    const entry = (await coinbase.fetchLedger('BTC')).find((e) => e.direction === 'in');
    expect(entry?.amount).toBe(0.00997); // 0.01 minus Kraken's 0.00003 fee
  });

  it('Coinbase -> Binance SOL: the send is out and pending, then ok; Binance credits it', async () => {
    const to = await binance.fetchDepositAddress('SOL', { network: 'SOL' });
    const w = await coinbase.withdraw('SOL', 1, String(to.address), undefined, { network: 'solana', idem: 'sol-move-1' });
    const out = (await coinbase.fetchLedger('SOL')).find((e) => e.id === w.id);
    expect(out?.direction).toBe('out');
    expect(out?.status).toBe('pending');
    await waitFor(async () => (await coinbase.fetchLedger('SOL')).find((e) => e.id === w.id)?.status === 'ok', 3000, 'coinbase send ok');
    await waitFor(async () => (await binance.fetchDeposits('SOL')).some((d) => d.status === 'ok'), 3000, 'binance deposit');
    expect((await binance.fetchDeposits('SOL'))[0]?.amount).toBe(0.998);
  });

  it('a failing withdrawal ends failed and the funds come back; a stuck one stays pending', async () => {
    const before = sim.control.balances('binance').USDC?.total;
    sim.control.injectFault('binance', { type: 'withdrawal-fails' });
    const failing = await binance.withdraw('USDC', 50, '0x1111111111111111111111111111111111111111', undefined, { network: 'ETH' });
    await waitFor(async () => (await binance.fetchWithdrawals('USDC')).find((x) => x.id === failing.id)?.status === 'failed', 3000, 'failed');
    expect(sim.control.balances('binance').USDC?.total).toBe(before);
    sim.control.clearFaults();
    sim.control.injectFault('binance', { type: 'withdrawal-stuck' });
    const stuck = await binance.withdraw('USDC', 50, '0x1111111111111111111111111111111111111111', undefined, { network: 'ETH' });
    await new Promise((r) => setTimeout(r, 600));
    expect((await binance.fetchWithdrawals('USDC')).find((x) => x.id === stuck.id)?.status).toBe('pending');
    sim.control.clearFaults();
  });

  it('a repeated client id returns the same withdrawal; below-minimum is refused with a reason', async () => {
    const addr = String((await kraken.fetchDepositAddress('ETH')).address);
    const a = await binance.withdraw('ETH', 0.5, addr, undefined, { network: 'ETH', withdrawOrderId: 'move-eth-7' });
    const b = await binance.withdraw('ETH', 0.5, addr, undefined, { network: 'ETH', withdrawOrderId: 'move-eth-7' });
    expect(b.id).toBe(a.id);
    expect(sim.control.withdrawals('binance').filter((w) => w.clientId === 'move-eth-7')).toHaveLength(1);
    await expect(binance.withdraw('ETH', 0.0001, addr, undefined, { network: 'ETH' })).rejects.toThrow(/minimum/);
  });
});
