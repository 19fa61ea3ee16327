import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { botActivateSignal, botDeactivateSignal, goldColdAddedSignal, goldQuery, type BotActivation, type GoldView } from '../signals/defs';
import { Decimal, ZERO } from '../domain/money/decimal';
import { addGold, averageCost, flipSplit, goldBudgetUsd, removeGold, type GoldLot } from '../domain/gbot';
import { keepLast } from '../domain/mode';
import type { TradingMode } from '../domain/allocation';
import type { ExchangeId } from '../domain/market';
import type { GbotActivities } from '../activities/gbot';

type LotS = { amount: string; costUsd: string };
export interface GbotState {
  active: boolean; mode: TradingMode | null; percent: string;
  lots: Record<string, LotS>; cold: LotS; realisedPnlUsd: string;
  queue: Array<BotActivation & { on: boolean }>; seenFlips: string[]; cycles: GoldView['cycles'];
  /** A GOLD activation whose purchase was refused (stale books, no funds yet): tried again later. */
  retry?: { activation: BotActivation; attempt: number };
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
  maxHistoryEvents?: number;
  state?: GbotState;
}

const MAX_BUY_RETRY_MS = 30 * 60_000;
const acts = proxyActivities<GbotActivities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } });
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
    };
  });

  /** Buys up to the G-bot's share, venue by venue when no single venue can pay it all (3 rounds at most). */
  async function buy(a: BotActivation, attempt = 0): Promise<string> {
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
    for (const [exchange, l] of Object.entries(s.lots)) {
      let lot = toLot(l);
      const split = flipSplit(lot.amount, new Decimal(input.sellPercentOnFlip));
      if (split.sell.gt(ZERO)) {
        const basis = removeGold(lot, split.sell).removedCostUsd;
        const r = await acts.gbotSellGold({ key: `gbot:${a.flipId}:sell:${exchange}`, exchange: exchange as ExchangeId, amount: split.sell.toFixed(), costUsd: basis.toFixed() });
        if (r.trade.status === 'confirmed') {
          const filled = new Decimal(r.trade.filled);
          lot = removeGold(lot, filled).remaining;
          sold = sold.plus(filled);
          s.realisedPnlUsd = new Decimal(s.realisedPnlUsd).plus(new Decimal(r.realisedPnlUsd ?? '0')).toFixed();
        } else notes.push(`sell on ${exchange} refused: ${r.trade.reason}`);
      }
      // Everything left after the sale is the kept part (15 % plus any rounding crumb).
      const keep = lot.amount;
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

  const shouldRoll = () => workflowInfo().continueAsNewSuggested || (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents);
  for (;;) {
    const wake = () => s.queue.length > 0 || shouldRoll();
    const retryIn = s.retry ? Math.min((input.buyRetryMs ?? 15_000) * 2 ** Math.min(s.retry.attempt - 1, 20), MAX_BUY_RETRY_MS) : 0;
    const woke = s.retry && s.active ? await condition(wake, retryIn) : (await condition(wake), true);
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
    s.active = a.on;
    s.mode = a.mode;
    s.percent = a.on ? a.percent : '0';
    let message: string;
    let sold = '0';
    let kept = '0';
    if (a.on) message = await buy(a);
    else {
      const r = await sellAndKeep(a);
      sold = r.sold.toFixed();
      kept = r.kept.toFixed();
      message = r.notes.length ? r.notes.join('; ') : `sold ${sold} PAXG, kept ${kept} PAXG in the cold wallet`;
    }
    s.cycles = keepLast([...s.cycles, { flipId: a.flipId, mode: a.mode, sold, kept, message }], 50);
    await acts.gbotRecord({ key: `gbot:${a.flipId}:${a.on ? 'on' : 'off'}:done`, what: 'gbot-cycle', details: { flipId: a.flipId, mode: a.mode, sold, kept, message } });
  }
}
