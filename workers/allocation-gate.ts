import type { HotpathControl } from '../hotpath/control';

/**
 * The Q-bot's view of the control surface while it depends on Temporal: paused (with the reason)
 * until the mode's allocation has been applied once, so it never sizes a trade with a guessed split.
 */
export function gateOnAllocation(control: HotpathControl): HotpathControl {
  return new Proxy(control, {
    get(target, prop, receiver) {
      if (prop === 'isPaused') return () => target.allocation() === null || target.isPaused();
      if (prop === 'snapshot') {
        return () => {
          const snap = target.snapshot();
          return target.allocation() === null ? { ...snap, paused: true, pausedReason: snap.pausedReason ?? 'waiting for the allocation from the mode workflow' } : snap;
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
