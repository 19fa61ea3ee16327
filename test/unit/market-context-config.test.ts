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

  it('maps strength over the Q-bot ranges, reaching the top at four caution units', () => {
    const s = shippedSettings();
    expect(s.marketContext.strength).toEqual({ fullCautionSignals: 4 });
    const cfg = scannerConfigFromSettings(s);
    expect(cfg.policy.strength.fullCautionSignals).toBe(4);
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
    expect(bad((m) => ((m.strength as Record<string, unknown>).fullCautionSignals = 0))).toEqual(['marketContext.strength.fullCautionSignals']);
    // the fixed levels are gone: a file that still has them is told so, not silently ignored
    expect(bad((m) => (m.levels = {}))).toEqual(['marketContext']);
    expect(bad((m) => ((m.daily as Record<string, unknown>).source = 'ftp'))).toEqual(['marketContext.daily.source']);
  });
});
