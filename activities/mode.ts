import type { Ledger } from '../ports/ledger';
import type { Clock } from '../ports/clock';
import type { BotName, TradingMode } from '../domain/allocation';

/**
 * Activities of the mode lifecycle, made over ports so the worker decides what they touch.
 * Each write carries an idempotency key derived from the flip: a retried activity (worker crash
 * after the write, before the completion reached Temporal) never records twice.
 */

export interface ModeActivityLogger {
  info(obj: object, msg: string): void;
}

export interface ModeActivityDeps {
  ledger: Ledger;
  clock: Clock;
  logger?: ModeActivityLogger;
  /**
   * Hands the transition to the bot's own workflow (signal-with-start; see activities/bot-signals).
   * Absent where no bot workflows run (the bots' activities need venues): then the transition is
   * only recorded.
   */
  onBotTransition?: (t: BotTransitionInput) => Promise<unknown>;
}

export interface BotTransitionInput {
  flipId: string;
  mode: TradingMode;
  bot: BotName;
  state: 'active' | 'inactive';
  percent: string;
}

export interface ModeFlipInput {
  flipId: string;
  from: TradingMode;
  to: TradingMode;
  reason: string;
  source: 'tradingview' | 'operator';
  firedAt: string;
  allocationPercent: Record<BotName, string>;
}

/** `recorded: false` means the same write had already been made by an earlier attempt. */
export interface RecordResult {
  recorded: boolean;
}

export function createModeActivities(deps: ModeActivityDeps) {
  return {
    /**
     * Writes the transition to the ledger (as a decision), then hands it to the bot's workflow when
     * one is wired. Bots ignore a flip id they have seen, so a retried activity changes nothing.
     */
    async recordBotTransition(input: BotTransitionInput): Promise<RecordResult> {
      const recorded = deps.ledger.append([
        {
          kind: 'decision',
          at: deps.clock.now(),
          correlationId: input.flipId,
          idempotencyKey: `bot-transition:${input.flipId}:${input.bot}`,
          details: { what: 'bot-transition', bot: input.bot, state: input.state, percent: input.percent, mode: input.mode },
        },
      ]);
      deps.logger?.info({ ...input, recorded }, `${input.bot} ${input.state} (${input.percent} %) for ${input.mode} mode`);
      if (deps.onBotTransition) await deps.onBotTransition(input);
      return { recorded };
    },

    async recordModeFlip(input: ModeFlipInput): Promise<RecordResult> {
      const recorded = deps.ledger.append([
        {
          kind: 'mode-flip',
          at: deps.clock.now(),
          correlationId: input.flipId,
          idempotencyKey: `mode-flip:${input.flipId}`,
          details: {
            from: input.from,
            to: input.to,
            reason: input.reason,
            source: input.source,
            firedAt: input.firedAt,
            allocationPercent: input.allocationPercent,
          },
        },
      ]);
      deps.logger?.info({ ...input, recorded }, `mode flip ${input.from} -> ${input.to} recorded`);
      return { recorded };
    },
  };
}

export type ModeActivities = ReturnType<typeof createModeActivities>;
