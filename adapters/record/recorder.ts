import * as fs from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import type { ExchangeId, Symbol } from '../../domain/market';
import { META_FILE, nowMicros, type RecordedFrame, type RecordingMeta } from './format';
import { RECORD_VENUES, type RecordVenue } from './venues';
import { RecordingWriter } from './writer';

export interface RecordOptions {
  exchanges: ExchangeId[];
  symbols: Symbol[];
  out: string;
  /** Base URL of the project's simulator (http://127.0.0.1:PORT); absent = the real venues. */
  sim?: string;
  krakenDepth?: number;
  flushEveryFrames?: number;
  rotateBytes?: number;
  /** Snapshot depth asked of Binance's REST book (the diff stream needs it to start). */
  binanceSnapshotLimit?: number;
  onNote?: (msg: string) => void;
}

export interface VenueProgress { frames: number; bytes: number; connections: number; markets: number }
export interface RecordStats { venues: Partial<Record<ExchangeId, VenueProgress>>; frames: number; bytesIn: number; bytesOut: number; files: number }

const BACKOFF_MAX_MS = 30_000;

/**
 * Records the public book streams of several venues into one folder: every WebSocket frame as
 * received, the REST answers that describe the markets (and, for Binance, the REST snapshots its
 * diff stream starts from). A socket that ends is redialled under a new connection id.
 */
export class Recorder {
  private readonly writer: RecordingWriter;
  private readonly venues: VenueRecorder[];
  private stopped = false;

  constructor(private readonly o: RecordOptions) {
    if (!o.exchanges.length) throw new Error('record: no exchanges');
    if (!o.symbols.length) throw new Error('record: no symbols');
    this.writer = new RecordingWriter({ dir: o.out, ...(o.flushEveryFrames ? { flushEveryFrames: o.flushEveryFrames } : {}), ...(o.rotateBytes ? { rotateBytes: o.rotateBytes } : {}) });
    const meta: RecordingMeta = {
      format: 'qbot-raw-recording/1', source: o.sim ? `sim ${o.sim}` : 'live', exchanges: o.exchanges, symbols: o.symbols,
      krakenDepth: o.krakenDepth ?? 100, startedAtUs: nowMicros(),
    };
    fs.writeFileSync(path.join(o.out, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
    this.venues = o.exchanges.map((e) => new VenueRecorder(RECORD_VENUES[e], o, (f) => this.writer.write(f), () => this.stopped));
  }

  /** Loads every venue's metadata and opens its socket; resolves once all are subscribed or failed. */
  async start(): Promise<void> {
    await Promise.all(this.venues.map((v) => v.start()));
    // Recording nothing for hours is worse than stopping now with the reason.
    if (this.venues.every((v) => v.progress.markets === 0)) {
      await this.stop();
      throw new Error(`record: no venue lists any of ${this.o.symbols.join(', ')} (or their market metadata could not be read)`);
    }
  }

  stats(): RecordStats {
    return { venues: Object.fromEntries(this.venues.map((v) => [v.venue.id, { ...v.progress }])), ...this.writer.stats };
  }

  /** Closes the sockets and writes what is pending; the folder is complete when this returns. */
  async stop(): Promise<RecordStats> {
    if (!this.stopped) {
      this.stopped = true;
      await Promise.all(this.venues.map((v) => v.stop()));
      this.writer.close();
    }
    return this.stats();
  }
}

class VenueRecorder {
  readonly progress: VenueProgress = { frames: 0, bytes: 0, connections: 0, markets: 0 };
  private ws: WebSocket | undefined;
  private wireIds: string[] = [];
  private conn = 0;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private readonly rest: string;
  private readonly wsUrl: string;

  constructor(readonly venue: RecordVenue, private readonly o: RecordOptions, private readonly write: (f: RecordedFrame) => void, private readonly stopped: () => boolean) {
    this.rest = o.sim ? venue.simRest(o.sim.replace(/\/+$/, '')) : venue.liveRest;
    this.wsUrl = o.sim ? venue.simWs(o.sim.replace(/\/+$/, '')) : venue.liveWs;
  }

  async start(): Promise<void> {
    const meta = new Map<string, string>();
    for (const p of this.venue.metadataPaths) {
      const body = await this.get(p, 'meta');
      if (body !== undefined) meta.set(p, body);
    }
    const listed = this.venue.listed(meta);
    const wanted = [...new Set(this.o.symbols.map((s) => this.venue.wireId(this.venue.streamedSymbol(s))))];
    this.wireIds = wanted.filter((id) => listed.has(id));
    const missing = wanted.filter((id) => !listed.has(id));
    if (missing.length) this.o.onNote?.(`${this.venue.id}: not listed, not recorded: ${missing.join(', ')}`);
    this.progress.markets = this.wireIds.length;
    if (this.wireIds.length) await this.connect();
  }

  async stop(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
      setTimeout(() => { ws.terminate(); resolve(); }, 2000).unref();
    });
  }

