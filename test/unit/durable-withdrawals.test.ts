import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import { PaperBalances } from '../../adapters/paper/paper-balances';
import { PaperFunding } from '../../adapters/paper/paper-funding';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import { createGbotActivities } from '../../activities/gbot';
import { bookOutcome, type BotVenue } from '../../activities/bot-trading';
import * as E from '../../adapters/persistence/ledger-entries';
import { LedgerKeyConflictError } from '../../ports/ledger';
import { systemClock } from '../../ports/clock';

const D = (s: string) => new Decimal(s);
const COLD = '0x00000000000000000000000000000000000c01d0';
const FEE = D('0.0001');

describe('withdrawals, paper balances and ledger keys across process lifetimes', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-durable-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** One process lifetime: fresh objects over the same ledger and state files. */
  const life = () => {
    const ledger = SqliteLedger.open({ file: path.join(dir, 'ledger.sqlite') });
    const state = StateStore.open({ file: path.join(dir, 'state.sqlite') });
    const wallet = new PaperBalances({ PAXG: D('1') }, { store: state, exchange: 'kraken' });
    const funding = new PaperFunding({ exchange: 'kraken', wallet, networks: { PAXG: [{ network: 'ERC20', fee: FEE }] }, allowedAddresses: [COLD], store: state });
    const trading = new PaperTrading({ exchange: 'kraken', markets: [], books: () => undefined, wallet, ledger });
    const venue: BotVenue = { exchange: 'kraken', trading, account: trading, funding, markets: [], books: () => undefined, paper: true, booksFills: true };
    const errors: string[] = [];
    const logger = { info: () => undefined, warn: () => undefined, error: (_o: object, msg: string) => errors.push(msg) };
    const acts = createGbotActivities({ venues: [venue], ledger, clock: systemClock, quoteCurrencies: ['USD'], goldAsset: 'PAXG', coldWalletAddress: COLD, goldNetwork: 'ERC20', logger });
    return { ledger, state, wallet, funding, acts, errors, close: () => (ledger.close(), state.close()) };
  };
  const cold = (l: SqliteLedger) => l.impliedBalances().find((b) => b.exchange === 'cold-wallet' && b.asset === 'PAXG')?.amount;

  it("the second run's withdrawal is booked: the cold wallet total is the sum of both runs", async () => {
    const a = life();
    const first = await a.acts.gbotSendToCold({ key: 'gbot-run1:cold:1', exchange: 'kraken', amount: '0.1', purpose: 'flip' });
    expect(first.status).toBe('confirmed');
    a.close();

    const b = life();
    // The paper inventory survived the restart (1 - 0.1 sent with its fee inside).
    expect(formatDecimal(b.wallet.freeOf('PAXG'))).toBe('0.9');
    const second = await b.acts.gbotSendToCold({ key: 'gbot-run2:cold:1', exchange: 'kraken', amount: '0.2', purpose: 'flip' });
    expect(second.status).toBe('confirmed');
    expect(formatDecimal(cold(b.ledger)!)).toBe(formatDecimal(D('0.1').minus(FEE).plus(D('0.2').minus(FEE))));
    expect(formatDecimal(b.wallet.freeOf('PAXG'))).toBe('0.7');
    expect(b.errors).toEqual([]);
    b.close();
  });

  it('a withdrawal key sent before a restart is not sent again after it', async () => {
    const a = life();
    const req = { asset: 'PAXG', network: 'ERC20', amount: D('0.3'), address: COLD, idempotencyKey: 'wd-key-1' };
    const sent = await a.funding.withdraw(req);
    a.close();
    const b = life();
    const left = formatDecimal(D('1').minus('0.3').minus(FEE));
    expect(formatDecimal(b.wallet.freeOf('PAXG'))).toBe(left);
    const again = await b.funding.withdraw(req);
    expect(again).toEqual(sent);
    expect(formatDecimal(b.wallet.freeOf('PAXG'))).toBe(left);
    expect(await b.funding.withdrawalStatus((sent as { id: string }).id)).toMatchObject({ status: 'confirmed' });
    b.close();
  });

  it('a key already booked with other content is a typed LEDGER_KEY_CONFLICT; an identical replay is a no-op', () => {
    const { ledger, close } = life();
    const out = (amount: string, corr: string) => E.transferOut({ at: 1, from: 'kraken', to: 'cold-wallet', asset: 'PAXG', amount: D(amount), fee: FEE, network: 'ERC20', withdrawalId: 'paper-wd-kraken-1', correlationId: corr });
    expect(ledger.append(out('0.1', 'run1'))).toBe(true);
    expect(ledger.append(out('0.1', 'run1'))).toBe(false);
    let err: unknown;
    try {
      ledger.append([...out('0.2', 'run2'), E.decision({ at: 2, correlationId: 'run2', key: 'run2:outcome', details: {} })]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LedgerKeyConflictError);
    expect((err as LedgerKeyConflictError).code).toBe('LEDGER_KEY_CONFLICT');
    expect((err as Error).message).toMatch(/withdrawal:kraken:paper-wd-kraken-1:out/);
    // Nothing of the conflicting batch was written.
    expect(ledger.entries({ correlationId: 'run2' })).toEqual([]);
    close();
  });

  it('bookOutcome surfaces a key conflict (logged, thrown as LEDGER_KEY_CONFLICT), never reports success', () => {
    const { ledger, close } = life();
    const errors: string[] = [];
    const deps = { venues: [], ledger, clock: systemClock, quoteCurrencies: [], logger: { info: () => undefined, warn: () => undefined, error: (_o: object, m: string) => errors.push(m) } };
    const lines = (amount: string) => E.transferOut({ at: 1, from: 'kraken', to: 'cold-wallet', asset: 'PAXG', amount: D(amount), fee: FEE, network: 'ERC20', withdrawalId: 'w-1', correlationId: 'k' });
    bookOutcome(deps, 'k1', 'gbot-cold', { status: 'confirmed' }, lines('0.1'));
    expect(() => bookOutcome(deps, 'k2', 'gbot-cold', { status: 'confirmed' }, lines('0.2'))).toThrow(expect.objectContaining({ type: 'LEDGER_KEY_CONFLICT' }) as Error);
    expect(errors.join('\n')).toMatch(/LEDGER_KEY_CONFLICT/);
    close();
  });
});
