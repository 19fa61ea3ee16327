import { MARKET_DATA } from '../fixtures/market-data/paths';
import * as fs from 'node:fs';
import { ONE } from '../../domain/money/decimal';
import {
  convertAtBooks, depeggedStables, evaluateCross, feesFromMarkets, type CrossInput, type MarketBook,
} from '../../domain/arbitrage';
import { d, market, mb } from './arbitrage-fixtures';

const A = market('kraken', 'BTC/USD', { step: '0.0001', fee: '0.001', minNotional: '1' });
const B = market('coinbase', 'BTC/USD', { step: '0.00000001', fee: '0.002', minNotional: '1' });
// Asks on A, bids on B: a 1.5 % dislocation at the top.
const bookA = mb(A, [['99900', '5']], [['100000', '0.01'], ['100100', '0.02'], ['100200', '1']]);
const bookB = mb(B, [['101500', '0.015'], ['101400', '0.05'], ['101000', '1']], [['101600', '5']]);
const params = { thresholdPercent: d('0.5'), depthLevels: 5, depthMultiple: d('2.5'), rebalanceCostPercent: d('0.02'), minTradeUsd: d('20') };

function input(over: Partial<CrossInput> = {}, books: MarketBook[] = []): CrossInput {
  const buy = over.buy ?? bookA;
  const sell = over.sell ?? bookB;
  const fee = feesFromMarkets([buy.market, sell.market, ...books.map((b) => b.market)]);
  return {
    buy, sell, buyQuoteFree: d('10000'), sellBaseFree: d('0.02'), capitalUsd: d('3000'), usdPerBuyQuote: ONE, fee,
    convert: (x) => convertAtBooks(x, sell.market.quote, buy.market.quote, books, fee),
    depegged: new Map(), params, ...over,
  };
}

describe('cross-exchange profit (known answers)', () => {
  it('sizes, walks both books, pays fees and rebalance cost, to the last digit', () => {
    const ev = evaluateCross(input());
    // Size: capital 3000 / 1.001 buys ~0.02995 BTC, depth allows min(1.03, 1.065)/2.5 = 0.412,
    // the sell venue holds 0.02 BTC -> 0.02 (on the common step lcm(0.0001, 1e-8) = 0.0001).
    expect(ev.size.toFixed()).toBe('0.02');
    // Buy walk: 0.01 x 100000 + 0.01 x 100100 = 2001; sell walk: 0.015 x 101500 + 0.005 x 101400 = 2029.5
    expect(ev.legs![0].quote.toFixed()).toBe('2001');
    expect(ev.legs![0].worstPrice.toFixed()).toBe('100100');
    expect(ev.legs![1].quote.toFixed()).toBe('2029.5');
    expect(ev.legs![1].worstPrice.toFixed()).toBe('101400');
    // Fees: 2001 x 0.001 = 2.001; 2029.5 x 0.002 = 4.059. Rebalance: 2001 x 0.02 % = 0.4002.
    expect(ev.legs![0].fee.toFixed()).toBe('2.001');
    expect(ev.legs![1].fee.toFixed()).toBe('4.059');
    expect(ev.rebalanceCost.toFixed()).toBe('0.4002');
    // Net: 2029.5 - 4.059 - 2001 - 2.001 - 0.4002 = 22.0398; 22.0398 / 2001 = 1.101439280359820089955022488755622188906 %
    expect(ev.netProfit.toFixed()).toBe('22.0398');
    expect(ev.netPercent.toFixed(20)).toBe('1.10143928035982008996');
    // Gross: 2029.5 - 2001 = 28.5 (1.424287856071964017991 %)
    expect(ev.grossProfit.toFixed()).toBe('28.5');
    expect(ev.grossPercent.toFixed(12)).toBe('1.424287856072');
    expect(ev.rejection).toBeUndefined();
  });

  it('buys in USD and sells for USDT, valuing USDT at the live USDT/USD bid after its fee', () => {
    const S = market('binance', 'BTC/USDT', { step: '0.00001', fee: '0.002' });
    const sell = mb(S, [['101500', '0.015'], ['101400', '0.05'], ['101000', '1']], [['101600', '5']]);
    const usdtUsd = mb(market('kraken', 'USDT/USD', { fee: '0.002' }), [['0.9995', '1000000']], [['0.9996', '1000000']]);
    const ev = evaluateCross(input({ sell }, [usdtUsd]));
    // Proceeds 2029.5 USDT - fee 4.059 = 2025.441 USDT; x 0.9995 = 2024.4282795; x (1 - 0.002) = 2020.379422941 USD
    // Net: 2020.379422941 - 2001 - 2.001 - 0.4002 = 16.978222941. Gross: 2029.5 x 0.9995 - 2001 = 27.48525
    expect(ev.size.toFixed()).toBe('0.02');
    expect(ev.conversionVia).toBe('kraken:USDT/USD');
    expect(ev.netProfit.toFixed()).toBe('16.978222941');
    expect(ev.grossProfit.toFixed()).toBe('27.48525');
    expect(ev.rejection).toBeUndefined();
  });

  it('refuses a cross-quote trade when the stable is off its peg', () => {
    const S = market('binance', 'BTC/USDT', { fee: '0.002' });
    const sell = mb(S, [['101500', '0.015'], ['101400', '0.05']], [['101600', '5']]);
    const wobbly = mb(market('kraken', 'USDT/USD'), [['0.99', '1000000']], [['0.991', '1000000']]);
    const depegged = depeggedStables({ USDT: 'USD', USDC: 'USD' }, [wobbly], d('0.5'));
    // mid 0.9905 -> 0.95 % off the peg, band 0.5 %
    expect(depegged.get('USDT')?.deviationPercent.toFixed()).toBe('0.95');
    const ev = evaluateCross(input({ sell, depegged }, [wobbly]));
    expect(ev.rejection?.code).toBe('STABLE_DEPEG');
    expect(ev.rejection?.message).toBe('STABLE_DEPEG: stable=USDT deviation=0.950% band=exceeded source=kraken:USDT/USD');
  });

  it('refuses a cross-quote trade with no live conversion book', () => {
    const sell = mb(market('binance', 'BTC/USDT', { fee: '0.002' }), [['101500', '1']], [['101600', '5']]);
    expect(evaluateCross(input({ sell }, [])).rejection?.code).toBe('NO_CONVERSION');
  });
});

