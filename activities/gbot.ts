import { Decimal, ZERO } from '../domain/money/decimal';
import { formatDecimal } from '../domain/money/format';
import { quantizeAmountDown } from '../domain/money/quantize';
import { findCheapestConversion } from '../domain/conversion';
import type { ExchangeId, Market } from '../domain/market';
import { splitGoldBudget } from '../domain/gbot/split';
import type { OrderBook } from '../domain/orderbook';
import { transferIn, transferOut } from '../adapters/persistence/ledger-entries';
import type { LedgerEntry } from '../ports/ledger';
import { bookedOutcome, bookOutcome, buyBest, placeBotOrder, portfolioUsd, sellBest, usdPrice, venueOf, type BotTradingDeps, type BotVenue, type TradeResult } from './bot-trading';

/**
 * The G-bot's activities: buy PAXG where it is cheapest net (converting the quote held into the
 * one the best PAXG market uses when needed), sell it, and send it to the cold wallet, the only
 * destination allowed. Idempotent per workflow key like the A-bot's.
 */
export interface GbotActivityDeps extends BotTradingDeps {
  goldAsset: string;
  /** COLD_WALLET_ADDRESS: without it nothing can go to the cold wallet (and nothing else may). */
  coldWalletAddress?: string;
  /** The network PAXG is withdrawn on (an ERC-20 token). */
  goldNetwork: string;
}

type ConfirmedTrade = Extract<TradeResult, { status: 'confirmed' }>;

/** The G-bot's purchase split across venues: every buy that went through, and why others did not. */
export type GoldBuys =
  | { status: 'confirmed'; buys: ConfirmedTrade[]; notes: string[] }
  | { status: 'rejected'; code: string; reason: string };

export type ColdResult =
  | { status: 'confirmed'; exchange: ExchangeId; amount: string; fee: string; txid: string; paper: boolean }
  | { status: 'rejected'; reason: string };

const s = formatDecimal;
const USD_LIKE = ['USD', 'USDT', 'USDC'];

