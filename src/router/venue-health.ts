/**
 * A circuit breaker per venue, so the router routes around a venue that rejects, times out or disconnects and tries
 * it again only after a backoff.
 *
 * States (Nygard's circuit breaker):
 * - healthy: the router may send. Rejects and timeouts are remembered for `windowMicros`; the `failuresToTrip`-th
 *   within one window trips the venue; a disconnect trips it at once.
 * - tripped: the router must not send until `retryAt = trip time + backoff`. Failures and successes reported while
 *   tripped are answers to children sent before the trip: they are counted but move neither the state nor the timer.
 * - half-open: tripped and `now >= retryAt`; the router may probe. A success (an ack or a fill) closes the breaker
 *   (healthy, history and backoff reset); any failure trips it again with the backoff doubled, capped at
 *   `maxBackoffMicros`. A venue that closes starts its next trip at `baseBackoffMicros` again.
 * - disconnected: a disconnect trips the venue and it stays unavailable, whatever the time, until `onReconnect`
 *   (a venue reached over a connection, such as FIX, logged on again); then it is tripped or half-open as the backoff
 *   says, so the first child after a reconnect is a probe, sent no sooner than the backoff allows.
 *
 * Invariants: times are µs from the caller's clock and do not go backwards per venue; base <= backoff <= max. Pure and
 * deterministic: no timers, no wall clock, `half-open` is derived from `now` rather than scheduled.
 * Limits: an answer is not tied to the child it answers, so a late reject of a pre-trip child arriving after `retryAt`
 * counts as a failed probe; a half-open venue admits any number of probes (the caller decides how many to send).
 */
import { InvariantError } from "../core/errors.js";

export interface VenueHealthOptions {
  /** Rejects or timeouts within `windowMicros` that trip a healthy venue; default 3. */
  readonly failuresToTrip?: number;
  /** µs; default 60 s. */
  readonly windowMicros?: number;
  /** The first backoff after a trip, µs; default 1 s. */
  readonly baseBackoffMicros?: number;
  /** The longest backoff, µs; default 60 s. */
  readonly maxBackoffMicros?: number;
}

export type VenueFailure = "reject" | "timeout" | "disconnect";

export type VenueStatus = "healthy" | "tripped" | "half-open" | "disconnected";

export interface VenueHealthState {
  readonly status: VenueStatus;
  /** Failures (of any kind) within the window ending now. */
  readonly failures: number;
  /** When a tripped venue may be probed, µs; null while healthy. */
  readonly retryAt: number | null;
  /** The backoff of the current trip, or of the next one while healthy, µs. */
  readonly backoffMicros: number;
}

const SECOND = 1_000_000;

interface VenueRecord {
  /** Times of recent failures, oldest first; entries older than the window are dropped as new ones arrive. */
  readonly failureTimes: number[];
  /** Null while healthy. */
  retryAt: number | null;
  backoffMicros: number;
  /** False from a disconnect to the reconnect. */
  connected: boolean;
}

export class VenueHealth {
  private readonly failuresToTrip: number;
  private readonly windowMicros: number;
  private readonly baseBackoffMicros: number;
  private readonly maxBackoffMicros: number;
  private readonly venues = new Map<string, VenueRecord>();

  constructor(options: VenueHealthOptions = {}) {
    this.failuresToTrip = options.failuresToTrip ?? 3;
    this.windowMicros = options.windowMicros ?? 60 * SECOND;
    this.baseBackoffMicros = options.baseBackoffMicros ?? SECOND;
    this.maxBackoffMicros = options.maxBackoffMicros ?? 60 * SECOND;
    positiveWhole("failuresToTrip", this.failuresToTrip);
    positiveWhole("windowMicros", this.windowMicros);
    positiveWhole("baseBackoffMicros", this.baseBackoffMicros);
    positiveWhole("maxBackoffMicros", this.maxBackoffMicros);
    if (this.maxBackoffMicros < this.baseBackoffMicros) {
      throw new InvariantError(
        `venue health: maxBackoffMicros ${this.maxBackoffMicros} < baseBackoffMicros ${this.baseBackoffMicros}`,
      );
    }
  }

  onFailure(venue: string, kind: VenueFailure, now: number): void {
    const record = this.record(venue);
    record.failureTimes.push(now);
    this.forgetBefore(record, now);
    if (kind === "disconnect") record.connected = false;
    if (record.retryAt === null) {
      if (kind === "disconnect" || record.failureTimes.length >= this.failuresToTrip) {
        record.backoffMicros = this.baseBackoffMicros;
        record.retryAt = now + record.backoffMicros;
      }
    } else if (now >= record.retryAt) {
      record.backoffMicros = Math.min(2 * record.backoffMicros, this.maxBackoffMicros);
      record.retryAt = now + record.backoffMicros;
    }
  }

  onSuccess(venue: string, now: number): void {
    const record = this.venues.get(venue);
    if (record === undefined || record.retryAt === null || now < record.retryAt) return;
    record.retryAt = null;
    record.backoffMicros = this.baseBackoffMicros;
    record.failureTimes.length = 0;
  }

  /** The venue's connection is back (after a disconnect): it may be probed once its backoff has passed. */
  onReconnect(venue: string): void {
    const record = this.venues.get(venue);
    if (record !== undefined) record.connected = true;
  }

  /** False from a disconnect to the reconnect. */
  isConnected(venue: string): boolean {
    return this.venues.get(venue)?.connected ?? true;
  }

  isAvailable(venue: string, now: number): boolean {
    const record = this.venues.get(venue);
    if (record === undefined) return true;
    return record.connected && (record.retryAt === null || now >= record.retryAt);
  }

  state(venue: string, now: number): VenueHealthState {
    const record = this.venues.get(venue);
    if (record === undefined) {
      return { status: "healthy", failures: 0, retryAt: null, backoffMicros: this.baseBackoffMicros };
    }
    const since = now - this.windowMicros;
    let failures = 0;
    for (const time of record.failureTimes) if (time > since && time <= now) failures++;
    const { retryAt, backoffMicros } = record;
    const status = !record.connected
      ? "disconnected"
      : retryAt === null
        ? "healthy"
        : now >= retryAt
          ? "half-open"
          : "tripped";
    return { status, failures, retryAt, backoffMicros };
  }

  private record(venue: string): VenueRecord {
    let record = this.venues.get(venue);
    if (record === undefined) {
      record = { failureTimes: [], retryAt: null, backoffMicros: this.baseBackoffMicros, connected: true };
      this.venues.set(venue, record);
    }
    return record;
  }

  /** Drops failures at or before `now - window`: a window is the half-open interval (now - window, now]. */
  private forgetBefore(record: VenueRecord, now: number): void {
    const since = now - this.windowMicros;
    let stale = 0;
    while (stale < record.failureTimes.length && (record.failureTimes[stale] as number) <= since) stale++;
    if (stale > 0) record.failureTimes.splice(0, stale);
  }
}

function positiveWhole(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvariantError(`venue health: ${field} must be a whole number > 0, got ${value}`);
  }
}
