import pino from 'pino';
import { abotWorkflow } from '../../workflows/abot';
import { abotInboxQuery, botActivateSignal, slotsQuery, type AbotAlert } from '../../signals/defs';
import { createAbotInboxActivities } from '../../activities/bot-signals';
import { TemporalAlertSink } from '../../signals/webhook/deliver';
import { startWebhookServer } from '../../signals/webhook';
import { modeWorkflowInput } from '../../signals/mode-start';
import { loadConfig } from '../../config';
import { Decimal } from '../../domain/money/decimal';
import { uniqueTaskQueue } from '../helpers/temporal';
import { eventually } from '../helpers/mode-workers';
import { ABOT_INPUT, botRig, botWorker } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

const PASSPHRASE = 'inbox-delivery-passphrase';
const STAKING = {
  ETH: { binance: { apyPercent: new Decimal('3'), unbondingHours: 0 } },
  SOL: { binance: { apyPercent: new Decimal('2'), unbondingHours: 0 } },
  // seat warmers: the highest yield first
  ADA: { binance: { apyPercent: new Decimal('5'), unbondingHours: 0 } },
};
const coins = (slots: Array<{ coin: string | null; seatWarmer?: boolean }>) => slots.map((s) => (s.coin === null ? '-' : `${s.coin}${s.seatWarmer ? '*' : ''}`)).join(' ');

describe('A-bot signals reach the A-bot: receiver/CLI -> abot-inbox -> abot (real Temporal, real HTTP receiver, paper venues)', () => {
  it('`qbot abot buy SOL` (operator alert) and a webhook `buy ETH` fill slots on the best exchange; a sell signal sells it; the inbox counts them taken', async () => {
    const config = loadConfig();
    const rig = botRig({ balances: { binance: { USDT: '6000' }, kraken: { USD: '3000' }, coinbase: {} }, staking: STAKING });
    const taskQueue = uniqueTaskQueue('abot-inbox');
    const placement = { taskQueue, modeWorkflowId: `mode-inbox-${Date.now()}`, abotInboxWorkflowId: `abot-inbox-${Date.now()}` };
    const abotId = `abot-delivery-${Date.now()}`;
    const inboxActs = createAbotInboxActivities({ client: env.client, abotInput: ABOT_INPUT, taskQueue, abotWorkflowId: abotId });
    const { worker } = await botWorker(env, { ...rig.activities, ...inboxActs }, taskQueue);
    const sink = new TemporalAlertSink(env.client, modeWorkflowInput(config.settings), placement, 10_000);
    const receiver = await startWebhookServer({
      ...config.settings.webhook, host: '127.0.0.1', port: 0, passphrase: PASSPHRASE, abotUniverse: config.coins.abotUniverse, sink,
      logger: pino({ level: 'silent' }),
    });
    try {
      await worker.runUntil(async () => {
        const abot = await env.client.workflow.start(abotWorkflow, { taskQueue, workflowId: abotId, args: [ABOT_INPUT] });
        await abot.signal(botActivateSignal, { flipId: 'f1', mode: 'BTC', percent: '15' });
        await eventually(async () => expect(coins((await abot.query(slotsQuery)).slots)).toBe('ADA* ETH* SOL* - - -'), 20_000);

        // the operator's path (`qbot abot buy SOL` delivers exactly this way)
        const op: AbotAlert = { action: 'buy', ticker: 'SOL', alertId: `operator-${Date.now()}`, firedAt: new Date().toISOString(), source: 'operator' };
        await sink.deliverAbot(op);
        // TradingView's path: the real receiver over HTTP
        const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        const r = await fetch(receiver.url, { method: 'POST', body: JSON.stringify({ passphrase: PASSPHRASE, kind: 'abot', action: 'buy', ticker: 'ETH', time }) });
        expect(r.status).toBe(200);
        const tvId = ((await r.json()) as { alertId: string }).alertId;

        const v = await eventually(async () => {
          const x = await abot.query(slotsQuery);
          expect(x.recent.map((e) => e.id)).toEqual(expect.arrayContaining([op.alertId, tvId]));
          return x;
        }, 30_000);
        expect(v.recent.find((e) => e.id === op.alertId)).toMatchObject({ action: 'buy', coin: 'SOL', done: true });
        expect(v.recent.find((e) => e.id === tvId)).toMatchObject({ action: 'buy', coin: 'ETH', done: true });
        // signal positions on the best exchange (binance: USDT book, 0.1 % fee against kraken's 0.4 %)
        const signalSlots = v.slots.filter((s) => s.coin !== null && !s.seatWarmer);
        expect(signalSlots.map((s) => `${s.coin}@${s.exchange}`).sort()).toEqual(['ETH@binance', 'SOL@binance']);
        const inbox = env.client.workflow.getHandle(placement.abotInboxWorkflowId);
        expect(await inbox.query(abotInboxQuery)).toMatchObject({ pending: [], received: 2, taken: 2 });

        // fewer than 2 empty after the buys: the oldest seat warmer goes first (FIFO)
        await eventually(async () => expect(coins((await abot.query(slotsQuery)).slots)).toMatch(/^- ETH\* SOL\* SOL ETH -$|^- ETH\* SOL\* ETH SOL -$/), 20_000);

        // a sell signal from TradingView sells the signal position, not the warmer of the same coin
        const sell = await fetch(receiver.url, { method: 'POST', body: JSON.stringify({ passphrase: PASSPHRASE, kind: 'abot', action: 'sell', ticker: 'SOL', time }) });
        expect(sell.status).toBe(200);
        const sellId = ((await sell.json()) as { alertId: string }).alertId;
        const after = await eventually(async () => {
          const x = await abot.query(slotsQuery);
          expect(x.recent.find((e) => e.id === sellId)).toMatchObject({ done: true, message: expect.stringMatching(/sold .* SOL on binance/) });
          return x;
        }, 30_000);
        expect(after.slots.filter((s) => s.coin === 'SOL').map((s) => s.seatWarmer)).toEqual([true]);
        expect(await inbox.query(abotInboxQuery)).toMatchObject({ pending: [], received: 3, taken: 3 });
        await Promise.all([abot.terminate('test done'), inbox.terminate('test done')]);
      });
    } finally {
      await receiver.close();
      rig.close();
    }
  }, 120_000);
});
