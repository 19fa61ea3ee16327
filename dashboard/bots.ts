import type { Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import { Decimal } from '../domain/money/decimal';
import { formatForPeople } from '../domain/money/format';
import { tryParseDecimal } from '../domain/money/parse';
import {
  ABOT_WORKFLOW_ID, GBOT_WORKFLOW_ID, MONEY_WORKFLOW_ID, goldQuery, moneyQuery, slotsQuery,
  type AbotView, type GoldView, type MoneyView,
} from '../signals/defs';

/**
 * The bots' panels (A-bot slots, G-bot PAXG, money manager drifts and BNB reserve), from their
 * workflows' queries. The queries carry 40-digit decimal strings; everything is rounded for
 * people here, so the page never sees (or computes with) a raw figure.
 */
export type NotRunning = { notRunning: string };

export interface AbotPanel {
  active: string;
  slots: Array<{ slot: string; coin: string; exchange: string; amount: string; stakedWhere: string; yieldPercent: string; kind: string; since: string }>;
  realisedUsd: string;
  rewardsUsd: string;
}

export interface GoldPanel {
  active: string;
  perExchange: Array<{ exchange: string; paxg: string; costUsd: string }>;
  cold: { paxg: string; costUsd: string };
  totalPaxg: string;
  averageCostUsd: string;
  realisedUsd: string;
  cycles: Array<{ mode: string; sold: string; kept: string; message: string }>;
}

export interface MoneyPanel {
  lastReview: string;
  reviews: number;
  drifts: Array<{ asset: string; driftPercent: string; state: string }>;
  bnb: string;
  /** Rule 25: the running average per rebalance and the last 365 days, against their targets. */
  costs: string;
  problems: string[];
}

export interface BotPanels {
  abot: AbotPanel | NotRunning;
  gold: GoldPanel | NotRunning;
  money: MoneyPanel | NotRunning;
}

const dec = (s: string | undefined | null): Decimal | undefined => {
  const r = s ? tryParseDecimal(s) : undefined;
  return r?.ok ? r.value : undefined;
};
/** A decimal string rounded for people; a missing or malformed value is named, never guessed. */
export const people = (s: string | undefined | null, dp: number): string => {
  const d = dec(s);
  return d ? formatForPeople(d, dp) : s ? `unreadable (${s.slice(0, 20)})` : '—';
};
const signed = (s: string, dp: number): string => {
  const d = dec(s);
  return d ? `${d.isNegative() ? '' : '+'}${formatForPeople(d, dp)}` : people(s, dp);
};
/**
 * The bots' messages are prose with raw decimal strings in them ("for 998.9684693399152 USD"):
 * long fractions are rounded for people, 2 places before "USD", 8 otherwise.
 */
export const roundedProse = (text: string): string =>
  text.replace(/-?\d+\.\d{9,}(\s*USD)?/g, (m, usd: string | undefined) => {
    const d = dec(usd ? m.slice(0, m.length - usd.length) : m);
    return d ? `${formatForPeople(d, usd ? 2 : 8)}${usd ?? ''}` : m;
  });
const activeText = (v: { active: boolean; mode: string | null; percent: string }) =>
  v.active ? `active in ${v.mode ?? '?'} with ${people(v.percent, 1)} % of capital` : 'inactive';

export function abotPanel(v: AbotView): AbotPanel {
  return {
    active: activeText(v),
    slots: v.slots.map((s) => {
      const apy = dec(s.staked?.apy);
      return {
        slot: String(s.slot), coin: s.coin ?? 'empty', exchange: s.exchange ?? '', amount: people(s.amount, 8),
        stakedWhere: s.staked ? `${s.exchange ?? ''} ${s.staked.productId}` : s.coin ? 'not staked' : '',
        // The staking port's APY is a fraction (0.045 = 4.5 %).
        yieldPercent: apy ? `${formatForPeople(apy.times(100), 2)} %` : '',
        kind: s.coin ? (s.seatWarmer ? 'seat warmer' : 'signal') + (s.closing ? ' (closing)' : '') : '',
        since: s.staked?.since ? s.staked.since.slice(0, 19).replace('T', ' ') : '',
      };
    }),
    realisedUsd: people(v.realisedPnlUsd, 2),
    rewardsUsd: people(v.rewardsUsd, 2),
  };
}

export function goldPanel(v: GoldView): GoldPanel {
  const total = [...v.perExchange.map((p) => p.amount), v.coldWallet.amount].reduce((a, s) => a.plus(dec(s) ?? 0), new Decimal(0));
  return {
    active: activeText(v),
    perExchange: v.perExchange.map((p) => ({ exchange: p.exchange, paxg: people(p.amount, 8), costUsd: people(p.costUsd, 2) })),
    cold: { paxg: people(v.coldWallet.amount, 8), costUsd: people(v.coldWallet.costUsd, 2) },
    totalPaxg: formatForPeople(total, 8),
    averageCostUsd: people(v.averageCostUsd, 2),
    realisedUsd: people(v.realisedPnlUsd, 2),
    cycles: v.cycles.slice(-5).reverse().map((c) => ({ mode: c.mode, sold: people(c.sold, 8), kept: people(c.kept, 8), message: roundedProse(c.message) })),
  };
}

export function moneyPanel(v: MoneyView): MoneyPanel {
  const b = v.bnb;
  return {
    lastReview: v.lastReviewAt ? v.lastReviewAt.slice(0, 19).replace('T', ' ') : 'no review yet',
    reviews: v.reviews,
    drifts: v.drifts.map((d) => ({ asset: d.asset, driftPercent: `${signed(d.driftPercent, 2)} %`, state: d.exceedsLimit ? 'over the limit' : 'within limit' })),
    bnb: b
      ? `BNB on Binance ${people(b.balance, 8)}, needs ${people(b.required, 8)} (${b.binding === 'fee-spend' ? 'sized by fee spend' : 'the minimum'})${dec(b.topUp)?.isPositive() ? `, top-up ${people(b.topUp, 8)}` : ', no top-up needed'}`
      : 'not sized at the last review',
    costs: costsLine(v.costs),
    problems: v.problems,
  };
}

function costsLine(c: MoneyView['costs']): string {
  if (!c) return 'transfer costs not read at the last review';
  const target = `$${people(c.targetAverageUsd, 2)}`;
  if (c.rebalances === 0 || c.averageUsd === undefined) {
    return `transfer costs: no transfer yet (target under ${target} per rebalance, ${c.yearlyBudgetPercentOfCapital} % of capital a year)`;
  }
  const share = c.yearPercentOfCapital !== undefined ? ` = ${c.yearPercentOfCapital} % of capital` : '';
  return `transfer costs: average $${people(c.averageUsd, 2)} per rebalance over ${c.rebalances} (target under ${target}); `
    + `last 365 days $${people(c.yearTotalUsd, 2)}${share} (budget ${c.yearlyBudgetPercentOfCapital} %)`;
}

async function query<V, P>(client: Client, id: string, def: QueryDefinition<V>, map: (v: V) => P): Promise<P | NotRunning> {
  try {
    return map(await client.workflow.getHandle(id).query(def));
  } catch (err) {
    return { notRunning: `not running (${(err as Error).message.slice(0, 80)})` };
  }
}

export async function botPanels(client: Client): Promise<BotPanels> {
  const [abot, gold, money] = await Promise.all([
    query(client, ABOT_WORKFLOW_ID, slotsQuery, abotPanel),
    query(client, GBOT_WORKFLOW_ID, goldQuery, goldPanel),
    query(client, MONEY_WORKFLOW_ID, moneyQuery, moneyPanel),
  ]);
  return { abot, gold, money };
}
