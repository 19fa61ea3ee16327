import { waitUntil } from '../helpers/wait';
import { Decimal } from '../../domain/money/decimal';
import { loadConfig } from '../../config/loader';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { CapitalGuard } from '../../adapters/capital/guard';
import { startHotpath, type HotpathProcess } from '../../workers/hotpath';
import type { Trading } from '../../ports/trading';

const d = (x: string) => new Decimal(x);

describe('the hot path trades through the capital guard (simulator over real ccxt, paper trading)', () => {
  let sim: RunningSimulator;
  let hp: HotpathProcess;
  const ledger = SqliteLedger.open({ file: ':memory:' });
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 11, tickMs: 100 });
    hp = await startHotpath({
      sim, temporal: false, ledger, maxSymbolsPerVenue: 20,
      config: loadConfig({ env: { LOG_LEVEL: 'silent', TRADING_MODE: 'paper', LATENCY_MODE: 'laptop' } }),
      paperBalances: { binance: { USDT: d('1000'), SOL: d('2') }, kraken: { USD: d('1000') }, coinbase: { USD: d('1000') } },
    });
  }, 60_000);
  afterAll(async () => {
    await hp?.close();
    await sim?.close();
    ledger.close();
  });

  test('the Q-bot neither sees nor can sell the SOL the A-bot bought on the same venue; the refusal is typed and no order reached the paper venue', async () => {
    await waitUntil('a live SOL/USDT book on binance', () => hp.qbot.cache.get('binance', 'SOL/USDT')?.state === 'live', 20_000);
    const paper = hp.paper!.trading.get('binance')!;
    // The orchestrator's guard: another guard over the same capital store.
    const abot = new CapitalGuard({ store: hp.capital, clock: { now: () => Date.now() }, reservationTtlMs: 60_000, balanceMaxAgeMs: 0, budgets: async () => ({ 'qbot-cross': null, 'qbot-tri': null, abot: null, gbot: null, money: null, sweep: null }), usdPrice: () => undefined }).trading(paper, paper, 'abot');
    const ask = hp.qbot.cache.get('binance', 'SOL/USDT')!.book.asks[0]!.price;
    const bought = await abot.placeOrder({ exchange: 'binance', symbol: 'SOL/USDT', side: 'buy', type: 'ioc', amount: d('3'), price: ask.times('1.02'), clientOrderId: 'abot-buy-sol' });
    expect(bought).toMatchObject({ status: 'confirmed' });
    const held = bought.status === 'confirmed' ? bought.filled : d('0');

    await hp.qbot.refreshBalances();
    const seen = hp.qbot.balanceEntries().find((b) => b.exchange === 'binance' && b.asset === 'SOL')?.amount;
    expect(seen?.toFixed()).toBe('2'); // 2 + the A-bot's 3 on the exchange; the Q-bot sizes on its 2

    const qbotTrading = hp.qbot['deps'].trading!.get('binance') as Trading;
    const orders = () => ledger.entries({ kind: 'order-attempt' }).length;
    const before = orders();
    const bid = hp.qbot.cache.get('binance', 'SOL/USDT')!.book.bids[0]!.price;
    const sold = await qbotTrading.placeOrder({ exchange: 'binance', symbol: 'SOL/USDT', side: 'sell', type: 'ioc', amount: d('2').plus(held), price: bid.times('0.98'), clientOrderId: 'qbot-x-sell', correlationId: 'qbot-x' });
    expect(sold).toMatchObject({ status: 'rejected', code: 'OWNED_BY_OTHER_BOT', clientOrderId: 'qbot-x-sell' });
    expect(orders()).toBe(before);
  }, 60_000);
});
