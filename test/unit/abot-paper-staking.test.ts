import { Decimal } from '../../domain/money/decimal';
import { PaperBalances } from '../../adapters/paper/paper-balances';
import { PaperStaking } from '../../adapters/paper/paper-staking';
import { PaperFunding } from '../../adapters/paper/paper-funding';
import { loadConfig } from '../../config';

const D = (s: string) => new Decimal(s);
const DAY = 86_400_000;

function setup() {
  let now = Date.UTC(2026, 0, 1);
  const wallet = new PaperBalances({ SOL: D('10'), PAXG: D('1') });
  const { coins } = loadConfig();
  const staking = new PaperStaking({ exchange: 'kraken', wallet, table: coins.paperStaking ?? {}, clock: { now: () => now } });
  return { wallet, staking, advance: (ms: number) => (now += ms), now: () => now };
}

describe('paper staking (config products, paper balances, injected clock)', () => {
  it('offers the configured products of its exchange only', async () => {
    const { staking } = setup();
    const sol = await staking.products('SOL');
    expect(sol).toEqual([expect.objectContaining({ productId: 'paper-kraken-SOL', apy: D('0.07'), unbondingMs: 72 * 3_600_000 })]);
    expect(await staking.products('BTC')).toEqual([]);
  });

  it('stake moves coins out, rewards accrue by the clock, unstake pays them and returns coins after unbonding', async () => {
    const { wallet, staking, advance } = setup();
    const st = await staking.stake('paper-kraken-SOL', D('10'), 'k1');
    expect(st.status).toBe('confirmed');
    expect(wallet.freeOf('SOL').toFixed()).toBe('0');
    advance(365 * DAY);
    const [pos] = await staking.positions();
    expect(pos!.rewards.toFixed()).toBe('0.7'); // 10 SOL x 7 % x 1 year
    const un = await staking.unstake('paper-kraken-SOL', D('10'), 'k2');
    expect(un).toMatchObject({ status: 'confirmed', rewardsPaid: D('0.7') });
    expect(wallet.freeOf('SOL').toFixed()).toBe('0.7'); // rewards at once, principal unbonding
    advance(72 * 3_600_000 - 1);
    staking.settle();
    expect(wallet.freeOf('SOL').toFixed()).toBe('0.7');
    advance(1);
    staking.settle();
    expect(wallet.freeOf('SOL').toFixed()).toBe('10.7');
  });

  it('the same key twice acts once; bad requests are typed rejections that change nothing', async () => {
    const { wallet, staking } = setup();
    await staking.stake('paper-kraken-SOL', D('4'), 'same');
    await staking.stake('paper-kraken-SOL', D('4'), 'same');
    expect(wallet.freeOf('SOL').toFixed()).toBe('6');
    expect(await staking.stake('paper-kraken-SOL', D('7'), 'k3')).toMatchObject({ status: 'rejected', code: 'INSUFFICIENT_FUNDS' });
    expect(await staking.stake('paper-kraken-BTC', D('1'), 'k4')).toMatchObject({ status: 'rejected', code: 'INVALID_ORDER' });
    expect(await staking.unstake('paper-kraken-SOL', D('5'), 'k5')).toMatchObject({ status: 'rejected', code: 'INVALID_ORDER' });
    expect(wallet.freeOf('SOL').toFixed()).toBe('6');
  });
});

describe('paper funding (cold wallet withdrawals)', () => {
  const COLD = '0x1111111111111111111111111111111111111111';
  it('withdraws only to the allowed address, debits amount + fee once per key', async () => {
    const wallet = new PaperBalances({ PAXG: D('1') });
    const f = new PaperFunding({ exchange: 'kraken', wallet, networks: { PAXG: [{ network: 'ERC20', fee: D('0.001') }] }, allowedAddresses: [COLD] });
    expect(await f.withdraw({ asset: 'PAXG', network: 'ERC20', amount: D('0.5'), address: '0x2222222222222222222222222222222222222222', idempotencyKey: 'x' })).toMatchObject({ code: 'ADDRESS_NOT_ALLOWED' });
    const w = await f.withdraw({ asset: 'PAXG', network: 'ERC20', amount: D('0.5'), address: COLD, idempotencyKey: 'y' });
    await f.withdraw({ asset: 'PAXG', network: 'ERC20', amount: D('0.5'), address: COLD, idempotencyKey: 'y' });
    expect(wallet.freeOf('PAXG').toFixed()).toBe('0.499');
    expect(await f.withdrawalStatus((w as { id: string }).id)).toMatchObject({ status: 'confirmed', txid: expect.stringMatching(/^paper-tx-/) });
  });
});