export function createGbotActivities(deps: GbotActivityDeps) {
  const gold = deps.goldAsset;

  function booksOf(venue: BotVenue): Map<string, OrderBook> {
    const books = new Map<string, OrderBook>();
    for (const m of venue.markets) {
      const book = venue.books(m.symbol);
      if (book) books.set(m.symbol, book);
    }
    return books;
  }

  /** Converts `amount` of `source` into `quote` on one venue with the cheapest route, leg by leg (IOC). */
  async function convert(venue: BotVenue, source: string, quote: string, amount: Decimal, orderKey: string, correlationId: string): Promise<string | null> {
    const r = findCheapestConversion({ markets: venue.markets, books: booksOf(venue), from: source, to: quote, amount, toUsdPrice: usdPrice(deps, quote) ?? new Decimal(1), parRate: new Decimal(1) });
    if (!r.ok) return `${venue.exchange}: ${source} -> ${quote}: ${r.reason}`;
    for (const [i, leg] of r.best.legs.entries()) {
      // Booked like the bots' other orders: a live venue's conversion moves coins the ledger must see.
      const { outcome: o } = await placeBotOrder(deps, venue, { exchange: venue.exchange, symbol: leg.symbol, side: leg.side, type: 'ioc', amount: leg.orderAmount, price: leg.worstPrice, clientOrderId: `${orderKey}:${i}`, correlationId });
      if (o.status === 'rejected') return `${venue.exchange}: conversion leg ${leg.symbol} rejected: ${o.reason}`;
    }
    return null;
  }

  /** Turns a USD-like balance into `quote` on one venue with the cheapest route, leg by leg. */
  async function convertFor(venue: BotVenue, quote: string, amountUsd: Decimal, key: string): Promise<string | null> {
    const b = await venue.account.balances();
    if (!('assets' in b)) return `${venue.exchange}: balances unavailable (${b.reason})`;
    const source = USD_LIKE.filter((a) => a !== quote).find((a) => (b.assets[a]?.free ?? ZERO).gte(amountUsd));
    if (!source) return `${venue.exchange}: no stable balance covers ${s(amountUsd)} USD to convert into ${quote}`;
    return convert(venue, source, quote, amountUsd, `${key}:conv`, key);
  }

  interface GoldVenuePlan {
    venue: BotVenue;
    market: Market;
    quoteUsd: Decimal;
    /** The quote held, and the other stables a route inside the venue turns into it. */
    quoteFree: Decimal;
    sources: Array<{ asset: string; free: Decimal }>;
    capacityUsd: Decimal;
  }

  /**
   * What one venue can spend on PAXG now: its quote plus the stables a conversion inside the venue
   * provides, from the balances the capital guard lets the G-bot size on. A venue whose PAXG books
   * are empty (or missing) is skipped with a note, never a reason to refuse the others.
   */
  async function goldCapacity(venue: BotVenue, notes: string[]): Promise<GoldVenuePlan | undefined> {
    const listed = venue.markets.filter((m) => m.base === gold && m.active && deps.quoteCurrencies.includes(m.quote));
    if (!listed.length) return undefined;
    const usable = listed.filter((m) => (venue.books(m.symbol)?.asks.length ?? 0) > 0);
    if (!usable.length) {
      notes.push(`${venue.exchange}: no usable ${gold} book (${listed.map((m) => m.symbol).join(', ')})`);
      return undefined;
    }
    const b = await (venue.spendable ?? venue.account).balances();
    if (!('assets' in b)) {
      notes.push(`${venue.exchange}: balances unavailable (${b.reason})`);
      return undefined;
    }
    const free = (a: string) => b.assets[a]?.free ?? ZERO;
    const books = booksOf(venue);
    let best: GoldVenuePlan | undefined;
    for (const market of usable) {
      const quoteUsd = usdPrice(deps, market.quote);
      if (!quoteUsd) continue;
      let reach = free(market.quote);
      const sources: GoldVenuePlan['sources'] = [];
      for (const a of USD_LIKE) {
        if (a === market.quote || !free(a).gt(ZERO)) continue;
        const r = findCheapestConversion({ markets: venue.markets, books, from: a, to: market.quote, amount: free(a), toUsdPrice: quoteUsd, parRate: new Decimal(1) });
        if (!r.ok) continue;
        reach = reach.plus(r.best.amountOut);
        sources.push({ asset: a, free: free(a) });
      }
      // A little headroom: rounding and the conversions' own fees.
      const capacityUsd = reach.times(quoteUsd).times('0.999');
      if (!best || capacityUsd.gt(best.capacityUsd)) best = { venue, market, quoteUsd, quoteFree: free(market.quote), sources: sources.sort((x, y) => y.free.comparedTo(x.free)), capacityUsd };
    }
    if (!best || !best.capacityUsd.gt(ZERO)) notes.push(`${venue.exchange}: no stables to pay for ${gold}`);
    return best?.capacityUsd.gt(ZERO) ? best : undefined;
  }

  /** Spends `usd` on PAXG on one venue: converts the missing quote inside the venue first, then buys what it can. */
  async function buyOnVenue(plan: GoldVenuePlan, usd: Decimal, key: string, notes: string[]): Promise<TradeResult> {
    const { venue, market } = plan;
    const need = usd.div(plan.quoteUsd);
    let have = plan.quoteFree.times('0.999');
    for (const src of plan.sources) {
      if (have.gte(need)) break;
      // 1 % more than missing: the conversion's fee and spread; never more than is there.
      const amount = Decimal.min(src.free, need.minus(have).times('1.01'));
      const why = await convert(venue, src.asset, market.quote, amount, `${key}:${venue.exchange}:conv:${src.asset}`, key);
      if (why) notes.push(why);
      else have = have.plus(amount.times('0.99'));
    }
    return buyBest(deps, { key: `${key}:${venue.exchange}`, correlationId: key, asset: gold, budgetUsd: usd, exchanges: [venue.exchange], allowPartial: true });
  }

  return {
    async gbotCapitalUsd(): Promise<string> {
      return s(await portfolioUsd(deps));
    },

    /**
     * PAXG really held per venue (free + in orders), read from the exchange: the workflow acts on
     * this, not on its memory. A venue whose balances cannot be read is listed as unavailable.
     */
    async gbotHoldings(): Promise<{ held: Record<string, string>; unavailable: string[] }> {
      const held: Record<string, string> = {};
      const unavailable: string[] = [];
      for (const v of deps.venues) {
        const b = await v.account.balances();
        if (!('assets' in b)) {
          unavailable.push(`${v.exchange}: ${b.reason}`);
          continue;
        }
        held[v.exchange] = s(b.assets[gold]?.total ?? ZERO);
      }
      return { held, unavailable };
    },

    async gbotGoldPriceUsd(): Promise<string> {
      return s(usdPrice(deps, gold) ?? ZERO);
    },

    /**
     * The live withdrawal minimum and fee of PAXG on the gold network per venue (the Funding port:
     * ccxt currencies networks `limits.withdraw.min` and `fee`), for the sweep to check first.
     */
    async gbotColdWithdrawalLimits(): Promise<{ venues: Array<{ exchange: ExchangeId; withdrawMin: string; withdrawFee: string }>; unavailable: string[] }> {
      const venues: Array<{ exchange: ExchangeId; withdrawMin: string; withdrawFee: string }> = [];
      const unavailable: string[] = [];
      for (const v of deps.venues) {
        const nets = v.funding ? await v.funding.networks(gold) : [];
        const net = Array.isArray(nets) ? nets.find((n) => n.network === deps.goldNetwork && n.withdrawEnabled) : undefined;
        if (net) venues.push({ exchange: v.exchange, withdrawMin: s(net.withdrawMin), withdrawFee: s(net.withdrawFee) });
        else unavailable.push(`${v.exchange}: no ${gold} withdrawal on ${deps.goldNetwork}`);
      }
      return { venues, unavailable };
    },

    /** Buys PAXG for `budgetUsd` on the best venue; converts the quote first when none is held. `exchanges` limits the venues. */
    async gbotBuyGold(input: { key: string; budgetUsd: string; exchanges?: ExchangeId[] }): Promise<TradeResult> {
      const known = bookedOutcome<TradeResult>(deps, input.key);
      if (known) return known;
      const budgetUsd = new Decimal(input.budgetUsd);
      const only = input.exchanges ? { exchanges: input.exchanges } : {};
      let trade = await buyBest(deps, { key: input.key, asset: gold, budgetUsd, ...only });
      if (trade.status === 'rejected' && trade.code === 'NO_VENUE') {
        // No venue holds the right quote: convert where the PAXG market is, then buy there.
        const notes: string[] = [trade.reason];
        for (const venue of deps.venues) {
          if (input.exchanges && !input.exchanges.includes(venue.exchange)) continue;
          const market = venue.markets.find((m) => m.base === gold && deps.quoteCurrencies.includes(m.quote) && venue.books(m.symbol));
          if (!market) continue;
          // A little more than the budget: the conversion costs fees and the buy needs the full amount.
          const why = await convertFor(venue, market.quote, budgetUsd.times('1.01'), input.key);
          if (why) {
            notes.push(why);
            continue;
          }
          trade = await buyBest(deps, { key: input.key, asset: gold, budgetUsd, exchanges: [venue.exchange] });
          if (trade.status === 'confirmed') break;
          notes.push(trade.reason);
        }
        // Still nothing: buy what the best venue can pay now; the workflow buys the rest next round.
        if (trade.status === 'rejected') trade = await buyBest(deps, { key: input.key, asset: gold, budgetUsd, allowPartial: true, ...only });
        if (trade.status === 'rejected') trade = { ...trade, reason: [...notes, trade.reason].join('; ') };
      }
      return bookOutcome(deps, input.key, 'gbot-buy', trade);
    },

    /**
     * Buys PAXG for up to `budgetUsd` across the venues that list it, split by what each can
     * spend now (`splitGoldBudget`), converting inside a venue where its stables are in another
     * quote. Venues with an empty book, no stables or a refused order are skipped with a note; it
     * is refused only when nothing at all was bought. What is left is for a later top-up.
     */
    async gbotBuyGoldAcross(input: { key: string; budgetUsd: string; minUsd: string }): Promise<GoldBuys> {
      const known = bookedOutcome<GoldBuys>(deps, input.key);
      if (known) return known;
      const budgetUsd = new Decimal(input.budgetUsd);
      const notes: string[] = [];
      const plans: GoldVenuePlan[] = [];
      for (const venue of deps.venues) {
        const plan = await goldCapacity(venue, notes);
        if (plan) plans.push(plan);
      }
      const shares = splitGoldBudget(budgetUsd, plans.map((p) => ({ exchange: p.venue.exchange, spendableUsd: p.capacityUsd })), new Decimal(input.minUsd));
      const buys: ConfirmedTrade[] = [];
      let lastCode = 'NO_VENUE';
      for (const share of shares) {
        const plan = plans.find((p) => p.venue.exchange === share.exchange);
        if (!plan) continue;
        const t = await buyOnVenue(plan, share.usd, input.key, notes);
        if (t.status === 'confirmed') buys.push(t);
        else {
          lastCode = t.code;
          notes.push(t.reason);
        }
      }
      const out: GoldBuys = buys.length
        ? { status: 'confirmed', buys, notes }
        : { status: 'rejected', code: lastCode, reason: `no venue can buy ${gold} for ${s(budgetUsd)} USD (${notes.join('; ') || 'no market'})` };
      return bookOutcome(deps, input.key, 'gbot-buy', out);
    },

    /**
     * Sells PAXG on one exchange. `dust` is the part of the amount below the market's step, which
     * no order can sell: the workflow tells it apart from a partial fill (retried, never sent cold).
     */
    async gbotSellGold(input: { key: string; exchange: ExchangeId; amount: string; costUsd: string }): Promise<{ trade: TradeResult; realisedPnlUsd?: string; dust?: string }> {
      const known = bookedOutcome<{ trade: TradeResult; realisedPnlUsd?: string; dust?: string }>(deps, input.key);
      if (known) return known;
      const asked = new Decimal(input.amount);
      const trade = await sellBest(deps, { key: input.key, asset: gold, amount: asked, exchange: input.exchange });
      if (trade.status !== 'confirmed') return bookOutcome(deps, input.key, 'gbot-sell', { trade });
      // The order may have sold a step less than asked: the basis follows what was sold.
      const sold = new Decimal(trade.filled);
      const basis = new Decimal(input.costUsd).times(sold).div(asked);
      const pnl = new Decimal(trade.usd).minus(basis);
      const step = venueOf(deps, input.exchange).markets.find((m) => m.symbol === trade.symbol)?.amountStep;
      const dust = step ? asked.minus(quantizeAmountDown(asked, step)) : ZERO;
      return bookOutcome(deps, input.key, 'gbot-sell', { trade, realisedPnlUsd: s(pnl), dust: s(dust) }, [], pnl);
    },

    /** Withdraws PAXG to the cold wallet through the venue's Funding port (paper: PaperFunding). */
    async gbotSendToCold(input: { key: string; exchange: ExchangeId; amount: string; purpose: 'flip' | 'sweep' }): Promise<ColdResult> {
      const known = bookedOutcome<ColdResult>(deps, input.key);
      if (known) return known;
      const reject = (reason: string) => bookOutcome(deps, input.key, 'gbot-cold', { status: 'rejected', reason } as ColdResult);
      if (!deps.coldWalletAddress) return reject('COLD_WALLET_ADDRESS is not set: nothing may leave for a cold wallet');
      const venue = venueOf(deps, input.exchange);
      if (!venue.funding) return reject(`${input.exchange} has no funding adapter wired`);
      const amount = new Decimal(input.amount);
      const nets = await venue.funding.networks(gold);
      const net = Array.isArray(nets) ? nets.find((n) => n.network === deps.goldNetwork && n.withdrawEnabled) : undefined;
      if (!net) return reject(`${input.exchange} cannot withdraw ${gold} on ${deps.goldNetwork}`);
      // The fee comes out of the kept amount: the venue loses exactly `amount`, the cold wallet
      // gets amount - fee. A real venue takes the fee out of what it is asked to send; the paper
      // venue takes it on top, so it is asked for less. The ledger books what the venue does.
      const fee = net.withdrawFee;
      const arrives = amount.minus(fee);
      if (arrives.lte(ZERO)) return reject(`${s(amount)} ${gold} does not cover the ${s(fee)} withdrawal fee`);
      const ask = venue.funding.feeOnTop ? arrives : amount;
      const sub = await venue.funding.withdraw({ asset: gold, network: net.network, amount: ask, address: deps.coldWalletAddress, idempotencyKey: input.key });
      if (sub.status === 'rejected') return reject(`${sub.code}: ${sub.reason}`);
      const st = await venue.funding.withdrawalStatus(sub.id);
      const txid = 'txid' in st && typeof st.txid === 'string' ? st.txid : `pending:${sub.id}`;
      const at = deps.clock.now();
      const mark = (e: LedgerEntry): LedgerEntry => ({ ...e, details: { ...e.details, purpose: input.purpose, paper: venue.paper } });
      const lines = [
        ...transferOut({ at, from: input.exchange, to: 'cold-wallet', asset: gold, amount: arrives, fee, network: net.network, withdrawalId: sub.id, correlationId: input.key }),
        transferIn({ at, to: 'cold-wallet', from: input.exchange, asset: gold, amount: arrives, txid, correlationId: input.key }),
      ].map(mark);
      const out: ColdResult = { status: 'confirmed', exchange: input.exchange, amount: s(arrives), fee: s(fee), txid, paper: venue.paper };
      return bookOutcome(deps, input.key, 'gbot-cold', out, lines);
    },

    async gbotRecord(input: { key: string; what: string; details: Record<string, unknown> }): Promise<void> {
      bookOutcome(deps, input.key, input.what, input.details);
    },
  };
}

export type GbotActivities = ReturnType<typeof createGbotActivities>;
