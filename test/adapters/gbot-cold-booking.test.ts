import { Decimal, ZERO } from '../../domain/money/decimal';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { createGbotActivities } from '../../activities/gbot';
import { systemClock } from '../../ports/clock';
import type { Ledger } from '../../ports/ledger';
import { COLD } from '../helpers/bot-venues';
import { simBotVenues } from '../helpers/sim-bot-venues';
import { waitUntil } from '../helpers/wait';

const D = (s: string) => new Decimal(s);

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 13, autoTick: false, exchanges: ['binance'], withdrawalDelayMs: 100 });
});
afterAll(async () => {
  await sim?.close();
});

/** What the ledger says a place holds of an asset, from its lines alone. */
const implied = (ledger: Ledger, place: string, asset: string) =>
  ledger.entries().filter((e) => e.exchange === place && e.asset === asset).reduce((t, e) => t.plus(e.delta ?? ZERO), ZERO);

describe('G-bot cold-wallet withdrawal booked as the exchange moves it (real ccxt against the simulator)', () => {
  it('the venue loses what it sent, the cold wallet gets that less the network fee: the ledger equals the exchange to the last unit', async () => {
    const { venues, close } = await simBotVenues(sim, ['binance']);
    const ledger = SqliteLedger.open({ file: ':memory:' });
    try {
      const acts = createGbotActivities({ venues, ledger, clock: systemClock, quoteCurrencies: ['USDT'], goldAsset: 'PAXG', coldWalletAddress: COLD, goldNetwork: 'ERC20' });
      const before = D(sim.control.balances('binance').PAXG!.total);
      const kept = D('0.5');
      const r = await acts.gbotSendToCold({ key: 'gbot:b1:cold:binance', exchange: 'binance', amount: kept.toFixed(), purpose: 'flip' });
      expect(r.status).toBe('confirmed');
      const [w] = sim.control.withdrawals('binance');
      await waitUntil('the withdrawal settled', () => sim.control.withdrawals('binance')[0]?.status === 'ok', 5_000);
      const arrived = D(w!.amount).minus(w!.fee);
      const left = before.minus(D(sim.control.balances('binance').PAXG!.total));

      // The kept share leaves the venue whole (no crumb stays behind), the fee comes out of it.
      expect(left.toFixed()).toBe(kept.toFixed());
      expect(implied(ledger, 'binance', 'PAXG').toFixed()).toBe(left.negated().toFixed());
      expect(implied(ledger, 'cold-wallet', 'PAXG').toFixed()).toBe(arrived.toFixed());
      expect(r.status === 'confirmed' && r.amount).toBe(arrived.toFixed());
      expect(r.status === 'confirmed' && r.fee).toBe(D(w!.fee).toFixed());
    } finally {
      await close();
      ledger.close();
    }
  }, 30_000);
});
