/**
 * The end-of-day report of a live session: what happened to the session's client orders, per source, once the close
 * has passed (day orders expire at the close with an execution report each; the executor cancels its child orders).
 * Orders still open then (FIX orders without an end time) are counted as such, not cancelled. Orders the engine has
 * released from memory count from its per-source tallies of them (engine/order-release.ts).
 */
import type { Engine } from "../engine/engine.js";

export interface SourceDay {
  accepted: number;
  filled: number;
  partiallyFilled: number;
  expired: number;
  canceled: number;
  open: number;
}

export function endOfDayReport(engine: Engine): Record<string, SourceDay> {
  const bySource: Record<string, SourceDay> = {};
  const dayOf = (source: string): SourceDay => {
    let day = bySource[source];
    if (day === undefined) {
      day = { accepted: 0, filled: 0, partiallyFilled: 0, expired: 0, canceled: 0, open: 0 };
      bySource[source] = day;
    }
    return day;
  };
  for (const [source, released] of engine.releasedCounts()) {
    const day = dayOf(source);
    day.accepted += released.filled + released.canceled + released.expired;
    day.filled += released.filled;
    day.canceled += released.canceled;
    day.expired += released.expired;
    day.partiallyFilled += released.partiallyFilled;
  }
  for (const order of engine.orders) {
    const day = dayOf(order.source);
    day.accepted++;
    if (order.done === "filled") day.filled++;
    else if (order.done === null) day.open++;
    else {
      if (order.done === "expired") day.expired++;
      else day.canceled++;
      if (order.cumQty > 0) day.partiallyFilled++;
    }
  }
  return bySource;
}
