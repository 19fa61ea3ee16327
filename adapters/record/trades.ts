import type { Decimal } from '../../domain/money/decimal';
import { tryParseDecimal } from '../../domain/money/parse';
import type { Trade } from '../../ports/market-data';
import type { RecordedFrame, RecordingMeta } from './format';
import { binanceRecord } from './venues';
import { krakenJson } from './rebuild';

const asRecord = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' ? (x as Record<string, unknown>) : {});
const dec = (x: unknown): Decimal | undefined => {
  const r = tryParseDecimal(x);
  return r.ok ? r.value : undefined;
};


/**
 * The public trades of a raw recording (`qbot record` subscribes them beside the books), in
 * Decimal, stamped with their receive time like the books, so the market scanner sees them when
 * the hot path would have. Sides are the taker's, as ccxt reads them: Binance `m` (buyer is
 * maker) true means the taker sold; Kraken and Coinbase name it. Coinbase's `market_trades`
 * opens with a snapshot of earlier prints: skipped (they happened before the recording). A trade
 * that does not parse is skipped.
 */
export function tradesOfFrames(meta: Pick<RecordingMeta, 'symbols'>, frames: Iterable<RecordedFrame>): Trade[] {
  const binanceSymbol = new Map(meta.symbols.map((s) => [binanceRecord.wireId(s), s]));
  const out: Trade[] = [];
  const push = (f: RecordedFrame, symbol: string | undefined, id: unknown, price: unknown, amount: unknown, side: unknown): void => {
    const p = dec(price);
    const a = dec(amount);
    const s = typeof side === 'string' ? side.toLowerCase() : undefined;
    if (!symbol || !p || !a || (s !== 'buy' && s !== 'sell')) return;
    out.push({ exchange: f.v, symbol, id: String(id), price: p, amount: a, side: s, timestamp: Math.floor(f.t / 1000) });
  };
  for (const f of frames) {
    if (f.k !== 'ws' || !f.d.includes('trade')) continue;
    let m: Record<string, unknown>;
    try {
      m = asRecord(f.v === 'kraken' ? krakenJson(f.d) : JSON.parse(f.d));
    } catch {
      continue;
    }
    if (f.v === 'binance') {
      const d = m.stream !== undefined ? asRecord(m.data) : m;
      if (d.e === 'trade') push(f, binanceSymbol.get(String(d.s)), d.t, d.p, d.q, typeof d.m === 'boolean' ? (d.m ? 'sell' : 'buy') : undefined);
    } else if (f.v === 'kraken') {
      if (m.channel !== 'trade' || !Array.isArray(m.data)) continue;
      for (const t of m.data.map(asRecord)) push(f, typeof t.symbol === 'string' ? t.symbol : undefined, t.trade_id, t.price, t.qty, t.side);
    } else {
      if (m.channel !== 'market_trades' || !Array.isArray(m.events)) continue;
      for (const e of m.events.map(asRecord)) {
        if (e.type !== 'update' || !Array.isArray(e.trades)) continue;
        for (const t of e.trades.map(asRecord)) push(f, typeof t.product_id === 'string' ? t.product_id.replace('-', '/') : undefined, t.trade_id, t.price, t.size, t.side);
      }
    }
  }
  return out;
}
