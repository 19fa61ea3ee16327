import { decideSingleLeg, type LegImbalance } from '../../domain/arbitrage';
import { d, market, mb } from './arbitrage-fixtures';

// The buy on kraken filled 0.02 BTC at 100000; the sell on coinbase filled nothing.
const imb: LegImbalance = { exchange: 'kraken', symbol: 'BTC/USD', side: 'buy', excess: d('0.02'), entryPrice: d('100000'), failedExchange: 'coinbase' };
const K = market('kraken', 'BTC/USD', { step: '0.0001', tick: '0.1' });
const C = market('coinbase', 'BTC/USD', { step: '0.0001', tick: '0.01' });
const Bn = market('binance', 'BTC/USD', { step: '0.0001', tick: '0.01' });

describe('single-leg policy after a half fill', () => {
  it('unwinds on the same market within the loss limit', () => {
    const books = [mb(K, [['99800', '0.01'], ['99700', '1']], [['99900', '1']])];
    const r = decideSingleLeg(imb, 'unwind', d('0.5'), books);
    // limit: 100000 x (1 - 0.005) = 99500 (sell: never below); walk 0.01 @ 99800 + 0.01 @ 99700
    expect(r).toMatchObject({ action: 'unwind', dust: d('0') });
    if (r.action !== 'unwind') throw new Error('expected unwind');
    expect([r.order.exchange, r.order.side, r.order.amount.toFixed(), r.order.limitPrice.toFixed(), r.order.expectedPrice.toFixed()])
      .toEqual(['kraken', 'sell', '0.02', '99500', '99750']);
  });
  it('holds and alerts when unwinding would lose more than the limit', () => {
    const books = [mb(K, [['99000', '1']], [['99900', '1']])];
    const r = decideSingleLeg(imb, 'unwind', d('0.5'), books);
    expect(r.action).toBe('hold');
    if (r.action === 'hold') expect(r.alert).toContain('cannot take 0.02 within 0.5% (worst 99000, limit 99500)');
  });
  it('hedges on a third venue, never on the one that failed', () => {
    const books = [mb(C, [['100500', '1']], [['100600', '1']]), mb(Bn, [['100100', '1']], [['100200', '1']]), mb(K, [['99900', '1']], [['100000', '1']])];
    const r = decideSingleLeg(imb, 'hedge', d('0.5'), books);
    if (r.action !== 'hedge') throw new Error(`expected hedge, got ${JSON.stringify(r)}`);
    expect([r.order.exchange, r.order.side, r.order.expectedPrice.toFixed()]).toEqual(['binance', 'sell', '100100']);
  });
  it('buys back a filled sell, with the limit above the entry', () => {
    const short: LegImbalance = { ...imb, side: 'sell', entryPrice: d('100000') };
    const r = decideSingleLeg(short, 'unwind', d('0.5'), [mb(K, [['99900', '1']], [['100200', '1']])]);
    if (r.action !== 'unwind') throw new Error('expected unwind');
    expect([r.order.side, r.order.limitPrice.toFixed()]).toEqual(['buy', '100500']);
  });
  it('holds by policy', () => {
    expect(decideSingleLeg(imb, 'hold', d('0.5'), []).action).toBe('hold');
  });
});
