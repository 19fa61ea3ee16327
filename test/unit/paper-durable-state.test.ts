import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import { PaperBalances } from '../../adapters/paper/paper-balances';
import { PaperStaking } from '../../adapters/paper/paper-staking';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import { PaperFunding } from '../../adapters/paper/paper-funding';
import { PaperTransferNetwork } from '../../adapters/paper/paper-transfers';
import type { StakeConfirmed } from '../../ports/staking';
import type { Confirmed } from '../../ports/trading';

const D = (s: string) => new Decimal(s);
const f = formatDecimal;
const HOUR = 3_600_000;
const COLD = '0x00000000000000000000000000000000000c01d0';

/**
 * Paper venues keep what a real venue would remember across a restart: staking positions and
 * unbonding coins, client order ids with their outcomes, transfers between venues in flight.
 * Each test builds the paper parts on a state file, acts, rebuilds them on the same file (a
 * restart) and compares.
 */
describe('paper state survives a restart (state.sqlite)', () => {
  let dir: string;
  const stores: StateStore[] = [];
  let now = Date.UTC(2026, 10, 1);
  const clock = { now: () => now };
  const openStore = () => {
    const st = StateStore.open({ file: path.join(dir, 'state.sqlite') });
    stores.push(st);
    return st;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-durable-'));
  });
  afterEach(() => {
    for (const st of stores.splice(0)) st.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('staking: positions, accrued rewards, unbonding coins and used keys are the same after a restart', async () => {
    const table = { DOT: { kraken: { apyPercent: D('10'), unbondingHours: 24 } } };
    const build = () => {
      const store = openStore();
      const wallet = new PaperBalances({ DOT: D('100') }, { store, exchange: 'kraken' });
      return { wallet, staking: new PaperStaking({ exchange: 'kraken', wallet, table, clock, store }) };
    };
    const a = build();
    const staked = (await a.staking.stake('paper-kraken-DOT', D('80'), 'stake-1')) as StakeConfirmed;
    now += 24 * HOUR * 365 / 10; // a tenth of a year: 1 % of 80 = 0.8 DOT of rewards
    const unstaked = (await a.staking.unstake('paper-kraken-DOT', D('20'), 'unstake-1')) as StakeConfirmed;
    const before = { positions: await a.staking.positions(), unbonding: a.staking.pendingUnbonding(), wallet: a.wallet.snapshot() };

    const b = build();
    expect(b.wallet.fresh).toBe(false);
    expect((await b.staking.positions()).map((p) => [p.productId, f(p.amount), f(p.rewards)])).toEqual(before.positions.map((p) => [p.productId, f(p.amount), f(p.rewards)]));
    expect(b.staking.pendingUnbonding().map((u) => [u.asset, f(u.amount), u.availableAt])).toEqual(before.unbonding.map((u) => [u.asset, f(u.amount), u.availableAt]));
    // The same keys answer what they answered before and move nothing.
    expect(await b.staking.stake('paper-kraken-DOT', D('80'), 'stake-1')).toEqual(staked);
    expect(await b.staking.unstake('paper-kraken-DOT', D('20'), 'unstake-1')).toEqual(unstaked);
    expect(f(b.wallet.freeOf('DOT'))).toBe(f(before.wallet.DOT!.free));
    // New ids never repeat the previous run's.
    const again = (await b.staking.stake('paper-kraken-DOT', D('1'), 'stake-2')) as StakeConfirmed;
    expect([staked.id, unstaked.id]).not.toContain(again.id);
    // The unbonding coins come back once, after their time, also across the restart.
    now += 25 * HOUR;
    b.staking.settle();
    expect(f(b.wallet.freeOf('DOT'))).toBe(f(before.wallet.DOT!.free.plus(20).minus(1)));
    const c = build();
    c.staking.settle();
    expect(c.staking.pendingUnbonding()).toEqual([]);
    expect(f(c.wallet.freeOf('DOT'))).toBe(f(b.wallet.freeOf('DOT')));
  });

  it('trading: a client order id used before the restart answers its first outcome and never fills again; order ids stay unique', async () => {
    const market: Market = {
      exchange: 'binance', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', id: 'BTCUSDT', amountStep: D('0.0001'), priceTick: D('0.01'),
      minAmount: D('0.0001'), minNotional: D('5'), takerFee: D('0.001'), makerFee: D('0.001'), active: true,
    };
    const book: OrderBook = { exchange: 'binance', symbol: 'BTC/USDT', receivedAt: now, bids: [{ price: D('99'), amount: D('5') }], asks: [{ price: D('100'), amount: D('5') }] };
    const build = () => {
      const store = openStore();
      const wallet = new PaperBalances({ USDT: D('1000') }, { store, exchange: 'binance' });
      return { wallet, paper: new PaperTrading({ exchange: 'binance', markets: [market], books: () => book, wallet, clock, sleep: async () => undefined, store }) };
    };
    const a = build();
    const first = (await a.paper.placeOrder({ exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'ioc', amount: D('1'), price: D('101'), clientOrderId: 'cid-1' })) as Confirmed;
    expect(first.status).toBe('confirmed');
    const usdt = f(a.wallet.freeOf('USDT'));

    const b = build();
    expect(await b.paper.placeOrder({ exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'ioc', amount: D('1'), price: D('101'), clientOrderId: 'cid-1' })).toEqual(first);
    expect(await b.paper.fetchOrderByClientId('BTC/USDT', 'cid-1')).toEqual(first);
    expect(f(b.wallet.freeOf('USDT'))).toBe(usdt);
    const second = (await b.paper.placeOrder({ exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'ioc', amount: D('1'), price: D('101'), clientOrderId: 'cid-2' })) as Confirmed;
    expect(second.orderId).not.toBe(first.orderId);
  });

  it('transfers between paper venues in flight at a restart arrive once, after their delay', async () => {
    const build = () => {
      const store = openStore();
      const net = new PaperTransferNetwork(clock, 5_000, store);
      const wallets = { binance: new PaperBalances({ USDT: D('1000') }, { store, exchange: 'binance' }), kraken: new PaperBalances({ USDT: D('10') }, { store, exchange: 'kraken' }) };
      net.register('binance', wallets.binance);
      net.register('kraken', wallets.kraken);
      const networks = { USDT: [{ network: 'TRC20', fee: D('1'), min: D('10') }] };
      const funding = (exchange: 'binance' | 'kraken') => new PaperFunding({ exchange, wallet: wallets[exchange], networks, allowedAddresses: [COLD], transfers: net, store });
      return { wallets, binance: funding('binance'), kraken: funding('kraken') };
    };
    const a = build();
    const since = now;
    expect(await a.binance.withdraw({ asset: 'USDT', network: 'TRC20', amount: D('500'), address: 'paper-deposit:kraken:USDT:TRC20', idempotencyKey: 'rb-1' })).toMatchObject({ status: 'submitted' });
    expect(await a.kraken.depositStatus({ asset: 'USDT', amount: D('500'), since })).toMatchObject({ status: 'pending' });

    const b = build();
    expect(await b.kraken.depositStatus({ asset: 'USDT', amount: D('500'), since })).toMatchObject({ status: 'pending' });
    expect(f(b.wallets.kraken.freeOf('USDT'))).toBe('10');
    now += 5_000;
    expect(await b.kraken.depositStatus({ asset: 'USDT', amount: D('500'), since })).toMatchObject({ status: 'confirmed', amount: D('500') });
    expect(f(b.wallets.kraken.freeOf('USDT'))).toBe('510');

    const c = build();
    expect(await c.kraken.depositStatus({ asset: 'USDT', amount: D('500'), since })).toMatchObject({ status: 'confirmed' });
    expect(f(c.wallets.kraken.freeOf('USDT'))).toBe('510');
    expect(f(c.wallets.binance.freeOf('USDT'))).toBe('499');
  });
});
