/**
 * Online estimate of each venue's queue outflow xi over a horizon T (Cont & Kukanov 2017: the lots leaving the
 * near-touch queue, cancels plus trades), per venue and side, from the market data the caller feeds: the displayed
 * size at the near touch over time and the trades printed there. It gives what `optimal-placement.ts` consumes: joint
 * outflow samples across venues for the stochastic approximation, and a CDF with its quantile for Proposition 3.
 *
 * Counting, per venue and side (buy = the bid queue a passive buy joins, sell = the ask queue):
 * - a trade at the touch price counts in full when it prints;
 * - a quote at the same price whose size fell by d adds the part of d the trades since the previous quote do not
 *   explain (cancels), so the two together count max(d, traded): a lower bound, since lots added between two quotes
 *   can hide cancels;
 * - a quote whose price moved through the level (bid down, ask up) counts the whole queue that was there (what the
 *   trades have not counted yet) and starts afresh at the new level, whose later decreases count too;
 * - a quote that improves the price (bid up, ask down) starts a new queue and counts nothing: an order left at the old
 *   price is no longer at the touch;
 * - what is counted is the outflow an order joining the touch at the window's start sees (its anchor, re-set at each
 *   window): once the touch improves past the anchor (a buyer's bid moves up and leaves it behind), nothing counts,
 *   trades at the new touch included, until the touch comes back to the anchor (counting resumes there) or through
 *   it (the anchor's queue as it was when the touch left is gone, and counts). Counting the new touch's outflow instead
 *   would credit an order behind the market with fills it cannot get, which is most of a window in a market moving
 *   away from a buyer (and a large buyer's own flow moves it so);
 * - trades at any other price are ignored (a sweep through the touch shows up as a price move).
 *
 * Windows are the grid [origin + w T, origin + (w + 1) T), shared by every venue, so the samples of the same window
 * index on two venues are one joint outcome (outflows on venues are correlated). An event counts in the window of its
 * time; a window closes when a later event, or `advanceTo`, passes its end; windows with no event close with outflow 0
 * (a quiet queue). The window in which a venue's stream starts is partial and never recorded. Each venue and side keeps
 * the last `capacity` closed windows in a ring indexed by window number, so they are always consecutive.
 *
 * Invariants: times are integer µs and never go backwards for a venue and side (nor before `advanceTo`); sizes and
 * trade quantities are lots >= 0. Pure: no timers, no clock; the caller's timestamps are the only time.
 * Limits: non-overlapping windows (N windows need N T of history); a snapshot feed underestimates outflow (above); the
 * parametric fallback (exponential with the sample mean, independent across venues) ignores correlation.
 */
import { InvariantError } from "../core/errors.js";
import type { Random } from "../core/random.js";
import type { Side } from "../model/order-types.js";
import type { OutflowCdf, OutflowSamples } from "./optimal-placement.js";

export interface QueueOutflowOptions {
  /** Venues are numbered 0 .. venues - 1. */
  readonly venues: number;
  /** T: the horizon of one outflow sample, µs (whole, > 0). */
  readonly horizon: number;
  /** Closed windows kept per venue and side (whole, >= 1). */
  readonly capacity: number;
  /** Start of window 0, µs; default 0. */
  readonly origin?: number;
  /** Fewer windows than this: the parametric fallback instead of the empirical distribution; default 30. */
  readonly minSamples?: number;
}

export const DEFAULT_MIN_OUTFLOW_SAMPLES = 30;

/** A fitted outflow distribution for one venue and side. */
export interface OutflowDistribution extends OutflowCdf {
  readonly kind: "empirical" | "exponential";
  /** Closed windows it is fitted on. */
  readonly samples: number;
  /** Their mean outflow, lots. */
  readonly mean: number;
}

