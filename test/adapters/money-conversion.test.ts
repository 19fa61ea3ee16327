import { Decimal } from '../../domain/money/decimal';
import { createConversionActivities, conversionOrderId } from '../../activities/money-conversion';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import type { ExchangeAdapters } from '../../adapters/exchanges';
import { systemClock } from '../../ports/clock';
import { adaptersFor } from './helpers/exchange-harness';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import { PaperBalances } from '../../adapters/paper/paper-balances';

let sim: RunningSimulator;
let venues: Record<'binance' | 'kraken', ExchangeAdapters>;
let ledger: SqliteLedger;
let acts: ReturnType<typeof createConversionActivities>;
const BRIDGES = ['BTC', 'ETH', 'SOL', 'USD', 'USDT', 'USDC'];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 9, autoTick: false, exchanges: ['binance', 'kraken'] });
  venues = { binance: await adaptersFor(sim, 'binance'), kraken: await adaptersFor(sim, 'kraken') };
  ledger = SqliteLedger.open({ file: ':memory:' });
  acts = createConversionActivities({ venues, ledger, clock: systemClock });
}, 60_000);
afterAll(async () => {
  await Promise.all(Object.values(venues ?? {}).map((v) => v.close()));
  await sim?.close();
  ledger?.close();
});

const bal = (ex: 'binance' | 'kraken', asset: string) => new Decimal(sim.control.balances(ex)[asset]!.total);

describe('convertInExchange (real ccxt adapters against the simulator)', () => {
  it('Binance USDT -> USDC on the direct book, booked in the ledger, and a retry trades nothing more', async () => {
    const before = { usdt: bal('binance', 'USDT'), usdc: bal('binance', 'USDC') };
    const input = { rebalanceId: 'conv-test-1', exchange: 'binance' as const, from: 'USDT', to: 'USDC', amount: '1000', toUsdPrice: '1', bridges: BRIDGES };
    const r = await acts.convertInExchange(input);
    if (r.status !== 'converted') throw new Error(r.reason);
    expect(r.legs.map((l) => [l.symbol, l.side])).toEqual([['USDC/USDT', 'buy']]);
    const received = new Decimal(r.received);
    expect(received.gt(990) && received.lt(1000)).toBe(true);
    expect(bal('binance', 'USDC').minus(before.usdc).eq(received)).toBe(true);
    expect(before.usdt.minus(bal('binance', 'USDT')).eq(new Decimal(r.legs[0]!.spent))).toBe(true);
    // Spent, received before the fee, and the fee the venue took: together what the wallet did.
    const lines = ledger.entries({ correlationId: 'conv-test-1' });
    expect(lines.map((e) => [e.kind, e.asset])).toEqual([['conversion', 'USDT'], ['conversion', 'USDC'], ['fee', 'USDC']]);
    const net = (asset: string) => lines.filter((e) => e.asset === asset).reduce((t, e) => t.plus(e.delta ?? 0), new Decimal(0)).toFixed();
    expect([net('USDT'), net('USDC')]).toEqual([`-${r.legs[0]!.spent}`, r.received]);
    const orders = sim.control.orders('binance').length;
    const again = await acts.convertInExchange(input);
    expect(again).toMatchObject({ status: 'converted', received: r.received });
    expect(sim.control.orders('binance').length).toBe(orders);
    expect(r.legs[0]!.clientOrderId).toBe(conversionOrderId('conv-test-1', 0));
  });

  it('Kraken USDT -> USDC goes through USD (no direct book) in two IOC legs', async () => {
    const r = await acts.convertInExchange({ rebalanceId: 'conv-test-2', exchange: 'kraken', from: 'USDT', to: 'USDC', amount: '1000', toUsdPrice: '1', bridges: BRIDGES });
    if (r.status !== 'converted') throw new Error(r.reason);
    expect(r.legs.map((l) => [l.symbol, l.side])).toEqual([['USDT/USD', 'sell'], ['USDC/USD', 'buy']]);
    expect(new Decimal(r.legs[1]!.spent).lte(new Decimal(r.legs[0]!.received))).toBe(true);
    expect(new Decimal(r.received).gt(990)).toBe(true);
  });

  it('books every fee a leg paid (a Kraken buy pays its fee in the quote it spends): the ledger moves exactly as the venue did', async () => {
    const assets = ['USDT', 'USD', 'USDC'];
    const before = Object.fromEntries(assets.map((a) => [a, bal('kraken', a)]));
    const r = await acts.convertInExchange({ rebalanceId: 'conv-test-fees', exchange: 'kraken', from: 'USDT', to: 'USDC', amount: '1000', toUsdPrice: '1', bridges: BRIDGES });
    if (r.status !== 'converted') throw new Error(r.reason);
    const booked = ledger.entries({ correlationId: 'conv-test-fees' });
    const ledgerMoved = (asset: string) => booked.filter((e) => e.asset === asset).reduce((t, e) => t.plus(e.delta ?? 0), new Decimal(0));
    const venueMoved = (asset: string) => bal('kraken', asset).minus(before[asset]!);
    expect(assets.map((a) => [a, ledgerMoved(a).toFixed()])).toEqual(assets.map((a) => [a, venueMoved(a).toFixed()]));
    // The fees are fee lines (the fee panel counts them), one per leg here: the sell's in USD, the buy's in USD.
    expect(booked.filter((e) => e.kind === 'fee').map((e) => e.asset)).toEqual(['USD', 'USD']);
  });

  it('refuses a conversion the books cannot absorb, with the reason, and places nothing', async () => {
    const orders = sim.control.orders('binance').length;
    const r = await acts.convertInExchange({ rebalanceId: 'conv-test-3', exchange: 'binance', from: 'USDT', to: 'USDC', amount: '50000000', toUsdPrice: '1', bridges: BRIDGES });
    expect(r.status).toBe('rejected');
    expect(r.status === 'rejected' && r.reason).toMatch(/all 10 route\(s\) from USDT to USDC rejected: .*USDC\/USDT leg 1: USDC\/USDT asks absorb/);
    expect(sim.control.orders('binance').length).toBe(orders);
  });
});

describe('convertInExchange on a paper venue that books its own fills', () => {
  it('books each leg once: the ledger moves exactly as the paper wallet did (no conversion lines on top of the fills)', async () => {
    const paperLedger = SqliteLedger.open({ file: ':memory:' });
    const md = venues.binance.marketData;
    const markets = await md.markets();
    const wallet = new PaperBalances({ USDT: new Decimal('1000') });
    const trading = new PaperTrading({ exchange: 'binance', markets, books: (s) => md.latestBook(s), ledger: paperLedger, clock: systemClock, wallet });
    const paper = createConversionActivities({ venues: { binance: { trading, marketData: md, booksFills: true } }, ledger: paperLedger, clock: systemClock });
    try {
      const r = await paper.convertInExchange({ rebalanceId: 'conv-paper-1', exchange: 'binance', from: 'USDT', to: 'USDC', amount: '100', toUsdPrice: '1', bridges: BRIDGES });
      if (r.status !== 'converted') throw new Error(r.reason);
      const implied = Object.fromEntries(paperLedger.impliedBalances().map((b) => [b.asset, b.amount.toFixed()]));
      const held = wallet.snapshot();
      // The ledger holds only the changes (no opening balance was booked): USDT spent, USDC received.
      expect(implied).toEqual({ USDT: held.USDT!.total.minus(1000).toFixed(), USDC: held.USDC!.total.toFixed() });
      expect(new Decimal(implied.USDC!).eq(new Decimal(r.received))).toBe(true);
    } finally {
      paperLedger.close();
    }
  });
});
