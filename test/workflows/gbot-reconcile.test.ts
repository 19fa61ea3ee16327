import { gbotWorkflow, type GbotState } from '../../workflows/gbot';
import { botDeactivateSignal, goldQuery } from '../../signals/defs';
import { Decimal } from '../../domain/money/decimal';
import { eventually } from '../helpers/mode-workers';
import { botRig, botWorker } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

const D = (s: string) => new Decimal(s);
const FEE = D('0.0001'); // the rig's PAXG network fee

describe('G-bot reconciles its position with the exchange before acting', () => {
  it('after a restart that left it believing in PAXG the account does not have, the flip to BTC sells 85 % of what is really there and shows the difference', async () => {
    // The account really holds 0.4 PAXG on binance; the G-bot's memory (a restart's state) says 1.
    const rig = botRig({ balances: { binance: { PAXG: '0.4', USDT: '100' }, kraken: {}, coinbase: {} }, staking: {} });
    const state: GbotState = {
      active: true, mode: 'GOLD', percent: '85', lots: { binance: { amount: '1', costUsd: '2600' } }, cold: { amount: '0', costUsd: '0' },
      realisedPnlUsd: '0', queue: [], seenFlips: [], cycles: [],
    };
    const { worker, taskQueue } = await botWorker(env, rig.activities);
    await worker.runUntil(async () => {
      const h = await env.client.workflow.start(gbotWorkflow, { taskQueue, workflowId: `gbot-reconcile-${Date.now()}`, args: [{ sellPercentOnFlip: '85', minBuyUsd: '10', state }] });
      await h.signal(botDeactivateSignal, { flipId: 'b1', mode: 'BTC', percent: '0' });
      const v = await eventually(async () => {
        const x = await h.query(goldQuery);
        expect(x.cycles).toHaveLength(1);
        return x;
      }, 30_000);
      const c = v.cycles[0]!;
      // 85 % of the real 0.4 sold, the rest (less the network fee) in the cold wallet; nothing left behind.
      expect(c.sold).toBe('0.34');
      expect(D(v.coldWallet.amount).toFixed()).toBe(D('0.06').minus(FEE).toFixed());
      expect(rig.wallets.binance.freeOf('PAXG').toFixed()).toBe('0');
      expect(v.pendingSales ?? []).toEqual([]);
      expect(v.reconciliation).toMatchObject({
        flipId: 'b1',
        differences: [{ exchange: 'binance', believed: '1', actual: '0.4', difference: '-0.6' }],
      });
      await h.terminate('done');
    });
    rig.close();
  }, 60_000);
});
