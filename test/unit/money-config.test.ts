import * as fs from 'node:fs';
import * as path from 'node:path';
import { settingsSchema } from '../../config/schemas';

const raw = () => JSON.parse(fs.readFileSync(path.join(__dirname, '../../config/settings.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const issues = (edit: (r: Record<string, Record<string, unknown>>) => void) => {
  const r = raw();
  edit(r);
  const parsed = settingsSchema.safeParse(r);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.map(String).join('.'));
};

describe('money manager and transfer settings (issue #14)', () => {
  it('ships: stablecoin transfers only, no weights (equal over listing venues), $50 BNB top-up cap, 0.5 % a year', () => {
    const s = settingsSchema.parse(raw());
    expect(s.moneyManager.transferAssets).toEqual(['USDT', 'USDC']);
    expect(s.moneyManager.targetWeights).toEqual({});
    expect(s.moneyManager.bnbReserve.topUpMaxUsd.toFixed()).toBe('50');
    expect(s.transfers.yearlyCostBudgetPercentOfCapital.toFixed()).toBe('0.5');
  });

  it('an older file without the new keys gets the same defaults', () => {
    const r = raw();
    delete r.moneyManager!.transferAssets;
    delete r.moneyManager!.targetWeights;
    delete (r.moneyManager!.bnbReserve as Record<string, unknown>).topUpMaxUsd;
    delete r.transfers!.yearlyCostBudgetPercentOfCapital;
    const s = settingsSchema.parse(r);
    expect([s.moneyManager.transferAssets, s.moneyManager.bnbReserve.topUpMaxUsd.toFixed(), s.transfers.yearlyCostBudgetPercentOfCapital.toFixed()]).toEqual([['USDT', 'USDC'], '50', '0.5']);
  });

  it('parses weights as Decimals and refuses floats, unknown venues and bad asset codes, naming the key', () => {
    const r = raw();
    r.moneyManager!.targetWeights = { USD: { kraken: '2', coinbase: '1' } };
    expect(settingsSchema.parse(r).moneyManager.targetWeights.USD!.kraken!.toFixed()).toBe('2');
    expect(issues((x) => (x.moneyManager!.targetWeights = { USD: { kraken: 2 } }))).toEqual(['moneyManager.targetWeights.USD.kraken']);
    expect(issues((x) => (x.moneyManager!.targetWeights = { USD: { bitstamp: '1' } }))).toEqual(['moneyManager.targetWeights.USD']);
    expect(issues((x) => (x.moneyManager!.transferAssets = ['usdt']))).toEqual(['moneyManager.transferAssets.0']);
    expect(issues((x) => (x.transfers!.yearlyCostBudgetPercentOfCapital = 0.5))).toEqual(['transfers.yearlyCostBudgetPercentOfCapital']);
  });
});
