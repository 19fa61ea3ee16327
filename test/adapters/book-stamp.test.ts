import type { OrderBook as CcxtBook } from 'ccxt';
import { BookStamp } from '../../adapters/exchanges/market-data-config';

const book = (): CcxtBook => ({ symbol: 'BTC/USDT', bids: [[100, 1], [99, 2]], asks: [[101, 1]], nonce: 7, timestamp: 1000 } as unknown as CcxtBook);

describe('a book stamp tells whether ccxt moved a book since its last copy', () => {
  it('notices what ccxt changes in place (top of book, sequence, time, size) and another book object', () => {
    const stamp = new BookStamp();
    const ob = book();
    expect(stamp.differs(ob)).toBe(true);
    stamp.record(ob);
    expect(stamp.differs(ob)).toBe(false);
    const moves: Array<(b: CcxtBook) => void> = [
      (b) => ((b.bids[0] as number[])[1] = 1.5),
      (b) => ((b.asks[0] as number[])[0] = 100.5),
      (b) => (b.nonce = 8),
      (b) => (b.timestamp = 1001),
      (b) => b.bids.pop(),
      (b) => b.asks.push([102, 3]),
    ];
    for (const move of moves) {
      const b = book();
      stamp.record(b);
      move(b);
      expect(stamp.differs(b)).toBe(true);
    }
    const same = book();
    stamp.record(ob);
    expect(stamp.differs(same)).toBe(true);
    // Known limit (as before): a change below the top with no new sequence or time goes unseen.
    const deep = book();
    stamp.record(deep);
    (deep.bids[1] as number[])[1] = 5;
    expect(stamp.differs(deep)).toBe(false);
  });
});
