import { Decimal } from '../../domain/money/decimal';
import { sameAsSim, startHarness, waitFor, type Harness } from './helpers/exchange-harness';
import { describeMarketData, describeRateLimits, type VenueSpec } from './helpers/exchange-suite';
import { describeFunding, describeTrading } from './helpers/exchange-suite-trading';

const spec: VenueSpec = {
  exchange: 'coinbase',
  books: ['BTC/USD', 'ETH/USD'],
  trade: { symbol: 'BTC/USD', base: 'BTC', quote: 'USD' },
  withdraw: { asset: 'USDC', network: 'SOL', amount: '50', address: '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV', feesPublished: false },
};

describeMarketData(spec);
describeRateLimits(spec);
describeTrading(spec);
describeFunding(spec);

describe('coinbase quirks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('coinbase');
  });
  afterAll(async () => h.close());

  it('serves BTC/USDC from the BTC/USD book (one book, not an arbitrage pair) and keeps the channel alive with heartbeats', async () => {
    await h.ad.marketData.watchBooks(['BTC/USDC'], () => undefined);
    h.sim.control.step(2);
    await waitFor(() => sameAsSim(h, 'coinbase', 'BTC/USDC', 10, 'BTC/USD'), 3000, 'BTC/USDC = BTC/USD book');
    expect(h.ad.marketData.latestBook('BTC/USDC')?.symbol).toBe('BTC/USDC');
    // level2 for BTC-USD plus the heartbeats channel.
    await waitFor(() => h.sim.control.stats().coinbase!.subscriptions >= 2, 2000, 'heartbeats subscription');
  });

  it('answers staking with a typed NOT_SUPPORTED rejection', async () => {
    expect(await h.ad.staking.products()).toMatchObject({ status: 'rejected', code: 'NOT_SUPPORTED', retryable: false });
    expect(await h.ad.staking.stake('x', new Decimal(1), 'k')).toMatchObject({ code: 'NOT_SUPPORTED' });
  });
});
