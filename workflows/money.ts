import {
  allHandlersFinished, condition, continueAsNew, log, ParentClosePolicy, patched, proxyActivities, setHandler, startChild, workflowInfo,
} from '@temporalio/workflow';
import { moneyQuery, reviewMoneySignal, type MoneyView } from '../signals/defs';
import { Decimal, ROUND_DOWN, ROUND_UP } from '../domain/money/decimal';
import { formatDecimal } from '../domain/money/format';
import type { ExchangeId } from '../domain/market';
import { bnbReserve, bnbTopUp, inExchangeConversions, reviewBalances, type HoldingsByExchange, type MoneyReview, type RebalancePlan } from '../domain/money-manager';
import type { MoneyActivities } from '../activities/money';
import type { ConversionActivities } from '../activities/money-conversion';
import { rebalanceWorkflow } from './rebalance';
import { boundedActivities, describeRun } from './activity-policy';

const EVENTS_CAP = 50;

export interface MoneyState {
  view: MoneyView;
  /** Numbers the rebalance ids (`rebalance-<asset>-<n>`) across continue-as-new. */
  counter: number;
}

export interface MoneyInput {
  exchanges: ExchangeId[];
  /** The Q-bot's inventory (coins.json arbitrageAssets + quoteCurrencies). */
  inventoryAssets: string[];
  /** Decimal strings from settings.json. */
  driftLimitPercent: string;
  transferMinimumUsd: string;
  approvalAboveUsd: string;
  approvalTimeoutMs: number;
  depositTimeoutMs: number;
  /** moneyManager.balanceCheckIntervalMs */
  intervalMs: number;
  /**
   * Conversions inside an exchange tried before any transfer: which assets are interchangeable
   * (USD-pegged stablecoins), which may bridge a route, and the smallest conversion worth doing.
   */
  conversions?: { interchangeable: string[]; bridges: string[]; minUsd: string };
  /** moneyManager.bnbReserve (decimal string, whole days); omitted when Binance is not used. */
  bnbReserve?: { minimumUsd: string; daysOfFeeSpend: number; /** the most one top-up spends (USD); without it the shortfall is only reported */ topUpMaxUsd?: string };
  /** moneyManager.targetWeights (decimal strings): per asset, exchange -> relative weight. */
  targetWeights?: Record<string, Partial<Record<ExchangeId, string>>>;
  /** moneyManager.transferAssets: only these are moved between exchanges; undefined = every inventory asset. */
  transferAssets?: string[];
  /** Rule 25: transfers.costTargetUsd and transfers.yearlyCostBudgetPercentOfCapital (decimal strings). */
  costRule?: { targetAverageUsd: string; yearlyPercentOfCapital: string };
  /** Continue as new at this history length even before the server suggests it (tests, tuning). */
  maxHistoryEvents?: number;
  state?: MoneyState;
}

const acts = proxyActivities<MoneyActivities & ConversionActivities>(boundedActivities({ startToClose: '1 minute', scheduleToClose: '30 minutes' }));

/**
 * The money manager (id `money`): every interval (or on `reviewMoney`) reads every balance, values
 * it, measures each inventory asset's drift and starts a rebalance for an asset over the limit,
 * never two for one asset at once. Rebalances are children that outlive this run (ABANDON): a
 * transfer in flight must not be cut off by a continue-as-new or an operator stopping this loop.
 */
