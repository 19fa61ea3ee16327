import type { Slot } from './slots';

/** A slot as operators see it (the `slots` query): times as ISO strings. */
export function slotView(slot: Slot, index: number) {
  if (!slot) return { slot: index + 1, coin: null };
  const st = slot.stake;
  return {
    slot: index + 1, coin: slot.coin, exchange: slot.exchange, amount: slot.amount, costUsd: slot.costUsd, seatWarmer: slot.seatWarmer,
    closing: slot.closing ?? false,
    staked: st ? { productId: st.productId, amount: st.amount, apy: st.apy ?? '', since: new Date(st.since).toISOString() } : null,
  };
}