/** The empirical distribution of a set of outflows: F(x) = #{xi_n <= x} / N, F^{-1}(p) = the ceil(p N)-th smallest. */
export function empiricalOutflow(values: ArrayLike<number>): OutflowDistribution {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) throw new InvariantError("empirical outflow of no samples");
  let total = 0;
  for (let i = 0; i < n; i++) total += sorted[i] as number;
  return {
    kind: "empirical",
    samples: n,
    mean: total / n,
    cdf(x: number): number {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((sorted[mid] as number) <= x) lo = mid + 1;
        else hi = mid;
      }
      return lo / n;
    },
    quantile(p: number): number {
      const rank = Math.min(Math.max(Math.ceil(p * n), 1), n);
      return sorted[rank - 1] as number;
    },
  };
}

/** Exponential with the given mean: F(x) = 1 - exp(-x / mean); mean 0 is the point mass at 0. */
export function exponentialOutflow(mean: number, samples = 0): OutflowDistribution {
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new InvariantError(`exponential outflow mean ${mean}`);
  return {
    kind: "exponential",
    samples,
    mean,
    cdf(x: number): number {
      if (x < 0) return 0;
      return mean === 0 ? 1 : 1 - Math.exp(-x / mean);
    },
    quantile(p: number): number {
      if (mean === 0 || p <= 0) return 0;
      return p >= 1 ? Number.POSITIVE_INFINITY : -mean * Math.log(1 - p);
    },
  };
}

/** One venue and side: the level being watched, the open window, and the ring of closed windows. */
class QueueTrack {
  readonly ring: Float64Array;
  /** The lots traded at the touch in each window of `ring` (the part of its outflow the trade prints explain). */
  readonly tradedRing: Float64Array;
  count = 0;
  /** Window number of the newest closed window in the ring. */
  newest = 0;
  started = false;
  lastTime = Number.NEGATIVE_INFINITY;
  price = 0;
  size = 0;
  /** Traded at the touch since the last quote. */
  traded = 0;
  openWindow = 0;
  openOutflow = 0;
  openTraded = 0;
  openPartial = true;
  /** The level an order joining the touch at the open window's start rests at. */
  anchor = 0;
  /** The touch has improved past the anchor: such an order is behind it, and nothing of its queue moves. */
  behind = false;
  /** The size at the anchor when the touch left it for a better price. */
  anchorSize = 0;

  constructor(capacity: number) {
    this.ring = new Float64Array(capacity);
    this.tradedRing = new Float64Array(capacity);
  }

  get oldest(): number {
    return this.newest - this.count + 1;
  }

  at(window: number): number {
    const c = this.ring.length;
    return this.ring[((window % c) + c) % c] as number;
  }

  /** Bumped whenever a window is recorded: joint samples built from this track are stale once it changes. */
  version = 0;

  /** The sums of `ring` and `tradedRing` over the windows held. */
  outflowHeld = 0;
  tradedHeld = 0;

  private record(window: number, outflow: number, traded: number): void {
    this.version++;
    const c = this.ring.length;
    const slot = ((window % c) + c) % c;
    // What the slot held leaves the sums (the oldest window once the ring is full; 0 in a slot never written).
    this.outflowHeld -= this.ring[slot] as number;
    this.tradedHeld -= this.tradedRing[slot] as number;
    this.ring[slot] = outflow;
    this.tradedRing[slot] = traded;
    this.outflowHeld += outflow;
    this.tradedHeld += traded;
    this.newest = window;
    if (this.count < c) this.count++;
  }

  /** Close every window that ends at or before the one holding `window`'s start. */
  roll(window: number): void {
    if (window <= this.openWindow) return;
    if (!this.openPartial) this.record(this.openWindow, this.openOutflow, this.openTraded);
    // Quiet windows in between: only the last `capacity` of them can stay in the ring.
    const first = Math.max(this.openWindow + 1, window - this.ring.length);
    for (let w = first; w < window; w++) this.record(w, 0, 0);
    this.openWindow = window;
    this.openOutflow = 0;
    this.openTraded = 0;
    this.openPartial = false;
    this.anchor = this.price;
    this.behind = false;
  }
}

export class QueueOutflowEstimator {
  readonly venues: number;
  readonly horizon: number;
  readonly capacity: number;
  readonly origin: number;
  readonly minSamples: number;
  private readonly tracks: QueueTrack[];
  /** The empirical joint samples last built per side and venue list, with the versions of the tracks they came from. */
  private readonly joint = new Map<string, { readonly versions: number[]; readonly samples: OutflowSamples }>();

