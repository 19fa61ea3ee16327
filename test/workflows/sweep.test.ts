import { WorkflowFailedError } from '@temporalio/client';
import { sweepWorkflow } from '../../workflows/sweep';
import { loadConfig } from '../../config';
import { Decimal } from '../../domain/money/decimal';
import { monthKey } from '../../domain/sweep';
import { startSweep, sweepInput } from '../../signals/cli/commands/sweep';
import { botRig, botWorker, withBotRig } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

describe('monthly sweep on a real Temporal server', () => {
  it('refused in GOLD mode (without burning the month), done once in BTC mode, refused a second time in the same month, also after the run is gone', async () => {
    const { settings } = loadConfig();
    const rig = botRig({ balances: { binance: { USDT: '2000' }, kraken: {}, coinbase: {} }, staking: {} });
    // Profit booked by the bots so far: 1000 USD realised.
    rig.ledger.append([{ kind: 'decision', at: Date.now() - 1000, correlationId: 'qbot-profit', idempotencyKey: 'qbot-profit', realisedPnlUsd: new Decimal('1000'), details: { what: 'test profit' } }]);
    const { worker, taskQueue } = await botWorker(env, rig.activities);
    await worker.runUntil(async () => {
      rig.mode.value = 'GOLD';
      const gold = await startSweep(env.client, settings, { taskQueue });
      expect(gold).toEqual({ code: 1, message: 'refused: sweeps run only in BTC mode; the mode is GOLD' });

      rig.mode.value = 'BTC';
      const done = await startSweep(env.client, settings, { taskQueue });
      expect(done.code).toBe(0);
      expect(done.view).toMatchObject({ state: 'done', amountUsd: '150.00' }); // 15 % of 1000
      const paxg = new Decimal(done.view!.paxg!);
      // 150 USD at the binance ask (2601.3) with 0.1 % fee: 0.0576 PAXG (on the 0.0001 step)
      expect(paxg.toFixed()).toBe('0.0576');
      const out = rig.ledger.entries({ kind: 'transfer-out', correlationId: `sweep:${monthKey(Date.now())}:cold` });
      expect(out).toHaveLength(1);
      expect(out[0]!.details).toMatchObject({ to: 'cold-wallet', purpose: 'sweep', paper: true });
      expect(rig.wallets.binance.freeOf('PAXG').isZero()).toBe(true);

      const again = await startSweep(env.client, settings, { taskQueue });
      expect(again.code).toBe(1);
      expect(again.message).toMatch(/already ran or is running/);

      // After retention removed the run, a start under a fresh id is still refused: the ledger claim holds.
      const month = monthKey(Date.now());
      const h = await env.client.workflow.start(sweepWorkflow, { taskQueue, workflowId: `sweep-${month}-after-retention`, args: [sweepInput(settings, month)] });
      const err = await h.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect(((err as WorkflowFailedError).cause as Error).message).toMatch(new RegExp(`the sweep for ${month} already ran`));
      expect(rig.ledger.entries({ kind: 'decision' }).filter((e) => (e.details as { what?: string }).what === 'sweep-claim')).toHaveLength(1);
    });
    rig.close();
  }, 60_000);

  it('a sweep for another month than the current one is refused', async () => {
    const { settings } = loadConfig();
    await withBotRig(env, { balances: { binance: { USDT: '100' }, kraken: {}, coinbase: {} }, staking: {} }, async (rig, taskQueue) => {
      const h = await env.client.workflow.start(sweepWorkflow, { taskQueue, workflowId: `sweep-2020-01-${Date.now()}`, args: [sweepInput(settings, '2020-01')] });
      const err = await h.result().catch((e: unknown) => e);
      expect(((err as WorkflowFailedError).cause as Error).message).toMatch(/a sweep for 2020-01 cannot run in/);
    });
  }, 30_000);
});
