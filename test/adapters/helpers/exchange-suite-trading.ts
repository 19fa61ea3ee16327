import { Decimal } from '../../../domain/money/decimal';
import type { Confirmed } from '../../../ports/trading';
import { adaptersFor, startHarness, waitFor, type Harness } from './exchange-harness';
import type { VenueSpec } from './exchange-suite';

interface SimOrderView { clientOrderId?: string; amount?: unknown }

function simOrdersWith(h: Harness, ex: VenueSpec['exchange'], cid: string): SimOrderView[] {
  return (h.sim.control.orders(ex) as SimOrderView[]).filter((o) => o.clientOrderId === cid);
}

/** Orders: confirmations with fills and fees, typed rejections, unknown outcomes reconciled. */
export function describeTrading(spec: VenueSpec): void {
  const ex = spec.exchange;
  const { symbol, base } = spec.trade;
  describe(`${ex} trading (real ccxt against the simulator)`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(ex, {}, { ccxtExtra: { timeout: 600 }, envExtra: spec.env });
    });
    afterEach(() => h.sim.control.clearFaults());
    afterAll(async () => h.close());

    const bestAsk = (): Decimal => new Decimal(h.sim.control.book(ex, symbol).asks[0]![0]);

    it('confirms an IOC buy with fills and fees, amount quantized down, and finds it again by client id', async () => {
      const cid = `t-ioc-${ex}-1`;
      const out = await h.ad.trading.placeOrder({ exchange: ex, symbol, side: 'buy', type: 'ioc', amount: new Decimal('0.0012345678912'), price: bestAsk().times('1.002'), clientOrderId: cid });
      expect(out.status).toBe('confirmed');
      const c = out as Confirmed;
      expect(c.clientOrderId).toBe(cid);
      const market = (await h.ad.trading.market(symbol)) as { amountStep: Decimal };
      expect(c.amount.toFixed()).toBe(new Decimal('0.0012345678912').div(market.amountStep).floor().times(market.amountStep).toFixed());
      expect(c.filled.eq(c.amount)).toBe(true);
      expect(c.fills.length).toBeGreaterThan(0);
      expect(c.fills.reduce((a, f) => a.plus(f.amount), new Decimal(0)).eq(c.filled)).toBe(true);
      expect(c.fees.length).toBeGreaterThan(0);
      expect(c.fees.every((f) => f.amount.gt(0))).toBe(true);
      expect(c.averagePrice.gt(0)).toBe(true);
      expect(simOrdersWith(h, ex, cid)).toHaveLength(1);
      const again = await h.ad.trading.fetchOrderByClientId(symbol, cid);
      expect(again).toMatchObject({ status: 'confirmed', orderId: c.orderId, clientOrderId: cid });
      expect(await h.ad.trading.fetchOrderByClientId(symbol, 'never-sent-0001')).toEqual({ status: 'not-found' });
    });

    it('handles FOK (all or nothing), market orders and a resting limit order that is then canceled', async () => {
      const ask = bestAsk();
      const bid = new Decimal(h.sim.control.book(ex, symbol).bids[0]![0]);
      const fok = await h.ad.trading.placeOrder({ exchange: ex, symbol, side: 'buy', type: 'fok', amount: new Decimal('1.5'), price: ask });
      // Far more than the best level holds: nothing executes, and saying so is safe to retry.
      expect(fok).toMatchObject({ status: 'rejected', code: 'NO_FILL', retryable: true });
      const sell = await h.ad.trading.placeOrder({ exchange: ex, symbol, side: 'sell', type: 'market', amount: new Decimal('0.002'), price: bid });
      expect(sell).toMatchObject({ status: 'confirmed', orderStatus: 'closed' });
      expect((sell as Confirmed).filled.toFixed()).toBe('0.002');
      const buy = await h.ad.trading.placeOrder({ exchange: ex, symbol, side: 'buy', type: 'market', amount: new Decimal('0.002'), price: ask });
      expect(buy.status).toBe('confirmed');
      // Coinbase sizes market buys in quote (amount x reference price), so it may fill a hair less.
      expect((buy as Confirmed).filled.gt('0.0019') && (buy as Confirmed).filled.lte('0.002')).toBe(true);
      const rest = await h.ad.trading.placeOrder({ exchange: ex, symbol, side: 'buy', type: 'limit', amount: new Decimal('0.002'), price: bid.times('0.9') });
      expect(rest).toMatchObject({ status: 'confirmed', orderStatus: 'open' });
      expect((rest as Confirmed).filled.isZero()).toBe(true);
      expect(await h.ad.trading.cancelOrder(symbol, (rest as Confirmed).orderId)).toEqual({ status: 'canceled' });
      expect(await h.ad.trading.fetchOrderByClientId(symbol, (rest as Confirmed).clientOrderId)).toMatchObject({ status: 'rejected', code: 'NO_FILL' });
    });

    it('refuses an order below the minimum notional before sending it', async () => {
      const before = h.sim.control.orders(ex).length;
      const out = await h.ad.trading.placeOrder({ exchange: ex, symbol, side: 'buy', type: 'limit', amount: new Decimal('0.00002'), price: new Decimal('10') });
      expect(out).toMatchObject({ status: 'rejected', code: 'BELOW_MIN_NOTIONAL', retryable: false });
      expect((out as { reason: string }).reason).toMatch(/notional=.* < min=/);
      expect(h.sim.control.orders(ex).length).toBe(before);
    });

    it('passes on the exchange saying the funds are insufficient', async () => {
      const bid = new Decimal(h.sim.control.book(ex, symbol).bids[0]![0]);
      const held = new Decimal(h.sim.control.balances(ex)[base]?.free ?? '0');
      // A resting limit order locks its whole amount, so the exchange must refuse it up front.
      const out = await h.ad.trading.placeOrder({ exchange: ex, symbol, side: 'sell', type: 'limit', amount: held.plus(5), price: bid.times('1.5') });
      expect(out).toMatchObject({ status: 'rejected', code: 'INSUFFICIENT_FUNDS', retryable: false });
    });

    it('passes on an exchange rejection with its reason', async () => {
      h.sim.control.injectFault(ex, { type: 'reject-orders', count: 1, reason: 'simulated rejection: market halted' });
      const out = await h.ad.trading.placeOrder({ exchange: ex, symbol, side: 'buy', type: 'ioc', amount: new Decimal('0.001'), price: bestAsk() });
      expect(out.status).toBe('rejected');
      expect((out as { code: string }).code).not.toBe('UNKNOWN_OUTCOME');
      expect((out as { reason: string }).reason).toContain('market halted');
    });

    it('reports a timed-out send as UNKNOWN_OUTCOME, never re-sends it, and reconciles it by client id', async () => {
      const cid = `t-slow-${ex}-1`;
      h.sim.control.injectFault(ex, { type: 'slow', ms: 900 });
      const out = await h.ad.trading.placeOrder({ exchange: ex, symbol, side: 'buy', type: 'ioc', amount: new Decimal('0.001'), price: bestAsk().times('1.002'), clientOrderId: cid });
      expect(out).toMatchObject({ status: 'rejected', code: 'UNKNOWN_OUTCOME', retryable: false, clientOrderId: cid });
      h.sim.control.clearFaults();
      await waitFor(() => simOrdersWith(h, ex, cid).length === 1, 3000, 'the slow order to land at the exchange');
      const found = await h.ad.trading.fetchOrderByClientId(symbol, cid);
      expect(found).toMatchObject({ status: 'confirmed', clientOrderId: cid });
      expect(simOrdersWith(h, ex, cid)).toHaveLength(1);
    });
  });
}

