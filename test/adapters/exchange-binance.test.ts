import { Decimal } from '../../domain/money/decimal';
import type { Confirmed } from '../../ports/trading';
import { sameAsSim, startHarness, waitFor, type Harness } from './helpers/exchange-harness';
import { describeMarketData, describeRateLimits, type VenueSpec } from './helpers/exchange-suite';
import { describeFunding, describeTrading } from './helpers/exchange-suite-trading';

const spec: VenueSpec = {
  exchange: 'binance',
  books: ['BTC/USDT', 'ETH/USDT'],
  trade: { symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT' },
  withdraw: { asset: 'USDT', network: 'TRC20', amount: '50', address: 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv8', expectedMinutes: 2 },
};

describeMarketData(spec);
describeRateLimits(spec);
describeTrading(spec);
describeFunding(spec);

describe('Binance.US variant (BINANCE_VARIANT=binanceus)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('binance', {}, { envExtra: { BINANCE_VARIANT: 'binanceus' } });
  });
  afterAll(async () => h.close());

  it('runs on ccxt binanceus: books, an IOC order and balances through the same wire protocol', async () => {
    expect(h.ad.health().ccxtId).toBe('binanceus');
    await h.ad.marketData.watchBooks(['BTC/USDT'], () => undefined);
    await waitFor(() => sameAsSim(h, 'binance', 'BTC/USDT', 10), 3000, 'BTC/USDT book');
    const ask = new Decimal(h.sim.control.book('binance', 'BTC/USDT').asks[0]![0]);
    const out = await h.ad.trading.placeOrder({ exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'ioc', amount: new Decimal('0.001'), price: ask.times('1.001') });
    expect(out).toMatchObject({ status: 'confirmed', filled: new Decimal('0.001') });
    const bal = await h.ad.account.balances();
    // Started with 2 BTC; Binance takes the buy's fee in the base asset.
    const feeBtc = (out as Confirmed).fees.filter((f) => f.currency === 'BTC').reduce((a, f) => a.plus(f.amount), new Decimal(0));
    expect(feeBtc.gt(0)).toBe(true);
    expect((bal as { assets: Record<string, { total: Decimal }> }).assets.BTC?.total.toFixed()).toBe(new Decimal(2).plus('0.001').minus(feeBtc).toFixed());
  });
});
