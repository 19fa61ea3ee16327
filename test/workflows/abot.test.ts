import { WorkflowUpdateFailedError } from '@temporalio/client';
import { abotWorkflow } from '../../workflows/abot';
import { abotOrderUpdate, botActivateSignal, botDeactivateSignal, slotsQuery, type AbotView } from '../../signals/defs';
import { Decimal } from '../../domain/money/decimal';
import { eventually } from '../helpers/mode-workers';
import { ABOT_INPUT, withBotRig } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

// Flexible products only (no unbonding): the time-skipping test covers unbonding periods.
const STAKING = {
  ADA: { binance: { apyPercent: new Decimal('5'), unbondingHours: 0 } },
  NEAR: { binance: { apyPercent: new Decimal('4'), unbondingHours: 0 } },
  ETH: { binance: { apyPercent: new Decimal('3'), unbondingHours: 0 }, kraken: { apyPercent: new Decimal('3.5'), unbondingHours: 0 } },
  SOL: { binance: { apyPercent: new Decimal('2'), unbondingHours: 0 } },
};
const coins = (v: AbotView) => v.slots.map((s) => (s.coin === null ? '-' : `${s.coin}${s.seatWarmer ? '*' : ''}`)).join(' ');

describe('A-bot workflow on a real Temporal server over paper venues', () => {
  it('seat warmers on activation, signal buys into free slots, warmers sold FIFO, no slot -> rejected, flip to GOLD sells warmers only', async () => {
    await withBotRig(env, { balances: { binance: { USDT: '6000' }, kraken: { USD: '3000' }, coinbase: {} }, staking: STAKING }, async (rig, taskQueue) => {
      const h = await env.client.workflow.start(abotWorkflow, { taskQueue, workflowId: `abot-${Date.now()}`, args: [ABOT_INPUT] });
      await h.signal(botActivateSignal, { flipId: 'f1', mode: 'BTC', percent: '15' });
      // 6 empty > 3: three warmers, highest yield first and each a different coin
      let v = await eventually(async () => {
        const x = await h.query(slotsQuery);
        expect(coins(x)).toBe('ADA* NEAR* ETH* - - -');
        expect(x.slots.filter((s) => s.staked)).toHaveLength(3);
        return x;
      }, 20_000);
      expect(v.slots[0]!.staked).toMatchObject({ productId: 'paper-binance-ADA', apy: '0.05' });
      expect(v.slots[2]!.staked).toMatchObject({ productId: 'paper-binance-ETH' }); // bought on binance: staked there
      // per slot: 15 % of 9000 / 6 = 225 USD (fees included, within the budget)
      const cost = new Decimal(v.slots[0]!.costUsd!);
      expect(cost.lte(225) && cost.gt(224)).toBe(true);

      const order = (coin: string, id: string) => h.executeUpdate(abotOrderUpdate, { args: [{ action: 'buy', coin, requestId: id, source: 'operator' }] });
      expect(await order('SOL', 'b1')).toMatchObject({ done: true, message: expect.stringMatching(/slot 4/) });
      v = await h.query(slotsQuery);
      expect(coins(v)).toBe('ADA* NEAR* ETH* SOL - -'); // 2 empty: nothing to do
      // bought on binance: the cheaper net price (USDT book, 0.1 % fee vs kraken 0.4 %)
      expect(v.slots[3]).toMatchObject({ exchange: 'binance' });

      await order('DOT', 'b2'); // 1 empty < 2: sell the oldest warmer (ADA)
      v = await eventually(async () => {
        const x = await h.query(slotsQuery);
        expect(coins(x)).toBe('- NEAR* ETH* SOL DOT -');
        return x;
      }, 15_000);
      await order('AVAX', 'b3');
      await eventually(async () => {
        const x = await h.query(slotsQuery);
        expect(x.slots.filter((s) => s.coin === null)).toHaveLength(2);
        expect(x.slots.filter((s) => s.seatWarmer).map((s) => s.coin)).toEqual(['ETH']); // NEAR went second (FIFO)
      }, 15_000);
      await order('ATOM', 'b4'); // sells ETH, the last warmer
      await eventually(async () => expect((await h.query(slotsQuery)).slots.filter((s) => s.seatWarmer)).toHaveLength(0), 15_000);
      await order('LINK', 'b5');
      await order('MATIC', 'b6');
      v = await h.query(slotsQuery);
      expect(v.slots.filter((s) => s.coin === null)).toHaveLength(0);
      const refused = await order('NEAR', 'b7');
      expect(refused).toEqual({ done: false, message: expect.stringMatching(/no seat warmer to sell/) });
      // the same request id again is the same order, not a second one
      expect(await order('NEAR', 'b7')).toMatchObject({ done: false });
      await expect(order('DOGE', 'b8')).rejects.toBeInstanceOf(WorkflowUpdateFailedError);

      const sold = await h.executeUpdate(abotOrderUpdate, { args: [{ action: 'sell', coin: 'SOL', requestId: 's1', source: 'operator' }] });
      expect(sold).toMatchObject({ done: true, message: expect.stringMatching(/sold .* SOL on binance/) });
      v = await h.query(slotsQuery);
      expect(v.slots.some((s) => s.coin === 'SOL')).toBe(false);
      // a round trip through a 0.1 % wide book with 0.1 % fees each way loses money: booked, not hidden
      expect(new Decimal(v.realisedPnlUsd).lt(0)).toBe(true);
      // the same sum, added in another order: equal to far below a cent (40-digit rounding of the last place)
      expect(rig.ledger.realisedPnlUsd().toDecimalPlaces(20).toFixed()).toBe(new Decimal(v.realisedPnlUsd).plus(v.rewardsUsd).toDecimalPlaces(20).toFixed());
      expect(v.recent.find((r) => r.id === 'b7')).toMatchObject({ done: false });
      expect(rig.ledger.entries({ kind: 'decision', correlationId: 'abot:b7:refused' })).toHaveLength(1);

      // flip to GOLD: nothing new, warmers sold, signal positions stay (keepSignalPositionsOnGold)
      await h.signal(botActivateSignal, { flipId: 'f2', mode: 'BTC', percent: '15' }); // same mode again: harmless
      await h.signal(botDeactivateSignal, { flipId: 'f3', mode: 'GOLD', percent: '0' });
      v = await eventually(async () => {
        const x = await h.query(slotsQuery);
        expect(x.active).toBe(false);
        expect(x.slots.filter((s) => s.seatWarmer)).toHaveLength(0);
        return x;
      }, 15_000);
      expect(v.slots.filter((s) => s.coin !== null).map((s) => s.coin).sort()).toEqual(['ATOM', 'AVAX', 'DOT', 'LINK', 'MATIC']);
      expect(await order('BTC', 'b9')).toEqual({ done: false, message: expect.stringMatching(/no capital/) });
      await h.terminate('test done');
    });
  }, 60_000);

  it('no free slot: the oldest seat warmer is sold to make room (rules that keep warmers in full slots)', async () => {
    await withBotRig(env, { balances: { binance: { USDT: '6000' }, kraken: { USD: '3000' }, coinbase: {} }, staking: STAKING }, async (rig, taskQueue) => {
      const input = { ...ABOT_INPUT, rules: { buyWhenEmptyMoreThan: 3, sellWhenEmptyFewerThan: 0 } };
      const h = await env.client.workflow.start(abotWorkflow, { taskQueue, workflowId: `abot-evict-${Date.now()}`, args: [input] });
      await h.signal(botActivateSignal, { flipId: 'f1', mode: 'BTC', percent: '15' });
      await eventually(async () => expect(coins(await h.query(slotsQuery))).toBe('ADA* NEAR* ETH* - - -'), 20_000);
      for (const [i, c] of ['SOL', 'DOT', 'AVAX'].entries()) await h.executeUpdate(abotOrderUpdate, { args: [{ action: 'buy', coin: c, requestId: `e${i}`, source: 'operator' }] });
      expect(coins(await h.query(slotsQuery))).toBe('ADA* NEAR* ETH* SOL DOT AVAX');
      const r = await h.executeUpdate(abotOrderUpdate, { args: [{ action: 'buy', coin: 'ATOM', requestId: 'e9', source: 'operator' }] });
      expect(r).toMatchObject({ done: true, message: expect.stringMatching(/slot 1/) });
      expect(coins(await h.query(slotsQuery))).toBe('ATOM NEAR* ETH* SOL DOT AVAX');
      expect(rig.ledger.entries({ kind: 'decision', correlationId: 'abot:e9:evict:sell' }).length).toBe(1);
      await h.terminate('test done');
    });
  }, 60_000);
});
