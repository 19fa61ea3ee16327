import { ApplicationFailure } from '@temporalio/activity';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HotpathControl } from '../../hotpath/control';
import { RuntimeGates } from '../../hotpath/runtime-gates';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import { loadConfig } from '../../config/loader';
import { Decimal } from '../../domain/money/decimal';
import { StateStore } from '../../adapters/persistence/state-sqlite';

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
      lastFlipId: 'f1', allocationsApplied: 1, updatedAt: new Date(1_764_000_000_000).toISOString(), killSwitch: null,
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

describe('HotpathControl over a durable store (a restart keeps the pause and the kill switch)', () => {
  const now = () => 1_764_000_000_000;
  const cfg = qbotConfigFrom(loadConfig({ env: {} }));
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-control-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** One "process lifetime": a fresh store handle, control and gates over the same file. */
  const life = () => {
    const store = StateStore.open({ file: path.join(dir, 'state.sqlite') });
    const control = new HotpathControl({ now }, store);
    const gates = new RuntimeGates(cfg, now, () => (control.isPaused() ? control.snapshot().pausedReason : null), control);
    return { store, control, gates };
  };

  it('a paused hot path is still paused after a restart; resume clears it for the next restart too', () => {
    const a = life();
    a.control.pause('operator: binance looks wrong');
    a.store.close();
    const b = life();
    expect(b.control.isPaused()).toBe(true);
    expect(b.control.snapshot()).toMatchObject({ paused: true, pausedReason: 'operator: binance looks wrong' });
    expect(b.gates.check('cross', {}, false)?.code).toBe('PAUSED');
    b.control.resume();
    b.store.close();
    const c = life();
    expect(c.control.isPaused()).toBe(false);
    expect(c.gates.check('cross', {}, false)).toBeUndefined();
    c.store.close();
  });

  it('a tripped kill switch is still tripped after a restart; resume clears it', () => {
    const a = life();
    for (let i = 0; i < cfg.killSwitch.maxConsecutiveFailures; i += 1) a.gates.recordOutcome(false, new Decimal(0));
    expect(a.gates.check('cross', {}, false)?.code).toBe('KILL_SWITCH');
    a.store.close();
    const b = life();
    expect(b.gates.check('cross', {}, false)?.message).toMatch(/^KILL_SWITCH: cause=consecutive failures/);
    expect(b.control.snapshot().killSwitch).toMatchObject({ reason: expect.stringMatching(/consecutive failures/) as string, at: new Date(now()).toISOString() });
    b.control.resume();
    expect(b.gates.check('cross', {}, false)).toBeUndefined();
    expect(b.control.snapshot().killSwitch).toBeNull();
    b.store.close();
    const c = life();
    expect(c.gates.check('cross', {}, false)).toBeUndefined();
    c.store.close();
  });
});
