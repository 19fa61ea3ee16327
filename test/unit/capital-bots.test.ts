import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal } from '../../domain/money/decimal';
import type { Budgets, ConsumerId } from '../../domain/capital';
import { CapitalStore } from '../../adapters/persistence/capital-sqlite';
import { CapitalGuard } from '../../adapters/capital/guard';
import { createAbotActivities } from '../../activities/abot';
import { createGbotActivities } from '../../activities/gbot';
import { usdPrice, type BotTradingDeps } from '../../activities/bot-trading';
import { consumerOfActivity, guardVenues, qbotConsumerOf, qbotContinuesAttempt } from '../../workers/capital';
import { botRig, COLD, UNIVERSE, type BotRig } from '../helpers/bot-venues';

const d = (x: string) => new Decimal(x);
/** A flip moment: the A-bot still acts on BTC-mode capital while the G-bot already buys. */
const BUDGETS: Budgets = { 'qbot-cross': d('6000'), 'qbot-tri': d('1500'), abot: d('1350'), gbot: d('7650'), money: null, sweep: null };

describe('bots acting at the same moment on the same venue, through their real activities and the guard', () => {
  let rig: BotRig;
  let dir: string;
  const stores: CapitalStore[] = [];
  /** One guard per process, each with its own connection to the same capital file. */
  const guarded = (consumer: ConsumerId) => {
    const store = CapitalStore.open({ file: path.join(dir, 'capital.sqlite') });
    stores.push(store);
    const valuation: BotTradingDeps = { venues: rig.venues, ledger: rig.ledger, clock: { now: () => Date.now() }, quoteCurrencies: ['USD', 'USDT', 'USDC'] };
    const guard = new CapitalGuard({ store, clock: { now: () => Date.now() }, reservationTtlMs: 60_000, balanceMaxAgeMs: 0, budgets: async () => BUDGETS, usdPrice: (a) => usdPrice(valuation, a) });
    return { guard, venues: guardVenues(guard, rig.venues, () => consumer) };
  };
  const ordersSent = () => rig.ledger.entries({ kind: 'order-attempt' }).length;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-capital-bots-'));
    rig = botRig({ balances: { binance: { USDT: '1000' }, kraken: {}, coinbase: {} }, staking: {} });
  });
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    rig.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('A-bot and G-bot each want 700 of the same 1000 USDT: one buys, the other is refused INSUFFICIENT_UNRESERVED before any exchange call', async () => {
    const base = { ledger: rig.ledger, clock: { now: () => Date.now() }, quoteCurrencies: ['USD', 'USDT', 'USDC'] };
    const abot = createAbotActivities({ ...base, venues: guarded('abot').venues, universe: UNIVERSE });
    const gbot = createGbotActivities({ ...base, venues: guarded('gbot').venues, goldAsset: 'PAXG', coldWalletAddress: COLD, goldNetwork: 'ERC20' });
    const [a, g] = await Promise.all([
      abot.abotBuy({ key: 'abot-buy-sol', coin: 'SOL', budgetUsd: '700', seatWarmer: false }),
      gbot.gbotBuyGold({ key: 'gbot-buy-1', budgetUsd: '700' }),
    ]);
    const outcomes = [a, g].map((t) => (t.status === 'confirmed' ? 'confirmed' : `${t.code}: ${t.reason}`));
    expect(outcomes.filter((o) => o === 'confirmed')).toHaveLength(1);
    expect(outcomes.find((o) => o !== 'confirmed')).toMatch(/INSUFFICIENT_UNRESERVED: .*reserved by open orders/);
    expect(ordersSent()).toBe(1);
  });

  test('the Q-bot cannot sell the A-bot\'s SOL bought through its real activity; the A-bot can', async () => {
    const base = { ledger: rig.ledger, clock: { now: () => Date.now() }, quoteCurrencies: ['USD', 'USDT', 'USDC'] };
    const abot = createAbotActivities({ ...base, venues: guarded('abot').venues, universe: UNIVERSE });
    const bought = await abot.abotBuy({ key: 'abot-buy-sol', coin: 'SOL', budgetUsd: '300', seatWarmer: false });
    expect(bought.status).toBe('confirmed');
    const sol = bought.status === 'confirmed' ? bought.filled : '0';
    const qbot = guarded('qbot-cross').guard.trading(rig.venues[0]!.trading, rig.venues[0]!.account, qbotConsumerOf());
    const before = ordersSent();
    const sold = await qbot.placeOrder({ exchange: 'binance', symbol: 'SOL/USDT', side: 'sell', type: 'ioc', amount: d(sol), price: d('140'), clientOrderId: 'qbot-1-sell', correlationId: 'qbot-1' });
    expect(sold).toMatchObject({ status: 'rejected', code: 'OWNED_BY_OTHER_BOT' });
    expect(ordersSent()).toBe(before);
    const sale = await abot.abotSell({ key: 'abot-sell-sol', coin: 'SOL', exchange: 'binance', amount: sol, costUsd: '300' });
    expect(sale.trade.status).toBe('confirmed');
  });

  test('consumers are told apart: Q-bot legs by their client order ids (a correction follows its attempt), activities by their workflow', () => {
    const q = qbotConsumerOf();
    const req = (clientOrderId: string, correlationId: string) => ({ exchange: 'binance' as const, symbol: 'BTC/USDT', side: 'buy' as const, type: 'ioc' as const, amount: d('1'), clientOrderId, correlationId });
    expect(q(req('qbot-1-buy', 'qbot-1'))).toBe('qbot-cross');
    expect(q(req('qbot-2-leg1', 'qbot-2'))).toBe('qbot-tri');
    expect(q(req('qbot-2-unwind', 'qbot-2'))).toBe('qbot-tri');
    expect(q(req('qbot-1-hedge', 'qbot-1'))).toBe('qbot-cross');
    // The budget is checked once per attempt: on the cross buy and the first triangle leg.
    expect(['qbot-1-buy', 'qbot-1-sell', 'qbot-2-leg1', 'qbot-2-leg2', 'qbot-2-unwind'].map((id) => qbotContinuesAttempt(req(id, 'x')))).toEqual([false, true, false, true, true]);
    // Outside an activity there is no workflow to ask: the fallback (no budget, bound by everything else).
    expect(consumerOfActivity()()).toBe('money');
    expect(consumerOfActivity('gbot')()).toBe('gbot');
  });
});
