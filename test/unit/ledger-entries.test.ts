import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import * as E from '../../adapters/persistence/ledger-entries';

const d = (s: string) => new Decimal(s);
const balances = (l: SqliteLedger) => l.impliedBalances().map((b) => `${b.exchange} ${b.asset} ${formatDecimal(b.amount)}`);

describe('ledger entry builders', () => {
  test('a buy fill books base in, quote out and the fee; a retry books nothing', () => {
    const l = SqliteLedger.open({ file: ':memory:' });
    const ref = { at: 5, exchange: 'binance' as const, symbol: 'BTC/USDT', side: 'buy' as const, clientOrderId: 'c1', correlationId: 'opp-1' };
    expect(l.append([E.orderAttempt({ ...ref, type: 'ioc', amount: d('0.6'), price: d('100.5'), mode: 'paper' })])).toBe(true);
    const fill = E.orderFilled({ ...ref, orderId: 'o1', filled: d('0.6'), cost: d('60.15'), fees: [{ currency: 'USDT', amount: d('0.06015') }], quoteUsd: d('1') });
    expect(l.append(fill)).toBe(true);
    expect(l.append(fill)).toBe(false);
    // USDT: -60.15 - 0.06015 = -60.21015
    expect(balances(l)).toEqual(['binance BTC 0.6', 'binance USDT -60.21015']);
    expect(formatDecimal(l.entries({ kind: 'fill' })[1]!.usdValue!)).toBe('-60.15');
    expect(l.entries({ correlationId: 'opp-1' }).map((e) => e.kind)).toEqual(['order-attempt', 'fill', 'fill', 'fee']);
    l.close();
  });

  test('a sell fill paying its fee in BNB', () => {
    const l = SqliteLedger.open({ file: ':memory:' });
    const ref = { at: 5, exchange: 'binance' as const, symbol: 'ETH/USDC', side: 'sell' as const, clientOrderId: 'c2', correlationId: 'x' };
    l.append(E.orderFilled({ ...ref, orderId: 'o2', filled: d('1.5'), cost: d('4500.75'), fees: [{ currency: 'BNB', amount: d('0.00562594') }], realisedPnlUsd: d('12.5') }));
    expect(balances(l)).toEqual(['binance BNB -0.00562594', 'binance ETH -1.5', 'binance USDC 4500.75']);
    expect(formatDecimal(l.realisedPnlUsd())).toBe('12.5');
    l.close();
  });

  test('conversion, transfer out/in, failure, reward, sweep add up', () => {
    const l = SqliteLedger.open({ file: ':memory:' });
    l.append(E.conversion({ at: 1, exchange: 'kraken', from: 'USD', fromAmount: d('1000'), to: 'USDT', toAmount: d('999.7'), fee: { currency: 'USD', amount: d('0.2') }, correlationId: 'r', key: 'conv-1' }));
    l.append(E.transferOut({ at: 2, from: 'kraken', to: 'binance', asset: 'USDT', amount: d('999.5'), fee: d('0.2'), network: 'TRC20', withdrawalId: 'w1', correlationId: 'r' }));
    l.append([E.transferIn({ at: 3, to: 'binance', from: 'kraken', asset: 'USDT', amount: d('999.5'), txid: 'tx1', correlationId: 'r' })]);
    l.append([E.transferFailed({ at: 4, from: 'kraken', asset: 'USDT', refunded: d('0'), withdrawalId: 'w2', reason: 'network down', correlationId: 'r2' })]);
    l.append([E.stakingReward({ at: 5, exchange: 'kraken', asset: 'SOL', amount: d('0.0123'), usdValue: d('1.845'), rewardId: 'rw1', correlationId: 'abot' })]);
    l.append(E.sweep({ at: 6, from: 'binance', asset: 'PAXG', amount: d('0.05'), month: '2026-11', correlationId: 'sweep-2026-11' }));
    expect(l.append(E.sweep({ at: 7, from: 'binance', asset: 'PAXG', amount: d('0.05'), month: '2026-11', correlationId: 'sweep-2026-11' }))).toBe(false);
    // A second sweep of the month from another run is a key conflict, not a silent skip.
    expect(() => l.append(E.sweep({ at: 7, from: 'binance', asset: 'PAXG', amount: d('0.05'), month: '2026-11', correlationId: 'again' }))).toThrow(/LEDGER_KEY_CONFLICT: key sweep:2026-11:out/);
    l.append([E.modeFlip({ at: 8, from: 'GOLD', to: 'BTC', signalId: 's1', correlationId: 'mode' }), E.decision({ at: 9, correlationId: 'q', details: { net: d('0.0051') } })]);
    expect(balances(l)).toEqual([
      'binance PAXG -0.05', 'binance USDT 999.5',
      // kraken USD: -1000 - 0.2; USDT: 999.7 - 999.5 - 0.2 + 0 = 0
      'cold-wallet PAXG 0.05', 'kraken SOL 0.0123', 'kraken USD -1000.2', 'kraken USDT 0',
    ]);
    expect(l.feesPaid().map((f) => `${f.exchange} ${f.asset} ${formatDecimal(f.amount)}`)).toEqual(['kraken USD 0.2', 'kraken USDT 0.2']);
    expect(formatDecimal(l.realisedPnlUsd())).toBe('1.845');
    expect(l.entries({ kind: 'decision' })[0]!.details).toEqual({ net: '0.0051' });
    l.close();
  });
});
