import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId } from '../../domain/market';
import type { StakeConfirmed, StakingPosition, StakingProduct } from '../../ports/staking';
import { startHarness, waitFor, type Harness } from './helpers/exchange-harness';

interface Case { exchange: ExchangeId; asset: string; amount: string; bonded: boolean }

// Binance Simple Earn (flexible) and Kraken Earn (ETH is a bonded strategy there).
const cases: Case[] = [
  { exchange: 'binance', asset: 'USDT', amount: '100', bonded: false },
  { exchange: 'kraken', asset: 'ETH', amount: '0.5', bonded: true },
];

describe.each(cases)('$exchange staking through its earn endpoints (real ccxt against the simulator)', ({ exchange, asset, amount, bonded }) => {
  let h: Harness;
  let product: StakingProduct;
  beforeAll(async () => {
    h = await startHarness(exchange, { unbondingMs: 600 });
  });
  afterAll(async () => h.close());

  it('lists products with their yield as a fraction, minimum and unbonding time', async () => {
    const list = (await h.ad.staking.products(asset)) as StakingProduct[];
    expect(Array.isArray(list)).toBe(true);
    product = list.find((p) => p.asset === asset)!;
    expect(product).toBeDefined();
    expect(product.apy.gt(0) && product.apy.lt(1)).toBe(true);
    expect(product.minAmount.gt(0)).toBe(true);
    expect(product.unbondingMs > 0).toBe(bonded);
  });

  it('stakes once per idempotency key, refuses below the minimum, and shows the position', async () => {
    const free = (): Decimal => new Decimal(h.sim.control.balances(exchange)[asset]?.free ?? '0');
    const before = free();
    const first = await h.ad.staking.stake(product.productId, new Decimal(amount), `stake-${exchange}-1`);
    expect(first).toMatchObject({ status: 'confirmed', productId: product.productId, asset });
    const again = await h.ad.staking.stake(product.productId, new Decimal(amount), `stake-${exchange}-1`);
    expect(again).toEqual(first);
    expect(before.minus(free()).toFixed()).toBe(new Decimal(amount).toFixed());
    const tiny = await h.ad.staking.stake(product.productId, product.minAmount.div(2), `stake-${exchange}-2`);
    expect(tiny).toMatchObject({ status: 'rejected', code: 'BELOW_MIN_AMOUNT' });
    const positions = (await h.ad.staking.positions()) as StakingPosition[];
    const pos = positions.find((p) => p.productId === product.productId);
    expect(pos?.amount.gte(amount)).toBe(true);
  });

  it('unstakes with the time the coins become free, and they are free by then', async () => {
    const free = (): Decimal => new Decimal(h.sim.control.balances(exchange)[asset]?.free ?? '0');
    const start = free();
    const t0 = Date.now();
    const out = (await h.ad.staking.unstake(product.productId, new Decimal(amount), `unstake-${exchange}-1`)) as StakeConfirmed;
    expect(out).toMatchObject({ status: 'confirmed', productId: product.productId, asset });
    expect(out.availableAt! - t0).toBeGreaterThanOrEqual(product.unbondingMs - 50);
    const back = (): boolean => free().gte(start.plus(amount));
    // A bonded product keeps the coins until unbonding ends; a flexible one frees them at once.
    expect(back()).toBe(!bonded);
    // Free no later than promised (the simulator's unbonding here is shorter than it advertises).
    await waitFor(back, out.availableAt! - Date.now() + 500, 'coins back in the spot balance by availableAt');
  });
});
