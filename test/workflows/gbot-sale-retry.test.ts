import { gbotWorkflow } from '../../workflows/gbot';
import { botActivateSignal, botDeactivateSignal, goldQuery, type GoldView } from '../../signals/defs';
import { Decimal } from '../../domain/money/decimal';
import { eventually } from '../helpers/mode-workers';
import { type BotRig, withBotRig } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

const D = (s: string) => new Decimal(s);
const FEE = D('0.0001'); // the rig's PAXG network fee

/** Buys PAXG in GOLD mode on binance, then takes the PAXG books away so the flip's sale is refused. */
async function boughtThenNoBook(rig: BotRig, h: Awaited<ReturnType<typeof env.client.workflow.start<typeof gbotWorkflow>>>): Promise<Decimal> {
  await h.signal(botActivateSignal, { flipId: 'g1', mode: 'GOLD', percent: '85' });
  const v = await eventually(async () => {
    const x = await h.query(goldQuery);
    expect(x.cycles).toHaveLength(1);
    return x;
  }, 20_000);
  const held = D(v.perExchange.find((p) => p.exchange === 'binance')!.amount);
  expect(held.gt(0)).toBe(true);
  delete rig.prices.PAXG; // no PAXG book anywhere: every sale is refused
  await h.signal(botDeactivateSignal, { flipId: 'b1', mode: 'BTC', percent: '0' });
  return held;
}

const binanceLot = (v: GoldView) => D(v.perExchange.find((p) => p.exchange === 'binance')?.amount ?? '0');

describe('G-bot: a refused or partial sale on the flip to BTC never sends the unsold gold to the cold wallet', () => {
  it('only the 15 % share goes cold; the unsold 85 % stays on the exchange and the sale is retried until it sells', async () => {
    await withBotRig(env, { balances: { binance: { USDT: '9000' }, kraken: {}, coinbase: {} }, staking: {} }, async (rig, taskQueue) => {
      const h = await env.client.workflow.start(gbotWorkflow, {
        taskQueue, workflowId: `gbot-refused-${Date.now()}`, args: [{ sellPercentOnFlip: '85', minBuyUsd: '10', saleRetryMs: 300, maxSaleAttempts: 50 }],
      });
      const held = await boughtThenNoBook(rig, h);
      const share = held.minus(held.times('0.85'));
      let v = await eventually(async () => {
        const x = await h.query(goldQuery);
        expect(x.cycles.length).toBeGreaterThanOrEqual(2);
        return x;
      }, 20_000);
      // the cold wallet got the 15 % share (less the network fee), not the whole lot
      expect(D(v.coldWallet.amount).toFixed()).toBe(share.minus(FEE).toFixed());
      expect(binanceLot(v).toFixed()).toBe(held.times('0.85').toFixed());
      expect(rig.wallets.binance.freeOf('PAXG').toFixed()).toBe(held.times('0.85').toFixed());
      expect(v.pendingSales).toEqual([expect.objectContaining({ exchange: 'binance', amount: held.times('0.85').toFixed(), state: 'retrying', flipId: 'b1' })]);
      expect(v.pendingSales![0]!.lastReason).toMatch(/no binance market can take/);
      expect(v.cycles[1]!.message).toMatch(/sell on binance refused: .*stays on binance; the sale is retried/);
      const out = rig.ledger.entries({ kind: 'transfer-out', correlationId: 'gbot:b1:cold:binance' });
      expect(out).toHaveLength(1);
      expect(out[0]!.delta!.negated().toFixed()).toBe(share.minus(FEE).toFixed());

      // the book comes back: the next attempt sells what was left, and nothing more goes cold
      rig.prices.PAXG = '2600';
      v = await eventually(async () => {
        const x = await h.query(goldQuery);
        expect(x.pendingSales ?? []).toEqual([]);
        return x;
      }, 20_000);
      // all that is left is the crumb below the market's 0.0001 step, which no order can sell
      expect(binanceLot(v).lt('0.0001')).toBe(true);
      expect(rig.wallets.binance.freeOf('PAXG').toFixed()).toBe(binanceLot(v).toFixed());
      expect(D(v.coldWallet.amount).toFixed()).toBe(share.minus(FEE).toFixed());
      expect(v.cycles.at(-1)!.message).toMatch(/^sale retry \d+: sold .* PAXG on binance/);
      expect(rig.ledger.entries({ kind: 'transfer-out' })).toHaveLength(1);
      await h.terminate('test done');
    });
  }, 60_000);

  it('after the bounded attempts it stops, raises an operator alert and shows it in the query; the gold stays on the exchange', async () => {
    await withBotRig(env, { balances: { binance: { USDT: '9000' }, kraken: {}, coinbase: {} }, staking: {} }, async (rig, taskQueue) => {
      const h = await env.client.workflow.start(gbotWorkflow, {
        taskQueue, workflowId: `gbot-stuck-${Date.now()}`, args: [{ sellPercentOnFlip: '85', minBuyUsd: '10', saleRetryMs: 100, maxSaleAttempts: 3 }],
      });
      const held = await boughtThenNoBook(rig, h);
      const v = await eventually(async () => {
        const x = await h.query(goldQuery);
        expect(x.pendingSales?.[0]?.state).toBe('needs-operator');
        return x;
      }, 20_000);
      expect(v.pendingSales![0]).toMatchObject({ attempts: 3, amount: held.times('0.85').toFixed() });
      expect(binanceLot(v).toFixed()).toBe(held.times('0.85').toFixed());
      expect(rig.wallets.binance.freeOf('PAXG').toFixed()).toBe(held.times('0.85').toFixed());
      // The workflow shows needs-operator in its state before the activity that books the alert
      // has run: wait for the booking, then check there is exactly one.
      const alert = await eventually(() => {
        const found = rig.ledger.entries({ kind: 'decision', correlationId: 'gbot:b1:sale:binance:needs-operator' });
        expect(found.length).toBeGreaterThan(0);
        return found;
      }, 20_000);
      expect(alert).toHaveLength(1);
      expect(alert[0]!.details).toMatchObject({ what: 'gbot-sale-needs-operator', outcome: expect.objectContaining({ exchange: 'binance', state: 'needs-operator' }) });
      // exactly the bounded number of attempts was made (each under its own key)
      const attempts = rig.ledger.entries({ kind: 'decision' }).filter((e) => /^gbot:b1:sell:binance(:retry\d+)?$/.test(e.correlationId));
      expect(attempts).toHaveLength(3);
      await h.terminate('test done');
    });
  }, 60_000);
});