  constructor(options: QueueOutflowOptions) {
    const { venues, horizon, capacity } = options;
    const origin = options.origin ?? 0;
    const minSamples = options.minSamples ?? DEFAULT_MIN_OUTFLOW_SAMPLES;
    if (!Number.isSafeInteger(venues) || venues < 0) throw new InvariantError(`queue outflow: venues ${venues}`);
    if (!Number.isSafeInteger(horizon) || horizon <= 0) throw new InvariantError(`queue outflow: horizon ${horizon}`);
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new InvariantError(`queue outflow: capacity ${capacity}`);
    if (!Number.isSafeInteger(origin)) throw new InvariantError(`queue outflow: origin ${origin}`);
    if (!Number.isSafeInteger(minSamples) || minSamples < 1) {
      throw new InvariantError(`queue outflow: minSamples ${minSamples}`);
    }
    this.venues = venues;
    this.horizon = horizon;
    this.capacity = capacity;
    this.origin = origin;
    this.minSamples = minSamples;
    this.tracks = [];
    for (let i = 0; i < 2 * venues; i++) this.tracks.push(new QueueTrack(capacity));
  }

  /** The near touch of `venue` on `side` at `time`: its price (ticks) and displayed size (lots). */
  onQuote(venue: number, side: Side, time: number, price: number, size: number): void {
    if (!Number.isFinite(price)) throw new InvariantError(`queue outflow: quote price ${price}`);
    checkLots(size, "quote size");
    const track = this.advance(venue, side, time);
    if (!track.started) {
      track.started = true;
      track.price = price;
      track.size = size;
      track.traded = 0;
      track.anchor = price;
      return;
    }
    const buy = side === "buy";
    if (track.behind) {
      // Back to the anchor: its queue moves again, from here; through it: what was there when the touch left is gone.
      if (!(buy ? price > track.anchor : price < track.anchor)) {
        track.behind = false;
        if (price !== track.anchor) track.openOutflow += track.anchorSize;
      }
    } else if (price === track.price) {
      track.openOutflow += Math.max(track.size - size - track.traded, 0);
    } else if (buy ? price < track.price : price > track.price) {
      track.openOutflow += Math.max(track.size - track.traded, 0);
    } else if (buy ? price > track.anchor : price < track.anchor) {
      track.behind = true;
      track.anchorSize = track.price === track.anchor ? Math.max(track.size - track.traded, 0) : 0;
    }
    track.price = price;
    track.size = size;
    track.traded = 0;
  }

  /** A trade of `quantity` lots printed against `venue`'s `side` queue at `price` (ticks) at `time`. */
  onTrade(venue: number, side: Side, time: number, price: number, quantity: number): void {
    checkLots(quantity, "trade quantity");
    const track = this.advance(venue, side, time);
    if (!track.started || track.behind || price !== track.price) return;
    track.openOutflow += quantity;
    track.openTraded += quantity;
    track.traded += quantity;
  }

  /** Closes, on every venue and side already seen, the windows that end at or before `time`. */
  advanceTo(time: number): void {
    for (let v = 0; v < this.venues; v++) {
      for (const side of ["buy", "sell"] as const) {
        if (this.track(v, side).started) this.advance(v, side, time);
      }
    }
  }

  /** Closed windows held for a venue and side. */
  sampleCount(venue: number, side: Side): number {
    return this.track(venue, side).count;
  }

  /** The outflows of the held windows, oldest first. */
  samplesOf(venue: number, side: Side): Float64Array {
    const track = this.track(venue, side);
    const out = new Float64Array(track.count);
    for (let i = 0; i < track.count; i++) out[i] = track.at(track.oldest + i);
    return out;
  }

