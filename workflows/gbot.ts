import { allHandlersFinished, condition, continueAsNew, log, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { botActivateSignal, botDeactivateSignal, goldColdAddedSignal, goldQuery, type BotActivation, type GoldPendingSale, type GoldReconciliation, type GoldView } from '../signals/defs';
import { Decimal, ZERO } from '../domain/money/decimal';
import { addGold, averageCost, flipSplit, goldBudgetUsd, removeGold, saleRetryDelayMs, SALE_RETRY_DEFAULT_ATTEMPTS, type GoldLot } from '../domain/gbot';
import { keepLast } from '../domain/mode';
import type { TradingMode } from '../domain/allocation';
import type { ExchangeId } from '../domain/market';
import type { GbotActivities } from '../activities/gbot';
import { boundedActivities, describeRun } from './activity-policy';

type LotS = { amount: string; costUsd: string };
export interface GbotState {
  active: boolean; mode: TradingMode | null; percent: string;
  lots: Record<string, LotS>; cold: LotS; realisedPnlUsd: string;
  queue: Array<BotActivation & { on: boolean }>; seenFlips: string[]; cycles: GoldView['cycles'];
  /** A GOLD activation whose purchase was refused (stale books, no funds yet): tried again later. */
  retry?: { activation: BotActivation; attempt: number };
  /** PAXG a flip to BTC could not sell: stays on the exchange, retried at `dueAt` (workflow time). */
  sales?: Array<GoldPendingSale & { dueAt: number }>;
  /** The last comparison of memory with the exchanges' balances (shown by the `gold` query). */
  reconciliation?: GoldReconciliation;
}
export interface GbotInput {
  /** Percent of the PAXG sold on a flip to BTC (85); the rest goes to the cold wallet. */
  sellPercentOnFlip: string;
  /** Below this a purchase is not worth its fees (USD). */
  minBuyUsd: string;
  /**
   * First pause before a refused purchase is tried again while the G-bot stays active (default
   * 15 s); it doubles per attempt up to 30 minutes, so an unfunded G-bot does not flood the ledger.
   */
  buyRetryMs?: number;
  /** First pause before an unsold flip sale is tried again (default 60 s, doubling up to 30 min). */
  saleRetryMs?: number;
  /** Sale attempts (the flip's own included) before it waits for an operator (default 8). */
  maxSaleAttempts?: number;
  maxHistoryEvents?: number;
  state?: GbotState;
}

const MAX_BUY_RETRY_MS = 30 * 60_000;
const acts = proxyActivities<GbotActivities>(boundedActivities({ startToClose: '1 minute', scheduleToClose: '1 hour' }));
const toLot = (l: LotS): GoldLot => ({ amount: new Decimal(l.amount), costUsd: new Decimal(l.costUsd) });
const fromLot = (l: GoldLot): LotS => ({ amount: l.amount.toFixed(), costUsd: l.costUsd.toFixed() });

/** The G-bot (id `gbot`): buys PAXG in GOLD mode; on a flip to BTC sells 85 % and keeps 15 % cold. */
export async function gbotWorkflow(input: GbotInput): Promise<void> {
  const s: GbotState = input.state ?? {
    active: false, mode: null, percent: '0', lots: {}, cold: { amount: '0', costUsd: '0' }, realisedPnlUsd: '0', queue: [], seenFlips: [], cycles: [],
  };
  const enqueue = (a: BotActivation, on: boolean) => {
    const id = `${a.flipId}:${on ? 'on' : 'off'}`;
    if (s.seenFlips.includes(id)) return;
    s.seenFlips = keepLast([...s.seenFlips, id], 200);
    s.queue.push({ ...a, on });
  };
  setHandler(botActivateSignal, (a) => enqueue(a, true));
  setHandler(botDeactivateSignal, (a) => enqueue(a, false));
  setHandler(goldColdAddedSignal, (x) => {
    s.cold = fromLot(addGold(toLot(s.cold), new Decimal(x.amount), new Decimal(x.costUsd)));
  });
  setHandler(goldQuery, (): GoldView => {
    const all = Object.values(s.lots).concat(s.cold).map(toLot).reduce((a, l) => addGold(a, l.amount, l.costUsd), { amount: ZERO, costUsd: ZERO });
    return {
      active: s.active, mode: s.mode, percent: s.percent, coldWallet: { ...s.cold }, averageCostUsd: averageCost(all).toFixed(), realisedPnlUsd: s.realisedPnlUsd,
      perExchange: Object.entries(s.lots).map(([exchange, l]) => ({ exchange, ...l })), cycles: [...s.cycles],
      pendingSales: (s.sales ?? []).map(({ dueAt: _dueAt, ...view }) => view),
      ...(s.reconciliation ? { reconciliation: s.reconciliation } : {}),
    };
  });

  /**
   * Buys what the venues can pay now, split across them by what each can spend; a shortfall
   * (no venue holds 85 % of a portfolio in stables) is topped up on later attempts on the same
   * back-off as a refusal, never a reason to buy nothing.
   */
  async function buyAcross(a: BotActivation, attempt: number): Promise<string> {
    const retry = attempt === 0 ? '' : `:retry${attempt}`;
    const price = new Decimal(await acts.gbotGoldPriceUsd());
    const held = Object.values(s.lots).reduce((t, l) => t.plus(new Decimal(l.amount)), ZERO).times(price);
    const budget = goldBudgetUsd(new Decimal(await acts.gbotCapitalUsd()), new Decimal(a.percent), held);
    const minBuy = new Decimal(input.minBuyUsd);
    if (budget.lt(minBuy)) {
      s.retry = undefined;
      return 'holds its share already';
    }
    // Each attempt has its own key: the ledger answers a repeated key with the old outcome.
    const r = await acts.gbotBuyGoldAcross({ key: `gbot:${a.flipId}:buy${retry}`, budgetUsd: budget.toFixed(2), minUsd: minBuy.toFixed() });
    if (r.status !== 'confirmed') {
      s.retry = { activation: a, attempt: attempt + 1 };
      return `buy refused: ${r.reason}`;
    }
    let spent = ZERO;
    const done = r.buys.map((t) => {
      s.lots[t.exchange] = fromLot(addGold(toLot(s.lots[t.exchange] ?? { amount: '0', costUsd: '0' }), new Decimal(t.filled), new Decimal(t.usd)));
      spent = spent.plus(new Decimal(t.usd));
      return `bought ${t.filled} PAXG on ${t.exchange} for ${t.usd} USD`;
    });
    const short = budget.minus(spent);
    if (short.gte(minBuy)) {
      s.retry = { activation: a, attempt: attempt + 1 };
      done.push(`${short.toFixed(2)} USD still to buy (${r.notes.join('; ') || 'no venue can spend more now'}): topped up later`);
    } else s.retry = undefined;
    return done.join('; ');
  }

  /** Buys up to the G-bot's share, venue by venue when no single venue can pay it all (3 rounds at most). */
  async function buy(a: BotActivation, attempt = 0): Promise<string> {
    // Runs from before this change buy round by round on one venue at a time; replay keeps that.
    if (patched('gbot-buy-split-across-venues')) return buyAcross(a, attempt);
    const done: string[] = [];
    const retry = attempt === 0 ? '' : `:retry${attempt}`;
    for (let round = 1; round <= 3; round += 1) {
      const price = new Decimal(await acts.gbotGoldPriceUsd());
      const held = Object.values(s.lots).reduce((t, l) => t.plus(new Decimal(l.amount)), ZERO).times(price);
      const budget = goldBudgetUsd(new Decimal(await acts.gbotCapitalUsd()), new Decimal(a.percent), held);
      if (budget.lt(new Decimal(input.minBuyUsd))) break;
      const t = await acts.gbotBuyGold({ key: `gbot:${a.flipId}:buy${retry}${round === 1 ? '' : `:${round}`}`, budgetUsd: budget.toFixed(2) });
      if (t.status !== 'confirmed') {
        // Each attempt has its own keys: the ledger answers a repeated key with the old refusal.
        s.retry = { activation: a, attempt: attempt + 1 };
        return [...done, `buy refused: ${t.reason}`].join('; ');
      }
      s.retry = undefined;
      s.lots[t.exchange] = fromLot(addGold(toLot(s.lots[t.exchange] ?? { amount: '0', costUsd: '0' }), new Decimal(t.filled), new Decimal(t.usd)));
      done.push(`bought ${t.filled} PAXG on ${t.exchange} for ${t.usd} USD`);
    }
    return done.length ? done.join('; ') : 'holds its share already';
  }

  async function sellAndKeep(a: BotActivation): Promise<{ sold: Decimal; kept: Decimal; notes: string[] }> {
    let sold = ZERO;
    let kept = ZERO;
    const notes: string[] = [];
    // Before this patch a refused sale sent the whole lot cold; replayed histories keep that path.
    const unsoldStays = patched('gbot-unsold-stays-on-exchange');
    for (const [exchange, l] of Object.entries(s.lots)) {
      let lot = toLot(l);
      const split = flipSplit(lot.amount, new Decimal(input.sellPercentOnFlip));
      let unsold = ZERO;
      if (split.sell.gt(ZERO)) {
        const basis = removeGold(lot, split.sell).removedCostUsd;
        const r = await acts.gbotSellGold({ key: `gbot:${a.flipId}:sell:${exchange}`, exchange: exchange as ExchangeId, amount: split.sell.toFixed(), costUsd: basis.toFixed() });
        if (r.trade.status === 'confirmed') {
          const filled = new Decimal(r.trade.filled);
          lot = removeGold(lot, filled).remaining;
          sold = sold.plus(filled);
          s.realisedPnlUsd = new Decimal(s.realisedPnlUsd).plus(new Decimal(r.realisedPnlUsd ?? '0')).toFixed();
          // A partial fill leaves the rest to sell; the sub-step crumb no order can sell goes cold with the share.
          unsold = Decimal.max(ZERO, split.sell.minus(filled).minus(new Decimal(r.dust ?? '0')));
        } else {
          unsold = split.sell;
          notes.push(`sell on ${exchange} refused: ${r.trade.reason}`);
        }
      }
      // Only the kept share (15 % plus any rounding crumb) goes cold: unsold gold stays on the exchange.
      const keep = unsoldStays ? lot.amount.minus(unsold) : lot.amount;
      if (unsoldStays && unsold.gt(ZERO)) {
        s.sales = [...(s.sales ?? []).filter((x) => x.exchange !== exchange), {
          flipId: a.flipId, exchange, amount: unsold.toFixed(), attempts: 1, state: 'retrying', lastReason: notes.at(-1) ?? 'partly filled',
          dueAt: Date.now() + saleRetryDelayMs(1, input.saleRetryMs),
        }];
        notes.push(`${unsold.toFixed()} PAXG stays on ${exchange}; the sale is retried`);
      }
      if (keep.gt(ZERO)) {
        const c = await acts.gbotSendToCold({ key: `gbot:${a.flipId}:cold:${exchange}`, exchange: exchange as ExchangeId, amount: keep.toFixed(), purpose: 'flip' });
        if (c.status === 'confirmed') {
          const moved = removeGold(lot, keep);
          s.cold = fromLot(addGold(toLot(s.cold), new Decimal(c.amount), moved.removedCostUsd));
          lot = moved.remaining;
          kept = kept.plus(new Decimal(c.amount));
        } else notes.push(`cold wallet transfer from ${exchange} refused: ${c.reason}`);
      }
      s.lots[exchange] = fromLot(lot);
    }
    return { sold, kept, notes };
  }

  /**
   * Acts on what the exchanges really hold, not on memory: a restart (or a manual move) may have
   * left the lots wrong, and selling 85 % of a phantom amount is refused while the real PAXG stays.
   * A difference is logged, booked as a decision and shown by the query; never hidden.
   */
  async function reconcile(flipId: string): Promise<void> {
    if (!patched('gbot-reconcile-with-exchange')) return;
    const { held, unavailable } = await acts.gbotHoldings();
    const differences: GoldReconciliation['differences'] = [];
    let price: Decimal | undefined;
    for (const exchange of [...new Set([...Object.keys(s.lots), ...Object.keys(held)])].sort()) {
      const reported = held[exchange];
      if (reported === undefined) continue; // unreadable: its own figure is all the G-bot has
      const lot = toLot(s.lots[exchange] ?? { amount: '0', costUsd: '0' });
      const actual = new Decimal(reported);
      if (actual.eq(lot.amount)) continue;
      differences.push({ exchange, believed: lot.amount.toFixed(), actual: actual.toFixed(), difference: actual.minus(lot.amount).toFixed() });
      if (actual.lt(lot.amount)) s.lots[exchange] = fromLot(removeGold(lot, lot.amount.minus(actual)).remaining);
      else {
        // Gold it did not know of is valued at today's price (its real cost is unknown).
        price ??= new Decimal(await acts.gbotGoldPriceUsd());
        const extra = actual.minus(lot.amount);
        s.lots[exchange] = fromLot(addGold(lot, extra, extra.times(price)));
      }
    }
    s.reconciliation = { flipId, differences, unavailable };
    if (differences.length || unavailable.length) {
      log.warn('G-bot position differs from the exchanges; acting on the exchanges', { flipId, differences, unavailable });
      await acts.gbotRecord({ key: `gbot:${flipId}:reconcile`, what: 'gbot-reconcile', details: { flipId, differences, unavailable } });
    }
  }

  function nextSale(): (GoldPendingSale & { dueAt: number }) | undefined {
    return (s.sales ?? []).filter((x) => x.state === 'retrying').sort((x, y) => x.dueAt - y.dueAt)[0];
  }

  /** One more try at a flip sale that was refused or partly filled; bounded, then an operator decides. */
  async function retrySale(sale: GoldPendingSale & { dueAt: number }): Promise<void> {
    const n = sale.attempts;
    let lot = toLot(s.lots[sale.exchange] ?? { amount: '0', costUsd: '0' });
    const amount = Decimal.min(new Decimal(sale.amount), lot.amount);
    const r = await acts.gbotSellGold({
      key: `gbot:${sale.flipId}:sell:${sale.exchange}:retry${n}`, exchange: sale.exchange as ExchangeId, amount: amount.toFixed(), costUsd: removeGold(lot, amount).removedCostUsd.toFixed(),
    });
    sale.attempts = n + 1;
    let message: string;
    let left = amount;
    if (r.trade.status === 'confirmed') {
      const filled = new Decimal(r.trade.filled);
      lot = removeGold(lot, filled).remaining;
      s.lots[sale.exchange] = fromLot(lot);
      s.realisedPnlUsd = new Decimal(s.realisedPnlUsd).plus(new Decimal(r.realisedPnlUsd ?? '0')).toFixed();
      left = Decimal.max(ZERO, amount.minus(filled).minus(new Decimal(r.dust ?? '0')));
      message = `sale retry ${n}: sold ${filled.toFixed()} PAXG on ${sale.exchange} for ${r.trade.usd} USD`;
      sale.lastReason = 'partly filled';
    } else {
      sale.lastReason = `sell on ${sale.exchange} refused: ${r.trade.reason}`;
      message = `sale retry ${n}: ${sale.lastReason}`;
    }
    if (left.lte(ZERO)) s.sales = (s.sales ?? []).filter((x) => x !== sale);
    else {
      sale.amount = left.toFixed();
      if (sale.attempts >= (input.maxSaleAttempts ?? SALE_RETRY_DEFAULT_ATTEMPTS)) {
        sale.state = 'needs-operator';
        message = `${message}; gave up after ${sale.attempts} attempts: ${sale.amount} PAXG stays on ${sale.exchange} for an operator`;
        log.warn('G-bot sale needs an operator', { flipId: sale.flipId, exchange: sale.exchange, amount: sale.amount, reason: sale.lastReason });
        await acts.gbotRecord({ key: `gbot:${sale.flipId}:sale:${sale.exchange}:needs-operator`, what: 'gbot-sale-needs-operator', details: { ...sale } });
      } else sale.dueAt = Date.now() + saleRetryDelayMs(sale.attempts, input.saleRetryMs);
    }
    s.cycles = keepLast([...s.cycles, { flipId: sale.flipId, mode: s.mode ?? 'BTC', sold: r.trade.status === 'confirmed' ? r.trade.filled : '0', kept: '0', message }], 50);
  }

  const shouldRoll = () => workflowInfo().continueAsNewSuggested || (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents);
  for (;;) {
    const held = Object.values(s.lots).reduce((t, l) => t.plus(new Decimal(l.amount)), ZERO);
    describeRun({ mode: s.mode ?? 'none', asset: 'PAXG', amount: held.toFixed(), state: s.active ? 'active' : 'inactive' });
    const wake = () => s.queue.length > 0 || shouldRoll();
    const retryIn = s.retry ? Math.min((input.buyRetryMs ?? 15_000) * 2 ** Math.min(s.retry.attempt - 1, 20), MAX_BUY_RETRY_MS) : 0;
    const sale = s.active ? undefined : nextSale();
    const woke = s.retry && s.active ? await condition(wake, retryIn)
      : sale ? await condition(wake, Math.max(1, sale.dueAt - Date.now())) : (await condition(wake), true);
    if (!woke && sale) {
      await retrySale(sale);
      continue;
    }
    if (!woke && s.retry && s.active) {
      const { activation, attempt } = s.retry;
      const message = await buy(activation, attempt);
      s.cycles = keepLast([...s.cycles, { flipId: activation.flipId, mode: activation.mode, sold: '0', kept: '0', message: `retry ${attempt}: ${message}` }], 50);
      await acts.gbotRecord({ key: `gbot:${activation.flipId}:retry${attempt}:done`, what: 'gbot-cycle', details: { flipId: activation.flipId, mode: activation.mode, retry: attempt, message } });
      continue;
    }
    const a = s.queue.shift();
    if (!a) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof gbotWorkflow>({ ...input, state: s });
      return;
    }
    s.retry = undefined;
    if (a.on && s.sales?.length) {
      // Back in GOLD mode the unsold PAXG is wanted again: it simply stays held.
      s.cycles = keepLast([...s.cycles, { flipId: a.flipId, mode: a.mode, sold: '0', kept: '0', message: `${s.sales.length} unsold flip sale(s) dropped: GOLD mode keeps the PAXG` }], 50);
      s.sales = [];
    }
    s.active = a.on;
    s.mode = a.mode;
    s.percent = a.on ? a.percent : '0';
    let message: string;
    let sold = '0';
    let kept = '0';
    await reconcile(a.flipId);
    if (a.on) message = await buy(a);
    else {
      const r = await sellAndKeep(a);
      sold = r.sold.toFixed();
      kept = r.kept.toFixed();
      message = r.notes.length ? `${r.notes.join('; ')}; kept ${kept} PAXG in the cold wallet` : `sold ${sold} PAXG, kept ${kept} PAXG in the cold wallet`;
    }
    s.cycles = keepLast([...s.cycles, { flipId: a.flipId, mode: a.mode, sold, kept, message }], 50);
    await acts.gbotRecord({ key: `gbot:${a.flipId}:${a.on ? 'on' : 'off'}:done`, what: 'gbot-cycle', details: { flipId: a.flipId, mode: a.mode, sold, kept, message } });
  }
}
