import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId } from '../../domain/market';
import { monthKey } from '../../domain/sweep';
import { loadConfig } from '../../config/loader';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { bookOpeningBalances } from '../../adapters/persistence/ledger-entries';
import { createAbotActivities } from '../../activities/abot';
import { createGbotActivities } from '../../activities/gbot';
import { createSweepActivities } from '../../activities/sweep';
import { createMoneyActivities } from '../../activities/money';
import { createReconcileActivities } from '../../activities/reconcile';
import { rebalanceWorkflow } from '../../workflows/rebalance';
import { sweepWorkflow } from '../../workflows/sweep';
import { sweepInput } from '../../signals/cli/commands/sweep';
import { startHotpath, type HotpathProcess } from '../../workers/hotpath';
import { systemClock } from '../../ports/clock';
import { startDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';
import { COLD, UNIVERSE } from '../helpers/bot-venues';
import { deepBook, simBotVenues } from '../helpers/sim-bot-venues';
import { waitUntil } from '../helpers/wait';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const EXCHANGES: ExchangeId[] = ['binance', 'kraken', 'coinbase'];
const STABLES = ['USD', 'USDT', 'USDC'];
const D = (s: string) => new Decimal(s);

/**
 * Issue #13's test: after a run of Q-bot trades, A-bot and G-bot actions, a rebalance and a sweep,
 * the ledger equals the exchange's balances to the last unit, per venue and asset. The simulator is
 * the exchange; everything (the hot path's orders, the bots', withdrawals, deposits, the balances
 * compared at the end) goes through the real ccxt private calls. The opening balances are booked
 * explicitly from the exchange at the start, as an operator does before going live.
 */
describe('the ledger equals the exchange after a run of every money mover (real ccxt against the simulator, real Temporal)', () => {
  let env: TestWorkflowEnvironment;
  let sim: RunningSimulator;
  let hp: HotpathProcess | undefined;
  let ticking: NodeJS.Timeout | undefined;
  const ledger = SqliteLedger.open({ file: ':memory:' });
  beforeAll(async () => {
    [env, sim] = await Promise.all([
      startDevServer(),
      startSimulator({ port: 0, seed: 11, autoTick: false, dislocationRate: 0, exchanges: EXCHANGES, withdrawalDelayMs: 200 }),
    ]);
  }, 90_000);
  afterAll(async () => {
    if (ticking) clearInterval(ticking);
    await hp?.close();
    await sim?.close();
    await env?.teardown();
    ledger.close();
  });

  it('Q-bot trade, A-bot buy and sell, G-bot buy, sale and cold send, rebalance, sweep: no difference on any venue or asset', async () => {
    const at = Date.now();
    for (const ex of EXCHANGES) {
      const totals = Object.fromEntries(Object.entries(sim.control.balances(ex)).map(([a, b]) => [a, D(b.total)]));
      expect(bookOpeningBalances(ledger, { at, exchange: ex, balances: totals })).toBe(true);
    }

    // 1. The Q-bot: a dislocation traded by the hot path through ccxt (the live code path: LedgerBookedTrading).
    ticking = setInterval(() => sim.control.step(), 100);
    hp = await startHotpath({
      simUrl: `http://127.0.0.1:${sim.port}`, temporal: false, ledger,
      config: loadConfig({ env: { LOG_LEVEL: 'silent', TRADING_MODE: 'paper', LATENCY_MODE: 'laptop' } }),
    });
    const hot = hp;
    await waitUntil('books from three venues', () => new Set([...hot.qbot.cache.all()].map((e) => e.market.exchange)).size === 3 || undefined, 20_000, 20);
    clearInterval(ticking);
    ticking = undefined;
    const kraken = sim.control.book('kraken', 'BTC/USDT');
    const ask = D(kraken.bids[0]![0]).times('0.98').toDecimalPlaces(2);
    sim.control.setBook('binance', 'BTC/USDT', [[ask.minus(1).toFixed(2), '1']], [[ask.toFixed(2), '1'], [ask.plus(1).toFixed(2), '1']]);
    await waitUntil('the Q-bot attempt result', () => ledger.entries({ kind: 'decision' }).find((e) => (e.details as { type?: string }).type === 'attempt-result'), 15_000, 20);
    await hp.close();
    hp = undefined;
    expect(ledger.entries({ kind: 'fill' }).length).toBeGreaterThan(0);

    // Deep books for what the bots trade, so their sizes never run out of book.
    for (const ex of ['kraken', 'coinbase'] as const) {
      const g = deepBook('2400', '0.5', '1000');
      sim.control.setBook(ex, 'PAXG/USD', g.bids, g.asks);
    }
    const gb = deepBook('2400', '0.5', '1000');
    sim.control.setBook('binance', 'PAXG/USDT', gb.bids, gb.asks);
    const sol = deepBook('150', '0.05', '100000');
    sim.control.setBook('binance', 'SOL/USDT', sol.bids, sol.asks);

    const { venues, adapters, close } = await simBotVenues(sim, EXCHANGES);
    try {
      const base = { venues, ledger, clock: systemClock, quoteCurrencies: STABLES };
      const abot = createAbotActivities({ ...base, universe: UNIVERSE });
      const gbot = createGbotActivities({ ...base, goldAsset: 'PAXG', coldWalletAddress: COLD, goldNetwork: 'ERC20' });

      // 2. The A-bot: a signal buy and its sale.
      const bought = await abot.abotBuy({ key: 'abot:e2e:SOL:buy', coin: 'SOL', budgetUsd: '300', seatWarmer: false });
      expect(bought).toMatchObject({ status: 'confirmed' });
      if (bought.status !== 'confirmed') return;
      const sold = await abot.abotSell({ key: 'abot:e2e:SOL:sell', coin: 'SOL', exchange: bought.exchange, amount: bought.filled, costUsd: bought.usd });
      expect(sold).toMatchObject({ trade: { status: 'confirmed' } });

      // 3. The G-bot: gold bought, most of it sold on a flip (at a basis that leaves a profit to sweep), the rest sent cold.
      const g = await gbot.gbotBuyGold({ key: 'gbot:e2e:buy', budgetUsd: '1200' });
      expect(g).toMatchObject({ status: 'confirmed' });
      if (g.status !== 'confirmed') return;
      const sell = D(g.filled).times('0.85').toDecimalPlaces(4, Decimal.ROUND_DOWN);
      const gs = await gbot.gbotSellGold({ key: 'gbot:e2e:sell', exchange: g.exchange, amount: sell.toFixed(), costUsd: '100' });
      expect(gs.trade).toMatchObject({ status: 'confirmed' });
      const cold = await gbot.gbotSendToCold({ key: 'gbot:e2e:cold', exchange: g.exchange, amount: D(g.filled).minus(sell).toFixed(), purpose: 'flip' });
      expect(cold).toMatchObject({ status: 'confirmed' });

      // 4 and 5. A rebalance and the sweep, each its own workflow on a real Temporal server.
      const cfg = loadConfig({ env: { LOG_LEVEL: 'silent', LATENCY_MODE: 'laptop' } });
      const byEx = Object.fromEntries(adapters.map((a) => [a.exchange, { account: a.account, funding: a.funding }]));
      const activities = {
        ...createMoneyActivities({ venues: byEx, ledger, clock: systemClock, catalogue: cfg.networks, rules: cfg.settings.transfers, pollMs: 100 }),
        ...gbot,
        ...createSweepActivities({ ledger, clock: systemClock, currentMode: async () => 'BTC' }),
      };
      const taskQueue = uniqueTaskQueue('ledger-truth');
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities, shutdownGraceTime: '1 second' });
      await worker.runUntil(async () => {
        const rebalanceId = `rebalance-USDT-e2e-${Date.now()}`;
        const r = await env.client.workflow.execute(rebalanceWorkflow, {
          taskQueue, workflowId: rebalanceId,
          args: [{ rebalanceId, asset: 'USDT', amount: '1000', priceUsd: '1', from: 'binance', to: 'kraken', approvalAboveUsd: '2500', approvalTimeoutMs: 60_000, depositTimeoutMs: 30_000 }],
        });
        expect(r).toMatchObject({ state: 'completed' });
        const month = monthKey(Date.now());
        const sw = await env.client.workflow.execute(sweepWorkflow, { taskQueue, workflowId: `sweep-${month}-e2e-${Date.now()}`, args: [sweepInput(cfg.settings, month)] });
        expect(sw).toMatchObject({ state: 'done' });
      });

      // Every withdrawal has settled at the exchange (the cold sends included) before comparing.
      await waitUntil('withdrawals settled', () => EXCHANGES.every((ex) => sim.control.withdrawals(ex).every((w) => w.status === 'ok')) || undefined, 10_000, 50);

      // The ledger against each venue's fetchBalance through ccxt, per venue and asset, to the last unit.
      const report = await createReconcileActivities({ ledger, venues: adapters.map((a) => ({ exchange: a.exchange, account: a.account })) }).reconcileBalances();
      expect(report).toEqual({ ok: true, differences: [], unavailable: [] });
      // It compared something: every kind of move is in the ledger.
      const kinds = new Set(ledger.entries().map((e) => e.kind));
      for (const k of ['adjustment', 'fill', 'fee', 'transfer-out', 'transfer-in']) expect(kinds).toContain(k);
    } finally {
      await close();
    }
  }, 120_000);
});
