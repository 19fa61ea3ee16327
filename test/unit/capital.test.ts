import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { FeeBook } from '../../domain/fees';
import { budgetsFor, canSpend, type Budgets, type ConsumerId } from '../../domain/capital';
import type { TradingMode } from '../../domain/allocation';
import { loadConfig } from '../../config/loader';
import { feeSchedulesFromSettings } from '../../adapters/persistence/fee-book-setup';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { CapitalStore } from '../../adapters/persistence/capital-sqlite';
import { CapitalGuard } from '../../adapters/capital/guard';
import { qbotConsumerOf, qbotContinuesAttempt } from '../../workers/capital';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import { PaperBalances } from '../../adapters/paper/paper-balances';
import { PaperFunding } from '../../adapters/paper/paper-funding';
import type { OrderOutcome, OrderRequest } from '../../ports/trading';

const d = (x: string) => new Decimal(x);
const f = formatDecimal;
const L = (price: string, amount: string) => ({ price: d(price), amount: d(amount) });
const T0 = Date.UTC(2026, 10, 30, 12, 0);
const settings = loadConfig({ env: {} }).settings;

const market = (symbol: string): Market => {
  const [base, quote] = symbol.split('/') as [string, string];
  return {
    exchange: 'binance', symbol, base, quote, id: `${base}${quote}`, amountStep: d('0.0001'), priceTick: d('0.01'),
    minAmount: d('0.0001'), minNotional: d('5'), takerFee: d('0.001'), makerFee: d('0.001'), active: true,
  };
};
const books: Record<string, OrderBook> = {
  'SOL/USDT': { exchange: 'binance', symbol: 'SOL/USDT', receivedAt: T0, bids: [L('99', '100')], asks: [L('100', '100')] },
  'PAXG/USDT': { exchange: 'binance', symbol: 'PAXG/USDT', receivedAt: T0, bids: [L('1999', '10')], asks: [L('2000', '10')] },
  'ADA/USDT': { exchange: 'binance', symbol: 'ADA/USDT', receivedAt: T0, bids: [L('0.49', '100000')], asks: [L('0.5', '100000')] },
  'USDC/USDT': { exchange: 'binance', symbol: 'USDC/USDT', receivedAt: T0, bids: [L('0.9999', '100000')], asks: [L('1', '100000')] },
};
const PRICES: Record<string, string> = { USDT: '1', USDC: '1', SOL: '100', PAXG: '2000' };

/** Budgets in force for a mode, from the configured split of a 9,000 USD account. */
const budgetsOf = (mode: TradingMode): Budgets => budgetsFor(d('9000'), settings.modes.allocationPercent[mode], settings.qbot.splitPercent);

describe('capital budgets follow the mode (domain)', () => {
  test('BTC: Q-bot 85 % split 80/20 cross/tri, A-bot 15 %, G-bot nothing; GOLD: G-bot 85 %, Q-bot 15 %', () => {
    const show = (b: Budgets) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v === null ? null : f(v)]));
    expect(show(budgetsOf('BTC'))).toEqual({ 'qbot-cross': '6120', 'qbot-tri': '1530', abot: '1350', gbot: '0', money: null, sweep: null });
    expect(show(budgetsOf('GOLD'))).toEqual({ 'qbot-cross': '1080', 'qbot-tri': '270', abot: '0', gbot: '7650', money: null, sweep: null });
  });

  test('the first thing that stops a spend names the refusal; selling its own coins needs no budget', () => {
    const view = { free: d('10'), reserved: d('2'), owned: { abot: d('5') }, budgetUsd: d('100'), committedUsd: d('50'), usdPrice: d('10') };
    const ask = (consumer: ConsumerId, amount: string) => canSpend({ consumer, venue: 'binance', asset: 'SOL', amount: d(amount) }, view);
    expect(ask('qbot-cross', '9')).toMatchObject({ ok: false, reason: 'INSUFFICIENT_UNRESERVED' });
    expect(ask('qbot-cross', '4')).toMatchObject({ ok: false, reason: 'OWNED_BY_OTHER_BOT' });
    expect(ask('qbot-cross', '3')).toMatchObject({ ok: true });
    expect(ask('abot', '8')).toMatchObject({ ok: true }); // 5 of its own + 3 unowned = 30 USD new, 80 <= 100
    expect(canSpend({ consumer: 'qbot-tri', venue: 'binance', asset: 'SOL', amount: d('3') }, { ...view, committedUsd: d('90') })).toMatchObject({ ok: false, reason: 'OVER_BUDGET' });
    expect(canSpend({ consumer: 'qbot-tri', venue: 'binance', asset: 'SOL', amount: d('3') }, { ...view, usdPrice: undefined })).toMatchObject({ ok: false, reason: 'NO_USD_PRICE' });
    expect(() => ask('money', '0')).toThrow(/positive/);
  });
});

