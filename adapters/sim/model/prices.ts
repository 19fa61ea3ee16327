import type { ExchangeId } from '../../../domain/market';
import { Prng } from './prng';

/**
 * Correlated random-walk USD prices per asset and venue. One common "crypto" factor moves every
 * volatile asset together (PAXG follows gold and only weakly); each venue adds a small
 * mean-reverting basis, and now and then one venue dislocates for one asset for a few steps, which
 * is what creates real cross-venue arbitrage. Stablecoins wobble a few bps around 1.
 */
interface AssetSpec { start: number; vol: number; beta: number }

const ASSETS: Record<string, AssetSpec> = {
  BTC: { start: 64_000, vol: 0.0004, beta: 1 },
  ETH: { start: 3_100, vol: 0.0005, beta: 1.1 },
  SOL: { start: 145, vol: 0.0008, beta: 1.3 },
  PAXG: { start: 2_400, vol: 0.0002, beta: 0.1 },
  BNB: { start: 580, vol: 0.0005, beta: 0.9 },
};
const STABLES = ['USDT', 'USDC'];

export interface PriceModelOptions {
  seed: number;
  venues: ExchangeId[];
  /** Probability per step and venue that a dislocation starts (default 0.002). */
  dislocationRate?: number;
  /** Size of a dislocation as a fraction of price (default 0.004 = 40 bps). */
  dislocationSize?: number;
}

interface Dislocation { asset: string; offset: number; stepsLeft: number }

export class PriceModel {
  readonly rng: Prng;
  private readonly usd = new Map<string, number>();
  private readonly basis = new Map<string, number>();
  private readonly dislocations = new Map<ExchangeId, Dislocation>();
  private readonly rate: number;
  private readonly size: number;

  constructor(private readonly opts: PriceModelOptions) {
    this.rng = new Prng(opts.seed);
    this.rate = opts.dislocationRate ?? 0.002;
    this.size = opts.dislocationSize ?? 0.004;
    for (const [a, s] of Object.entries(ASSETS)) this.usd.set(a, s.start);
    for (const s of STABLES) this.usd.set(s, 1);
  }

  step(): void {
    const common = this.rng.normal();
    for (const [a, s] of Object.entries(ASSETS)) {
      const shock = s.beta * common * s.vol + this.rng.normal() * s.vol * 0.5;
      this.usd.set(a, (this.usd.get(a) ?? s.start) * Math.exp(shock));
    }
    for (const s of STABLES) {
      const p = this.usd.get(s) ?? 1;
      // Pulled back to the peg: a stablecoin wanders a few bps, never far.
      this.usd.set(s, 1 + (p - 1) * 0.9 + this.rng.normal() * 0.00005);
    }
    for (const v of this.opts.venues) {
      for (const a of [...Object.keys(ASSETS), ...STABLES]) {
        const k = `${v}:${a}`;
        const b = this.basis.get(k) ?? 0;
        this.basis.set(k, b * 0.8 + this.rng.normal() * 0.00003);
      }
      const d = this.dislocations.get(v);
      if (d) {
        d.stepsLeft -= 1;
        if (d.stepsLeft <= 0) this.dislocations.delete(v);
      } else if (this.rng.next() < this.rate) {
        const names = Object.keys(ASSETS);
        const asset = names[this.rng.int(names.length)] ?? 'BTC';
        const sign = this.rng.next() < 0.5 ? -1 : 1;
        this.dislocations.set(v, { asset, offset: sign * this.size, stepsLeft: 5 + this.rng.int(20) });
      }
    }
  }

  /** USD price of an asset as seen on one venue (USD itself is 1). */
  usdPrice(venue: ExchangeId, asset: string): number {
    if (asset === 'USD') return 1;
    const p = this.usd.get(asset);
    if (p === undefined) throw new Error(`price model has no asset ${asset}`);
    const d = this.dislocations.get(venue);
    const dis = d && d.asset === asset ? d.offset : 0;
    return p * (1 + (this.basis.get(`${venue}:${asset}`) ?? 0) + dis);
  }

  mid(venue: ExchangeId, base: string, quote: string): number {
    return this.usdPrice(venue, base) / this.usdPrice(venue, quote);
  }

  activeDislocations(): Array<{ venue: ExchangeId; asset: string; offset: number }> {
    return [...this.dislocations.entries()].map(([venue, d]) => ({ venue, asset: d.asset, offset: d.offset }));
  }
}
