import { Context } from '@temporalio/activity';
import { abotWorkflow } from '../../workflows/abot';
import { abotOrderSignal, botActivateSignal, slotsQuery } from '../../signals/defs';
import { Decimal } from '../../domain/money/decimal';
import type { Trading } from '../../ports/trading';
import { uniqueTaskQueue } from '../helpers/temporal';
import { eventually } from '../helpers/mode-workers';
import { ABOT_INPUT, botRig, botWorker, fillsOf } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

describe('A-bot buy-and-stake across a worker restart', () => {
  it('the worker dies after the exchange filled the buy but before anything was booked: the next worker completes it with exactly one buy and one stake', async () => {
    const rig = botRig({
      balances: { binance: { USDT: '6000' }, kraken: { USD: '3000' }, coinbase: {} },
      staking: { SOL: { binance: { apyPercent: new Decimal('7'), unbondingHours: 0 } } },
    });
    const binance = rig.venues.find((v) => v.exchange === 'binance')!;
    const real: Trading = binance.trading;
    let placed = 0;
    let reached!: () => void;
    const inFlight = new Promise<void>((r) => (reached = r));
    // The first attempt reaches the exchange (the order fills), then the worker "crashes" before
    // the activity can book its outcome or report it: the retry must not buy again.
    binance.trading = {
      exchange: real.exchange,
      cancelOrder: (s, id) => real.cancelOrder(s, id),
      fetchOrderByClientId: (s, id) => real.fetchOrderByClientId(s, id),
      placeOrder: async (req) => {
        placed += 1;
        const outcome = await real.placeOrder(req);
        if (placed === 1) {
          reached();
          await Context.current().cancelled;
        }
        return outcome;
      },
    };
    const taskQueue = uniqueTaskQueue('abot-restart');
    const first = await botWorker(env, rig.activities, taskQueue, '200 ms');
    const firstRun = first.worker.run();
    const input = { ...ABOT_INPUT, rules: { buyWhenEmptyMoreThan: 6, sellWhenEmptyFewerThan: 0 } };
    const h = await env.client.workflow.start(abotWorkflow, { taskQueue, workflowId: `abot-restart-${Date.now()}`, args: [input] });
    await h.signal(botActivateSignal, { flipId: 'f1', mode: 'BTC', percent: '15' });
    await h.signal(abotOrderSignal, { action: 'buy', coin: 'SOL', requestId: 'alert-42', source: 'tradingview' });
    await inFlight;
    first.worker.shutdown();
    await firstRun;
    expect(fillsOf(rig.ledger, 'abot:alert-42:buy')).toHaveLength(1); // the exchange did fill it
    expect(rig.ledger.entries({ kind: 'decision', correlationId: 'abot:alert-42:buy' })).toHaveLength(0); // nothing booked by us

    const second = await botWorker(env, rig.activities, taskQueue);
    const v = await second.worker.runUntil(
      eventually(async () => {
        const x = await h.query(slotsQuery);
        expect(x.slots[0]!.staked).toMatchObject({ productId: 'paper-binance-SOL' });
        return x;
      }, 30_000),
    );
    expect(placed).toBe(2); // the retry asked again with the same client order id ...
    const buys = fillsOf(rig.ledger, 'abot:alert-42:buy');
    expect(buys).toHaveLength(1); // ... and got the first order back: one buy
    expect(v.slots[0]!.amount).toBe(buys[0]!.delta!.toFixed());
    expect(rig.ledger.entries({ kind: 'stake' })).toHaveLength(1);
    const [pos] = await rig.staking.binance.positions();
    expect(pos!.amount.toFixed()).toBe(buys[0]!.delta!.toFixed());
    expect(rig.wallets.binance.freeOf('SOL').isZero()).toBe(true);
    // 6000 USDT less one slot (225 USD with the fee), not two
    const spent = new Decimal('6000').minus(rig.wallets.binance.freeOf('USDT'));
    expect(spent.lte(225) && spent.gt(224)).toBe(true);
    // the history shows the retry: the buy activity started at least twice, completed once
    const events = (await h.fetchHistory()).events ?? [];
    const buyIds = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'abotBuy').map((e) => e.eventId?.toString()));
    expect(buyIds.size).toBe(1);
    const started = events.find((e) => buyIds.has(e.activityTaskStartedEventAttributes?.scheduledEventId?.toString()));
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBeGreaterThanOrEqual(2);
    await h.terminate('test done');
    rig.close();
  }, 60_000);
});
