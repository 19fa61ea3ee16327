import { Context } from '@temporalio/activity';
import { abotWorkflow } from '../../workflows/abot';
import { abotOrderSignal, botActivateSignal, slotsQuery } from '../../signals/defs';
import { Decimal } from '../../domain/money/decimal';
import type { Clock } from '../../ports/clock';
import { eventually } from '../helpers/mode-workers';
import { ABOT_INPUT, botRig, botWorker, fillsOf } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile('time-skipping');

const HOUR = 3_600_000;
/** The server's (skipped) time as the paper venues' clock: when this activity attempt was scheduled. */
let lastSeen = Date.now();
const serverClock: Clock = {
  now: () => {
    try {
      lastSeen = Context.current().info.currentAttemptScheduledTimestampMs;
    } catch {
      // outside an activity: the last server time an activity saw
    }
    return lastSeen;
  },
};

describe('A-bot sell through a 72-hour unbonding period (time-skipping server)', () => {
  it('stakes, earns 30 days of rewards, unstakes, waits out the unbonding on a durable timer, then sells and books PnL and rewards', async () => {
    const rig = botRig({
      balances: { binance: { USDT: '6000' }, kraken: { USD: '3000' }, coinbase: {} },
      staking: { SOL: { binance: { apyPercent: new Decimal('7'), unbondingHours: 72 } } },
      clock: serverClock,
    });
    const { worker, taskQueue } = await botWorker(env, rig.activities);
    await worker.runUntil(async () => {
      // No seat warmers here: only the signal position and its unbonding.
      const input = { ...ABOT_INPUT, rules: { buyWhenEmptyMoreThan: 6, sellWhenEmptyFewerThan: 0 } };
      const h = await env.client.workflow.start(abotWorkflow, { taskQueue, workflowId: `abot-unbond-${Date.now()}`, args: [input] });
      await h.signal(botActivateSignal, { flipId: 'f1', mode: 'BTC', percent: '15' });
      await h.signal(abotOrderSignal, { action: 'buy', coin: 'SOL', requestId: 'buy-1', source: 'tradingview' });
      const held = await eventually(async () => {
        const v = await h.query(slotsQuery);
        expect(v.slots[0]!.staked).toMatchObject({ productId: 'paper-binance-SOL' });
        return v.slots[0]!;
      }, 20_000);
      const amount = new Decimal(held.amount!);
      expect(rig.wallets.binance.freeOf('SOL').isZero()).toBe(true); // all of it staked

      await env.sleep('30 days');
      const sellAt = await env.currentTimeMs();
      await h.signal(abotOrderSignal, { action: 'sell', coin: 'SOL', requestId: 'sell-1', source: 'tradingview' });
      await eventually(async () => {
        const v = await h.query(slotsQuery);
        expect(v.slots[0]).toMatchObject({ coin: 'SOL', closing: true });
        expect(v.slots[0]!.staked).not.toBeNull(); // still unbonding
        expect(rig.ledger.entries({ kind: 'staking-reward' })).toHaveLength(1);
      }, 20_000);
      // Rewards for ~30 days at 7 %: paid at once; the principal is not back yet.
      const reward = rig.ledger.entries({ kind: 'staking-reward' })[0]!;
      const expected = amount.times('0.07').times(30).div(365);
      expect(reward.delta!.minus(expected).abs().lt(expected.times('0.01'))).toBe(true);
      expect(rig.wallets.binance.freeOf('SOL').toFixed()).toBe(reward.delta!.toFixed());

      await env.sleep('71 hours');
      expect((await h.query(slotsQuery)).slots[0]).toMatchObject({ coin: 'SOL', closing: true });
      await env.sleep('2 hours');
      const v = await eventually(async () => {
        const x = await h.query(slotsQuery);
        expect(x.slots[0]!.coin).toBeNull();
        return x;
      }, 20_000);
      expect(v.recent.find((r) => r.id === 'sell-1')).toMatchObject({ done: true, message: expect.stringMatching(/sold .* SOL on binance/) });
      expect(new Decimal(v.rewardsUsd).gt(0)).toBe(true);
      // the same sum, added in another order: equal to far below a cent (40-digit rounding of the last place)
      expect(rig.ledger.realisedPnlUsd().toDecimalPlaces(20).toFixed()).toBe(new Decimal(v.realisedPnlUsd).plus(v.rewardsUsd).toDecimalPlaces(20).toFixed());
      // Principal plus rewards were sold, once.
      const sells = fillsOf(rig.ledger, 'abot:sell-1:sell');
      expect(sells).toHaveLength(1);
      expect(sells[0]!.delta!.negated().toFixed()).toBe(amount.plus(reward.delta!).toDecimalPlaces(4, Decimal.ROUND_DOWN).toFixed());
      // The wait was a durable timer of the unbonding period, not a poll.
      const timers = ((await h.fetchHistory()).events ?? []).filter((e) => e.timerStartedEventAttributes);
      const longest = Math.max(...timers.map((e) => Number(e.timerStartedEventAttributes!.startToFireTimeout!.seconds)));
      expect(longest).toBeGreaterThan(71 * 3600);
      expect(longest).toBeLessThanOrEqual(72 * 3600);
      expect((await env.currentTimeMs()) - sellAt).toBeGreaterThanOrEqual(72 * HOUR);
    });
    rig.close();
  }, 90_000);
});
