import { Decimal } from '../../domain/money/decimal';
import { chooseSeatWarmer, type YieldOption } from '../../domain/abot';
import { botRig } from '../helpers/bot-venues';

// A seat warmer no configured venue lists can never be bought: in the demo the A-bot kept picking
// ATOM (the best paper staking yield) and logged NO_VENUE a dozen times in ten minutes.
const D = (s: string) => new Decimal(s);
const y = (exchange: 'binance' | 'kraken', asset: string, apy: string): YieldOption => ({ exchange, asset, productId: `${exchange}-${asset}`, apy: D(apy), unbondingMs: 0, minAmount: D('0') });

test('the domain rule chooses only among coins some venue trades', () => {
  const opts = [y('kraken', 'ATOM', '0.15'), y('kraken', 'SOL', '0.07'), y('binance', 'ETH', '0.03')];
  const universe = ['ATOM', 'SOL', 'ETH'];
  expect(chooseSeatWarmer(opts, universe, [], ['ATOM', 'SOL', 'ETH'])!.asset).toBe('ATOM');
  expect(chooseSeatWarmer(opts, universe, [], ['SOL', 'ETH'])!.asset).toBe('SOL');
  // Already holding the only tradable one: hold it twice rather than pick an untradable coin.
  expect(chooseSeatWarmer(opts, universe, ['SOL', 'ETH'], ['SOL', 'ETH'])!.asset).toBe('SOL');
  expect(chooseSeatWarmer(opts, universe, [], ['BTC'])).toBeNull();
});

test('the activity picks a listed coin over a better-yielding one no venue lists (real paper venues)', async () => {
  // The venues list BTC, ETH, SOL and PAXG only; ATOM is stakable (15 %) but nowhere to buy.
  const rig = botRig({
    balances: { binance: { USDT: '1000' }, kraken: { USD: '1000' }, coinbase: {} },
    staking: { ATOM: { kraken: { apyPercent: D('15'), unbondingHours: 504 } }, SOL: { kraken: { apyPercent: D('7'), unbondingHours: 72 } }, ETH: { binance: { apyPercent: D('3'), unbondingHours: 48 } } },
    coins: ['BTC', 'ETH', 'SOL', 'PAXG'],
  });
  try {
    const pick = await rig.activities.abotSeatWarmerCoin({ held: [] });
    expect(pick).toEqual({ coin: 'SOL', apy: '0.07' });
    // And the pick can really be bought on a venue.
    const trade = await rig.activities.abotBuy({ key: 'warmer-test-1', coin: pick!.coin, budgetUsd: '100', seatWarmer: true });
    expect(trade.status).toBe('confirmed');
  } finally {
    rig.close();
  }
});