  /**
   * The queue's outflow per lot traded at its touch over the held windows (>= 1: cancels and levels cleared by price
   * moves come on top of the trades), or null before any trade has counted. What a lot resting ahead of a new order
   * weighs in outflow when only a trade can take it (our own: we do not cancel it to let the new one through): while
   * the trades take it, the outflow goes on at this many lots per traded lot (optimal-split.ts).
   */
  outflowPerTrade(venue: number, side: Side): number | null {
    const track = this.track(venue, side);
    return track.tradedHeld > 0 ? Math.max(1, track.outflowHeld / track.tradedHeld) : null;
  }

  /**
   * The outflow distribution of a venue and side for Proposition 3: empirical from `minSamples` windows on,
   * exponential with the sample mean below that, null before any window has closed.
   */
  distribution(venue: number, side: Side): OutflowDistribution | null {
    const values = this.samplesOf(venue, side);
    if (values.length === 0) return null;
    if (values.length >= this.minSamples) return empiricalOutflow(values);
    let total = 0;
    for (const x of values) total += x;
    return exponentialOutflow(total / values.length, values.length);
  }

  /**
   * Joint outflow samples of the given venues (in that order) for the placement solvers: one row per window that every
   * one of them holds, when there are at least `minSamples` such windows; otherwise `minSamples` rows drawn from
   * `random`, each venue independently exponential with the mean of its own windows. Null when a venue has no window.
   * Either kind is built once per set of closed windows and shared until a window closes on one of the venues (a 10 s
   * window serves thousands of routing decisions, and solvers keep per-object work, such as sorted columns, keyed by
   * it): the caller must not modify them. So a decision does not depend on how many decisions came before it in the
   * same window.
   */
  jointSamples(venues: readonly number[], side: Side, random: Random): OutflowSamples | null {
    const key = `${side}:${venues.join(",")}`;
    const cached = this.joint.get(key);
    if (cached !== undefined && venues.every((v, j) => this.track(v, side).version === cached.versions[j])) {
      return cached.samples;
    }
    const k = venues.length;
    let first = Number.NEGATIVE_INFINITY;
    let last = Number.POSITIVE_INFINITY;
    for (const v of venues) {
      const track = this.track(v, side);
      if (track.count === 0) return null;
      first = Math.max(first, track.oldest);
      last = Math.min(last, track.newest);
    }
    const joint = k === 0 ? 0 : Math.max(last - first + 1, 0);
    let samples: OutflowSamples;
    if (joint >= this.minSamples) {
      const values = new Float64Array(joint * k);
      for (let j = 0; j < k; j++) {
        const track = this.track(venues[j] as number, side);
        for (let n = 0; n < joint; n++) values[n * k + j] = track.at(first + n);
      }
      samples = { venues: k, count: joint, values };
    } else {
      const count = this.minSamples;
      const values = new Float64Array(count * k);
      for (let j = 0; j < k; j++) {
        const fitted = this.samplesOf(venues[j] as number, side);
        let total = 0;
        for (const x of fitted) total += x;
        const mean = total / fitted.length;
        for (let n = 0; n < count; n++) values[n * k + j] = random.exponential(mean);
      }
      samples = { venues: k, count, values };
    }
    this.joint.set(key, { versions: venues.map((v) => this.track(v, side).version), samples });
    return samples;
  }

  private track(venue: number, side: Side): QueueTrack {
    if (!Number.isSafeInteger(venue) || venue < 0 || venue >= this.venues) {
      throw new InvariantError(`queue outflow: venue ${venue} is not in 0..${this.venues - 1}`);
    }
    return this.tracks[2 * venue + (side === "buy" ? 0 : 1)] as QueueTrack;
  }

  private advance(venue: number, side: Side, time: number): QueueTrack {
    const track = this.track(venue, side);
    if (!Number.isSafeInteger(time)) throw new InvariantError(`queue outflow: time ${time} is not whole µs`);
    if (time < track.lastTime) {
      throw new InvariantError(`queue outflow: venue ${venue} ${side}: time ${time} before ${track.lastTime}`);
    }
    track.lastTime = time;
    const window = Math.floor((time - this.origin) / this.horizon);
    if (!track.started) track.openWindow = window;
    else track.roll(window);
    return track;
  }
}

function checkLots(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0) throw new InvariantError(`queue outflow: ${what} ${value}`);
}
