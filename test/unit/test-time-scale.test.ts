import { parseTimeScale, scaled, TEST_TIME_SCALE, waitUntil, eventuallyWithin, DEFAULT_TEST_TIME_SCALE } from '../helpers/wait';

describe('TEST_TIME_SCALE: one setting for every deadline of the suite', () => {
  it('defaults to a busy-laptop scale and refuses garbage with a clear error', () => {
    expect(parseTimeScale(undefined)).toBe(DEFAULT_TEST_TIME_SCALE);
    expect(parseTimeScale('')).toBe(DEFAULT_TEST_TIME_SCALE);
    expect(parseTimeScale('1.5')).toBe(1.5);
    for (const bad of ['fast', '-1', '0', '1e3', 'NaN', '1000']) expect(() => parseTimeScale(bad)).toThrow(/TEST_TIME_SCALE must be a number between 0\.1 and 100/);
  });

  it('scales a quiet-machine deadline', () => {
    expect(scaled(1000)).toBe(Math.round(1000 * TEST_TIME_SCALE));
  });

  it('returns the first truthy value a probe gives', async () => {
    let n = 0;
    await expect(waitUntil('the third poll', () => (++n >= 3 ? `poll ${n}` : undefined), 5000, 1)).resolves.toBe('poll 3');
  });

  it('names what it waited for and what it saw last when the deadline passes', async () => {
    let n = 0;
    const err = await waitUntil('a counter above a million', () => {
      n += 1;
      return n > 1_000_000 ? n : false;
    }, 20 / TEST_TIME_SCALE, 1).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^timed out after 20 ms \(TEST_TIME_SCALE=[\d.]+\) waiting for a counter above a million; last seen: false$/);
    const thrown = await waitUntil('a probe that throws', () => {
      throw new Error('socket refused');
    }, 20 / TEST_TIME_SCALE, 1).catch((e: Error) => e);
    expect((thrown as Error).message).toMatch(/waiting for a probe that throws; last seen: Error: socket refused$/);
  });

  it('keeps the last assertion error of an eventually, prefixed with what was awaited', async () => {
    const err = await eventuallyWithin('the mode to be BTC', () => expect('GOLD').toBe('BTC'), 20 / TEST_TIME_SCALE, 1).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^timed out after 20 ms .* waiting for the mode to be BTC; last seen:\n[\s\S]*Expected: "BTC"[\s\S]*Received: "GOLD"/);
  });
});
