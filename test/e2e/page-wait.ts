import type { Page } from 'playwright-core';
import { scaled, TEST_TIME_SCALE } from '../helpers/wait';

/**
 * `page.waitForFunction` with a deadline scaled by TEST_TIME_SCALE and a failure that names what
 * was awaited (the predicate's source) and what the page showed last.
 */
// The predicates run in the page; Node's types have no DOM.
declare const document: { body: { innerText: string } | null };

export async function pageWait<A>(page: Page, predicate: (arg: A) => unknown, arg: A, baseMs: number): Promise<void> {
  const timeout = scaled(baseMs);
  try {
    await page.waitForFunction(predicate as (arg: unknown) => unknown, arg, { timeout });
  } catch (err) {
    const shown = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '(page not readable)');
    throw new Error(`timed out after ${timeout} ms (TEST_TIME_SCALE=${TEST_TIME_SCALE}) waiting for ${predicate.toString()} (arg ${JSON.stringify(arg)}); ` +
      `the page showed last:\n${shown.slice(0, 1500)}\n(${(err as Error).message.split('\n')[0]})`);
  }
}
