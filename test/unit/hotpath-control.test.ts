import { ApplicationFailure } from '@temporalio/activity';
import { HotpathControl } from '../../hotpath/control';

describe('HotpathControl', () => {
  let t = 1_764_000_000_000;
  const control = () => new HotpathControl({ now: () => t });

  it('applies a split once per flip, keeps it as Decimal and reports it as strings', async () => {
    const c = control();
    const seen: string[] = [];
    c.onChange((s) => seen.push(`${s.mode}:${s.allocationPercent?.qbot}`));
    const acts = c.activities();
    const first = await acts.applyAllocation({ mode: 'BTC', allocationPercent: { qbot: '85', abot: '15', gbot: '0' }, flipId: 'f1' });
    expect(first.applied).toBe(true);
    t += 1000;
    const again = await acts.applyAllocation({ mode: 'BTC', allocationPercent: { qbot: '85', abot: '15', gbot: '0' }, flipId: 'f1' });
    expect(again.applied).toBe(false);
    expect(c.allocation()?.percent.qbot.toFixed()).toBe('85');
    expect(await acts.hotpathSnapshot()).toEqual({
      mode: 'BTC', allocationPercent: { qbot: '85', abot: '15', gbot: '0' }, paused: false, pausedReason: null,
      lastFlipId: 'f1', allocationsApplied: 1, updatedAt: new Date(1_764_000_000_000).toISOString(),
    });
    expect(seen).toEqual(['BTC:85']);
  });

  it('refuses a malformed or unbalanced split for good (non-retryable), changing nothing', () => {
    const c = control();
    const bad = (req: unknown) => {
      try {
        c.applyAllocation(req as never);
        return 'applied';
      } catch (err) {
        expect(err).toBeInstanceOf(ApplicationFailure);
        expect((err as ApplicationFailure).nonRetryable).toBe(true);
        return (err as Error).message;
      }
    };
    expect(bad({ mode: 'BTC', allocationPercent: { qbot: 85, abot: '15', gbot: '0' }, flipId: 'x' })).toMatch(/invalid allocation: allocationPercent.qbot/);
    expect(bad({ mode: 'BTC', allocationPercent: { qbot: '80', abot: '15', gbot: '0' }, flipId: 'x' })).toBe('invalid allocation: percents add up to 95, not 100');
    expect(bad({ mode: 'SILVER', allocationPercent: { qbot: '85', abot: '15', gbot: '0' }, flipId: 'x' })).toMatch(/mode/);
    expect(c.snapshot().allocationsApplied).toBe(0);
  });

  it('pauses and resumes with a reason', async () => {
    const acts = control().activities();
    expect(await acts.pauseHotpath({ reason: 'operator' })).toMatchObject({ paused: true, pausedReason: 'operator' });
    expect(await acts.resumeHotpath()).toMatchObject({ paused: false, pausedReason: null });
  });
});
