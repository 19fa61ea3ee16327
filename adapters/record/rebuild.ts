import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId, Symbol } from '../../domain/market';
import type { BookLevel, OrderBook } from '../../domain/orderbook';
import type { RecordedFrame, RecordingMeta } from './format';
import { RECORD_VENUES } from './venues';

/** One price level map per side, keyed by the price's canonical text. */
interface SideMap { levels: Map<string, { price: Decimal; amount: Decimal }> }
interface Book { bids: SideMap; asks: SideMap; conn: string; /** Binance: last applied `u`. */ nonce?: number; live: boolean; pending: unknown[] }

const emptySide = (): SideMap => ({ levels: new Map() });

function set(side: SideMap, price: string, amount: string): void {
  const p = new Decimal(price);
  const a = new Decimal(amount);
  const k = p.toFixed();
  if (a.isZero()) side.levels.delete(k);
  else side.levels.set(k, { price: p, amount: a });
}

function sorted(side: SideMap, desc: boolean, limit: number): BookLevel[] {
  const out = [...side.levels.values()].sort((x, y) => (desc ? y.price.comparedTo(x.price) : x.price.comparedTo(y.price)));
  return out.slice(0, limit).map((l) => ({ price: l.price, amount: l.amount }));
}

function truncate(side: SideMap, desc: boolean, depth: number): void {
  if (side.levels.size <= depth) return;
  const keep = new Set(sorted(side, desc, depth).map((l) => l.price.toFixed()));
  for (const k of [...side.levels.keys()]) if (!keep.has(k)) side.levels.delete(k);
}

/** Kraken sends prices and quantities as bare JSON numbers: quote them before parsing, so no float ever holds them. */
export function krakenJson(text: string): unknown {
  return JSON.parse(text.replace(/"(price|qty)":(-?[0-9][0-9.eE+-]*)/g, '"$1":"$2"'));
}

/**
 * Rebuilds every recorded book in Decimal from the raw frames, independently of ccxt: Binance from
 * its REST snapshot plus the diffs after its `lastUpdateId` (a gap in `U`/`u` makes the book
 * unusable until the next snapshot), Kraken v2 from snapshot plus updates truncated to the
 * subscribed depth (the venue does not delete levels that leave the window), Coinbase from its
 * level2 snapshot plus updates. `apply` returns the books a frame changed.
 */
export class BookRebuilder {
  private readonly books = new Map<string, Book>();
  /** venue:wireId -> the unified symbols that book serves (Coinbase X-USD also serves X/USDC). */
  private readonly symbolsOf = new Map<string, Symbol[]>();

  constructor(private readonly meta: RecordingMeta, private readonly depth = 50) {
    for (const ex of meta.exchanges) {
      const v = RECORD_VENUES[ex];
      for (const s of meta.symbols) {
        const k = `${ex}:${v.wireId(v.streamedSymbol(s))}`;
        const list = this.symbolsOf.get(k) ?? [];
        // The streamed symbol first: it is the book's own name.
        if (list.includes(s)) continue;
        if (s === v.streamedSymbol(s)) list.unshift(s);
        else list.push(s);
        this.symbolsOf.set(k, list);
      }
    }
  }

  /** The unified symbols a venue's wire id stands for. */
  symbols(exchange: ExchangeId, wireId: string): Symbol[] {
    return this.symbolsOf.get(`${exchange}:${wireId}`) ?? [];
  }

  apply(f: RecordedFrame): OrderBook[] {
    const at = Math.floor(f.t / 1000);
    return this.update(f).flatMap((id) => this.view(f.v, id, at));
  }

  /** Applies a frame without building views; returns the wire ids of the books it changed. */
  update(f: RecordedFrame): string[] {
    const changed: string[] = [];
    if (f.v === 'binance') this.binance(f, changed);
    else if (f.k === 'ws' && f.v === 'kraken') this.kraken(f, changed);
    else if (f.k === 'ws' && f.v === 'coinbase') this.coinbase(f, changed);
    return changed;
  }

  /** The current book of a venue's wire id, as OrderBooks under each unified symbol it serves. */
  view(exchange: ExchangeId, wireId: string, receivedAt: number, limit = this.depth): OrderBook[] {
    const b = this.books.get(`${exchange}:${wireId}`);
    if (!b || !b.live) return [];
    const bids = sorted(b.bids, true, limit);
    const asks = sorted(b.asks, false, limit);
    return this.symbols(exchange, wireId).map((symbol) => ({ exchange, symbol, receivedAt, bids, asks }));
  }

