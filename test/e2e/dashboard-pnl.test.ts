import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { decision } from '../../adapters/persistence/ledger-entries';
import { Decimal } from '../../domain/money/decimal';
import type { GoldView } from '../../signals/defs';
import { goldPanel, roundedProse } from '../../dashboard/bots';
import { pnlChart, sweepAvailability } from '../../dashboard/pnl';

// The dashboard's server-side figures over a real (in-memory SQLite) ledger: the page only copies them.
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const pnl = (at: number, usd: string, id: string) => ({ kind: 'fill' as const, at, exchange: 'binance' as const, asset: 'USDT', delta: new Decimal(usd), realisedPnlUsd: new Decimal(usd), correlationId: id, idempotencyKey: id });

test('the PnL chart is the cumulative realised series, scaled on the server into the viewBox', () => {
  const ledger = SqliteLedger.open({ file: ':memory:' });
  expect(pnlChart(ledger, T0).points).toBe('');
  ledger.append([pnl(T0, '10', 'a'), pnl(T0 + 50_000, '-30', 'b'), pnl(T0 + 100_000, '40.5', 'c')]);
  const c = pnlChart(ledger, T0 + 200_000);
  // Cumulative 10, -20, 20.5: the top is 20.5 (y 6), the bottom -20 (y 134), 10 at 6 + 10.5/40.5 × 128; x spans 0..600 over 200 s.
  expect(c.points).toBe('0.0,39.2 150.0,134.0 300.0,6.0 600,6.0');
  expect(c.zeroY).toBe('70.8');
  expect([c.maxLabel, c.minLabel, c.count]).toEqual(['20.50', '-20.00', 3]);
});

test('profit available for the sweep: its share of realised PnL since the last sweep claim, none when negative', () => {
  const ledger = SqliteLedger.open({ file: ':memory:' });
  ledger.append([pnl(T0, '1000', 'a')]);
  expect(sweepAvailability(ledger, new Decimal(15))).toMatchObject({ profitSinceLastUsd: '1,000.00', availableUsd: '150.00', lastSweep: 'never' });
  ledger.append([decision({ at: T0 + 1000, correlationId: 'sweep-2026-11', key: 'sweep-claim:2026-11', details: { what: 'sweep-claim', month: '2026-11' } })]);
  ledger.append([pnl(T0 + 2000, '33.333', 'b')]);
  expect(sweepAvailability(ledger, new Decimal(15))).toMatchObject({ profitSinceLastUsd: '33.33', availableUsd: '5.00', lastSweep: '2026-11-01 12:00' });
  ledger.append([pnl(T0 + 3000, '-50', 'c')]);
  expect(sweepAvailability(ledger, new Decimal(15)).availableUsd).toBe('0.00');
});

test('the G-bot panel rounds 40-digit strings for people and names an unreadable figure', () => {
  const v: GoldView = {
    active: true, mode: 'GOLD', percent: '85', realisedPnlUsd: '0',
    perExchange: [{ exchange: 'binance', amount: '0.4159', costUsd: '998.952313359' }, { exchange: 'kraken', amount: '0.41508062', costUsd: 'x1' }],
    coldWallet: { amount: '0.1', costUsd: '240' },
    averageCostUsd: '2405.533007602903663385073890170868244797',
    cycles: [{ flipId: 'f', mode: 'GOLD', sold: '0', kept: '0', message: 'bought 0.41466592 PAXG on kraken for 998.9999812610176 USD; 0.0004147123456789 PAXG' }],
  };
  const p = goldPanel(v);
  expect(p.averageCostUsd).toBe('2,405.53');
  expect(p.totalPaxg).toBe('0.93098062');
  expect(p.perExchange).toEqual([{ exchange: 'binance', paxg: '0.41590000', costUsd: '998.95' }, { exchange: 'kraken', paxg: '0.41508062', costUsd: 'unreadable (x1)' }]);
  expect(p.cycles[0]?.message).toBe('bought 0.41466592 PAXG on kraken for 999.00 USD; 0.00041471 PAXG');
  expect(roundedProse('no numbers here')).toBe('no numbers here');
});
