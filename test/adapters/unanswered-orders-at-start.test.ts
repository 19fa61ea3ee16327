import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import { OrdersInFlight } from '../../adapters/persistence/orders-in-flight';
import { LedgerBookedTrading } from '../../adapters/exchanges/booked-trading';
import type { ExchangeAdapters } from '../../adapters/exchanges';
import { adaptersFor } from './helpers/exchange-harness';
import { scaled, waitUntil } from '../helpers/wait';

const D = (s: string) => new Decimal(s);
const ASSETS = ['BTC', 'USDT', 'BNB'];

/**
 * A live order whose answer never came (the exchange filled it, the process did not hear back and
 * then went down) is looked up by client order id when the trading path is built again, booked
 * from the exchange's answer and surfaced. Real ccxt against the simulator, SQLite ledger and state.
 */
describe('sent-but-unanswered live orders are looked up at start (ccxt against the simulator)', () => {
  let sim: RunningSimulator;
  let dir: string;
  const adapters: ExchangeAdapters[] = [];
  const closers: Array<() => void> = [];
  beforeEach(async () => {
    sim = await startSimulator({ port: 0, seed: 17, autoTick: false, exchanges: ['binance'] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unanswered-'));
  });
  afterEach(async () => {
    for (const a of adapters.splice(0)) await a.close().catch(() => undefined);
    for (const c of closers.splice(0)) c();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function tradingPath(extra: Parameters<typeof adaptersFor>[2] = {}) {
    const ledger = SqliteLedger.open({ file: path.join(dir, 'ledger.sqlite') });
    const state = StateStore.open({ file: path.join(dir, 'state.sqlite') });
    closers.push(() => ledger.close(), () => state.close());
    const ad = await adaptersFor(sim, 'binance', extra);
    adapters.push(ad);
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (_o: object, m: string) => warnings.push(m), error: (_o: object, m: string) => warnings.push(m) };
    const booked = new LedgerBookedTrading({ trading: ad.trading, ledger, clock: { now: () => Date.now() }, log, inFlight: new OrdersInFlight(state, 'binance') });
    return { ad, ledger, booked, warnings };
  }
  const exchangeTotals = () => Object.fromEntries(ASSETS.map((a) => [a, D(sim.control.balances('binance')[a]?.total ?? '0')]));
  const ledgerTotals = (ledger: SqliteLedger) => Object.fromEntries(ASSETS.map((a) => [a, ledger.impliedBalances().find((b) => b.exchange === 'binance' && b.asset === a)?.amount ?? D('0')]));

  it('an IOC the exchange filled while the answer was lost is booked once at the next start, with the exchange fee, and surfaced', async () => {
    const ex0 = exchangeTotals();
    const timeoutMs = scaled(1_500);
    const first = await tradingPath({ ccxtExtra: { timeout: timeoutMs } });
    const l0 = ledgerTotals(first.ledger);
    // Markets loaded first, so the order is the request the slow exchange holds past the client's timeout.
    expect(await first.ad.account.balances()).toHaveProperty('assets');
    sim.control.injectFault('binance', { type: 'slow', ms: timeoutMs + 500 });
    const bid = D(sim.control.book('binance', 'BTC/USDT').bids[0]![0]);
    const lost = await first.booked.placeOrder({ exchange: 'binance', symbol: 'BTC/USDT', side: 'sell', type: 'ioc', amount: D('0.01'), price: bid.times('0.999'), clientOrderId: 'unanswered-1', correlationId: 'att-u1' });
    expect(lost).toMatchObject({ status: 'rejected', code: 'UNKNOWN_OUTCOME' });
    sim.control.clearFaults();
    await waitUntil('the exchange filled the order', () => sim.control.orders('binance').some((o) => o.clientOrderId === 'unanswered-1' && o.filled !== '0'), 5_000);
    // "Crash": the trading path is dropped and built again on the same ledger and state files.
    await first.ad.close();
    const next = await tradingPath();
    const report = await next.booked.recoverUnanswered();
    expect(report).toEqual({ recovered: ['unanswered-1'], notAtExchange: [], unresolved: [] });
    const ex1 = exchangeTotals();
    const l1 = ledgerTotals(next.ledger);
    for (const a of ASSETS) expect(`${a} ${formatDecimal(l1[a]!.minus(l0[a]!))}`).toBe(`${a} ${formatDecimal(ex1[a]!.minus(ex0[a]!))}`);
    expect(next.ledger.entries({ kind: 'fill', correlationId: 'att-u1' })).toHaveLength(2);
    const surfaced = next.ledger.entries({ kind: 'decision', correlationId: 'att-u1' }).map((e) => (e.details as { event?: string }).event);
    expect(surfaced).toContain('order-found-at-start');
    expect(next.warnings.join('\n')).toMatch(/unanswered order found at the exchange/);
    // Resolved: a further start looks nothing up and books nothing twice.
    expect(await next.booked.recoverUnanswered()).toEqual({ recovered: [], notAtExchange: [], unresolved: [] });
    expect(next.ledger.entries({ kind: 'fill', correlationId: 'att-u1' })).toHaveLength(2);
  });
});
