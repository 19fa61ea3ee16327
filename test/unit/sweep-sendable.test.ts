import { Decimal } from '../../domain/money/decimal';
import { judgeSendable } from '../../domain/sweep';

const D = (s: string) => new Decimal(s);
const venue = (exchange: string, min: string, fee: string) => ({ exchange, withdrawMin: D(min), withdrawFee: D(fee) });

describe('the sweep checks it can send before it buys', () => {
  it('refuses with BELOW_WITHDRAWAL_MINIMUM when the PAXG bought (less 1 % headroom and the fee) is under every venue minimum', () => {
    // 15 USD at 2600: 0.00577 PAXG, less 1 %: 0.00571; binance needs 0.01 + 0.0001
    const v = judgeSendable({ amountUsd: D('15'), goldPriceUsd: D('2600'), venues: [venue('binance', '0.01', '0.0001')] });
    expect(v).toMatchObject({ ok: false, code: 'BELOW_WITHDRAWAL_MINIMUM' });
    expect(!v.ok && v.reason).toMatch(/binance needs 0.0101 \(minimum 0.01 \+ fee 0.0001\).*month is not used up/);
  });
  it('accepts and names only the venues whose minimum the amount reaches', () => {
    const v = judgeSendable({ amountUsd: D('150'), goldPriceUsd: D('2600'), venues: [venue('binance', '0.01', '0.0001'), venue('kraken', '0.1', '0.001')] });
    expect(v).toMatchObject({ ok: true, exchanges: ['binance'] });
  });
  it('the fee alone can make it too small; the boundary counts as enough', () => {
    // exactly min + fee after the headroom: 0.0101 PAXG = 26.26 USD at 2600 / 0.99
    const amountUsd = D('0.0101').times('2600').div('0.99');
    expect(judgeSendable({ amountUsd, goldPriceUsd: D('2600'), venues: [venue('binance', '0.01', '0.0001')] }).ok).toBe(true);
    expect(judgeSendable({ amountUsd: amountUsd.minus('0.01'), goldPriceUsd: D('2600'), venues: [venue('binance', '0.01', '0.0001')] }).ok).toBe(false);
  });
  it('no route or no price: refused with its own code', () => {
    expect(judgeSendable({ amountUsd: D('150'), goldPriceUsd: D('2600'), venues: [] })).toMatchObject({ ok: false, code: 'NO_WITHDRAWAL_ROUTE' });
    expect(judgeSendable({ amountUsd: D('150'), goldPriceUsd: D('0'), venues: [venue('binance', '0', '0')] })).toMatchObject({ ok: false, code: 'NO_GOLD_PRICE' });
  });
});
