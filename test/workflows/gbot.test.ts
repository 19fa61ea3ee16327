import { gbotWorkflow } from '../../workflows/gbot';
import { botActivateSignal, botDeactivateSignal, goldQuery } from '../../signals/defs';
import { Decimal } from '../../domain/money/decimal';
import { eventually } from '../helpers/mode-workers';
import { withBotRig } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

const D = (s: string) => new Decimal(s);
const GBOT_INPUT = { sellPercentOnFlip: '85', minBuyUsd: '10' };

describe('G-bot workflow on a real Temporal server over paper venues', () => {
  it('GOLD: buys PAXG with its 85 % (converting USDT -> USD first); BTC: sells 85 %, 15 % to the cold wallet; both directions twice', async () => {
    // Kraken lists PAXG/USD but the money there is USDT: the conversion route is needed.
    await withBotRig(env, { balances: { binance: { USDT: '800' }, kraken: { USDT: '8000', USD: '200' }, coinbase: {} }, staking: {} }, async (rig, taskQueue) => {
      const h = await env.client.workflow.start(gbotWorkflow, { taskQueue, workflowId: `gbot-${Date.now()}`, args: [GBOT_INPUT] });
      await h.signal(botActivateSignal, { flipId: 'g1', mode: 'GOLD', percent: '85' });
      let v = await eventually(async () => {
        const x = await h.query(goldQuery);
        expect(x.cycles).toHaveLength(1);
        return x;
      }, 20_000);
      // Neither venue can pay 7650 USD alone: each buys its share of what they can spend together.
      expect(v.cycles[0]!.message).toMatch(/bought .* PAXG on binance .*; bought .* PAXG on kraken/);
      const lots = v.perExchange.map((p) => ({ exchange: p.exchange, amount: D(p.amount) }));
      const bought = lots.reduce((t, l) => t.plus(l.amount), D('0'));
      // 85 % of 9000 = 7650 USD at ~2601-2604 (asks) plus 0.1-0.4 % fees: about 2.93 PAXG
      expect(bought.gt('2.9') && bought.lt('2.95')).toBe(true);
      const avg = D(v.averageCostUsd);
      expect(avg.gt('2600') && avg.lt('2620')).toBe(true);
      expect(rig.ledger.entries({ correlationId: 'gbot:g1:buy' }).some((e) => e.kind === 'fill' && e.asset === 'USD')).toBe(true);
      // the conversion leg is booked under the same correlation
      expect(rig.ledger.entries({ kind: 'fill', correlationId: 'gbot:g1:buy' }).some((e) => (e.details as { symbol: string }).symbol === 'USDT/USD')).toBe(true);

      await h.signal(botDeactivateSignal, { flipId: 'b1', mode: 'BTC', percent: '0' });
      v = await eventually(async () => {
        const x = await h.query(goldQuery);
        expect(x.cycles).toHaveLength(2);
        return x;
      }, 20_000);
      const c = v.cycles[1]!;
      expect(c.message).toMatch(/kept .* in the cold wallet/);
      // 85 % sold exactly on each venue (on the market's step), the rest (15 %) kept
      const sold = lots.reduce((t, l) => t.plus(l.amount.times('0.85').toDecimalPlaces(4, Decimal.ROUND_DOWN)), D('0'));
      expect(D(c.sold).toFixed()).toBe(sold.toFixed());
      expect(D(c.sold).plus(c.kept).plus(D('0.0001').times(lots.length)).toFixed()).toBe(bought.toFixed()); // 0.0001 PAXG network fee per venue
      expect(D(v.coldWallet.amount).toFixed()).toBe(c.kept);
      for (const l of lots) {
        expect(D(v.perExchange.find((p) => p.exchange === l.exchange)!.amount).isZero()).toBe(true);
        expect(rig.wallets[l.exchange as 'binance' | 'kraken'].freeOf('PAXG').isZero()).toBe(true);
      }
      const out = rig.ledger.entries({ kind: 'transfer-out', correlationId: 'gbot:b1:cold:kraken' });
      expect(out).toHaveLength(1);
      expect(out[0]!.details).toMatchObject({ to: 'cold-wallet', paper: true, purpose: 'flip' });
      expect(rig.ledger.entries({ kind: 'transfer-in', correlationId: 'gbot:b1:cold:kraken' })[0]!.exchange).toBe('cold-wallet');
      expect(D(v.realisedPnlUsd).lt(0)).toBe(true); // bought and sold at once through spread and fees

      // and again: each cycle keeps its 15 %
      await h.signal(botActivateSignal, { flipId: 'g2', mode: 'GOLD', percent: '85' });
      await h.signal(botDeactivateSignal, { flipId: 'b2', mode: 'BTC', percent: '0' });
      v = await eventually(async () => {
        const x = await h.query(goldQuery);
        expect(x.cycles).toHaveLength(4);
        return x;
      }, 20_000);
      expect(D(v.coldWallet.amount).toFixed()).toBe(D(c.kept).plus(v.cycles[3]!.kept).toFixed());
      expect(D(v.cycles[3]!.kept).gt(0)).toBe(true);
      // a flip delivered twice is one flip
      await h.signal(botDeactivateSignal, { flipId: 'b2', mode: 'BTC', percent: '0' });
      expect((await h.query(goldQuery)).cycles).toHaveLength(4);
      await h.terminate('test done');
    });
  }, 60_000);

  it('without a way to pay it says why and holds nothing', async () => {
    // Worth 9000 USD, but all in BTC: no quote currency to pay with and no stable to convert.
    await withBotRig(env, { balances: { binance: { BTC: '0.1' }, kraken: {}, coinbase: {} }, staking: {} }, async (rig, taskQueue) => {
      const h = await env.client.workflow.start(gbotWorkflow, { taskQueue, workflowId: `gbot-poor-${Date.now()}`, args: [{ ...GBOT_INPUT, minBuyUsd: '1', buyRetryMs: 500 }] });
      await h.signal(botActivateSignal, { flipId: 'g1', mode: 'GOLD', percent: '85' });
      const v = await eventually(async () => {
        const x = await h.query(goldQuery);
        expect(x.cycles).toHaveLength(1);
        return x;
      }, 20_000);
      expect(v.cycles[0]!.message).toMatch(/buy refused: .*no venue can buy PAXG/);
      expect(v.perExchange).toEqual([]);
      // Money arrives (e.g. a rebalance lands): the refused purchase is tried again on its own.
      rig.wallets.binance.apply([['USDT', new Decimal('5000')]]);
      const later = await eventually(async () => {
        const x = await h.query(goldQuery);
        expect(x.cycles.at(-1)!.message).toMatch(/^retry \d+: bought .* PAXG on binance/);
        return x;
      }, 20_000);
      expect(later.perExchange.some((p) => new Decimal(p.amount).gt(0))).toBe(true);
      await h.terminate('test done');
    });
  }, 30_000);
});