export async function moneyWorkflow(input: MoneyInput): Promise<void> {
  const s: MoneyState = input.state ?? {
    counter: 0,
    view: { lastReviewAt: null, reviews: 0, totalUsd: null, drifts: [], running: {}, events: [], problems: [] },
  };
  let reviewRequested = true;
  setHandler(moneyQuery, (): MoneyView => JSON.parse(JSON.stringify(s.view)) as MoneyView);
  setHandler(reviewMoneySignal, () => void (reviewRequested = true));

  const note = (asset: string, what: string) => {
    s.view.events = [...s.view.events, { at: new Date().toISOString(), asset, what }].slice(-EVENTS_CAP);
  };

  async function startRebalance(plan: RebalancePlan): Promise<void> {
    // Whole cents of a stablecoin, a millionth of a coin: finer than any exchange takes.
    const amount = plan.amount.toDecimalPlaces(6, ROUND_DOWN);
    const price = plan.amountUsd.div(plan.amount);
    s.counter += 1;
    const workflowId = `rebalance-${plan.asset}-${s.counter}`;
    const child = await startChild(rebalanceWorkflow, {
      workflowId,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{
        rebalanceId: workflowId, asset: plan.asset, amount: formatDecimal(amount), priceUsd: formatDecimal(price),
        from: plan.from, to: plan.to, approvalAboveUsd: input.approvalAboveUsd,
        approvalTimeoutMs: input.approvalTimeoutMs, depositTimeoutMs: input.depositTimeoutMs,
        ...(input.costRule ? { costRule: { ...input.costRule, ...(s.view.totalUsd ? { capitalUsd: s.view.totalUsd } : {}) } } : {}),
      }],
    });
    s.view.running[plan.asset] = workflowId;
    note(plan.asset, `started ${workflowId}: ${formatDecimal(amount)} ${plan.from} -> ${plan.to} (drift ${plan.driftPercent.toFixed(2)} %)`);
    void child.result().then(
      (r) => note(plan.asset, `${workflowId} ${r.state}: ${r.reason ?? ''}`),
      (err: unknown) => note(plan.asset, `${workflowId} failed: ${err instanceof Error ? err.message : String(err)}`),
    ).finally(() => {
      delete s.view.running[plan.asset];
    });
  }

  async function review(): Promise<void> {
    const snap = await acts.readBalances(input.exchanges);
    const prices = await acts.usdPrices(input.inventoryAssets);
    // Targets only where a venue lists the asset (patched: older runs reviewed without asking).
    const listed = patched('money-listed-assets') ? await acts.listedAssets(input.exchanges) : undefined;
    const holdings: HoldingsByExchange = {};
    for (const [ex, assets] of Object.entries(snap.holdings) as Array<[ExchangeId, Record<string, string>]>) {
      holdings[ex] = Object.fromEntries(Object.entries(assets).map(([a, v]) => [a, new Decimal(v)]));
    }
    const read = input.exchanges.filter((e) => holdings[e] !== undefined);
    s.view.problems = snap.unread.map((u) => `${u.exchange} balances unread: ${u.reason}`);
    s.view.lastReviewAt = new Date().toISOString();
    s.view.reviews += 1;
    // Judging drift with a venue missing would move money toward a venue we cannot see.
    if (snap.unread.length > 0 || read.length < 2) return;
    const r = reviewBalances({
      holdings,
      prices: Object.fromEntries(Object.entries(prices).map(([a, p]) => [a, new Decimal(p)])),
      inventoryAssets: input.inventoryAssets,
      enabledExchanges: read,
      driftLimitPercent: new Decimal(input.driftLimitPercent),
      ...(listed ? { listed } : {}),
      ...(input.targetWeights ? { weights: weightsOf(input.targetWeights) } : {}),
      ...(input.transferAssets ? { transferAssets: input.transferAssets } : {}),
    });
    s.view.totalUsd = formatDecimal(r.valuation.totalUsd, 2);
    s.view.drifts = r.drifts.map((d) => ({ asset: d.asset, driftPercent: d.driftPercent.toFixed(2), exceedsLimit: d.exceedsLimit }));
    s.view.problems.push(...r.skipped.map((k) => `${k.asset}: ${k.reason}`));
    if (input.costRule && patched('money-transfer-costs')) {
      const c = await acts.rebalanceCosts(s.view.totalUsd ? { capitalUsd: s.view.totalUsd } : {});
      s.view.costs = { ...c, targetAverageUsd: input.costRule.targetAverageUsd, yearlyBudgetPercentOfCapital: input.costRule.yearlyPercentOfCapital };
    }
    await checkBnb(holdings.binance?.BNB, holdings.binance ?? {});
    // Conversions first: they cost a spread, not a network fee and a wait. The next review
    // (requested at once) measures again and transfers only what drift is left.
    if (await convertFirst(r, prices)) {
      reviewRequested = true;
      return;
    }
    for (const plan of r.rebalances) {
      if (s.view.running[plan.asset]) continue;
      if (plan.amountUsd.lt(new Decimal(input.transferMinimumUsd))) {
        note(plan.asset, `drift ${plan.driftPercent.toFixed(2)} % but the move is only $${plan.amountUsd.toFixed(2)}: under the transfer minimum`);
        continue;
      }
      await startRebalance(plan);
    }
  }

  async function convertFirst(r: MoneyReview, prices: Record<string, string>): Promise<boolean> {
    const c = input.conversions;
    if (!c || r.rebalances.length === 0) return false;
    const busy = new Set(Object.keys(s.view.running));
    const todo = inExchangeConversions(r.drifts, Object.fromEntries(Object.entries(prices).map(([a, p]) => [a, new Decimal(p)])), c.interchangeable, new Decimal(c.minUsd))
      .filter((x) => !busy.has(x.from) && !busy.has(x.to));
    let converted = false;
    for (const x of todo) {
      s.counter += 1;
      const id = `convert-${x.from}-${x.to}-${s.counter}`;
      const out = await acts.convertInExchange({
        rebalanceId: id, exchange: x.exchange, from: x.from, to: x.to, amount: formatDecimal(x.amount.toDecimalPlaces(6, ROUND_DOWN)),
        toUsdPrice: prices[x.to]!, bridges: c.bridges,
      });
      converted ||= out.status === 'converted';
      note(x.from, out.status === 'converted'
        ? `${id}: converted ${formatDecimal(x.amount, 2)} ${x.from} to ${out.received} ${x.to} on ${x.exchange} via ${out.legs.map((l) => l.symbol).join(', ')}`
        : `${id}: conversion on ${x.exchange} refused: ${out.reason}`);
    }
    // Only progress earns a re-review; refused conversions fall through to transfers.
    return converted;
  }

  /** Sizes the BNB fee reserve; a shortfall is bought back (topUpBnb) when a top-up budget is configured. */
  async function checkBnb(balance: Decimal | undefined, binance: Record<string, Decimal>): Promise<void> {
    const rule = input.bnbReserve;
    if (!rule || !input.exchanges.includes('binance')) return;
    const price = (await acts.usdPrices(['BNB'])).BNB;
    if (!price) {
      s.view.problems.push('BNB: no USD price, reserve not checked');
      s.view.bnb = null;
      return;
    }
    const spend = await acts.bnbFeeSpend(rule.daysOfFeeSpend);
    const reserve = bnbReserve(
      { minimumUsd: new Decimal(rule.minimumUsd), daysOfFeeSpend: rule.daysOfFeeSpend },
      { bnbSpent: new Decimal(spend.bnbSpent), days: new Decimal(spend.days) },
      new Decimal(price),
    );
    const held = balance ?? new Decimal(0);
    const topUp = bnbTopUp(held, reserve);
    s.view.bnb = { balance: formatDecimal(held), required: formatDecimal(reserve.requiredBnb, 8), topUp: formatDecimal(topUp, 8), binding: reserve.binding };
    if (topUp.gt(0)) note('BNB', `reserve short by ${formatDecimal(topUp, 8)} BNB (need ${formatDecimal(reserve.requiredBnb, 8)}, hold ${formatDecimal(held)})`);
    if (topUp.gt(0) && rule.topUpMaxUsd !== undefined && patched('money-bnb-topup')) await topUpBnb(topUp, new Decimal(price), new Decimal(rule.topUpMaxUsd), binance);
  }

  /**
   * Buys the BNB shortfall on Binance with the stablecoin the Q-bot holds most of there (the money
   * manager's inventory is the Q-bot's), never more than topUpMaxUsd, as a conversion (IOC legs,
   * each booked in the ledger under `bnb-topup-<n>`). 1 % over the shortfall pays the fee and
   * slippage so the reserve is met, not missed by a hair.
   */
  async function topUpBnb(short: Decimal, price: Decimal, maxUsd: Decimal, binance: Record<string, Decimal>): Promise<void> {
    const payable = (input.conversions?.interchangeable ?? ['USDT', 'USDC']).filter((a) => a !== 'USD' && binance[a]?.gt(0));
    const payWith = payable.sort((a, b) => binance[b]!.comparedTo(binance[a]!))[0];
    const spend = Decimal.min(short.times(price).times('1.01'), maxUsd).toDecimalPlaces(2, ROUND_UP);
    if (!payWith || binance[payWith]!.lt(spend)) {
      note('BNB', `top-up of ${formatDecimal(spend)} USD not possible: no stablecoin on binance covers it`);
      return;
    }
    s.counter += 1;
    const id = `bnb-topup-${s.counter}`;
    const out = await acts.convertInExchange({
      rebalanceId: id, exchange: 'binance', from: payWith, to: 'BNB', amount: formatDecimal(spend), toUsdPrice: formatDecimal(price), bridges: input.conversions?.bridges ?? [],
    });
    note('BNB', out.status === 'converted' ? `${id}: bought ${out.received} BNB for ${formatDecimal(spend)} ${payWith}` : `${id}: top-up refused: ${out.reason}`);
  }

  function weightsOf(w: NonNullable<MoneyInput['targetWeights']>): Record<string, Partial<Record<ExchangeId, Decimal>>> {
    return Object.fromEntries(Object.entries(w).map(([asset, byEx]) => [asset, Object.fromEntries(Object.entries(byEx).map(([ex, x]) => [ex, new Decimal(x!)]))]));
  }

  const shouldRoll = () =>
    workflowInfo().continueAsNewSuggested || (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents);

  for (;;) {
    const running = Object.keys(s.view.running);
    describeRun({ state: running.length ? `rebalancing ${running.join(', ')}` : 'watching drift' });
    if (reviewRequested) {
      reviewRequested = false;
      try {
        await review();
      } catch (err) {
        log.warn('money review failed', { error: err instanceof Error ? err.message : String(err) });
        s.view.problems = [`review failed: ${err instanceof Error ? err.message : String(err)}`];
      }
    }
    // Roll over only with no rebalance to watch: their completion callbacks live in this run.
    const canRoll = () => shouldRoll() && Object.keys(s.view.running).length === 0;
    const woken = await condition(() => reviewRequested || canRoll(), input.intervalMs);
    if (!woken) reviewRequested = true;
    if (canRoll()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof moneyWorkflow>({ ...input, state: s });
    }
  }
}
