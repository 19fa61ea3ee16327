import type { AppConfig } from '../config';
import type { ExchangeId } from '../domain/market';
import type { Account } from '../ports/account';
import type { Clock } from '../ports/clock';
import type { Ledger } from '../ports/ledger';
import { decision, openingBalances } from '../adapters/persistence/ledger-entries';
import { SqliteLedger } from '../adapters/persistence/ledger-sqlite';
import { createExchangeAdapters } from '../adapters/exchanges/factory';
import { simulatorCcxtOptions } from '../adapters/sim';
import { formatDecimal } from '../domain/money/format';

export type OpeningOutcome =
  | { exchange: ExchangeId; status: 'booked'; assets: number }
  | { exchange: ExchangeId; status: 'already-booked' }
  /** The ledger has lines for the venue but no opening: what it held before them is unknown, so nothing is guessed. */
  | { exchange: ExchangeId; status: 'ledger-has-lines' };

/**
 * Books each venue's opening balances from the venue itself, once per ledger: the balances the
 * exchange reports before anything was booked for it, plus a marker line (`opening:<ex>:read`,
 * same correlation id) so that a restart, even of a venue that held nothing, books nothing again.
 * A venue that already has ledger lines and no opening is reported, never guessed: `qbot reconcile`
 * then shows the gap and an operator books an adjustment. A venue whose balances cannot be read
 * throws (the caller tries again before anything trades).
 */
export async function bookOpeningsFromVenues(o: {
  ledger: Ledger; clock: Clock; venues: Array<{ exchange: ExchangeId; account: Account }>;
  report: (obj: object, msg: string) => void;
}): Promise<OpeningOutcome[]> {
  const out: OpeningOutcome[] = [];
  for (const { exchange, account } of o.venues) {
    const correlationId = `opening-balances:${exchange}`;
    if (o.ledger.entries({ correlationId }).length > 0) {
      out.push({ exchange, status: 'already-booked' });
      continue;
    }
    if (o.ledger.impliedBalances().some((b) => b.exchange === exchange)) {
      o.report({ exchange }, `${exchange}: the ledger has lines for this venue but no opening balances; not booking any (qbot reconcile shows the gap)`);
      out.push({ exchange, status: 'ledger-has-lines' });
      continue;
    }
    const b = await account.balances();
    if (!('assets' in b)) throw new Error(`${exchange}: opening balances unavailable: ${b.reason}`);
    const at = o.clock.now();
    const balances = Object.fromEntries(Object.entries(b.assets).map(([asset, x]) => [asset, x.total]));
    const lines = openingBalances({ at, exchange, balances });
    o.ledger.append([...lines, decision({
      at, exchange, correlationId, key: `opening:${exchange}:read`,
      details: { event: 'opening-balances-read', balances: Object.fromEntries(Object.entries(balances).map(([a, x]) => [a, formatDecimal(x)])) },
    })]);
    out.push({ exchange, status: 'booked', assets: lines.length });
  }
  return out;
}

/**
 * The supervised demo's step before any worker starts: the simulator process is the exchange of
 * record, so what its accounts hold when the ledger first meets them is booked as opening balances
 * (through the real ccxt private calls), and `qbot reconcile` over the demo's ledger can agree.
 */
export async function bookSimulatorOpenings(o: { config: AppConfig; dataDir: string; simUrl: string; clock: Clock; report: (obj: object, msg: string) => void }): Promise<OpeningOutcome[]> {
  const { config } = o;
  const ledger = SqliteLedger.open({ dataDir: o.dataDir, simulated: true });
  const adapters = [];
  try {
    for (const exchange of config.settings.exchanges.enabled) {
      const sim = simulatorCcxtOptions(o.simUrl, exchange);
      adapters.push(await createExchangeAdapters({ exchange, env: config.env, settings: config.settings, clock: o.clock, networks: config.networks, urlsOverride: sim.urls, ccxtOptions: sim.ccxtOptions }));
    }
    return await bookOpeningsFromVenues({ ledger, clock: o.clock, venues: adapters.map((a) => ({ exchange: a.exchange, account: a.account })), report: o.report });
  } finally {
    await Promise.all(adapters.map((a) => a.close().catch(() => undefined)));
    ledger.close();
  }
}
