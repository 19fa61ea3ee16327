import type ccxt from 'ccxt';
import { Decimal } from '../../domain/money/decimal';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { proClient, waitFor } from './sim-helpers';

type Pro = InstanceType<typeof ccxt.pro.binance>;
type Any = Record<string, unknown>;
type Implicit = Record<string, (p?: Any) => Promise<Any>>;

describe('staking endpoints through ccxt implicit calls (Binance Simple Earn, Kraken Earn)', () => {
  let sim: RunningSimulator;
  let binance: Implicit & Pro;
  let kraken: Implicit & Pro;
  const total = (ex: 'binance' | 'kraken', asset: string): Decimal => new Decimal(sim.control.balances(ex)[asset]?.total ?? '0');

  beforeAll(async () => {
    sim = await startSimulator({ seed: 2, autoTick: false, exchanges: ['binance', 'kraken'], unbondingMs: 400 });
    binance = (await proClient(sim, 'binance')) as Implicit & Pro;
    kraken = (await proClient(sim, 'kraken')) as Implicit & Pro;
  });
  afterAll(async () => {
    await binance.close();
    await kraken.close();
    await sim.close();
  });

  it('Binance: lists flexible products with APR, subscribes, shows the position with rewards, redeems at once', async () => {
    const list = await binance.sapiGetSimpleEarnFlexibleList({ asset: 'USDT' });
    const row = (list.rows as Any[])[0];
    expect(row?.productId).toBe('USDT001');
    expect(row?.latestAnnualPercentageRate).toBe('0.05000000');
    const before = total('binance', 'USDT');
    expect((await binance.sapiPostSimpleEarnFlexibleSubscribe({ productId: 'USDT001', amount: '1000' })).success).toBe(true);
    expect(before.minus(total('binance', 'USDT')).toFixed()).toBe('1000');
    await new Promise((r) => setTimeout(r, 50));
    const pos = ((await binance.sapiGetSimpleEarnFlexiblePosition({ asset: 'USDT' })).rows as Any[])[0];
    const rewards = new Decimal(String(pos?.cumulativeRealTimeRewards));
    expect(rewards.gt(0)).toBe(true);
    // Auto-subscribe (Binance's default): the rewards are added to the position, not paid to spot.
    expect([pos?.totalAmount, pos?.autoSubscribe]).toEqual([new Decimal(1000).plus(rewards).toFixed(), true]);
    expect(before.minus(total('binance', 'USDT')).toFixed()).toBe('1000');
    expect((await binance.sapiPostSimpleEarnFlexibleRedeem({ productId: 'USDT001', redeemAll: true })).success).toBe(true);
    // Principal back, plus the rewards paid while staked.
    expect(total('binance', 'USDT').gt(before)).toBe(true);
    await expect(binance.sapiPostSimpleEarnFlexibleSubscribe({ productId: 'USDT001', amount: '99999999' })).rejects.toThrow(/insufficient/i);
  });

  it('Kraken: a bonded strategy allocates, unbonds for the unbonding period on deallocate, then the funds return', async () => {
    const strategies = ((await kraken.privatePostEarnStrategies({ asset: 'SOL' })).result as Any).items as Any[];
    const sol = strategies[0] as { id: string; lock_type: { type: string } };
    expect(sol.lock_type.type).toBe('bonded');
    const before = total('kraken', 'SOL');
    expect((await kraken.privatePostEarnAllocate({ strategy_id: sol.id, amount: '10' })).result).toBe(true);
    expect(before.minus(total('kraken', 'SOL')).toFixed()).toBe('10');
    expect((await kraken.privatePostEarnDeallocate({ strategy_id: sol.id, amount: '10' })).result).toBe(true);
    expect(((await kraken.privatePostEarnDeallocateStatus({ strategy_id: sol.id })).result as Any).pending).toBe(true);
    const allocations = (((await kraken.privatePostEarnAllocations()).result as Any).items as Any[])[0] as { amount_allocated: { unbonding?: { native: string } } };
    expect(allocations.amount_allocated.unbonding?.native).toBe('10');
    await waitFor(() => total('kraken', 'SOL').gte(before), 3000, 'unbonded SOL back');
    expect(((await kraken.privatePostEarnDeallocateStatus({ strategy_id: sol.id })).result as Any).pending).toBe(false);
  });

  const rewarded = async (ex: 'binance' | 'kraken', asset: string): Promise<Decimal> => {
    if (ex === 'binance') return new Decimal(String((((await binance.sapiGetSimpleEarnFlexiblePosition({ asset })).rows as Any[])[0] ?? {}).cumulativeTotalRewards ?? '0'));
    const items = ((await kraken.privatePostEarnAllocations()).result as Any).items as Array<{ native_asset: string; total_rewarded: { native: string } }>;
    return new Decimal(items.find((x) => x.native_asset === asset)?.total_rewarded.native ?? '0');
  };

  it('rewards stay in the position (Binance auto-subscribe, Kraken auto-compound): spot moves only when coins are staked or come back', async () => {
    const cases = [
      { ex: 'binance' as const, asset: 'USDT', stake: () => binance.sapiPostSimpleEarnFlexibleSubscribe({ productId: 'USDT001', amount: '5000' }), redeem: (amount: string) => binance.sapiPostSimpleEarnFlexibleRedeem({ productId: 'USDT001', amount }) },
      { ex: 'kraken' as const, asset: 'USDT', stake: () => kraken.privatePostEarnAllocate({ strategy_id: 'ESRFUO3-Q62XD-USDTFX', amount: '5000' }), redeem: (amount: string) => kraken.privatePostEarnDeallocate({ strategy_id: 'ESRFUO3-Q62XD-USDTFX', amount }) },
    ];
    for (const c of cases) {
      const before = total(c.ex, c.asset);
      await c.stake();
      // Every touch of the position (these reads, another stake) settles its rewards: none reaches spot.
      await waitFor(async () => (await rewarded(c.ex, c.asset)).gt(0), 5000, `${c.ex} rewards accrued`);
      await c.stake();
      expect([c.ex, before.minus(total(c.ex, c.asset)).toFixed()]).toEqual([c.ex, '10000']);
      await c.redeem('10000');
      expect([c.ex, total(c.ex, c.asset).toFixed()]).toEqual([c.ex, before.toFixed()]);
    }
  });
});
