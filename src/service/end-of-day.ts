/**
 * The end-of-day report of a live session: what happened to the session's client orders, per source, once the close
 * has passed (day orders expire at the close with an execution report each; the executor cancels its child orders).
 * Orders still open then (FIX orders without an end time) are counted as such, not cancelled.
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
  for (const order of engine.orders) {
    let day = bySource[order.source];
    if (day === undefined) {
      day = { accepted: 0, filled: 0, partiallyFilled: 0, expired: 0, canceled: 0, open: 0 };
      bySource[order.source] = day;
    }
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
