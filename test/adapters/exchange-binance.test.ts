import { describeMarketData, describeRateLimits, type VenueSpec } from './helpers/exchange-suite';
import { describeFunding, describeTrading } from './helpers/exchange-suite-trading';

const spec: VenueSpec = {
  exchange: 'binance',
  books: ['BTC/USDT', 'ETH/USDT'],
  trade: { symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT' },
  withdraw: { asset: 'USDT', network: 'TRC20', amount: '50', address: 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv8' },
};

describeMarketData(spec);
describeRateLimits(spec);
describeTrading(spec);
describeFunding(spec);
