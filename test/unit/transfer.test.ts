import * as fs from 'node:fs';
import * as path from 'node:path';
import { Decimal } from '../../domain/money/decimal';
import { networksSchema, settingsSchema } from '../../config/schemas';
import { planTransfer, transferBudgetUsd, type NetworkAvailability, type TransferDecision, type TransferRequest } from '../../domain/transfer';

const d = (s: string) => new Decimal(s);
const readConfig = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(__dirname, '../../config', name), 'utf8'));
// The shipped defaults, so a changed rule in config/ shows up here.
const CATALOGUE = networksSchema.parse(readConfig('networks.json'));
const RULES = settingsSchema.parse(readConfig('settings.json')).transfers;

function net(network: string, fee: string | undefined, opts: Partial<NetworkAvailability> & { asset?: string } = {}): NetworkAvailability {
  return { asset: 'USDT', network, withdrawEnabled: true, depositEnabled: true, withdrawFee: fee === undefined ? undefined : d(fee), withdrawMin: d('10'), ...opts };
}
function request(amount: string, sender: NetworkAvailability[], receiver: NetworkAvailability[], over: Partial<TransferRequest> = {}): TransferRequest {
  return {
    asset: 'USDT', amount: d(amount), from: 'binance', to: { kind: 'exchange', exchange: 'kraken' },
    senderNetworks: sender, receiverNetworks: receiver, assetPriceUsd: d('1'), rules: RULES, catalogue: CATALOGUE, ...over,
  };
}
function planned(r: TransferDecision) {
  if (r.status !== 'planned') throw new Error(`expected a plan, got ${r.code}: ${r.reason}`);
  return r;
}
function refused(r: TransferDecision) {
  if (r.status !== 'refused') throw new Error(`expected a refusal, got a plan on ${r.network}`);
  return r;
}
const codeOf = (r: TransferDecision, network: string) => r.rejected.find((x) => x.network === network)?.code;

describe('transfer budget', () => {
  it.each([
    ['500', '1'],
    ['2000', '1'],
    ['2000.02', '1.00001'],
    ['10000', '5'],
  ])('amount $%s -> budget $%s (max of $1 and 0.05 %%)', (amount, budget) => {
    expect(transferBudgetUsd(d(amount), RULES).toFixed()).toBe(budget);
  });
});

