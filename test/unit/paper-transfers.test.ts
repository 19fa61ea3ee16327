import { Decimal } from '../../domain/money/decimal';
import { PaperBalances } from '../../adapters/paper/paper-balances';
import { PaperFunding } from '../../adapters/paper/paper-funding';
import { PaperTransferNetwork } from '../../adapters/paper/paper-transfers';
import type { DepositAddress, WithdrawalSubmitted } from '../../ports/funding';

const D = (s: string) => new Decimal(s);
const COLD = '0x00000000000000000000000000000000000c01d0';

function rig() {
  let now = 1_000_000;
  const clock = { now: () => now };
  const net = new PaperTransferNetwork(clock, 5_000);
  const wallets = { binance: new PaperBalances({ USDT: D('1000') }), kraken: new PaperBalances({ USDT: D('10') }) };
  const networks = { USDT: [{ network: 'TRC20', fee: D('1'), min: D('10') }] };
  const fundings = {
    binance: new PaperFunding({ exchange: 'binance', wallet: wallets.binance, networks, allowedAddresses: [COLD], transfers: net }),
    kraken: new PaperFunding({ exchange: 'kraken', wallet: wallets.kraken, networks, allowedAddresses: [COLD], transfers: net }),
  };
  net.register('binance', wallets.binance);
  net.register('kraken', wallets.kraken);
  return { wallets, fundings, advance: (ms: number) => (now += ms), at: () => now };
}

describe('paper transfers between paper venues', () => {
  it('debits amount + fee at once and credits the receiver after the network delay', async () => {
    const r = rig();
    const addr = (await r.fundings.kraken.depositAddress('USDT', 'TRC20')) as DepositAddress;
    expect(addr.address).toBe('paper-deposit:kraken:USDT:TRC20');
    expect((await r.fundings.kraken.networks('USDT'))[0]).toMatchObject({ network: 'TRC20', depositEnabled: true });
    const since = r.at();
    const sent = (await r.fundings.binance.withdraw({ asset: 'USDT', network: 'TRC20', amount: D('500'), address: addr.address, idempotencyKey: 'rb-1' })) as WithdrawalSubmitted;
    expect(sent.status).toBe('submitted');
    // 1000 - (500 + 1 fee) = 499 left on binance; kraken unchanged until the transfer lands.
    expect(r.wallets.binance.freeOf('USDT').toFixed()).toBe('499');
    expect(r.wallets.kraken.freeOf('USDT').toFixed()).toBe('10');
    expect(await r.fundings.kraken.depositStatus({ asset: 'USDT', amount: D('500'), since })).toMatchObject({ status: 'pending' });
    r.advance(5_000);
    const landed = await r.fundings.kraken.depositStatus({ asset: 'USDT', amount: D('500'), since });
    expect(landed.status).toBe('confirmed');
    expect(landed.amount?.toFixed()).toBe('500');
    expect(r.wallets.kraken.freeOf('USDT').toFixed()).toBe('510');
    // Asking again credits nothing twice.
    await r.fundings.kraken.depositStatus({ asset: 'USDT', amount: D('500'), since });
    expect(r.wallets.kraken.freeOf('USDT').toFixed()).toBe('510');
  });

  it('sends once per idempotency key and refuses addresses that are not a paper venue or the cold wallet', async () => {
    const r = rig();
    const addr = 'paper-deposit:kraken:USDT:TRC20';
    const a = await r.fundings.binance.withdraw({ asset: 'USDT', network: 'TRC20', amount: D('100'), address: addr, idempotencyKey: 'k' });
    const b = await r.fundings.binance.withdraw({ asset: 'USDT', network: 'TRC20', amount: D('100'), address: addr, idempotencyKey: 'k' });
    expect(b).toEqual(a);
    expect(r.wallets.binance.freeOf('USDT').toFixed()).toBe('899');
    expect(await r.fundings.binance.withdraw({ asset: 'USDT', network: 'TRC20', amount: D('100'), address: 'TXYZ-somebody-else', idempotencyKey: 'x' })).toMatchObject({ status: 'rejected', code: 'ADDRESS_NOT_ALLOWED' });
    expect(await r.fundings.binance.withdraw({ asset: 'USDT', network: 'TRC20', amount: D('100'), address: 'paper-deposit:binance:USDT:TRC20', idempotencyKey: 'self' })).toMatchObject({ status: 'rejected', code: 'ADDRESS_NOT_ALLOWED' });
    // An address for another network is not this network's address.
    expect(await r.fundings.binance.withdraw({ asset: 'USDT', network: 'TRC20', amount: D('100'), address: 'paper-deposit:kraken:USDT:SOL', idempotencyKey: 'net' })).toMatchObject({ status: 'rejected', code: 'ADDRESS_NOT_ALLOWED' });
    expect(r.wallets.binance.freeOf('USDT').toFixed()).toBe('899');
  });
});
