import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import {
  bestAsk, bestBid, bookAgeMs, depthOfTopLevels, midPrice, takerSide, walkBookForBase, walkBookForQuote, type OrderBook,
} from '../../domain/orderbook';

const d = (s: string) => new Decimal(s);
const L = (price: string, amount: string) => ({ price: d(price), amount: d(amount) });
const f = formatDecimal;
const book: OrderBook = {
  exchange: 'binance', symbol: 'BTC/USDT', receivedAt: 1_000,
  bids: [L('99.90', '0.2'), L('99.50', '1'), L('99.00', '5')],
  asks: [L('100.00', '0.3'), L('100.50', '0.5'), L('101.00', '2')],
};

describe('walkBookForBase', () => {
  test('buy 0.6 over two ask levels: 0.3*100 + 0.3*100.5 = 60.15, vwap 100.25', () => {
    const w = walkBookForBase(takerSide(book, 'buy'), d('0.6'));
    expect([f(w.filled), f(w.quote), f(w.vwap), f(w.worstPrice), w.levelsUsed, w.complete]).toEqual(['0.6', '60.15', '100.25', '100.5', 2, true]);
  });

  test('sell 1.1 into bids: 0.2*99.9 + 0.9*99.5 = 19.98 + 89.55 = 109.53', () => {
    const w = walkBookForBase(takerSide(book, 'sell'), d('1.1'));
    expect([f(w.filled), f(w.quote), f(w.worstPrice), w.levelsUsed]).toEqual(['1.1', '109.53', '99.5', 2]);
    // vwap = 109.53 / 1.1 = 99.5727272... (40 significant digits, half-even)
    expect(w.vwap.toFixed(10)).toBe('99.5727272727');
  });

  test('more than the book holds: fills what is visible and says incomplete', () => {
    // 0.3*100 + 0.5*100.5 + 2*101 = 30 + 50.25 + 202 = 282.25
    const w = walkBookForBase(book.asks, d('5'));
    expect([f(w.filled), f(w.quote), w.complete, w.levelsUsed]).toEqual(['2.8', '282.25', false, 3]);
  });

  test('awkward decimals stay exact: 0.1 + 0.2 at 0.3', () => {
    const w = walkBookForBase([L('0.3', '0.1'), L('0.3', '0.2')], d('0.3'));
    // 0.1*0.3 + 0.2*0.3 = 0.03 + 0.06 = 0.09 exactly
    expect([f(w.filled), f(w.quote), f(w.vwap)]).toEqual(['0.3', '0.09', '0.3']);
  });

  test('zero amount, empty book and zero-size levels', () => {
    expect(walkBookForBase(book.asks, d('0')).levelsUsed).toBe(0);
    const empty = walkBookForBase([], d('1'));
    expect([f(empty.filled), f(empty.vwap), empty.complete]).toEqual(['0', '0', false]);
    const w = walkBookForBase([L('100', '0'), L('101', '1')], d('0.5'));
    expect([f(w.quote), w.levelsUsed]).toEqual(['50.5', 1]);
  });
});

describe('walkBookForQuote', () => {
  test('spend 60.15 on asks: 0.3 at 100 (30), then 30.15 / 100.5 = 0.3', () => {
    const w = walkBookForQuote(book.asks, d('60.15'));
    expect([f(w.filled), f(w.quote), f(w.worstPrice), w.levelsUsed, w.complete]).toEqual(['0.6', '60.15', '100.5', 2, true]);
  });

  test('a partial level that does not divide evenly does not spill into the next level', () => {
    // 100 / 3 = 33.33... : the budget ends inside the first level. Before the fix a 1e-38 crumb
    // was left over and the walk reported level 2 (price 4) as used.
    const w = walkBookForQuote([L('3', '100'), L('4', '100')], d('100'));
    expect([w.levelsUsed, f(w.worstPrice), f(w.quote), w.complete]).toEqual([1, '3', '100', true]);
    expect(w.filled.toFixed(20)).toBe('33.33333333333333333333');
  });

  test('a budget larger than the book: spends what it can', () => {
    const w = walkBookForQuote(book.asks, d('1000'));
    expect([f(w.filled), f(w.quote), w.complete]).toEqual(['2.8', '282.25', false]);
  });
});

describe('book helpers', () => {
  test('depth, best levels, mid and age', () => {
    expect(f(depthOfTopLevels(book.bids, 2))).toBe('1.2');
    expect(f(depthOfTopLevels(book.asks, 10))).toBe('2.8');
    expect(f(bestBid(book)!.price)).toBe('99.9');
    expect(f(bestAsk(book)!.price)).toBe('100');
    // (99.90 + 100.00) / 2 = 99.95
    expect(f(midPrice(book)!)).toBe('99.95');
    expect(midPrice({ ...book, bids: [] })).toBeUndefined();
    expect(bookAgeMs(book, 1_250)).toBe(250);
  });
});
