import { allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { boundedActivities, describeRun } from './activity-policy';
import {
  abotOrderSignal, abotOrderUpdate, botActivateSignal, botDeactivateSignal, slotsQuery,
  type AbotOrderRequest, type AbotOrderResult, type AbotView, type BotActivation,
} from '../signals/defs';
import { Decimal } from '../domain/money/decimal';
import { emptySlots, planBuy, planSell, seatWarmerAction, slotBudgetUsd, slotView, type SeatWarmerRules, type Slot, type SlotPosition } from '../domain/abot';
import { keepLast } from '../domain/mode';
import type { TradingMode } from '../domain/allocation';
import type { AbotActivities } from '../activities/abot';

export interface AbotState {
  slots: Slot[]; active: boolean; mode: TradingMode | null; percent: string; seq: number;
  queue: Array<AbotOrderRequest & { seatWarmer?: boolean }>; seen: string[];
  recent: AbotView['recent']; realisedPnlUsd: string; rewardsUsd: string;
  reconciliation?: NonNullable<AbotView['reconciliation']>;
}
export interface AbotInput {
  slots: number; rules: SeatWarmerRules; universe: string[]; keepSignalPositionsOnGold: boolean;
  /** settings abot.noFillRetries; absent in runs started before it existed (they get the default). */
  noFillRetries?: number;
  maxHistoryEvents?: number; state?: AbotState;
}

/** settings.json's default, for runs whose input predates the setting. */
const DEFAULT_NO_FILL_RETRIES = 2;

const acts = proxyActivities<AbotActivities>(boundedActivities({ startToClose: '1 minute', scheduleToClose: '1 hour' }));
// Polls once a minute until the unstaked coins are free; no unbonding period we use comes near a week.
const waitFree = proxyActivities<AbotActivities>(boundedActivities({ startToClose: '30 seconds', scheduleToClose: '7 days', initialInterval: '1 minute', backoffCoefficient: 1 }));

/** The A-bot (id `abot`): six slots, signal buys and sells, staking, seat warmers. Logic in domain/abot. */
export async function abotWorkflow(input: AbotInput): Promise<void> {
  const s: AbotState = input.state ?? {
    slots: emptySlots(input.slots), active: false, mode: null, percent: '0', seq: 0, queue: [], seen: [], recent: [], realisedPnlUsd: '0', rewardsUsd: '0',
  };
  const results = new Map<string, AbotOrderResult>();
  const closing = new Map<number, Promise<AbotOrderResult>>();
  let maintain = s.active;

  const enqueue = (r: AbotOrderRequest) => {
    if (s.seen.includes(r.requestId)) return;
    s.seen = keepLast([...s.seen, r.requestId], 500);
    s.queue.push(r);
  };
  setHandler(abotOrderSignal, enqueue);
  setHandler(abotOrderUpdate, async (r) => {
    enqueue(r);
    await condition(() => results.has(r.requestId) || (!s.queue.some((q) => q.requestId === r.requestId) && !results.has(r.requestId) && s.recent.some((x) => x.id === r.requestId)));
    return results.get(r.requestId) ?? { done: false, message: s.recent.find((x) => x.id === r.requestId)?.message ?? 'already handled' };
  }, { validator: (r) => {
    if (r.action !== 'buy' && r.action !== 'sell') throw new Error('action must be buy or sell');
    if (!input.universe.includes(r.coin)) throw new Error(`${r.coin} is not in the A-bot universe (${input.universe.join(', ')})`);
  } });
  const flip = async (a: BotActivation, active: boolean) => {
    s.active = active; s.mode = a.mode; s.percent = active ? a.percent : '0'; maintain = true;
    const written = acts.abotRecord({ key: `abot:flip:${a.flipId}:${active ? 'on' : 'off'}`, what: 'abot-activation', details: { ...a, active } });
    // Awaited, so allHandlersFinished covers it and continue-as-new cannot drop the ledger write.
    if (patched('await-handler-ledger-writes')) await written;
  };
  setHandler(botActivateSignal, (a) => flip(a, true));
  setHandler(botDeactivateSignal, (a) => flip(a, false));
  setHandler(slotsQuery, (): AbotView => ({
    active: s.active, mode: s.mode, percent: s.percent, slots: s.slots.map(slotView), realisedPnlUsd: s.realisedPnlUsd, rewardsUsd: s.rewardsUsd,
    recent: [...s.recent], queued: s.queue.length,
    ...(s.reconciliation ? { reconciliation: [...s.reconciliation] } : {}),
  }));

  const add = (a: string, b: string) => new Decimal(a).plus(new Decimal(b)).toFixed();

  /** Unstake (a durable timer through the unbonding period), then sell; the slot stays taken until sold. */
  async function close(i: number, key: string): Promise<AbotOrderResult> {
    const p = s.slots[i] as SlotPosition;
    p.closing = true;
    let amount = p.amount;
    if (p.stake) {
      const un = await acts.abotUnstake({ key: `${key}:unstake`, coin: p.coin, exchange: p.stake.exchange, productId: p.stake.productId, amount: p.stake.amount });
      if (un.status === 'rejected') { p.closing = false; return { done: false, message: `unstake refused: ${un.reason}` }; }
      s.rewardsUsd = add(s.rewardsUsd, un.rewardsUsd);
      amount = add(amount, un.rewards);
      if (un.availableAt > Date.now()) await sleep(un.availableAt - Date.now());
      await waitFree.abotUnbonded({ key, coin: p.coin, exchange: p.stake.exchange, amount: p.stake.amount });
      p.stake = null;
    }
    let costUsd = p.costUsd;
    if (patched('abot-reconcile-with-exchange')) {
      // Act on what the exchange really holds: after a restart memory may claim coins that are gone.
      const h = await acts.abotHolding({ coin: p.coin, exchange: p.exchange });
      const believed = new Decimal(amount);
      if (h.free !== null && new Decimal(h.free).lt(believed)) {
        const actual = new Decimal(h.free);
        s.reconciliation = keepLast([...(s.reconciliation ?? []), {
          coin: p.coin, exchange: p.exchange, believed: believed.toFixed(), actual: actual.toFixed(), difference: actual.minus(believed).toFixed(), at: new Date(Date.now()).toISOString(),
        }], 20);
        await acts.abotRecord({ key: `${key}:reconcile`, what: 'abot-reconcile', details: { coin: p.coin, exchange: p.exchange, believed: believed.toFixed(), actual: actual.toFixed() } });
        costUsd = new Decimal(costUsd).times(actual).div(believed).toFixed();
        amount = actual.toFixed();
        p.amount = amount;
        p.costUsd = costUsd;
        if (actual.isZero()) {
          s.slots[i] = null;
          maintain = true;
          return { done: true, message: `nothing to sell: ${p.exchange} holds no ${p.coin} (the A-bot remembered ${believed.toFixed()}); slot freed` };
        }
      }
    }
    const sale = await acts.abotSell({ key: `${key}:sell`, coin: p.coin, exchange: p.exchange, amount, costUsd });
    if (sale.trade.status !== 'confirmed') { p.closing = false; return { done: false, message: `sell refused: ${sale.trade.reason}` }; }
    s.slots[i] = null;
    s.realisedPnlUsd = add(s.realisedPnlUsd, sale.realisedPnlUsd ?? '0');
    maintain = true;
    return { done: true, message: `sold ${amount} ${p.coin} on ${sale.trade.exchange} for ${sale.trade.usd} USD (PnL ${sale.realisedPnlUsd} USD)` };
  }
  const startClose = (i: number, key: string): Promise<AbotOrderResult> => {
    const known = closing.get(i);
    if (known) return known;
    const run = close(i, key).finally(() => closing.delete(i));
    closing.set(i, run);
    return run;
  };

  async function buy(r: AbotOrderRequest & { seatWarmer?: boolean }): Promise<AbotOrderResult> {
    const key = `abot:${r.requestId}`;
    const plan = r.seatWarmer ? { kind: 'free' as const, slot: s.slots.indexOf(null) } : planBuy(s.slots, r.coin, { active: s.active, universe: input.universe });
    if (plan.kind === 'reject') return { done: false, message: plan.reason };
    if (plan.kind === 'evict') {
      const freed = await startClose(plan.slot, `${key}:evict`);
      if (!freed.done) return { done: false, message: `no free slot and the oldest seat warmer (${plan.coin}) could not be sold: ${freed.message}` };
    }
    const slot = plan.kind === 'evict' ? plan.slot : plan.slot;
    if (slot < 0 || s.slots[slot] !== null) return { done: false, message: 'the slot was taken meanwhile' };
    s.slots[slot] = { coin: r.coin, exchange: 'binance', amount: '0', costUsd: '0', seatWarmer: r.seatWarmer ?? false, openedSeq: ++s.seq, openedAt: Date.now(), stake: null };
    const budget = slotBudgetUsd(new Decimal(await acts.abotCapitalUsd()), new Decimal(s.percent), s.slots.length);
    const order = { coin: r.coin, budgetUsd: budget.toFixed(), seatWarmer: r.seatWarmer ?? false };
    let t = await acts.abotBuy({ key: `${key}:buy`, ...order });
    let attempts = 1;
    // One IOC misses a market that moved after the quote: ask again with a fresh quote (a new key, so
    // a new client order id), a bounded number of times. Any other refusal (over budget, no venue) is final.
    if (patched('abot-retry-no-fill')) {
      for (; t.status === 'rejected' && t.code === 'NO_FILL' && attempts <= (input.noFillRetries ?? DEFAULT_NO_FILL_RETRIES); attempts += 1) {
        t = await acts.abotBuy({ key: `${key}:buy:retry-${attempts}`, ...order });
      }
    }
    if (t.status !== 'confirmed') { s.slots[slot] = null; return { done: false, message: `buy refused${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${t.reason}` }; }
    const p = s.slots[slot] as SlotPosition;
    Object.assign(p, { exchange: t.exchange, amount: t.filled, costUsd: t.usd });
    const st = await acts.abotStake({ key: `${key}:stake`, coin: r.coin, exchange: t.exchange, amount: t.filled });
    if (st.status === 'staked') p.stake = { exchange: st.exchange, productId: st.productId, amount: st.amount, since: st.since, unbondingMs: st.unbondingMs, apy: st.apy };
    return { done: true, message: `bought ${t.filled} ${r.coin} on ${t.exchange} for ${t.usd} USD into slot ${slot + 1}; ${st.status === 'staked' ? `staked at ${st.apy} APY` : st.reason}` };
  }

  async function runMaintenance(): Promise<void> {
    maintain = false;
    const a = seatWarmerAction(s.slots, input.rules, s.active);
    const sells = a.kind === 'sell' ? a.slots : [];
    if (!s.active && !input.keepSignalPositionsOnGold) s.slots.forEach((p, i) => p && !p.seatWarmer && !p.closing && sells.push(i));
    for (const i of sells) void startClose(i, `abot:warm-${++s.seq}`).then((res) => note(`warm-sell-${i}`, 'sell', (s.slots[i] ?? { coin: '?' }).coin, res));
    for (let n = 0; a.kind === 'buy' && n < a.count; n += 1) {
      const pick = await acts.abotSeatWarmerCoin({ held: s.slots.flatMap((p) => (p ? [p.coin] : [])) });
      if (!pick) break;
      const id = `warm-${++s.seq}`;
      note(id, 'buy', pick.coin, await buy({ action: 'buy', coin: pick.coin, requestId: id, source: 'operator', seatWarmer: true }));
    }
  }
  const note = (id: string, action: string, coin: string, res: AbotOrderResult) => {
    results.set(id, res);
    s.recent = keepLast([...s.recent, { id, action, coin, ...res }], 30);
  };

  const shouldRoll = () => workflowInfo().continueAsNewSuggested || (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents);
  for (;;) {
    describeRun({ mode: s.mode ?? 'none', state: `${s.active ? 'active' : 'inactive'}, ${s.slots.filter((x) => x !== null).length}/${s.slots.length} slots` });
    await condition(() => s.queue.length > 0 || maintain || shouldRoll());
    const r = s.queue.shift();
    if (r) {
      const res = r.action === 'buy' ? await buy(r) : await sellSignal(r);
      note(r.requestId, r.action, r.coin, res);
      if (!res.done) {
        const written = acts.abotRecord({ key: `abot:${r.requestId}:refused`, what: 'abot-refused', details: { ...r, reason: res.message } });
        if (patched('await-refusal-ledger-write')) await written;
      }
      maintain = true;
    } else if (maintain) await runMaintenance();
    else if (closing.size === 0) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof abotWorkflow>({ ...input, state: s });
    } else await condition(() => closing.size === 0 || s.queue.length > 0);
  }

  async function sellSignal(r: AbotOrderRequest): Promise<AbotOrderResult> {
    const plan = planSell(s.slots, r.coin);
    return plan.kind === 'reject' ? { done: false, message: plan.reason } : startClose(plan.slot, `abot:${r.requestId}`);
  }
}