describe('network rules', () => {
  it('ERC-20 is refused at $9,999.99 and allowed at $10,000 when it is the only option', () => {
    const only = [net('ERC20', '3')];
    const below = refused(planTransfer(request('9999.99', only, only)));
    expect(below.code).toBe('NO_ELIGIBLE_NETWORK');
    expect(below.rejected).toEqual([{ network: 'ERC20', code: 'LARGE_TRANSFERS_ONLY', reason: 'Ethereum only for transfers of $10000.00 or more; this is $9999.99' }]);
    const at = planned(planTransfer(request('10000', only, only)));
    expect(at.network).toBe('ERC20');
    expect(at.budgetUsd.toFixed()).toBe('5');
    expect(at.costUsd.toFixed()).toBe('3');
    expect(at.receives.toFixed()).toBe('9997');
  });

  it('ERC-20 at $10,000 wins when it is the cheapest network that passes', () => {
    const sender = [net('ERC20', '3'), net('AVAXC', '1.2'), net('TRC20', '6')];
    const r = planned(planTransfer(request('10000', sender, sender)));
    expect(r.network).toBe('ERC20');
    expect(codeOf(r, 'AVAXC')).toBe('FEE_NOT_UNDER_LIMIT');
    expect(codeOf(r, 'TRC20')).toBe('OVER_BUDGET');
  });

  it('skips a network disabled at the sender or at the receiver', () => {
    const sender = [net('TRC20', '1', { withdrawEnabled: false }), net('SOL', '0.5'), net('MATIC', '0.2')];
    const receiver = [net('TRC20', '0'), net('SOL', '0', { depositEnabled: false }), net('MATIC', '0')];
    const r = planned(planTransfer(request('1000', sender, receiver)));
    expect(r.network).toBe('MATIC');
    expect(codeOf(r, 'TRC20')).toBe('WITHDRAW_DISABLED');
    expect(codeOf(r, 'SOL')).toBe('DEPOSIT_DISABLED');
  });

  it('refuses below the network withdrawal minimum (and uses another network when there is one)', () => {
    const onlySol = [net('SOL', '0.5', { withdrawMin: d('1000') })];
    const r = refused(planTransfer(request('999.99', onlySol, onlySol)));
    expect(r.code).toBe('NO_ELIGIBLE_NETWORK');
    expect(r.rejected[0]).toEqual({ network: 'SOL', code: 'BELOW_NETWORK_MINIMUM', reason: '999.99 USDT is below the Solana withdrawal minimum of 1000' });
    const withTron = [...onlySol, net('TRC20', '1')];
    expect(planned(planTransfer(request('999.99', withTron, withTron))).network).toBe('TRC20');
    expect(planned(planTransfer(request('1000', onlySol, onlySol))).network).toBe('SOL');
  });

  it.each([
    ['1.2', 'refused'],
    ['1', 'refused'],
    ['0.99', 'allowed'],
    ['0.5', 'allowed'],
  ])('Avalanche with a live fee of $%s is %s', (fee, outcome) => {
    const only = [net('AVAXC', fee)];
    const r = planTransfer(request('3000', only, only));
    if (outcome === 'allowed') expect(planned(r).network).toBe('AVAXC');
    else expect(codeOf(refused(r), 'AVAXC')).toBe('FEE_NOT_UNDER_LIMIT');
  });

  it('refuses a network whose cost (fee + conversion slippage) is over budget', () => {
    const only = [net('TRC20', '1.5')];
    const r = refused(planTransfer(request('1000', only, only)));
    expect(r.rejected[0]!.reason).toBe('cost $1.50 (fee $1.50 + slippage $0.00) exceeds the budget of $1.00');
    const cheap = [net('TRC20', '0.8')];
    expect(planned(planTransfer(request('1000', cheap, cheap))).costUsd.toFixed()).toBe('0.8');
    const withSlip = refused(planTransfer(request('1000', cheap, cheap, { conversionSlippageUsd: d('0.3') })));
    expect(codeOf(withSlip, 'TRC20')).toBe('OVER_BUDGET');
    // exactly at the budget is allowed: the rule is "exceeds"
    expect(planned(planTransfer(request('1000', cheap, cheap, { conversionSlippageUsd: d('0.2') }))).costUsd.toFixed()).toBe('1');
  });

  it('values fees with the asset price (SOL transfer of 10 SOL at $150)', () => {
    const sol = [net('SOL', '0.002', { asset: 'SOL', withdrawMin: d('0.1') })];
    const r = planned(planTransfer(request('10', sol, sol, { asset: 'SOL', assetPriceUsd: d('150') })));
    expect(r.amountUsd.toFixed()).toBe('1500');
    expect(r.feeUsd.toFixed()).toBe('0.3');
  });

  it('rejects networks it cannot cost or does not know, and ones only the receiver has', () => {
    const sender = [net('TRC20', undefined), net('LIGHTNING', '0.1'), net('SOL', '0.5')];
    const receiver = [net('TRC20', '0'), net('LIGHTNING', '0'), net('SOL', '0'), net('BASE', '0')];
    const r = planned(planTransfer(request('1000', sender, receiver)));
    expect(r.network).toBe('SOL');
    expect(r.rejected.map((x) => [x.network, x.code])).toEqual([
      ['TRC20', 'FEE_UNKNOWN'],
      ['LIGHTNING', 'UNKNOWN_NETWORK'],
      ['BASE', 'NOT_AT_SENDER'],
    ]);
  });
});

describe('transfer refusals before any network is considered', () => {
  const both = [net('TRC20', '1')];
  it('never below the $500 minimum; $500 itself is allowed', () => {
    const r = refused(planTransfer(request('499.99', both, both)));
    expect(r).toMatchObject({ code: 'BELOW_TRANSFER_MINIMUM', reason: '$499.99 is below the $500.00 transfer minimum' });
    expect(planned(planTransfer(request('500', both, both))).network).toBe('TRC20');
  });
  it('refuses a transfer to the same exchange, bad amounts and prices, and no shared network', () => {
    expect(refused(planTransfer(request('1000', both, both, { to: { kind: 'exchange', exchange: 'binance' } }))).code).toBe('SAME_EXCHANGE');
    expect(refused(planTransfer(request('0', both, both))).code).toBe('INVALID_REQUEST');
    expect(refused(planTransfer(request('1000', both, both, { assetPriceUsd: d('0') }))).code).toBe('INVALID_REQUEST');
    const r = refused(planTransfer(request('1000', both, [net('SOL', '0')])));
    expect(r.code).toBe('NO_SHARED_NETWORK');
    expect(r.reason).toBe('binance and kraken share no network for USDT');
  });
});

