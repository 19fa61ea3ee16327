import { Decimal } from '../../domain/money/decimal';
import { checkDestination, coldWalletAddress, exchangeDepositAddress, type TransferPlan } from '../../domain/transfer';

const d = (s: string) => new Decimal(s);
const PLAN: TransferPlan = {
  status: 'planned', asset: 'USDT', amount: d('1000'), amountUsd: d('1000'), from: 'binance',
  to: { kind: 'exchange', exchange: 'kraken' }, network: 'TRC20', networkName: 'Tron', fee: d('1'), feeUsd: d('1'),
  slippageUsd: d('0'), costUsd: d('1'), budgetUsd: d('1'), receives: d('999'), arrivesInMinutes: 3,
  preferredRoute: false, alternatives: [], rejected: [],
};

describe('withdrawal destinations', () => {
  it('accepts the receiving exchange address for the planned asset and network', () => {
    const address = exchangeDepositAddress({ exchange: 'kraken', asset: 'USDT', network: 'TRC20', address: 'TXYZkrakenDeposit1' });
    expect(checkDestination(PLAN, { kind: 'exchange', exchange: 'kraken', address })).toEqual({ ok: true });
  });

  it('refuses an address of another exchange, network or asset, and the cold wallet for an exchange plan', () => {
    const other = exchangeDepositAddress({ exchange: 'coinbase', asset: 'USDT', network: 'TRC20', address: 'Tcoinbase' });
    expect(checkDestination(PLAN, { kind: 'exchange', exchange: 'kraken', address: other })).toEqual({ ok: false, reason: 'plan sends to kraken, address belongs to coinbase' });
    const sol = exchangeDepositAddress({ exchange: 'kraken', asset: 'USDT', network: 'SOL', address: 'So1' });
    expect(checkDestination(PLAN, { kind: 'exchange', exchange: 'kraken', address: sol })).toEqual({ ok: false, reason: 'address is for USDT on SOL, plan is USDT on TRC20' });
    const cold = coldWalletAddress('0x' + 'ab'.repeat(20));
    expect(checkDestination(PLAN, { kind: 'cold-wallet', address: cold })).toEqual({ ok: false, reason: 'plan sends to exchange, destination is cold-wallet' });
  });

  it('will not make an address out of an empty or padded string', () => {
    expect(() => exchangeDepositAddress({ exchange: 'kraken', asset: 'USDT', network: 'TRC20', address: ' T1' })).toThrow(/empty or padded/);
    expect(() => coldWalletAddress('')).toThrow(/empty or padded/);
  });
});
