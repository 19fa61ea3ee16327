import { abotWorkflow, type AbotState } from '../../workflows/abot';
import { abotOrderUpdate, slotsQuery } from '../../signals/defs';
import { emptySlots } from '../../domain/abot';
import { ABOT_INPUT, botRig, botWorker } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

describe('A-bot reconciles a position with the exchange before acting', () => {
  it('a slot remembered as 10 SOL while the exchange holds 4: the sell signal sells the 4 really there and shows the difference', async () => {
    const rig = botRig({ balances: { binance: { SOL: '4' }, kraken: {}, coinbase: {} }, staking: {} });
    const slots = emptySlots(6);
    slots[0] = { coin: 'SOL', exchange: 'binance', amount: '10', costUsd: '1500', seatWarmer: false, openedSeq: 1, openedAt: 1, stake: null };
    const state: AbotState = { slots, active: true, mode: 'BTC', percent: '15', seq: 1, queue: [], seen: [], recent: [], realisedPnlUsd: '0', rewardsUsd: '0' };
    const { worker, taskQueue } = await botWorker(env, rig.activities);
    await worker.runUntil(async () => {
      const h = await env.client.workflow.start(abotWorkflow, { taskQueue, workflowId: `abot-reconcile-${Date.now()}`, args: [{ ...ABOT_INPUT, rules: { buyWhenEmptyMoreThan: 6, sellWhenEmptyFewerThan: 0 }, state }] });
      const res = await h.executeUpdate(abotOrderUpdate, { args: [{ action: 'sell', coin: 'SOL', requestId: 'sell-sol', source: 'operator' }] });
      expect(res).toMatchObject({ done: true });
      expect(res.message).toMatch(/^sold 4 SOL on binance/);
      expect(rig.wallets.binance.freeOf('SOL').toFixed()).toBe('0');
      const v = await h.query(slotsQuery);
      expect(v.slots[0]).toMatchObject({ coin: null });
      expect(v.reconciliation).toEqual([expect.objectContaining({ coin: 'SOL', exchange: 'binance', believed: '10', actual: '4', difference: '-6' })]);
      await h.terminate('done');
    });
    rig.close();
  }, 60_000);
});