/** Networks, deposit addresses and withdrawals, with idempotency across a restart. */
export function describeFunding(spec: VenueSpec): void {
  const ex = spec.exchange;
  const w = spec.withdraw;
  describe(`${ex} funding (real ccxt against the simulator)`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(ex, {}, { envExtra: spec.env });
    });
    afterEach(() => h.sim.control.clearFaults());
    afterAll(async () => h.close());

    it('lists networks with live fees and minimums in our network codes, and a deposit address', async () => {
      const nets = await h.ad.funding.networks(w.asset);
      expect(Array.isArray(nets)).toBe(true);
      if (w.feesPublished === false) {
        // The venue states no fee before a send: a network that cannot be priced is not offered.
        expect(nets).toEqual([]);
      } else {
        const net = (nets as Array<{ network: string; withdrawFee: Decimal; withdrawMin: Decimal; withdrawEnabled: boolean; expectedMinutes?: number }>).find((n) => n.network === w.network);
        expect(net).toBeDefined();
        // The transfer planner ranks by time after cost: the venue's own estimate, where it gives one.
        expect(net!.expectedMinutes).toBe(w.expectedMinutes);
        expect(net!.withdrawFee.gt(0)).toBe(true);
        expect(net!.withdrawMin.gt(0)).toBe(true);
        expect(net!.withdrawEnabled).toBe(true);
      }
      const addr = await h.ad.funding.depositAddress(w.asset, w.network);
      expect(addr).toMatchObject({ asset: w.asset, network: w.network });
      expect((addr as { address: string }).address.length).toBeGreaterThan(20);
    });

    it('takes a withdrawal from submitted through pending to confirmed, and never sends one key twice (even after a restart)', async () => {
      const key = `wd-${ex}-ok-1`;
      const req = { asset: w.asset, network: w.network, amount: new Decimal(w.amount), address: w.address, idempotencyKey: key };
      const sub = await h.ad.funding.withdraw(req);
      expect(sub).toMatchObject({ status: 'submitted', idempotencyKey: key });
      const id = (sub as { id: string }).id;
      expect(await h.ad.funding.withdrawalStatus(id)).toMatchObject({ status: 'pending', id });
      await waitFor(async () => (await h.ad.funding.withdrawalStatus(id)).status === 'confirmed', 4000, 'confirmation');
      const done = await h.ad.funding.withdrawalStatus(id);
      expect((done as { txid: string }).txid.length).toBeGreaterThan(10);
      expect((done as { fee: Decimal }).fee.gt(0)).toBe(true);
      expect(await h.ad.funding.withdraw(req)).toMatchObject({ status: 'submitted', id });
      const restarted = await adaptersFor(h.sim, ex, { envExtra: spec.env });
      try {
        expect(await restarted.funding.withdraw(req)).toMatchObject({ status: 'submitted', id });
      } finally {
        await restarted.close();
      }
      expect(h.sim.control.withdrawals(ex)).toHaveLength(1);
    });

    it('ends a failing withdrawal as failed with a reason', async () => {
      h.sim.control.injectFault(ex, { type: 'withdrawal-fails' });
      const sub = await h.ad.funding.withdraw({ asset: w.asset, network: w.network, amount: new Decimal(w.amount).plus(1), address: w.address, idempotencyKey: `wd-${ex}-fail-1` });
      expect(sub.status).toBe('submitted');
      const id = (sub as { id: string }).id;
      await waitFor(async () => (await h.ad.funding.withdrawalStatus(id)).status === 'failed', 4000, 'failure');
      expect(await h.ad.funding.withdrawalStatus(id)).toMatchObject({ status: 'failed', id, reason: expect.stringContaining('failed') });
    });

    it('rejects a withdrawal below the network minimum with the exchange reason', async () => {
      const out = await h.ad.funding.withdraw({ asset: w.asset, network: w.network, amount: new Decimal('0.5'), address: w.address, idempotencyKey: `wd-${ex}-small-1` });
      expect(out.status).toBe('rejected');
      expect((out as { code: string }).code).not.toBe('UNKNOWN_OUTCOME');
      // Binance names the minimum; Kraken only says "EFunding:Invalid amount".
      expect((out as { reason: string }).reason).toMatch(/minimum|invalid amount/i);
    });
  });
}
