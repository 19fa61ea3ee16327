import { decideCrossRecovery, decideTriRecovery, type PathStep } from '../../domain/arbitrage';
import { d, market, mb } from './arbitrage-fixtures';

const noFee = () => d('0');
const fee01 = () => d('0.001');

// A triangle USDT -> BTC -> ETH -> USDT cut after leg 1: 0.1 BTC on hand, 10000 USDT spent.
const BTCUSDT = market('binance', 'BTC/USDT', { step: '0.00001', tick: '0.01' });
const ETHBTC = market('binance', 'ETH/BTC', { step: '0.0001', tick: '0.00001' });
const ETHUSDT = market('binance', 'ETH/USDT', { step: '0.0001', tick: '0.01' });
const step = (m: typeof BTCUSDT, side: 'buy' | 'sell', bids: Array<[string, string]>, asks: Array<[string, string]>): PathStep => ({ ...mb(m, bids, asks), side });

describe('recovery of a triangle cut between its legs', () => {
  const finish = (ethAsk: string, ethUsdtBid: string) => [step(ETHBTC, 'buy', [['0.04999', '100']], [[ethAsk, '100']]), step(ETHUSDT, 'sell', [[ethUsdtBid, '100']], [['5001', '100']])];
  const unwind = (btcBid: string) => [step(BTCUSDT, 'sell', [[btcBid, '10']], [['100010', '10']])];

  it('finishes the legs never sent while the whole trade stays within the loss bound', () => {
    // 0.1 BTC -> 2 ETH at 0.05 -> 10000 USDT at 5000: nothing lost.
    const r = decideTriRecovery({ held: d('0.1'), spent: d('10000'), paths: { finish: finish('0.05', '5000'), unwind: unwind('99900') }, fee: noFee, policy: 'unwind', maxLossPercent: d('0.5') });
    if (r.action !== 'finish') throw new Error(`expected finish, got ${JSON.stringify(r)}`);
    // The buy's amount is what 0.1 BTC pays at the IOC's limit (0.1 BTC / 0.05005, down to the step), see below.
    expect([r.order.symbol, r.order.side, r.order.amount.toFixed(), r.expectedReturn.toFixed(), r.lossPercent.toFixed()]).toEqual(['ETH/BTC', 'buy', '1.998', '10000', '0']);
    // The IOC gets 0.1 % of room over the walked price (the bound leaves 0.5 % over two steps), floored to the tick.
    expect(r.order.limitPrice.toFixed()).toBe('0.05005');
    expect(r.passedOver).toBeUndefined();
  });

  it('unwinds to the start currency when finishing would lose more than the bound, and says why', () => {
    // Finishing: 0.1 BTC -> 2 ETH -> 2 x 4800 = 9600 USDT, a 4 % loss; unwinding: 9990, 0.1 %.
    const r = decideTriRecovery({ held: d('0.1'), spent: d('10000'), paths: { finish: finish('0.05', '4800'), unwind: unwind('99900') }, fee: noFee, policy: 'unwind', maxLossPercent: d('0.5') });
    if (r.action !== 'unwind') throw new Error(`expected unwind, got ${JSON.stringify(r)}`);
    expect([r.order.symbol, r.order.side, r.order.amount.toFixed(), r.lossPercent.toFixed()]).toEqual(['BTC/USDT', 'sell', '0.1', '0.1']);
    expect(r.passedOver).toBe('finish: would lose 4% (bound 0.5%)');
  });

  it('counts the taker fees of every remaining step', () => {
    // With 0.1 % a step the finish returns 10000 x 0.999^2 = 9980.01, a 0.1999 % loss: inside 0.5 %, outside 0.19 %.
    const ok = decideTriRecovery({ held: d('0.1'), spent: d('10000'), paths: { finish: finish('0.05', '5000') }, fee: fee01, policy: 'unwind', maxLossPercent: d('0.5') });
    expect(ok).toMatchObject({ action: 'finish', expectedReturn: d('9980.01') });
    const tight = decideTriRecovery({ held: d('0.1'), spent: d('10000'), paths: { finish: finish('0.05', '5000') }, fee: fee01, policy: 'unwind', maxLossPercent: d('0.19') });
    expect(tight).toEqual({ action: 'hold', reason: 'finish: would lose 0.1999% (bound 0.19%)' });
  });

  it('holds and says why when neither path is within the bound, or the books cannot take it', () => {
    const r = decideTriRecovery({ held: d('0.1'), spent: d('10000'), paths: { finish: finish('0.05', '4800'), unwind: unwind('95000') }, fee: noFee, policy: 'unwind', maxLossPercent: d('0.5') });
    expect(r).toEqual({ action: 'hold', reason: 'finish: would lose 4% (bound 0.5%); unwind: would lose 5% (bound 0.5%)' });
    const thin = decideTriRecovery({ held: d('0.1'), spent: d('10000'), paths: { unwind: [step(BTCUSDT, 'sell', [['99900', '0.05']], [['100010', '10']])] }, fee: noFee, policy: 'unwind', maxLossPercent: d('0.5') });
    expect(thin).toEqual({ action: 'hold', reason: 'unwind: binance:BTC/USDT: the book cannot take 0.1' });
  });

  it('a buy step never spends more than the coin on hand, even filled at its limit with the fee in the quote', () => {
    // 0.1 BTC at ETH/BTC 0.05: the walk takes 2 ETH for exactly 0.1 BTC; the IOC's limit (0.1 % over)
    // and a 0.1 % fee charged in BTC would spend up to 0.1002 BTC, more than the cut leg left.
    const r = decideTriRecovery({ held: d('0.1'), spent: d('10000'), paths: { finish: finish('0.05', '5100') }, fee: fee01, policy: 'unwind', maxLossPercent: d('0.5') });
    if (r.action !== 'finish') throw new Error(`expected finish, got ${JSON.stringify(r)}`);
    expect(r.order.limitPrice.toFixed()).toBe('0.05005');
    expect(r.order.amount.times(r.order.limitPrice).times('1.001').lte('0.1')).toBe(true);
    // As much as that allows, down to the step: one more step would go over.
    expect(r.order.amount.plus('0.0001').times(r.order.limitPrice).times('1.001').gt('0.1')).toBe(true);
  });

  it('judges a partly filled leg\'s two coins as one trade, against all the start currency it spent', () => {
    // Leg 2 half filled: 0.05 BTC and 1 ETH on hand for 10000 USDT spent. Finishing the ETH alone
    // returns 5000 (a 50 % loss on its own), the BTC's finish the other 5000: nothing lost in all.
    const btc = { held: d('0.05'), paths: { finish: finish('0.05', '5000'), unwind: unwind('99900') } };
    const eth = { held: d('1'), paths: { finish: [step(ETHUSDT, 'sell', [['5000', '100']], [['5001', '100']])], unwind: [step(ETHBTC, 'sell', [['0.05', '100']], [['0.05001', '100']]), ...unwind('99900')] } };
    const r = decideTriRecovery({ ...eth, alsoHeld: [btc], spent: d('10000'), fee: noFee, policy: 'unwind', maxLossPercent: d('0.5') });
    expect(r).toMatchObject({ action: 'finish', lossPercent: d('0'), expectedReturn: d('10000'), order: { symbol: 'ETH/USDT', side: 'sell', amount: d('1') } });
    // Leg 3 partly filled instead: 6000 USDT already back, 0.8 ETH on hand. The loss is taken on the
    // 10000 spent (0.4 % here), not on the 4000 still out (1 %).
    const back = decideTriRecovery({ held: d('0.8'), paths: { finish: [step(ETHUSDT, 'sell', [['4950', '100']], [['5001', '100']])] }, spent: d('4000'), spentGross: d('10000'), fee: noFee, policy: 'unwind', maxLossPercent: d('0.5') });
    expect(back).toMatchObject({ action: 'finish', lossPercent: d('0.4') });
  });

  it('holds by policy', () => {
    expect(decideTriRecovery({ held: d('0.1'), spent: d('10000'), paths: { finish: finish('0.05', '5000') }, fee: noFee, policy: 'hold', maxLossPercent: d('0.5') }).action).toBe('hold');
  });
});

