import { modeWorkflow } from '../../workflows/mode';
import { goldQuery, modeQuery, setModeUpdate, slotsQuery } from '../../signals/defs';
import { loadConfig } from '../../config';
import { Decimal } from '../../domain/money/decimal';
import type { ModeActivities } from '../../activities/mode';
import { botWorkflowInputs, signalBotTransition } from '../../activities/bot-signals';
import { uniqueTaskQueue } from '../helpers/temporal';
import { ALLOCATION_PERCENT, eventually, hotpathWorker, orchestratorWorker } from '../helpers/mode-workers';
import { botRig } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

describe('mode flips drive the bots (mode workflow -> recordBotTransition -> A-bot / G-bot)', () => {
  it('BTC -> GOLD: A-bot off, G-bot buys PAXG; GOLD -> BTC: G-bot sells 85 % and keeps 15 % cold, A-bot buys seat warmers', async () => {
    const { settings, coins } = loadConfig();
    const rig = botRig({
      balances: { binance: { USDT: '6000' }, kraken: { USD: '3000' }, coinbase: {} },
      staking: { ADA: { binance: { apyPercent: new Decimal('5'), unbondingHours: 0 } }, NEAR: { binance: { apyPercent: new Decimal('4'), unbondingHours: 0 } }, ETH: { binance: { apyPercent: new Decimal('3'), unbondingHours: 0 } } },
    });
    const inputs = botWorkflowInputs(settings, coins);
    const taskQueue = uniqueTaskQueue('flip-bots');
    const ids = { abot: `abot-${Date.now()}`, gbot: `gbot-${Date.now()}` };
    const { worker: hot } = await hotpathWorker(env);
    const { worker } = await orchestratorWorker(env, rig.ledger, {
      taskQueue,
      wrap: (real) => ({
        ...(rig.activities as unknown as Partial<ModeActivities>),
        recordBotTransition: async (t) => {
          const r = await real.recordBotTransition(t);
          await signalBotTransition(env.client, t, inputs, { taskQueue, workflowIds: ids });
          return r;
        },
      }),
    });
    await hot.runUntil(worker.runUntil(async () => {
      const mode = await env.client.workflow.start(modeWorkflow, { taskQueue, workflowId: `mode-${Date.now()}`, args: [{ initialMode: 'BTC', allocationPercent: ALLOCATION_PERCENT }] });
      await mode.executeUpdate(setModeUpdate, { args: [{ mode: 'GOLD', reason: 'sell BTC / buy PAXG', requestId: 'flip-gold' }] });
      const gbot = env.client.workflow.getHandle(ids.gbot);
      const abot = env.client.workflow.getHandle(ids.abot);
      let gold = await eventually(async () => {
        const g = await gbot.query(goldQuery);
        expect(g.cycles).toHaveLength(1);
        return g;
      }, 20_000);
      expect(gold).toMatchObject({ active: true, mode: 'GOLD', percent: '85' });
      const held = gold.perExchange.reduce((t, p) => t.plus(p.amount), new Decimal(0));
      expect(held.gt('2.9')).toBe(true); // ~7650 USD of PAXG at ~2600
      expect((await abot.query(slotsQuery)).active).toBe(false);

      await mode.executeUpdate(setModeUpdate, { args: [{ mode: 'BTC', reason: 'buy BTC / sell PAXG', requestId: 'flip-btc' }] });
      gold = await eventually(async () => {
        const g = await gbot.query(goldQuery);
        expect(g.cycles).toHaveLength(2);
        return g;
      }, 20_000);
      const c = gold.cycles[1]!;
      expect(new Decimal(c.sold).div(held).toDecimalPlaces(3).toFixed()).toBe('0.85');
      expect(new Decimal(gold.coldWallet.amount).gt(held.times('0.149'))).toBe(true);
      const slots = await eventually(async () => {
        const v = await abot.query(slotsQuery);
        expect(v.slots.filter((s) => s.seatWarmer && s.staked)).toHaveLength(3);
        return v;
      }, 20_000);
      expect(slots).toMatchObject({ active: true, mode: 'BTC', percent: '15' });
      expect((await mode.query(modeQuery)).mode).toBe('BTC');
      await Promise.all([gbot.terminate('done'), abot.terminate('done'), mode.terminate('done')]);
    }));
    rig.close();
  }, 60_000);
});