describe('network choice: live cost, then time, then preference', () => {
  const all = (asset: string, fees: Record<string, string>) => Object.entries(fees).map(([n, f]) => net(n, f, { asset }));

  it('USDT binance -> kraken: Solana at $0.30 beats Tron at $1.00 (issue #14)', () => {
    const fees = { TRC20: '1', SOL: '0.3' };
    const r = planned(planTransfer(request('1000', all('USDT', fees), all('USDT', fees))));
    expect([r.network, r.feeUsd.toFixed(), r.alternatives]).toEqual(['SOL', '0.3', ['TRC20']]);
  });

  it('the cheapest network wins even on a preferred route (Kraken -> Binance USDT lists Tron, Solana)', () => {
    const fees = { BEP20: '0.1', MATIC: '0.3', SOL: '0.5', TRC20: '0.9' };
    const base = { from: 'kraken' as const, to: { kind: 'exchange' as const, exchange: 'binance' as const } };
    const r = planned(planTransfer(request('1000', all('USDT', fees), all('USDT', fees), base)));
    expect([r.network, r.preferredRoute, r.alternatives]).toEqual(['BEP20', false, ['MATIC', 'SOL', 'TRC20']]);
  });

  it('on equal cost the faster network wins; the venue\'s own time beats the catalogue\'s', () => {
    // networks.json: Tron 3 min, Solana 1 min, Polygon 5 min
    const fees = { TRC20: '0.5', SOL: '0.5', MATIC: '0.5' };
    expect(planned(planTransfer(request('1000', all('USDT', fees), all('USDT', fees)))).alternatives).toEqual(['TRC20', 'MATIC']);
    const catalogueOnly = planned(planTransfer(request('1000', all('USDT', fees), all('USDT', fees))));
    expect([catalogueOnly.network, catalogueOnly.arrivesInMinutes]).toEqual(['SOL', 1]);
    // The sender reports Solana congested (30 min) and Polygon fast (2 min).
    const live = [net('TRC20', '0.5'), net('SOL', '0.5', { expectedMinutes: 30 }), net('MATIC', '0.5', { expectedMinutes: 2 })];
    const r = planned(planTransfer(request('1000', live, all('USDT', fees))));
    expect([r.network, r.arrivesInMinutes, r.alternatives]).toEqual(['MATIC', 2, ['TRC20', 'SOL']]);
  });

  it('cost counts the conversion slippage too (the same for every network, so the fee decides)', () => {
    const fees = { TRC20: '0.6', SOL: '0.4' };
    const r = planned(planTransfer(request('1000', all('USDT', fees), all('USDT', fees), { conversionSlippageUsd: d('0.25') })));
    expect([r.network, r.costUsd.toFixed()]).toEqual(['SOL', '0.65']);
  });

  it('only on equal cost and time: the route\'s preferred networks, then preferenceRank', () => {
    const base = { asset: 'USDC', from: 'binance' as const, to: { kind: 'exchange' as const, exchange: 'coinbase' as const } };
    // Base and Solana both 1 min in networks.json; this route lists Solana first.
    const fees = { BASE: '0.2', SOL: '0.2' };
    const r = planned(planTransfer(request('2000', all('USDC', fees), all('USDC', fees), base)));
    expect([r.network, r.preferredRoute]).toEqual(['SOL', true]);
    // No route: Solana (rank 2) before Base (rank 3).
    const noRoute = planned(planTransfer(request('2000', all('USDC', fees), all('USDC', fees), { asset: 'USDC' })));
    expect([noRoute.network, noRoute.preferredRoute]).toEqual(['SOL', false]);
  });

  it('without a preferred route: fee, then typical minutes, then rank', () => {
    const catalogue = {
      networks: {
        A: { name: 'A', ccxtCode: 'A', preferenceRank: 1, typicalMinutes: 5, rule: 'preferred' as const },
        B: { name: 'B', ccxtCode: 'B', preferenceRank: 3, typicalMinutes: 1, rule: 'preferred' as const },
        C: { name: 'C', ccxtCode: 'C', preferenceRank: 2, typicalMinutes: 9, rule: 'preferred' as const },
        D: { name: 'D', ccxtCode: 'D', preferenceRank: 1, typicalMinutes: 1, rule: 'preferred' as const },
      },
      preferredRoutes: [],
    };
    const nets = [net('A', '0.2'), net('B', '0.2'), net('C', '0.1'), net('D', '0.2')];
    const r = planned(planTransfer(request('1000', nets, nets, { catalogue })));
    expect([r.network, ...r.alternatives]).toEqual(['C', 'D', 'B', 'A']);
  });

  it('plans to the cold wallet on the networks it accepts', () => {
    const sender = all('PAXG', { ERC20: '0.001', BEP20: '0.0001' }).map((n) => ({ ...n, withdrawMin: d('0.01') }));
    const wallet = all('PAXG', { ERC20: '0', BEP20: '0' });
    const r = planned(planTransfer(request('1', sender, wallet, { asset: 'PAXG', assetPriceUsd: d('2700'), to: { kind: 'cold-wallet' } })));
    expect(r.network).toBe('BEP20');
    expect(r.to).toEqual({ kind: 'cold-wallet' });
    expect(codeOf(r, 'ERC20')).toBe('LARGE_TRANSFERS_ONLY');
  });
});
