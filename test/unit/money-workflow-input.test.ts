import { loadConfig } from '../../config';
import { Decimal } from '../../domain/money/decimal';
import { moneyWorkflowInput } from '../../workers/money';

describe('the money workflow input from config (issue #14 keys reach the workflow)', () => {
  it('passes transferAssets, targetWeights, the BNB top-up cap and rule 25 as decimal strings', () => {
    const cfg = loadConfig({ env: { LATENCY_MODE: 'laptop', LOG_LEVEL: 'silent' } });
    const input = moneyWorkflowInput(cfg);
    expect(input.transferAssets).toEqual(['USDT', 'USDC']);
    expect(input.targetWeights).toEqual({});
    expect(input.bnbReserve).toEqual({ minimumUsd: '25', daysOfFeeSpend: 14, topUpMaxUsd: '50' });
    expect(input.costRule).toEqual({ targetAverageUsd: '1', yearlyPercentOfCapital: '0.5' });
  });

  it('turns configured weights into decimal strings per exchange', () => {
    const cfg = loadConfig({ env: { LATENCY_MODE: 'laptop', LOG_LEVEL: 'silent' } });
    const withWeights = { ...cfg, settings: { ...cfg.settings, moneyManager: { ...cfg.settings.moneyManager, targetWeights: { USD: { kraken: new Decimal('3'), coinbase: new Decimal('1') } } } } };
    expect(moneyWorkflowInput(withWeights).targetWeights).toEqual({ USD: { kraken: '3', coinbase: '1' } });
  });
});
