import { abotWorkflow, type AbotState } from '../../workflows/abot';
import { abotOrderUpdate, slotsQuery } from '../../signals/defs';
import { emptySlots } from '../../domain/abot';
import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId, Symbol } from '../../domain/market';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import { ABOT_INPUT, botRig, botWorker, fillsOf, staticBook, type BotRig } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

// An A-bot buy is one IOC at the quote's limit; a market that moved between the quote and the
// order fills nothing (NO_FILL). Found by the split e2e under load: the A-bot recorded the refusal
// and waited for the next alert. It now asks again with a fresh quote, a bounded number of times
// (abot.noFillRetries); any other refusal (no venue, over budget) is final.

/**
 * Binance's paper fills see its SOL book 2 % dearer than the quote for the first `misses` orders
 * (the market ran away each time), then the quoted book: the real paper engine, only the market moves.
 */
function movingMarket(rig: BotRig, misses: number): { orders: () => number } {
  const v = rig.venues.find((x) => x.exchange === 'binance') as BotRig['venues'][number];
  let orders = 0;
  const books = (symbol: Symbol) => {
    const quoted = v.books(symbol);
    if (symbol !== 'SOL/USDT' || !quoted) return quoted;
    orders += 1;
    return orders <= misses ? staticBook('binance' as ExchangeId, symbol, new Decimal(rig.prices.SOL as string).times('1.02')) : quoted;
  };
  const trading = new PaperTrading({ exchange: 'binance', markets: v.markets, books, wallet: rig.wallets.binance, ledger: rig.ledger });
  Object.assign(v, { trading, account: trading });
  return { orders: () => orders };
}

const state = (): AbotState => ({ slots: emptySlots(6), active: true, mode: 'BTC', percent: '15', seq: 0, queue: [], seen: [], recent: [], realisedPnlUsd: '0', rewardsUsd: '0' });
const input = (noFillRetries?: number) => ({ ...ABOT_INPUT, rules: { buyWhenEmptyMoreThan: 6, sellWhenEmptyFewerThan: 0 }, state: state(), ...(noFillRetries === undefined ? {} : { noFillRetries }) });
const buySol = (requestId: string) => ({ action: 'buy' as const, coin: 'SOL', requestId, source: 'operator' as const });

async function run(rig: BotRig, noFillRetries: number | undefined, body: (h: Awaited<ReturnType<typeof env.client.workflow.start<typeof abotWorkflow>>>) => Promise<void>): Promise<void> {
  const { worker, taskQueue } = await botWorker(env, rig.activities);
  try {
    await worker.runUntil(async () => {
      const h = await env.client.workflow.start(abotWorkflow, { taskQueue, workflowId: `abot-no-fill-${Date.now()}-${Math.random()}`, args: [input(noFillRetries)] });
      try {
        await body(h);
      } finally {
        await h.terminate('test done');
      }
    });
  } finally {
    rig.close();
  }
}

describe('A-bot: a buy the market ran away from is asked again with a fresh quote, a bounded number of times', () => {
  it('one miss: the second attempt (a new client order id, a fresh quote) fills the slot; the miss stays booked', async () => {
    const rig = botRig({ balances: { binance: { USDT: '6000' }, kraken: {}, coinbase: {} }, staking: {} });
    const market = movingMarket(rig, 1);
    await run(rig, undefined, async (h) => {
      const res = await h.executeUpdate(abotOrderUpdate, { args: [buySol('b1')] });
      expect(res).toMatchObject({ done: true, message: expect.stringMatching(/^bought .* SOL on binance .* into slot 1/) });
      expect(market.orders()).toBe(2);
      expect((await h.query(slotsQuery)).slots[0]).toMatchObject({ coin: 'SOL' });
      expect(fillsOf(rig.ledger, 'abot:b1:buy')).toEqual([]);
      expect(fillsOf(rig.ledger, 'abot:b1:buy:retry-1')).toHaveLength(1);
      const refusal = rig.ledger.entries({ kind: 'decision', correlationId: 'abot:b1:buy' }).find((e) => e.idempotencyKey === 'abot:b1:buy:outcome');
      expect(refusal?.details).toMatchObject({ outcome: { status: 'rejected', code: 'NO_FILL' } });
    });
  }, 90_000);

  it('a market that keeps running: 1 + noFillRetries attempts, then the refusal with its reason; no more orders', async () => {
    const rig = botRig({ balances: { binance: { USDT: '6000' }, kraken: {}, coinbase: {} }, staking: {} });
    const market = movingMarket(rig, 100);
    await run(rig, 2, async (h) => {
      const res = await h.executeUpdate(abotOrderUpdate, { args: [buySol('b2')] });
      expect(res).toEqual({ done: false, message: expect.stringMatching(/^buy refused after 3 attempts: .*nothing crosses/) });
      expect(market.orders()).toBe(3);
      expect((await h.query(slotsQuery)).slots.every((s) => s.coin === null)).toBe(true);
    });
  }, 90_000);

  it('a refusal that is not NO_FILL (here: too little money for an order) is not retried', async () => {
    const rig = botRig({ balances: { binance: { USDT: '10' }, kraken: {}, coinbase: {} }, staking: {} });
    const market = movingMarket(rig, 0);
    await run(rig, 2, async (h) => {
      const res = await h.executeUpdate(abotOrderUpdate, { args: [buySol('b3')] });
      expect(res).toEqual({ done: false, message: expect.stringMatching(/^buy refused: /) });
      expect(market.orders()).toBe(0);
      expect(rig.ledger.entries({ kind: 'decision' }).filter((e) => String(e.correlationId).startsWith('abot:b3:buy:retry'))).toEqual([]);
    });
  }, 90_000);
});
