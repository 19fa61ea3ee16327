import { Decimal } from '../../domain/money/decimal';
import { addGold, averageCost, flipSplit, goldBudgetUsd, NO_GOLD, removeGold } from '../../domain/gbot';

const D = (s: string) => new Decimal(s);

describe('G-bot gold position', () => {
  it('average cost over several buys', () => {
    let lot = addGold(NO_GOLD, D('1'), D('2600'));
    lot = addGold(lot, D('0.5'), D('1350'));
    expect(lot.amount.toFixed()).toBe('1.5');
    expect(averageCost(lot).toFixed(6)).toBe('2633.333333');
  });
  it('removing at average cost keeps the average of the rest', () => {
    const lot = addGold(NO_GOLD, D('2'), D('5000'));
    const { remaining, removedCostUsd } = removeGold(lot, D('1.7'));
    expect(removedCostUsd.toFixed()).toBe('4250');
    expect(remaining.amount.toFixed()).toBe('0.3');
    expect(averageCost(remaining).toFixed()).toBe('2500');
    expect(removeGold(lot, D('2')).remaining).toBe(NO_GOLD);
    expect(() => removeGold(lot, D('2.1'))).toThrow(/cannot remove/);
  });
  it('flip to BTC: 85 % sold (down to the step), the rest kept', () => {
    expect(flipSplit(D('2'), D('85'))).toEqual({ sell: D('1.7'), keep: D('0.3') });
    const s = flipSplit(D('1.2345'), D('85'), D('0.001'));
    expect(s.sell.toFixed()).toBe('1.049'); // 1.049325 rounded down
    expect(s.keep.toFixed()).toBe('0.1855');
    expect(s.keep.gte(D('1.2345').times('0.15'))).toBe(true);
    expect(flipSplit(D('0'), D('85'))).toEqual({ sell: D('0'), keep: D('0') });
  });
  it('buys only what is missing from its share', () => {
    expect(goldBudgetUsd(D('9000'), D('85'), D('0')).toFixed()).toBe('7650');
    expect(goldBudgetUsd(D('9000'), D('85'), D('7000')).toFixed()).toBe('650');
    expect(goldBudgetUsd(D('9000'), D('85'), D('8000')).toFixed()).toBe('0');
  });
});