  private frame(k: RecordedFrame['k'], c: string, d: string, u?: string): void {
    this.write({ t: nowMicros(), v: this.venue.id, c, k, ...(u !== undefined ? { u } : {}), d });
  }

  private async get(p: string, c: string): Promise<string | undefined> {
    try {
      const res = await fetch(`${this.rest}${p}`);
      const body = await res.text();
      if (!res.ok) {
        this.o.onNote?.(`${this.venue.id}: GET ${p} -> HTTP ${res.status}`);
        return undefined;
      }
      this.frame('rest', c, body, p);
      return body;
    } catch (e) {
      this.o.onNote?.(`${this.venue.id}: GET ${p} failed: ${(e as Error).message}`);
      return undefined;
    }
  }

  private connect(): Promise<void> {
    const c = `${this.venue.id}-${(this.conn += 1)}`;
    const snapped = new Map<string, 'pending' | 'done'>();
    return new Promise<void>((resolve) => {
      const ws = new WebSocket(this.wsUrl);
      this.ws = ws;
      ws.on('open', () => {
        this.failures = 0;
        this.progress.connections += 1;
        this.frame('open', c, this.wsUrl);
        for (const m of this.venue.subscribe(this.wireIds, this.o.krakenDepth ?? 100)) {
          ws.send(m);
          this.frame('sent', c, m);
        }
        resolve();
      });
      ws.on('message', (data: WebSocket.RawData) => {
        const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
        this.frame('ws', c, text);
        this.progress.frames += 1;
        this.progress.bytes += Buffer.byteLength(text);
        if (this.venue.id === 'binance') this.binanceSnapshot(text, c, snapped);
      });
      ws.on('error', (e) => this.o.onNote?.(`${this.venue.id} ${c}: ${e.message}`));
      ws.on('close', () => {
        this.frame('close', c, '');
        resolve();
        if (this.stopped()) return;
        this.failures += 1;
        const wait = Math.min(BACKOFF_MAX_MS, 500 * 2 ** Math.min(this.failures, 6));
        this.o.onNote?.(`${this.venue.id} ${c} closed: redialling in ${wait} ms`);
        this.retry = setTimeout(() => void this.connect(), wait);
      });
    });
  }

  /**
   * Binance's diff stream starts from a REST snapshot taken after the first diff arrived (its
   * `lastUpdateId` must reach the first diff's `U - 1`), as ccxt and Binance's docs do it.
   */
  private binanceSnapshot(text: string, c: string, snapped: Map<string, 'pending' | 'done'>): void {
    let firstU: number | undefined;
    let id: string | undefined;
    try {
      const m = JSON.parse(text) as { e?: string; s?: string; U?: number };
      if (m.e === 'depthUpdate') {
        id = m.s;
        firstU = m.U;
      }
    } catch {
      return;
    }
    if (!id || snapped.has(id)) return;
    snapped.set(id, 'pending');
    const limit = this.o.binanceSnapshotLimit ?? 1000;
    const take = async (attempt: number): Promise<void> => {
      if (this.stopped()) return;
      const body = await this.get(`/api/v3/depth?symbol=${id}&limit=${limit}`, c);
      const last = body ? Number((JSON.parse(body) as { lastUpdateId?: number }).lastUpdateId) : Number.NaN;
      if (Number.isFinite(last) && firstU !== undefined && last >= firstU - 1) {
        snapped.set(id as string, 'done');
        return;
      }
      if (attempt < 5) setTimeout(() => void take(attempt + 1), 250 * attempt).unref();
    };
    void take(1);
  }
}
