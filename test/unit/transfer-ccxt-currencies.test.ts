import * as fs from 'node:fs';
import * as path from 'node:path';
import { networksSchema } from '../../config/schemas';
import { ccxtCurrenciesSchema, networksFromCcxtCurrencies, ourNetworkCode } from '../../domain/transfer';

const CATALOGUE = networksSchema.parse(JSON.parse(fs.readFileSync(path.join(__dirname, '../../config/networks.json'), 'utf8')));
const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/currencies', name), 'utf8'));

describe('ccxt fetchCurrencies() -> NetworkAvailability', () => {
  it('maps ccxt network codes and ids to ours via networks.json ccxtCode', () => {
    expect(ourNetworkCode(['TRC20'], CATALOGUE)).toBe('TRC20');
    expect(ourNetworkCode(['TRX'], CATALOGUE)).toBe('TRC20');
    expect(ourNetworkCode(['ETH'], CATALOGUE)).toBe('ERC20');
    expect(ourNetworkCode(['BSC'], CATALOGUE)).toBe('BEP20');
    expect(ourNetworkCode(['bsc'], CATALOGUE)).toBe('BEP20');
    expect(ourNetworkCode([undefined, 'Tether USD (SPL)', 'SOL'], CATALOGUE)).toBe('SOL');
    expect(ourNetworkCode(['OPTIMISM'], CATALOGUE)).toBeUndefined();
  });

  it('reads the Binance-like fixture with Decimal fees and minimums', () => {
    const nets = networksFromCcxtCurrencies(ccxtCurrenciesSchema.parse(fixture('binance-usdt.json')), 'USDT', CATALOGUE)!;
    expect(nets.map((n) => [n.network, n.withdrawEnabled, n.depositEnabled, n.withdrawFee?.toFixed(), n.withdrawMin.toFixed()])).toEqual([
      ['TRC20', true, true, '1', '10'],
      ['SOL', true, true, '0.8', '10'],
      ['BEP20', true, true, '0.29', '10'],
      ['MATIC', false, true, '0.8', '10'],
      ['AVAXC', true, true, '1.2', '10'],
      ['OPTIMISM', true, true, '0.15', '10'],
      ['ERC20', true, true, '3.5', '10'],
    ]);
  });

  it('maps Kraken-like BSC to BEP20 and says when the asset is absent', () => {
    const parsed = ccxtCurrenciesSchema.parse(fixture('kraken-usdt.json'));
    expect(networksFromCcxtCurrencies(parsed, 'USDT', CATALOGUE)!.map((n) => n.network)).toEqual(['TRC20', 'SOL', 'BEP20', 'MATIC', 'ERC20']);
    expect(networksFromCcxtCurrencies(parsed, 'USD', CATALOGUE)).toEqual([]);
    expect(networksFromCcxtCurrencies(parsed, 'DOGE', CATALOGUE)).toBeUndefined();
  });

  it('treats unknown flags as disabled, a missing fee as unknown and a missing minimum as 0', () => {
    const parsed = ccxtCurrenciesSchema.parse({ USDC: { networks: { BASE: { id: 'BASE', network: 'BASE', deposit: null, withdraw: true, fee: null, limits: { withdraw: {} } } } } });
    const [base] = networksFromCcxtCurrencies(parsed, 'USDC', CATALOGUE)!;
    expect(base).toMatchObject({ network: 'BASE', depositEnabled: false, withdrawEnabled: true, withdrawFee: undefined });
    expect(base!.withdrawMin.toFixed()).toBe('0');
  });

  it('reads the venue\'s own arrival estimate (Binance estimatedArrivalTime in ccxt\'s raw info) for the planner\'s time ranking', () => {
    const net = (info: unknown) => ({ network: 'TRC20', deposit: true, withdraw: true, fee: 1, info });
    const parsed = ccxtCurrenciesSchema.parse({ USDT: { networks: { TRX: net({ estimatedArrivalTime: '5' }), SOL: { ...net({ estimatedArrivalTime: 'soon' }), network: 'SOL' }, BSC: { ...net(undefined), network: 'BSC' } } } });
    expect(networksFromCcxtCurrencies(parsed, 'USDT', CATALOGUE)!.map((n) => [n.network, n.expectedMinutes])).toEqual([['TRC20', 5], ['SOL', undefined], ['BEP20', undefined]]);
  });

  it('converts floats at the edge exactly as ccxt printed them, and refuses garbage', () => {
    const parsed = ccxtCurrenciesSchema.parse({ USDT: { networks: { TRX: { fee: 0.1 + 0.2, withdraw: true, deposit: true, limits: { withdraw: { min: 1e-7 } } } } } });
    const [n] = networksFromCcxtCurrencies(parsed, 'USDT', CATALOGUE)!;
    expect(n!.withdrawFee!.toFixed()).toBe('0.30000000000000004');
    expect(n!.withdrawMin.toFixed()).toBe('0.0000001');
    for (const fee of [-1, 'abc', '1e3', Number.NaN, true]) {
      expect(ccxtCurrenciesSchema.safeParse({ USDT: { networks: { TRX: { fee } } } }).success).toBe(false);
    }
  });
});
