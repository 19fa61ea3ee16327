import { Decimal } from '../../domain/money/decimal';
import { assetDrift, equalWeights, inExchangeConversions } from '../../domain/money-manager';

const d = (s: string) => new Decimal(s);
const W = equalWeights(['binance', 'kraken']);
const LIMIT = d('15');
const STABLES = ['USDT', 'USDC', 'USD'];
const PRICES = { USDT: d('1'), USDC: d('1'), BTC: d('60000') };

describe('conversions inside an exchange before any transfer', () => {
  it('mirror-image stablecoin drift is fixed by one conversion on each side, no transfer', () => {
    const usdt = assetDrift('USDT', { binance: d('1500'), kraken: d('500') }, W, LIMIT);
    const usdc = assetDrift('USDC', { binance: d('500'), kraken: d('1500') }, W, LIMIT);
    expect([usdt.exceedsLimit, usdc.exceedsLimit]).toEqual([true, true]);
    const c = inExchangeConversions([usdt, usdc], PRICES, STABLES, d('20'));
    expect(c.map((x) => [x.exchange, x.from, x.to, x.amount.toFixed(), x.amountUsd.toFixed()])).toEqual([
      ['binance', 'USDT', 'USDC', '500', '500'],
      ['kraken', 'USDC', 'USDT', '500', '500'],
    ]);
  });

  it('converts only the overlap; the rest is left for a transfer', () => {
    const usdt = assetDrift('USDT', { binance: d('1800'), kraken: d('200') }, W, LIMIT); // +800 / -800
    const usdc = assetDrift('USDC', { binance: d('700'), kraken: d('1300') }, W, LIMIT); // -300 / +300
    const c = inExchangeConversions([usdt, usdc], PRICES, STABLES, d('20'));
    expect(c.map((x) => [x.exchange, x.from, x.to, x.amountUsd.toFixed()])).toEqual([
      ['binance', 'USDT', 'USDC', '300'],
      ['kraken', 'USDC', 'USDT', '300'],
    ]);
  });

  it('never converts non-interchangeable assets, unpriced ones, or amounts under the minimum', () => {
    const btc = assetDrift('BTC', { binance: d('1'), kraken: d('0') }, W, LIMIT);
    const usdc = assetDrift('USDC', { binance: d('0'), kraken: d('2000') }, W, LIMIT);
    expect(inExchangeConversions([btc, usdc], PRICES, STABLES, d('20'))).toEqual([]);
    const usd = assetDrift('USD', { binance: d('1010'), kraken: d('990') }, W, LIMIT);
    const usdt = assetDrift('USDT', { binance: d('990'), kraken: d('1010') }, W, LIMIT);
    expect(inExchangeConversions([usd, usdt], PRICES, STABLES, d('20'))).toEqual([]); // USD has no price here
    expect(inExchangeConversions([usd, usdt], { ...PRICES, USD: d('1') }, STABLES, d('20'))).toEqual([]); // $10 < $20
    expect(inExchangeConversions([usd, usdt], { ...PRICES, USD: d('1') }, STABLES, d('10'))).toHaveLength(2);
  });
});
