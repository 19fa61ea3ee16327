import type { ExchangeId } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';
import { generateBook } from './book';
import { PriceModel } from './prices';
import type { BookStore } from './store';

/** Moves every source book one model step and prints an occasional trade. */
export class ModelDriver {
  readonly prices: PriceModel;

  constructor(private readonly store: BookStore, seed: number, venues: ExchangeId[], dislocationRate?: number) {
    this.prices = new PriceModel({ seed, venues, ...(dislocationRate !== undefined ? { dislocationRate } : {}) });
  }

  step(n = 1): void {
    for (let i = 0; i < n; i++) {
      this.prices.step();
      for (const lb of this.store.sourceBooks()) {
        const m = lb.market;
        const mid = this.prices.mid(m.exchange, m.base, m.quote);
        this.store.apply(m.exchange, m.symbol, generateBook(m, mid, this.prices.rng));
        if (this.prices.rng.next() < 0.3) {
          const side = this.prices.rng.next() < 0.5 ? 'buy' : 'sell';
          const level = side === 'buy' ? lb.book.asks[0] : lb.book.bids[0];
          if (level) {
            const amount = Decimal.max(m.step, level[1].times(this.prices.rng.next().toFixed(3)).div(m.step).floor().times(m.step));
            this.store.publishTrade(m.exchange, m.symbol, level[0], amount, side);
          }
        }
      }
    }
  }
}
