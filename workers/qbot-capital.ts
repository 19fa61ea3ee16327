import type { AppConfig } from '../config';
import type { Decimal } from '../domain/money/decimal';
import type { Budgets, ConsumerId } from '../domain/capital';
import type { OrderRequest } from '../ports/trading';

// The hot path's side of the capital guard's wiring, apart from the orchestrator's (workers/capital.ts),
// so the hot path process does not load the Temporal activity SDK and the bots' activities for it.

/** The guard's settings from config (capital.*). */
export function guardSettings(config: AppConfig): { reservationTtlMs: number; balanceMaxAgeMs: number; budgetSlackPercent: Decimal } {
  const c = config.settings.capital;
  return { reservationTtlMs: c.reservationTtlMs, balanceMaxAgeMs: c.balanceMaxAgeMs, budgetSlackPercent: c.budgetSlackPercent };
}

/**
 * Which of the Q-bot's two consumers an order belongs to, from the executor's client order ids:
 * `<attempt>-buy|-sell` are cross legs, `<attempt>-legN` triangular legs; a single-leg correction
 * (`<attempt>-unwind|-hedge`) belongs to the attempt it corrects. Unknown ids count as cross.
 */
export function qbotConsumerOf(): (req: OrderRequest) => ConsumerId {
  const attempts = new Map<string, ConsumerId>();
  return (req) => {
    const id = req.clientOrderId ?? '';
    const known = req.correlationId ? attempts.get(req.correlationId) : undefined;
    const consumer: ConsumerId = /-leg\d+$/.test(id) ? 'qbot-tri' : /-(buy|sell)$/.test(id) ? 'qbot-cross' : known ?? 'qbot-cross';
    if (req.correlationId && !known) {
      attempts.set(req.correlationId, consumer);
      // Only recent attempts can still send a correction: keep the map small.
      if (attempts.size > 1000) attempts.delete(attempts.keys().next().value as string);
    }
    return consumer;
  };
}

/**
 * A Q-bot order whose capital is already counted by its attempt's first order: a cross sell is the
 * other half of the same trade (its buy carries the budget check), triangle legs 2..n spend the
 * proceeds of leg 1, a correction undoes a leg.
 */
export function qbotContinuesAttempt(req: OrderRequest): boolean {
  return !/-(buy|leg1)$/.test(req.clientOrderId ?? '');
}

/**
 * The hot path's budgets: the Q-bot's own cross/triangular capital (what it sizes trades on).
 * Synchronous, so the guard checks and reserves in the decision's own step.
 */
export function qbotBudgets(capital: () => { cross: Decimal; triangular: Decimal }): () => Budgets {
  return () => {
    const c = capital();
    return { 'qbot-cross': c.cross, 'qbot-tri': c.triangular, abot: null, gbot: null, money: null, sweep: null };
  };
}
