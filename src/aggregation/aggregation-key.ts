/**
 * Which working orders may share a parent: same instrument, same side, same intent (explicit strategy or urgency
 * bucket) and same time window, with start and end times rounded to a grain (default 5 minutes: the start down, the
 * end down too, so a parent never works past any constituent's own end bucket). Limit prices are NOT in the key:
 * a parent carries a ladder of limits. Allowing internal crossing and the participation cap are not in the key either
 * (crossing is decided per order; the parent's cap is the smallest of its orders').
 */
import type { ClientOrderTerms, Intent } from "../model/client-order.js";

export const DEFAULT_WINDOW_GRAIN_MICROS = 5 * 60 * 1_000_000;

export function aggregationKey(terms: ClientOrderTerms, intent: Intent, grainMicros: number): string {
  const base = `${terms.symbol}|${terms.side}|${intent}`;
  if (terms.startTime === null && terms.endTime === null) return base;
  const start = terms.startTime === null ? "" : String(windowBucket(terms.startTime, grainMicros));
  const end = terms.endTime === null ? "" : String(windowBucket(terms.endTime, grainMicros));
  return `${base}|${start}-${end}`;
}

/** The grain a start or end time falls in (times are >= 0, so buckets are too), or -1 for no time. */
export function windowBucket(time: number | null, grainMicros: number): number {
  return time === null ? -1 : Math.floor(time / grainMicros);
}
