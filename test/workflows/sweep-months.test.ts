import { loadConfig } from '../../config';
import { Decimal } from '../../domain/money/decimal';
import { monthKey } from '../../domain/sweep';
import { startSweep } from '../../signals/cli/commands/sweep';
import { botRig, botWorker } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile('time-skipping');

const profit = (rig: ReturnType<typeof botRig>, id: string, usd: string) =>
  rig.ledger.append([{ kind: 'decision', at: Date.now(), correlationId: id, idempotencyKey: id, realisedPnlUsd: new Decimal(usd), details: { what: 'test profit' } }]);

describe('monthly sweep across calendar months (time-skipping server)', () => {
  it('one sweep per month; next month sweeps 15 % of the profit made since the last sweep only', async () => {
    const { settings } = loadConfig();
    const rig = botRig({ balances: { binance: { USDT: '2000' }, kraken: {}, coinbase: {} }, staking: {} });
    rig.mode.value = 'BTC';
    profit(rig, 'p1', '1000');
    const { worker, taskQueue } = await botWorker(env, rig.activities);
    await worker.runUntil(async () => {
      const t0 = await env.currentTimeMs();
      const first = await startSweep(env.client, settings, { taskQueue, now: t0 });
      expect(first).toMatchObject({ code: 0, view: { month: monthKey(t0), amountUsd: '150.00' } });
      expect(await startSweep(env.client, settings, { taskQueue, now: t0 })).toMatchObject({ code: 1 });

      // Skip to one hour into the next calendar month (UTC).
      const d = new Date(t0);
      const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, 1);
      await env.sleep(nextMonth - t0);
      const t1 = await env.currentTimeMs();
      expect(monthKey(t1)).not.toBe(monthKey(t0));
      profit(rig, 'p2', '200');
      const second = await startSweep(env.client, settings, { taskQueue, now: t1 });
      expect(second).toMatchObject({ code: 0, view: { month: monthKey(t1), amountUsd: '30.00' } }); // 15 % of 200, not of 1200
      expect(await startSweep(env.client, settings, { taskQueue, now: t1 })).toMatchObject({ code: 1, message: expect.stringMatching(/at most one per calendar month/) });
      const claims = rig.ledger.entries({ kind: 'decision' }).filter((e) => (e.details as { what?: string }).what === 'sweep-claim');
      expect(claims.map((c) => (c.details as { month: string }).month)).toEqual([monthKey(t0), monthKey(t1)]);
    });
    rig.close();
  }, 60_000);
});
