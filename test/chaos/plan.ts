import { createHash } from 'node:crypto';

/**
 * The seeded work of one chaos trial: what the money mover does, in order, with every business id
 * (client order ids, withdrawal keys) derived from the seed and the step, so a restarted mover
 * re-derives the same ids and can never send a second order or withdrawal for one step.
 */

/** Where the driver may SIGKILL the money mover (the mover announces each and waits for "go"). */
export const CRASH_POINTS = [
  'after-withdraw-submitted', // the exchange has the withdrawal, the ledger not yet
  'before-withdraw-submit',
  'after-order-sent', // the exchange filled the order, the ledger not yet
  'between-legs', // leg A booked, leg B not sent
  'flip-after-intent', // mode flip started, PAXG not bought
  'flip-after-order', // PAXG bought and booked, the new mode not yet written
  'sweep-after-submit', // PAXG withdrawal to the cold wallet submitted, not booked
  'while-paused', // pause written, trading refused
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/**
 * Exchange faults the driver injects into the simulator once the mover is ready (`silence-leg`:
 * Kraken's feeds fall silent just before a trade's Kraken leg, which must wait for them;
 * `deposit-missing`: Binance completes the withdrawal to Kraken but Kraken never credits it until
 * the driver lets it arrive late; `gap-leg`: Kraken's BTC/USD book breaks (an update lost on the
 * wire, the next checksum fails) just before a trade's Kraken leg and cannot be re-synced for a
 * while).
 */
export const FAULTS = ['none', 'http-429', 'http-418', 'order-timeout', 'reject-orders', 'withdrawal-fails', 'withdrawal-stuck', 'silence', 'drop-sockets', 'gap', 'silence-leg', 'deposit-missing', 'gap-leg'] as const;
export type FaultKind = (typeof FAULTS)[number];

export type Step =
  /** `to`: an outside address, or Kraken's own deposit address (a transfer between venues, credited there). */
  | { kind: 'withdraw'; asset: 'USDT'; amount: string; key: string; to: 'external' | 'kraken' }
  | { kind: 'pair'; amount: string; buyCid: string; sellCid: string }
  | { kind: 'flip'; to: 'BTC' | 'GOLD'; amount: string; cid: string; flipId: string }
  | { kind: 'sweep'; amount: string; key: string }
  | { kind: 'pause'; reason: string }
  | { kind: 'trip-kill' }
  | { kind: 'resume' };

/** mulberry32, as the simulator's model uses: a small seeded generator, no Math.random. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A UUID-shaped id from a name (Kraken wants UUIDs; Binance accepts them; stable across restarts). */
export function derivedId(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Every step kind appears in every plan (so each crash point is reached); the seed picks the
 * amounts and shuffles the order of the money steps. Amounts are decimal strings on the markets'
 * grids (BTC step 0.00001 on all three venues, PAXG 0.0001).
 */
export function planFor(seed: number): Step[] {
  const r = rng(seed);
  const pick = (lo: number, hi: number, dp: number) => (lo + Math.floor(r() * (hi - lo) * 10 ** dp) / 10 ** dp).toFixed(dp);
  const id = (what: string) => derivedId(`chaos:${seed}:${what}`);
  const money: Step[] = [
    { kind: 'withdraw', asset: 'USDT', amount: pick(20, 80, 2), key: `chaos-${seed}-wd-1`, to: 'external' },
    { kind: 'pair', amount: pick(0.001, 0.004, 5), buyCid: id('pair1:buy'), sellCid: id('pair1:sell') },
    { kind: 'withdraw', asset: 'USDT', amount: pick(20, 80, 2), key: `chaos-${seed}-wd-2`, to: 'kraken' },
    { kind: 'pair', amount: pick(0.001, 0.004, 5), buyCid: id('pair2:buy'), sellCid: id('pair2:sell') },
  ];
  for (let i = money.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [money[i], money[j]] = [money[j] as Step, money[i] as Step];
  }
  return [
    ...money.slice(0, 2),
    { kind: 'flip', to: 'GOLD', amount: pick(0.05, 0.2, 4), cid: id('flip1'), flipId: `chaos-${seed}-flip-1` },
    { kind: 'pause', reason: `chaos ${seed}: operator pause` },
    { kind: 'resume' },
    { kind: 'sweep', amount: pick(0.02, 0.05, 4), key: `chaos-${seed}-sweep-1` },
    ...money.slice(2),
    { kind: 'trip-kill' },
    { kind: 'resume' },
    { kind: 'flip', to: 'BTC', amount: pick(0.01, 0.04, 4), cid: id('flip2'), flipId: `chaos-${seed}-flip-2` },
  ];
}

/** The client order ids a plan may send, with their venue and symbol. */
export function plannedOrders(plan: Step[]): Array<{ exchange: 'binance' | 'kraken'; symbol: string; cid: string }> {
  return plan.flatMap((s) => {
    if (s.kind === 'pair') return [{ exchange: 'binance' as const, symbol: 'BTC/USDT', cid: s.buyCid }, { exchange: 'kraken' as const, symbol: 'BTC/USD', cid: s.sellCid }];
    if (s.kind === 'flip') return [{ exchange: 'binance' as const, symbol: 'PAXG/USDT', cid: s.cid }];
    return [];
  });
}

export function plannedWithdrawals(plan: Step[]): string[] {
  return plan.flatMap((s) => (s.kind === 'withdraw' || s.kind === 'sweep' ? [s.key] : []));
}
