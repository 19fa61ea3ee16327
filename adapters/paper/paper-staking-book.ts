import type { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { rejected, type Rejected } from '../../ports/outcomes';
import type { StakeConfirmed } from '../../ports/staking';
import type { StateStore } from '../persistence/state-sqlite';
import { stakeOutcomeRow, stakingPositionRow, unbondingRow } from './paper-durable';

/** A staking position; `accruedTo` is the time its rewards were last brought up to date. */
export interface StakePosition {
  amount: Decimal;
  rewards: Decimal;
  accruedTo: number;
}

export interface Unbonding {
  asset: string;
  amount: Decimal;
  availableAt: number;
}

/**
 * Where one paper venue's staking state lives: positions by product, the coins unbonding, and the
 * outcome of every key used. `atomically` runs a read-modify-write that no other writer interleaves.
 */
export interface PaperStakingBook {
  positions(): Array<[string, StakePosition]>;
  position(productId: string): StakePosition | undefined;
  setPosition(productId: string, p: StakePosition): void;
  unbonding(): Unbonding[];
  setUnbonding(list: Unbonding[]): void;
  outcome(key: string): StakeConfirmed | Rejected | undefined;
  setOutcome(key: string, o: StakeConfirmed | Rejected): void;
  atomically<T>(fn: () => T): T;
}

/** One process's staking, gone with it. */
export function memoryStakingBook(): PaperStakingBook {
  const positions = new Map<string, StakePosition>();
  let unbonding: Unbonding[] = [];
  const outcomes = new Map<string, StakeConfirmed | Rejected>();
  return {
    positions: () => [...positions].map(([id, p]) => [id, { ...p }]),
    position: (id) => { const p = positions.get(id); return p && { ...p }; },
    setPosition: (id, p) => { positions.set(id, { ...p }); },
    unbonding: () => unbonding.map((u) => ({ ...u })),
    setUnbonding: (list) => { unbonding = list.map((u) => ({ ...u })); },
    outcome: (key) => outcomes.get(key),
    setOutcome: (key, o) => { outcomes.set(key, o); },
    atomically: (fn) => fn(),
  };
}

/**
 * Staking kept in state.sqlite (scope `paper-staking:<exchange>`) and shared by every process on
 * the file: each question reads the file (never a copy loaded at start) and each change is one
 * BEGIN IMMEDIATE read-modify-write, with the wallet on the same store joining it, so of two
 * orchestrators neither writes a stale copy over the other's stake, and a key staked by one is
 * answered, not staked again, by the other. The row shapes are the ones earlier versions wrote.
 */
export function storeStakingBook(store: StateStore, exchange: string): PaperStakingBook {
  const scope = `paper-staking:${exchange}`;
  const positionsScope = `${scope}:positions`;
  const keysScope = `${scope}:keys`;
  const s = formatDecimal;
  return {
    positions: () => store.all(positionsScope, stakingPositionRow),
    position: (id) => store.get(positionsScope, id, stakingPositionRow),
    setPosition: (id, p) => store.set(positionsScope, id, { amount: s(p.amount), rewards: s(p.rewards), accruedTo: p.accruedTo }),
    unbonding: () => store.get(scope, 'unbonding', unbondingRow) ?? [],
    setUnbonding: (list) => store.set(scope, 'unbonding', list.map((u) => ({ asset: u.asset, amount: s(u.amount), availableAt: u.availableAt }))),
    outcome: (key) => {
      const row = store.get(keysScope, key, stakeOutcomeRow);
      if (!row) return undefined;
      return row.status === 'rejected' ? rejected(row.code as Rejected['code'], row.reason, row.retryable) : { ...row };
    },
    setOutcome: (key, o) => store.set(keysScope, key, o.status === 'rejected'
      ? { status: 'rejected', code: o.code, reason: o.reason, retryable: o.retryable }
      : { ...o, amount: s(o.amount), ...(o.rewardsPaid ? { rewardsPaid: s(o.rewardsPaid) } : {}) }),
    atomically: (fn) => store.immediate(fn),
  };
}