  /** Binance: the last diff id applied to a live book (the `lastUpdateId` a snapshot of it carries). */
  nonce(exchange: ExchangeId, wireId: string): number | undefined {
    const b = this.books.get(`${exchange}:${wireId}`);
    return b?.live ? b.nonce : undefined;
  }

  private book(exchange: ExchangeId, id: string, conn: string): Book {
    const k = `${exchange}:${id}`;
    let b = this.books.get(k);
    if (!b || b.conn !== conn) {
      b = { bids: emptySide(), asks: emptySide(), conn, live: false, pending: [] };
      this.books.set(k, b);
    }
    return b;
  }

  private binance(f: RecordedFrame, changed: string[]): void {
    type Diff = { e?: string; s?: string; U?: number; u?: number; b?: string[][]; a?: string[][] };
    const applyDiff = (b: Book, d: Diff): boolean => {
      const U = Number(d.U);
      const u = Number(d.u);
      if (b.nonce !== undefined && u <= b.nonce) return false;
      if (b.nonce !== undefined && U > b.nonce + 1) {
        b.live = false; // a gap: unusable until the next snapshot
        b.nonce = undefined;
        return false;
      }
      for (const [p, a] of d.b ?? []) set(b.bids, String(p), String(a));
      for (const [p, a] of d.a ?? []) set(b.asks, String(p), String(a));
      b.nonce = u;
      return true;
    };
    if (f.k === 'rest' && f.u?.startsWith('/api/v3/depth?')) {
      const id = new URLSearchParams(f.u.split('?')[1]).get('symbol') ?? '';
      const snap = JSON.parse(f.d) as { lastUpdateId: number; bids: string[][]; asks: string[][] };
      const b = this.book('binance', id, f.c);
      b.bids = emptySide();
      b.asks = emptySide();
      for (const [p, a] of snap.bids) set(b.bids, String(p), String(a));
      for (const [p, a] of snap.asks) set(b.asks, String(p), String(a));
      b.nonce = snap.lastUpdateId;
      b.live = true;
      for (const d of b.pending.splice(0)) applyDiff(b, d as Diff);
      changed.push(id);
      return;
    }
    if (f.k !== 'ws') return;
    const m = JSON.parse(f.d) as Diff & { stream?: string; data?: Diff };
    const d = m.stream !== undefined && m.data ? m.data : m;
    if (d.e !== 'depthUpdate' || !d.s) return;
    const b = this.book('binance', d.s, f.c);
    if (!b.live) {
      // Diffs wait for their snapshot (bounded: a snapshot that never comes must not eat memory).
      if (b.nonce === undefined && b.pending.length < 100_000) b.pending.push(d);
      return;
    }
    if (applyDiff(b, d)) changed.push(d.s);
  }

  private kraken(f: RecordedFrame, changed: string[]): void {
    const m = krakenJson(f.d) as { channel?: string; type?: string; data?: Array<{ symbol: string; bids?: Array<{ price: string; qty: string }>; asks?: Array<{ price: string; qty: string }> }> };
    if (m.channel !== 'book' || !Array.isArray(m.data)) return;
    for (const d of m.data) {
      const b = this.book('kraken', d.symbol, f.c);
      if (m.type === 'snapshot') {
        b.bids = emptySide();
        b.asks = emptySide();
        b.live = true;
      } else if (!b.live) continue;
      for (const l of d.bids ?? []) set(b.bids, l.price, l.qty);
      for (const l of d.asks ?? []) set(b.asks, l.price, l.qty);
      truncate(b.bids, true, this.meta.krakenDepth);
      truncate(b.asks, false, this.meta.krakenDepth);
      changed.push(d.symbol);
    }
  }

  private coinbase(f: RecordedFrame, changed: string[]): void {
    const m = JSON.parse(f.d) as { channel?: string; events?: Array<{ type?: string; product_id?: string; updates?: Array<{ side: string; price_level: string; new_quantity: string }> }> };
    if (m.channel !== 'l2_data' || !Array.isArray(m.events)) return;
    for (const e of m.events) {
      if (!e.product_id) continue;
      const b = this.book('coinbase', e.product_id, f.c);
      if (e.type === 'snapshot') {
        b.bids = emptySide();
        b.asks = emptySide();
        b.live = true;
      } else if (!b.live) continue;
      for (const u of e.updates ?? []) set(u.side === 'bid' ? b.bids : b.asks, u.price_level, u.new_quantity);
      changed.push(e.product_id);
    }
  }
}

/** Every book state of a recording, in receive order (the input `qbot scan` and the backtest read). */
export function* booksOfRecording(meta: RecordingMeta, frames: Iterable<RecordedFrame>, depth = 50): Generator<OrderBook> {
  const r = new BookRebuilder(meta, depth);
  for (const f of frames) yield* r.apply(f);
}