describe('recovery of a cross trade with one leg filled', () => {
  const B = market('binance', 'BTC/USDT', { step: '0.00001', tick: '0.01' });
  const K = market('kraken', 'BTC/USD', { step: '0.00001', tick: '0.1' });

  it('sends the missing sell for the excess when its price after the fee is within the bound of the buy', () => {
    const r = decideCrossRecovery({
      filledSide: 'buy', excess: d('0.02'), entryPrice: d('100000'), policy: 'unwind', maxLossPercent: d('0.5'), fee: fee01,
      books: { finish: mb(K, [['100600', '1']], [['100700', '1']]), unwind: mb(B, [['99900', '1']], [['100000', '1']]) },
    });
    if (r.action !== 'finish') throw new Error(`expected finish, got ${JSON.stringify(r)}`);
    // The limit never lets the fill go past the bound: 99500 / 0.999 = 99599.599..., ceiled to Kraken's 0.1 tick.
    expect([r.order.exchange, r.order.symbol, r.order.side, r.order.amount.toFixed(), r.order.limitPrice.toFixed()]).toEqual(['kraken', 'BTC/USD', 'sell', '0.02', '99599.6']);
  });

  it('undoes the filled leg on its own market when the missing leg is beyond the bound', () => {
    const r = decideCrossRecovery({
      filledSide: 'buy', excess: d('0.02'), entryPrice: d('100000'), policy: 'unwind', maxLossPercent: d('0.5'), fee: noFee,
      books: { finish: mb(K, [['99000', '1']], [['99100', '1']]), unwind: mb(B, [['99900', '1']], [['100000', '1']]) },
    });
    expect(r).toMatchObject({ action: 'unwind', order: { exchange: 'binance', side: 'sell' }, passedOver: expect.stringContaining('finish: kraken:BTC/USD: cannot take 0.02 within 0.5%') });
  });

  it('buys back a filled sell, limit above the entry, and holds when neither venue is within the bound', () => {
    const r = decideCrossRecovery({
      filledSide: 'sell', excess: d('0.02'), entryPrice: d('100000'), policy: 'unwind', maxLossPercent: d('0.5'), fee: noFee,
      books: { finish: mb(B, [['99900', '1']], [['100100', '1']]) },
    });
    expect(r).toMatchObject({ action: 'finish', order: { side: 'buy', limitPrice: d('100500') } });
    const none = decideCrossRecovery({
      filledSide: 'sell', excess: d('0.02'), entryPrice: d('100000'), policy: 'unwind', maxLossPercent: d('0.5'), fee: noFee,
      books: { finish: mb(B, [['99900', '1']], [['101000', '1']]), unwind: mb(K, [['99900', '1']], [['101000', '1']]) },
    });
    expect(none.action).toBe('hold');
  });
});
