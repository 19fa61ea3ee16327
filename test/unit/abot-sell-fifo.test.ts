import { planSell, type Slot } from '../../domain/abot';

const warmer = (coin: string, openedSeq: number): Slot => ({ coin, exchange: 'binance', amount: '1', costUsd: '1', seatWarmer: true, openedSeq, openedAt: openedSeq, stake: null });

describe('a sell signal for a coin only seat warmers hold sells the oldest of them (FIFO)', () => {
  it('picks the warmer opened first, whatever its slot', () => {
    const slots: Slot[] = [null, warmer('ADA', 7), warmer('ADA', 3), null, warmer('ADA', 5), null];
    expect(planSell(slots, 'ADA')).toEqual({ kind: 'sell', slot: 2 });
  });
  it('a signal position of the coin goes before any warmer', () => {
    const slots: Slot[] = [warmer('ADA', 1), { ...(warmer('ADA', 9) as object), seatWarmer: false } as Slot, null];
    expect(planSell(slots, 'ADA')).toEqual({ kind: 'sell', slot: 1 });
  });
});
