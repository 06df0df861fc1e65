/**
 * Time in Tributary is an integer count of microseconds since the Unix epoch, UTC. In simulation it is virtual (the
 * scheduler jumps from event to event); live it is the wall clock. Domain code reads time only through a `Clock`.
 */
export interface Clock {
  /** Microseconds since 1970-01-01T00:00:00Z. */
  now(): number;
}

export const MICROS_PER_MILLI = 1_000;
export const MICROS_PER_SECOND = 1_000_000;

/** Parses an ISO-8601 UTC timestamp ("2024-03-01T14:30:00Z") to microseconds; NaN when it is not one. */
export function isoToMicros(iso: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) return Number.NaN;
  const fraction = /\.(\d{1,6})/.exec(iso)?.[1] ?? "";
  const millis = Date.parse(iso.replace(/\.\d+/, ""));
  return millis * MICROS_PER_MILLI + Number(fraction.padEnd(6, "0"));
}

export function microsToIso(micros: number): string {
  const millis = Math.floor(micros / MICROS_PER_MILLI);
  const sub = String(micros - millis * MICROS_PER_MILLI).padStart(3, "0");
  return new Date(millis).toISOString().replace("Z", `${sub}Z`);
}
