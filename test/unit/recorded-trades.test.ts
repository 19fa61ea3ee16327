import { tradesOfFrames } from '../../adapters/record/trades';
import type { RecordedFrame } from '../../adapters/record/format';

const meta = { symbols: ['BTC/USDT', 'BTC/USD', 'BTC/USDC'] };
const ws = (v: RecordedFrame['v'], tMs: number, d: string): RecordedFrame => ({ t: tMs * 1000, v, c: `${v}-1`, k: 'ws', d });
const view = (ts: ReturnType<typeof tradesOfFrames>) => ts.map((t) => [t.exchange, t.symbol, t.id, t.price.toFixed(), t.amount.toFixed(), t.side, t.timestamp]);

describe('public trades read from a raw recording, in Decimal, at their receive time', () => {
  it('Binance: m = the buyer made the market, so the taker sold; strings as sent', () => {
    const f = ws('binance', 1_000, '{"e":"trade","E":990,"s":"BTCUSDT","t":7,"p":"64167.51000000","q":"0.00120000","T":989,"m":true,"M":true}');
    expect(view(tradesOfFrames(meta, [f, ws('binance', 1_001, '{"e":"trade","E":991,"s":"BTCUSDT","t":8,"p":"64168.00000000","q":"0.5","T":990,"m":false,"M":true}')]))).toEqual([
      ['binance', 'BTC/USDT', '7', '64167.51', '0.0012', 'sell', 1_000],
      ['binance', 'BTC/USDT', '8', '64168', '0.5', 'buy', 1_001],
    ]);
  });

  it('Kraken v2: bare JSON numbers read as text (no float holds them)', () => {
    const f = ws('kraken', 2_000, '{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"sell","price":65062.123456789012,"qty":0.00000001,"ord_type":"market","trade_id":42,"timestamp":"2026-08-09T21:05:48.170326Z"}]}');
    expect(view(tradesOfFrames(meta, [f]))).toEqual([['kraken', 'BTC/USD', '42', '65062.123456789012', '0.00000001', 'sell', 2_000]]);
  });

  it('Coinbase: market_trades updates (the opening snapshot holds prints from before the recording: skipped); book and other frames ignored', () => {
    const snap = ws('coinbase', 3_000, '{"channel":"market_trades","timestamp":"x","sequence_num":1,"events":[{"type":"snapshot","trades":[{"trade_id":"1","product_id":"BTC-USD","price":"65000","size":"1","side":"BUY","time":"x"}]}]}');
    const upd = ws('coinbase', 3_100, '{"channel":"market_trades","timestamp":"x","sequence_num":2,"events":[{"type":"update","trades":[{"trade_id":"2","product_id":"BTC-USD","price":"65001.5","size":"0.02","side":"SELL","time":"x"}]}]}');
    const book = ws('coinbase', 3_200, '{"channel":"l2_data","events":[]}');
    expect(view(tradesOfFrames(meta, [snap, upd, book, { ...upd, k: 'sent' }]))).toEqual([['coinbase', 'BTC/USD', '2', '65001.5', '0.02', 'sell', 3_100]]);
  });

  it('a malformed trade is skipped, not a crash', () => {
    expect(tradesOfFrames(meta, [ws('binance', 1, '{"e":"trade","s":"BTCUSDT","p":"1e3","q":"x"}'), ws('kraken', 2, 'not json')])).toEqual([]);
  });
});
