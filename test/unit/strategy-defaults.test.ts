import { loadConfig } from '../../config';
import type { Decimal } from '../../domain/money';

/**
 * The user's numbers from the strategy (shared/STRATEGY.md), one test per numbered rule that has
 * a number: if someone "tunes" a default in config/, the rule it breaks is named here.
 */

const { settings: s, coins, networks, env } = loadConfig({ env: {} });

/** Decimal equality against the user's literal, so "85" and "85.0" both pass but 84.9 fails. */
const is = (value: Decimal, expected: string) => expect(value.toFixed()).toBe(expected);

describe('strategy defaults shipped in config/', () => {
  it('rule 1: two modes, GOLD in force at start', () => {
    expect(Object.keys(s.modes.allocationPercent).sort()).toEqual(['BTC', 'GOLD']);
    expect(s.modes.initialMode).toBe('GOLD');
  });

  it('rule 2: BTC mode 85/15/0, GOLD mode 15/0/85 (Q-bot/A-bot/G-bot)', () => {
    const { BTC, GOLD } = s.modes.allocationPercent;
    expect([BTC.qbot, BTC.abot, BTC.gbot].map((d) => d.toFixed())).toEqual(['85', '15', '0']);
    expect([GOLD.qbot, GOLD.abot, GOLD.gbot].map((d) => d.toFixed())).toEqual(['15', '0', '85']);
  });

  it('rule 5: Q-bot capital 80 % cross-exchange, 20 % triangular', () => {
    is(s.qbot.splitPercent.cross, '80');
    is(s.qbot.splitPercent.triangular, '20');
  });

  it('rule 6: cycle times cross 10 s, triangular 30 s', () => {
    expect(s.qbot.cycleTimeMs).toEqual({ cross: 10_000, triangular: 30_000 });
  });

  it('rule 7: classic arbitrage over BTC, ETH, SOL', () => {
    expect(coins.arbitrageAssets).toEqual(['BTC', 'ETH', 'SOL']);
  });

  it('rule 9: quote currencies USD, USDT and USDC, the stables tracked against USD', () => {
    expect(coins.quoteCurrencies).toEqual(['USD', 'USDT', 'USDC']);
    expect(coins.stablecoins).toEqual({ USDT: 'USD', USDC: 'USD' });
  });

  it('rule 10: net profit threshold baseline 0.5 %', () => {
    is(s.qbot.netThresholdPercent.baseline, '0.5');
  });

  it('rule 11: dynamic threshold range 0.4-1 %', () => {
    is(s.qbot.netThresholdPercent.min, '0.4');
    is(s.qbot.netThresholdPercent.max, '1');
  });

  it('rule 12: depth check on the top 5 levels at 2.5-5x the trade size', () => {
    expect(s.qbot.depthCheck.levels).toBe(5);
    is(s.qbot.depthCheck.minMultiple, '2.5');
    is(s.qbot.depthCheck.maxMultiple, '5');
  });

  it('rule 13: volatility slowdown doubles the cycle time', () => {
    expect(s.qbot.volatility.slowdownFactor).toBe(2);
  });

  it('rule 16: laptop is the default latency mode, and every mode has a profile', () => {
    expect(env.LATENCY_MODE).toBe('laptop');
    expect(Object.keys(s.latencyProfiles).sort()).toEqual(['colo', 'laptop', 'server']);
  });

  it('rule 18: balances are checked every few minutes (1 to 15 min)', () => {
    expect(s.moneyManager.balanceCheckIntervalMs).toBeGreaterThanOrEqual(60_000);
    expect(s.moneyManager.balanceCheckIntervalMs).toBeLessThanOrEqual(15 * 60_000);
  });

  it('rule 19: rebalance when drift exceeds 15 %', () => {
    is(s.moneyManager.driftLimitPercent, '15');
  });

  it('rule 22: preferred networks Tron, Solana, Polygon, Base, BSC and the two named routes', () => {
    const preferred = Object.entries(networks.networks).filter(([, n]) => n.rule === 'preferred').map(([code]) => code);
    expect(preferred.sort()).toEqual(['BASE', 'BEP20', 'MATIC', 'SOL', 'TRC20']);
    const route = (from: string, to: string) => networks.preferredRoutes.find((r) => r.from === from && r.to === to);
    expect(route('kraken', 'binance')).toMatchObject({ asset: 'USDT', networks: ['TRC20', 'SOL'] });
    expect(route('binance', 'coinbase')?.asset).toBe('USDC');
    expect([...(route('binance', 'coinbase')?.networks ?? [])].sort()).toEqual(['BASE', 'MATIC', 'SOL']);
  });

  it('rule 23: ERC-20 only from $10,000; Avalanche only with a fee under $1', () => {
    is(s.transfers.erc20MinimumUsd, '10000');
    expect(networks.networks.ERC20?.rule).toBe('large-transfers-only');
    is(s.transfers.avalancheMaxFeeUsd, '1');
    expect(networks.networks.AVAXC?.rule).toBe('fee-confirmed-under-limit');
  });

  it('rule 24: minimum transfer $500', () => {
    is(s.transfers.minimumUsd, '500');
  });

  it('rule 25: average cost per rebalance target $1', () => {
    is(s.transfers.costTargetUsd, '1');
  });

  it('rule 28: six A-bot slots; seat warmers bought above 3 empty, sold FIFO below 2 empty', () => {
    expect(s.abot.slots).toBe(6);
    expect(s.abot.seatWarmers).toEqual({ buyWhenEmptyMoreThan: 3, sellWhenEmptyFewerThan: 2, sellOrder: 'FIFO' });
  });

  it('rule 30: on a flip to BTC the G-bot sells 85 % and keeps 15 %', () => {
    is(s.gbot.sellPercentOnFlip, '85');
    is(s.gbot.keepPercentOnFlip, '15');
  });

  it('rule 31: sweep 15 % of profits, at most once a calendar month, in BTC mode only', () => {
    is(s.sweep.profitPercent, '15');
    expect(s.sweep.maxPerCalendarMonth).toBe(1);
    expect(s.sweep.allowedModes).toEqual(['BTC']);
    expect(coins.goldAsset).toBe('PAXG');
  });

  it('rule 32: Binance, Kraken and Coinbase enabled; Binance.com by default (BINANCE_VARIANT)', () => {
    expect([...s.exchanges.enabled].sort()).toEqual(['binance', 'coinbase', 'kraken']);
    expect(loadConfig({ env: {} }).env.BINANCE_VARIANT).toBe('binance');
  });
});
