import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { createAbotActivities } from '../../activities/abot';
import { createGbotActivities } from '../../activities/gbot';
import { systemClock } from '../../ports/clock';
import type { Ledger, LedgerEntry } from '../../ports/ledger';
import { COLD, UNIVERSE } from '../helpers/bot-venues';
import { deepBook, simBotVenues } from '../helpers/sim-bot-venues';

const D = (s: string) => new Decimal(s);

/** The ledger of a worker killed between the exchange's answer and the booking of the fill. */
function killedBeforeFillBooking(ledger: SqliteLedger): Ledger {
  return new Proxy(ledger, {
    get(target, prop) {
      if (prop === 'append') {
        return (lines: LedgerEntry[]) => {
          if (lines.some((l) => l.kind === 'fill')) throw new Error('worker killed');
          return target.append(lines);
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * #13: a bot's order sent before a crash and answered after. The activity's retry (same key, so
 * the same client order id) must find the order at the exchange and book it exactly once, as the
 * hot path's start-up lookup does: not send it again, not report it refused and leave its fill
 * out of the ledger.
 */
describe('a bot order sent before a crash is booked exactly once by the retry (real ccxt against the simulator)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 5, autoTick: false, exchanges: ['binance'] });
    const sol = deepBook('150', '0.05', '100000');
    sim.control.setBook('binance', 'SOL/USDT', sol.bids, sol.asks);
    const usdc = deepBook('1', '0.0001', '10000000');
    sim.control.setBook('binance', 'USDC/USDT', usdc.bids, usdc.asks);
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
  });

  const moved = (asset: string, before: Record<string, Decimal>) => formatDecimal(D(sim.control.balances('binance')[asset]?.total ?? '0').minus(before[asset] ?? D('0')));
  const totals = () => Object.fromEntries(Object.entries(sim.control.balances('binance')).map(([a, b]) => [a, D(b.total)]));
  const booked = (ledger: SqliteLedger, asset: string) => formatDecimal(ledger.impliedBalances().find((b) => b.exchange === 'binance' && b.asset === asset)?.amount ?? D('0'));

  it('A-bot buy: the order the crashed attempt sent is found by its client order id and booked once; nothing sent twice', async () => {
    const { venues, close } = await simBotVenues(sim, ['binance']);
    const ledger = SqliteLedger.open({ file: ':memory:' });
    try {
      const before = totals();
      const key = 'abot:crash-1:SOL:buy';
      // The first attempt: the exchange takes the order, then the worker dies before its fill is booked.
      const dying = createAbotActivities({ venues, ledger: killedBeforeFillBooking(ledger), clock: systemClock, quoteCurrencies: ['USDT'], universe: UNIVERSE });
      await expect(dying.abotBuy({ key, coin: 'SOL', budgetUsd: '300', seatWarmer: false })).rejects.toThrow(/worker killed/);
      expect(sim.control.orders('binance').filter((o) => o.clientOrderId === key)).toHaveLength(1);
      expect(ledger.entries({ kind: 'fill' })).toEqual([]);
      // The retry (same key) by a restarted worker on the same ledger.
      const acts = createAbotActivities({ venues, ledger, clock: systemClock, quoteCurrencies: ['USDT'], universe: UNIVERSE });
      const out = await acts.abotBuy({ key, coin: 'SOL', budgetUsd: '300', seatWarmer: false });
      expect(out).toMatchObject({ status: 'confirmed', clientOrderId: key });
      expect(sim.control.orders('binance').filter((o) => o.clientOrderId === key)).toHaveLength(1);
      expect({ SOL: booked(ledger, 'SOL'), USDT: booked(ledger, 'USDT') }).toEqual({ SOL: moved('SOL', before), USDT: moved('USDT', before) });
      // A second retry sends and books nothing more.
      await acts.abotBuy({ key, coin: 'SOL', budgetUsd: '300', seatWarmer: false });
      expect(sim.control.orders('binance').filter((o) => o.clientOrderId === key)).toHaveLength(1);
      expect({ SOL: booked(ledger, 'SOL'), USDT: booked(ledger, 'USDT') }).toEqual({ SOL: moved('SOL', before), USDT: moved('USDT', before) });
    } finally {
      ledger.close();
      await close();
    }
  });

  it('G-bot conversion legs on a live venue are booked: the ledger moves as the exchange did', async () => {
    const { venues, close } = await simBotVenues(sim, ['binance']);
    const ledger = SqliteLedger.open({ file: ':memory:' });
    try {
      const paxg = deepBook('2400', '0.5', '1000');
      sim.control.setBook('binance', 'PAXG/USDT', paxg.bids, paxg.asks);
      // More than the venue's USDT: the G-bot converts USDC into USDT inside the venue, then buys.
      sim.control.credit('binance', 'USDC', '200000');
      const before = totals();
      const acts = createGbotActivities({ venues, ledger, clock: systemClock, quoteCurrencies: ['USDT'], goldAsset: 'PAXG', coldWalletAddress: COLD, goldNetwork: 'ERC20' });
      const out = await acts.gbotBuyGold({ key: 'gbot:conv-1:buy', budgetUsd: '150000' });
      expect(out).toMatchObject({ status: 'confirmed', exchange: 'binance' });
      expect(sim.control.orders('binance').filter((o) => o.symbol === 'USDC/USDT' && o.clientOrderId?.startsWith('gbot:conv-1:buy'))).toHaveLength(1);
      for (const a of ['USDT', 'USDC', 'PAXG', 'BNB']) expect(`${a} ${booked(ledger, a)}`).toBe(`${a} ${moved(a, before)}`);
    } finally {
      ledger.close();
      await close();
    }
  });
});
