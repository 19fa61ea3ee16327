import { depositAddress } from '../../adapters/sim/accounts/networks';
import { describeMarketData, describeRateLimits, type VenueSpec } from './helpers/exchange-suite';
import { describeFunding, describeTrading } from './helpers/exchange-suite-trading';

// Kraken withdraws only to whitelisted keys; the simulator reads "binance-USDT-TRX" as Binance's
// USDT deposit address on Tron.
const spec: VenueSpec = {
  exchange: 'kraken',
  books: ['BTC/USD', 'ETH/USD'],
  trade: { symbol: 'BTC/USD', base: 'BTC', quote: 'USD' },
  withdraw: { asset: 'USDT', network: 'TRC20', amount: '50', address: depositAddress('binance', 'USDT', 'TRX') },
  env: { KRAKEN_WITHDRAWAL_KEYS: JSON.stringify({ 'USDT:TRC20': 'binance-USDT-TRX' }) },
};

describeMarketData(spec);
describeRateLimits(spec);
describeTrading(spec);
describeFunding(spec);