const INTERDEX = MARKET_DATA.interdex;

describe('the real crossed spread of 2025-07-03 (interdex BTC/USDC)', () => {
  type Raw = { exchange: string; orderbook: { bids: Array<{ price: string; quantity: string }>; asks: Array<{ price: string; quantity: string }> } };
  const raw = JSON.parse(fs.readFileSync(INTERDEX, 'utf8')) as Raw[];
  const rules = { Binance: ['binance', '0.00001', '0.001'], Coinbase: ['coinbase', '0.00000001', '0.006'], Kraken: ['kraken', '0.00000001', '0.004'] } as const;
  const books = raw.map((r) => {
    const [ex, step, fee] = rules[r.exchange as keyof typeof rules];
    const lv = (l: Array<{ price: string; quantity: string }>) => l.map((x) => [x.price, x.quantity] as [string, string]);
    return mb(market(ex, 'BTC/USDC', { step, fee, minNotional: '5' }), lv(r.orderbook.bids), lv(r.orderbook.asks));
  });
  const byEx = (e: string) => books.find((b) => b.market.exchange === e)!;

  it('is crossed before fees but rejected after fees, whatever the capital', () => {
    for (const capital of ['1080', '1000000']) {
      for (const buyEx of ['coinbase', 'kraken']) {
        const ev = evaluateCross(input({ buy: byEx(buyEx), sell: byEx('binance'), sellBaseFree: d('100'), buyQuoteFree: d('100000000'), capitalUsd: d(capital) }));
        expect(ev.grossProfit.gt(0)).toBe(true);
        expect(ev.rejection?.code).toBe('NET_BELOW_THRESHOLD');
        expect(ev.netProfit.lt(0)).toBe(true);
      }
    }
  });

  it('lets depth, not capital, bound the size of a large trade', () => {
    const ev = evaluateCross(input({ buy: byEx('kraken'), sell: byEx('binance'), sellBaseFree: d('100'), buyQuoteFree: d('100000000'), capitalUsd: d('1000000') }));
    // Kraken's top five asks: 0.001 x 4 + 0.038 = 0.042 BTC; / 2.5 = 0.0168 (Binance's bids hold far more)
    expect(ev.size.toFixed()).toBe('0.0168');
    // Kraken ask 109922.74 vs Binance bid 109950.01: +2.48 bps at the top, less than one fee
    expect(ev.grossPercent.gt(0)).toBe(true);
    expect(ev.grossPercent.lt('0.025')).toBe(true);
  });
});
