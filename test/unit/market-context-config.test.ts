import { settingsSchema } from '../../config/schemas';
import { scannerConfigFromSettings } from '../../hotpath/scanner';
import { shippedSettings, type RawSettings } from './scanner-script';

describe('settings.marketContext', () => {
  it('ships the documented defaults: a settings file without the section parses to the same values', () => {
    let raw: RawSettings | undefined;
    const shipped = shippedSettings((r) => {
      raw = JSON.parse(JSON.stringify(r)) as RawSettings;
    });
    const { marketContext: _dropped, ...without } = raw!;
    const defaulted = settingsSchema.parse(without);
    expect(JSON.parse(JSON.stringify(defaulted.marketContext))).toEqual(JSON.parse(JSON.stringify(shipped.marketContext)));
  });

  it('maps careful to a higher threshold and depth multiple than normal and aggressive, inside the Q-bot bounds', () => {
    const s = shippedSettings();
    const { levels } = s.marketContext;
    expect([levels.aggressive, levels.normal, levels.careful].map((l) => [l.thresholdPercent.toFixed(), l.depthMultiple.toFixed()]))
      .toEqual([['0.4', '2.5'], ['0.5', '2.5'], ['0.8', '4']]);
    // normal is the baseline: a Q-bot without a scanner behaves like one with a normal context
    expect(levels.normal.thresholdPercent.eq(s.qbot.netThresholdPercent.baseline)).toBe(true);
    expect(levels.normal.depthMultiple.eq(s.qbot.depthCheck.defaultMultiple)).toBe(true);
    const cfg = scannerConfigFromSettings(s);
    expect(cfg.policy.highRangeRatio.eq(s.qbot.volatility.highRangeRatio)).toBe(true);
    expect(cfg.valueAreaFraction.toFixed()).toBe('0.7');
    expect(cfg.cvdMinMoveFraction.toFixed()).toBe('0.001');
  });

  it('rejects a typo, a float where a decimal string belongs, and a bad enum, naming the key', () => {
    const bad = (edit: (m: Record<string, unknown>) => void) => {
      let issues: string[] = [];
      try {
        shippedSettings((r) => edit(r.marketContext));
      } catch (err) {
        issues = (err as { issues: Array<{ path: PropertyKey[] }> }).issues.map((i) => i.path.map(String).join('.'));
      }
      return issues;
    };
    expect(bad((m) => (m.whaleMultple = '10'))).toEqual(['marketContext']);
    expect(bad((m) => (m.whaleMultiple = 10))).toEqual(['marketContext.whaleMultiple']);
    expect(bad((m) => ((m.levels as Record<string, Record<string, unknown>>).careful!.thresholdPercent = '-1'))).toEqual(['marketContext.levels.careful.thresholdPercent']);
    expect(bad((m) => ((m.daily as Record<string, unknown>).source = 'ftp'))).toEqual(['marketContext.daily.source']);
  });
});