describe('capital reservations in SQLite, two processes on one file', () => {
  let dir: string;
  const stores: CapitalStore[] = [];
  const open = () => {
    const s = CapitalStore.open({ file: path.join(dir, 'capital.sqlite') });
    stores.push(s);
    return s;
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-capital-'))));
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const ctx = (now = T0, free = '1000') => ({ balance: { free: d(free), at: now - 1 }, budgetUsd: null, usdPrice: d('1'), now, ttlMs: 60_000 });
  const req = (key: string, consumer: ConsumerId, amount: string) => ({ key, consumer, venue: 'binance', asset: 'USDT', amount: d(amount) });

  test('the second of two processes cannot reserve the same USDT; a release frees it; a retry of a key is known', () => {
    const a = open();
    const b = open();
    expect(a.reserve(req('g1', 'gbot', '600'), ctx())).toEqual({ status: 'reserved' });
    expect(b.reserve(req('m1', 'money', '600'), ctx())).toMatchObject({ status: 'refused', reason: 'INSUFFICIENT_UNRESERVED' });
    expect(b.reserve(req('g1', 'gbot', '600'), ctx())).toEqual({ status: 'known', state: 'open' });
    expect(b.reserve(req('g1', 'money', '600'), ctx())).toMatchObject({ status: 'refused', reason: 'KEY_CONFLICT' });
    expect(a.release('g1', T0)).toBe(true);
    expect(b.reserve(req('m1', 'money', '600'), ctx())).toEqual({ status: 'reserved' });
    expect(a.openReservations().map((r) => [r.key, r.consumer, f(r.amount)])).toEqual([['m1', 'money', '600']]);
  });

  test('a reservation of a crashed process expires: after its TTL the money is free again and the next start closes it', () => {
    const crashed = open();
    expect(crashed.reserve(req('q1', 'qbot-cross', '900'), ctx())).toEqual({ status: 'reserved' });
    crashed.close();
    stores.splice(stores.indexOf(crashed), 1);
    const next = open();
    expect(next.reserve(req('a1', 'abot', '500'), { ...ctx(T0 + 59_999), budgetUsd: d('1350') })).toMatchObject({ status: 'refused', reason: 'INSUFFICIENT_UNRESERVED' });
    expect(next.reserve(req('a1', 'abot', '500'), { ...ctx(T0 + 60_000), budgetUsd: d('1350') })).toEqual({ status: 'reserved' });
    expect(next.expire(T0 + 60_000).map((r) => r.key)).toEqual(['q1']);
    expect(next.openReservations().map((r) => r.key)).toEqual(['a1']);
  });

  test('nothing is written when refused (a refused key can be reserved later)', () => {
    const a = open();
    expect(a.reserve(req('x', 'money', '2000'), ctx())).toMatchObject({ status: 'refused' });
    expect(a.openReservations()).toEqual([]);
    expect(a.reserve(req('x', 'money', '2000'), ctx(T0, '3000'))).toEqual({ status: 'reserved' });
  });
});

/** One paper venue (the real paper trading adapter) seen by two processes, each with its own guard. */
function venue(dir: string, inventory: Record<string, string>) {
  let now = T0;
  const clock = { now: () => now };
  const ledger = SqliteLedger.open({ file: ':memory:' });
  const wallet = new PaperBalances(Object.fromEntries(Object.entries(inventory).map(([a, x]) => [a, d(x)])));
  const paper = new PaperTrading({
    exchange: 'binance', markets: Object.keys(books).map(market), books: (s) => books[s], ledger, wallet, clock,
    feeBook: new FeeBook(feeSchedulesFromSettings(settings.fees)), sleep: () => Promise.resolve(),
  });
  let mode: TradingMode = 'BTC';
  const guard = (o: { balanceMaxAgeMs?: number; budgetSlackPercent?: string } = {}) => new CapitalGuard({
    store: CapitalStore.open({ file: path.join(dir, 'capital.sqlite') }), clock, reservationTtlMs: 60_000, balanceMaxAgeMs: o.balanceMaxAgeMs ?? 0,
    budgets: async () => budgetsOf(mode), usdPrice: (a) => (PRICES[a] ? d(PRICES[a]) : undefined),
    ...(o.budgetSlackPercent ? { budgetSlackPercent: d(o.budgetSlackPercent) } : {}),
  });
  const ordersSent = () => ledger.entries({ kind: 'order-attempt' }).length;
  return { paper, wallet, clock, ledger, guard, ordersSent, setMode: (m: TradingMode) => (mode = m), advance: (ms: number) => (now += ms) };
}
const ioc = (symbol: string, side: 'buy' | 'sell', amount: string, price: string, id: string): OrderRequest => ({ exchange: 'binance', symbol, side, type: 'ioc', amount: d(amount), price: d(price), clientOrderId: id });
const code = (o: OrderOutcome | { status: string; code?: string }) => (o.status === 'rejected' ? (o as { code: string }).code : o.status);

describe('the capital guard at the edge where orders and withdrawals leave (paper venue)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-guard-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the Q-bot never sells the A-bot\'s coins: refused OWNED_BY_OTHER_BOT before the exchange, its own coins it may sell', async () => {
    const v = venue(dir, { USDT: '5000', SOL: '2' });
    const orchestrator = v.guard();
    const hotpath = v.guard();
    const abot = orchestrator.trading(v.paper, v.paper, 'abot');
    const qbot = hotpath.trading(v.paper, v.paper, 'qbot-cross');
    expect(code(await abot.placeOrder(ioc('SOL/USDT', 'buy', '10', '100', 'abot-buy-1')))).toBe('confirmed');
    const before = v.ordersSent();
    const sold = await qbot.placeOrder(ioc('SOL/USDT', 'sell', '5', '99', 'q-1-sell'));
    expect(sold).toMatchObject({ status: 'rejected', code: 'OWNED_BY_OTHER_BOT', clientOrderId: 'q-1-sell' });
    expect((sold as { reason: string }).reason).toMatch(/abot 10 held by other bots/);
    expect(v.ordersSent()).toBe(before);
    // The 2 SOL that were there before the A-bot bought are the common inventory.
    expect(code(await qbot.placeOrder(ioc('SOL/USDT', 'sell', '2', '99', 'q-2-sell')))).toBe('confirmed');
    // The A-bot sells its own; its holding follows, and then those coins are free for anyone.
    expect(code(await abot.placeOrder(ioc('SOL/USDT', 'sell', '10', '99', 'abot-sell-1')))).toBe('confirmed');
  });

  test('G-bot and a conversion act at the same moment on the same venue: one is refused INSUFFICIENT_UNRESERVED, only one order reaches the exchange', async () => {
    const v = venue(dir, { USDT: '1000' });
    v.setMode('GOLD');
    const gbot = v.guard().trading(v.paper, v.paper, 'gbot');
    const money = v.guard().trading(v.paper, v.paper, 'money');
    const outcomes = await Promise.all([
      gbot.placeOrder(ioc('PAXG/USDT', 'buy', '0.3', '2000', 'gbot-buy')), // 600 USDT
      money.placeOrder(ioc('USDC/USDT', 'buy', '600', '1', 'conv-1')), // 600 USDT
    ]);
    expect(outcomes.map(code).sort()).toEqual(['INSUFFICIENT_UNRESERVED', 'confirmed']);
    expect(v.ordersSent()).toBe(1);
  });

  test('a balance read 30 s ago is corrected by what guarded orders moved since: the Q-bot cannot spend USDT the G-bot already spent', async () => {
    const v = venue(dir, { USDT: '1000', SOL: '1' });
    v.setMode('GOLD');
    const qbot = v.guard({ balanceMaxAgeMs: 60_000 }).trading(v.paper, v.paper, 'qbot-cross');
    // The Q-bot's guard reads the balances (1000 USDT) with a small order.
    expect(code(await qbot.placeOrder(ioc('SOL/USDT', 'buy', '0.1', '100', 'q-0-buy')))).toBe('confirmed');
    v.advance(1_000);
    const gbot = v.guard().trading(v.paper, v.paper, 'gbot');
    expect(code(await gbot.placeOrder(ioc('PAXG/USDT', 'buy', '0.4', '2000', 'gbot-buy')))).toBe('confirmed'); // ~800 USDT
    v.advance(29_000);
    const before = v.ordersSent();
    expect(code(await qbot.placeOrder(ioc('SOL/USDT', 'buy', '5', '100', 'q-1-buy')))).toBe('INSUFFICIENT_UNRESERVED');
    expect(v.ordersSent()).toBe(before);
  });

  test('with the shipped balance age (5 s) guarded legs inside it do not re-read balances by REST, and a reservation still refuses over-spend', async () => {
    const maxAge = settings.capital.balanceMaxAgeMs;
    expect(maxAge).toBe(5_000);
    const v = venue(dir, { USDT: '1000', SOL: '1' });
    let reads = 0;
    // The real paper account, counted: every read here is a REST call in live.
    const account = { exchange: v.paper.exchange, balances: () => { reads += 1; return v.paper.balances(); } };
    const qbot = v.guard({ balanceMaxAgeMs: maxAge }).trading(v.paper, account, 'qbot-cross');
    expect(code(await qbot.placeOrder(ioc('SOL/USDT', 'buy', '1', '100', 'q-1-buy')))).toBe('confirmed');
    v.advance(1_000);
    expect(code(await qbot.placeOrder(ioc('SOL/USDT', 'buy', '2', '100', 'q-2-buy')))).toBe('confirmed');
    v.advance(3_000);
    expect(code(await qbot.placeOrder(ioc('SOL/USDT', 'sell', '1', '99', 'q-3-sell')))).toBe('confirmed');
    expect(reads).toBe(1);
    // Spent since the read (about 200 USDT of the 1000 read, net) is applied: 900 more is over-spend.
    const before = v.ordersSent();
    expect(code(await qbot.placeOrder(ioc('SOL/USDT', 'buy', '9', '100', 'q-4-buy')))).toBe('INSUFFICIENT_UNRESERVED');
    expect(v.ordersSent()).toBe(before);
    expect(reads).toBe(1);
    // Past the age the next leg reads again.
    v.advance(maxAge);
    expect(code(await qbot.placeOrder(ioc('SOL/USDT', 'buy', '1', '100', 'q-5-buy')))).toBe('confirmed');
    expect(reads).toBe(2);
  });

  test('budgets follow the mode: the A-bot buys in BTC mode, is refused OVER_BUDGET in GOLD, and may still sell what it holds', async () => {
    const v = venue(dir, { USDT: '5000' });
    const abot = v.guard().trading(v.paper, v.paper, 'abot');
    expect(code(await abot.placeOrder(ioc('SOL/USDT', 'buy', '10', '100', 'a-1')))).toBe('confirmed');
    expect(code(await abot.placeOrder(ioc('SOL/USDT', 'buy', '4', '100', 'a-2')))).toBe('OVER_BUDGET'); // 1000 + 400 > 1350
    v.setMode('GOLD');
    const before = v.ordersSent();
    expect(code(await abot.placeOrder(ioc('SOL/USDT', 'buy', '0.1', '100', 'a-3')))).toBe('OVER_BUDGET');
    expect(v.ordersSent()).toBe(before);
    expect(code(await abot.placeOrder(ioc('SOL/USDT', 'sell', '10', '99', 'a-4')))).toBe('confirmed');
  });

  test('a purchase of the whole budget reserved at its worst limit price passes within the slack, not beyond', async () => {
    const v = venue(dir, { USDT: '5000' });
    // 13.5 SOL at a limit of 101 reserves 1363.5 USDT against the A-bot's 1350 (BTC mode): 1 % over.
    expect(code(await v.guard().trading(v.paper, v.paper, 'abot').placeOrder(ioc('SOL/USDT', 'buy', '13.5', '101', 'a-strict')))).toBe('OVER_BUDGET');
    expect(code(await v.guard({ budgetSlackPercent: '2' }).trading(v.paper, v.paper, 'abot').placeOrder(ioc('SOL/USDT', 'buy', '13.5', '101', 'a-slack')))).toBe('confirmed');
  });

  test('a triangle\'s later legs spend the attempt\'s own proceeds: no budget check (ADA has no USD view), balances and ownership still hold', async () => {
    const v = venue(dir, { USDT: '1000', ADA: '50' });
    const tri = v.guard().trading(v.paper, v.paper, qbotConsumerOf(), qbotContinuesAttempt);
    expect(code(await tri.placeOrder({ ...ioc('ADA/USDT', 'sell', '10', '0.49', 'q-7-leg1'), correlationId: 'q-7' }))).toBe('NO_USD_PRICE');
    expect(code(await tri.placeOrder({ ...ioc('ADA/USDT', 'buy', '100', '0.5', 'q-8-leg1'), correlationId: 'q-8' }))).toBe('confirmed');
    expect(code(await tri.placeOrder({ ...ioc('ADA/USDT', 'sell', '100', '0.49', 'q-8-leg2'), correlationId: 'q-8' }))).toBe('confirmed');
    expect(code(await tri.placeOrder({ ...ioc('ADA/USDT', 'sell', '51', '0.49', 'q-8-unwind'), correlationId: 'q-8' }))).toBe('INSUFFICIENT_UNRESERVED');
  });

  test('a cross attempt is counted once against the budget: its buy and its sell at the same moment both pass (GOLD: 1080 USD for cross)', async () => {
    const v = venue(dir, { USDT: '5000', SOL: '10' });
    v.setMode('GOLD');
    const cross = v.guard().trading(v.paper, v.paper, qbotConsumerOf(), qbotContinuesAttempt);
    const legs = await Promise.all([
      cross.placeOrder({ ...ioc('SOL/USDT', 'buy', '8', '100', 'q-9-buy'), correlationId: 'q-9' }), // 800 USD
      cross.placeOrder({ ...ioc('SOL/USDT', 'sell', '8', '99', 'q-9-sell'), correlationId: 'q-9' }), // 792 USD
    ]);
    expect(legs.map(code)).toEqual(['confirmed', 'confirmed']);
    expect(code(await cross.placeOrder({ ...ioc('SOL/USDT', 'buy', '11', '100', 'q-10-buy'), correlationId: 'q-10' }))).toBe('OVER_BUDGET');
  });

  test('withdrawals are reserved too: the money manager cannot send the G-bot\'s PAXG; the G-bot can, once', async () => {
    const v = venue(dir, { USDT: '5000' });
    v.setMode('GOLD');
    const cold = '0xcold';
    const funding = new PaperFunding({ exchange: 'binance', wallet: v.wallet, networks: { PAXG: [{ network: 'ERC20', fee: d('0.001'), min: d('0.01') }] }, allowedAddresses: [cold] });
    const g = v.guard();
    expect(code(await g.trading(v.paper, v.paper, 'gbot').placeOrder(ioc('PAXG/USDT', 'buy', '1', '2000', 'g-buy')))).toBe('confirmed');
    const money = v.guard().funding(funding, v.paper, 'money');
    expect(await money.withdraw({ asset: 'PAXG', network: 'ERC20', amount: d('0.5'), address: cold, idempotencyKey: 'm-w' })).toMatchObject({ status: 'rejected', code: 'OWNED_BY_OTHER_BOT' });
    const gf = g.funding(funding, v.paper, 'gbot');
    const w = { asset: 'PAXG', network: 'ERC20', amount: d('0.5'), address: cold, idempotencyKey: 'g-w' };
    expect(await gf.withdraw(w)).toMatchObject({ status: 'submitted' });
    expect(await gf.withdraw(w)).toMatchObject({ status: 'submitted' }); // a retry: the same submission, nothing reserved twice
  });
});
