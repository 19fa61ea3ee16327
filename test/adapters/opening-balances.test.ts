import * as fs from 'node:fs';
import { Decimal } from '../../domain/money/decimal';
import { loadConfig } from '../../config/loader';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { orderFilled } from '../../adapters/persistence/ledger-entries';
import { bookSimulatorOpenings } from '../../workers/opening-balances';
import { systemClock } from '../../ports/clock';
import { tempDataDir } from '../e2e/demo-helpers';

/**
 * The supervised demo's opening balances (workers/opening-balances.ts): read from the simulator
 * process through the real ccxt private calls, booked once per ledger; a restart books nothing
 * again, even after the simulator's balances moved.
 */
describe('opening balances booked from the simulator, once per ledger', () => {
  let sim: RunningSimulator;
  const dataDir = tempDataDir('openings');
  const config = loadConfig({ env: { LOG_LEVEL: 'silent' } });
  const reports: string[] = [];
  const book = () => bookSimulatorOpenings({ config, dataDir, simUrl: `http://127.0.0.1:${sim.port}`, clock: systemClock, report: (_o, m) => void reports.push(m) });
  const implied = () => {
    const ledger = SqliteLedger.open({ dataDir });
    try {
      return Object.fromEntries(ledger.impliedBalances().map((b) => [`${b.exchange} ${b.asset}`, b.amount.toFixed()]));
    } finally {
      ledger.close();
    }
  };
  const venue = () => Object.fromEntries(config.settings.exchanges.enabled.flatMap((ex) => Object.entries(sim.control.balances(ex)).filter(([, b]) => !new Decimal(b.total).isZero()).map(([a, b]) => [`${ex} ${a}`, new Decimal(b.total).toFixed()])));

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 3, autoTick: false });
  });
  afterAll(async () => {
    await sim?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('books what every venue holds, marked simulated; a second start books nothing although the venue moved', async () => {
    const first = await book();
    expect(first.map((r) => r.status)).toEqual(config.settings.exchanges.enabled.map(() => 'booked'));
    expect(implied()).toEqual(venue());
    const ledger = SqliteLedger.open({ dataDir });
    try {
      expect(ledger.entries({ kind: 'adjustment' }).every((e) => e.details?.simulated === true)).toBe(true);
    } finally {
      ledger.close();
    }

    // Between the starts the account traded (booked) and received coins nobody booked (a deposit).
    sim.control.credit('kraken', 'USD', '5');
    const again = await book();
    expect(again.map((r) => r.status)).toEqual(config.settings.exchanges.enabled.map(() => 'already-booked'));
    // Not booked as an opening: the deposit shows as the one difference, for an operator to book.
    const before = venue();
    expect(new Decimal(before['kraken USD']!).minus(new Decimal(implied()['kraken USD']!)).toFixed()).toBe('5');
  });

  it('a venue with ledger lines but no opening is reported, not guessed', async () => {
    const other = tempDataDir('openings-lines');
    const ledger = SqliteLedger.open({ dataDir: other });
    try {
      ledger.append(orderFilled({ at: 1, exchange: 'kraken', symbol: 'BTC/USD', side: 'buy', clientOrderId: 'x1', correlationId: 'x1', orderId: 'o1', filled: new Decimal('0.001'), cost: new Decimal('60'), fees: [] }));
    } finally {
      ledger.close();
    }
    const r = await bookSimulatorOpenings({ config, dataDir: other, simUrl: `http://127.0.0.1:${sim.port}`, clock: systemClock, report: (_o, m) => void reports.push(m) });
    expect(r.find((x) => x.exchange === 'kraken')).toEqual({ exchange: 'kraken', status: 'ledger-has-lines' });
    expect(reports.join('\n')).toMatch(/kraken: the ledger has lines for this venue but no opening balances/);
    fs.rmSync(other, { recursive: true, force: true });
  });
});
