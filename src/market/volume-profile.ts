/**
 * An intraday volume profile: the share of a session's volume traded in each fixed-length bin from the open (the
 * U-shape: busy at the open, quiet at lunch, busiest at the close). The market model scales its arrival rates by it.
 * `multiplier(t)` is the activity at `t` seconds after the open relative to the session's mean (mean 1 over the
 * session); outside the session it is 1.
 * Invariant: at least one bin, every share finite and >= 0, shares sum to 1 (normalised on construction).
 * Known limit: piecewise constant within a bin (arrival rates jump at bin edges).
 */
import { InvariantError } from "../core/errors.js";

export class VolumeProfile {
  /** Share of the session's volume per bin; sums to 1. */
  readonly shares: readonly number[];
  /** Activity per bin relative to the session mean (share x bins). */
  private readonly levels: Float64Array;

  constructor(
    readonly binSeconds: number,
    weights: readonly number[],
    /** Where the profile came from, for messages and summaries (e.g. "intraday_volume_profile_5min.csv: mean"). */
    readonly label = "custom",
  ) {
    const total = weights.reduce((sum, w) => sum + w, 0);
    if (!(binSeconds > 0) || weights.length === 0 || weights.some((w) => !(w >= 0)) || !(total > 0)) {
      throw new InvariantError(`volume profile ${label}: needs bins > 0 s and weights >= 0 with a positive sum`);
    }
    this.shares = weights.map((w) => w / total);
    this.levels = Float64Array.from(this.shares, (share) => share * weights.length);
  }

  /** A flat profile: the same activity all session long. */
  static flat(sessionSeconds: number, binSeconds = 300): VolumeProfile {
    return new VolumeProfile(binSeconds, new Array<number>(Math.ceil(sessionSeconds / binSeconds)).fill(1), "flat");
  }

  /**
   * A generated U-shape for when no recorded profile is at hand (the real one lives outside the repository): a
   * quadratic bowl twice as busy at the ends as at midday, plus a ramp into the close. Not fitted to any data; it only
   * keeps the demo's intraday rhythm plausible.
   */
  static generatedU(sessionSeconds: number, binSeconds = 300): VolumeProfile {
    const bins = Math.ceil(sessionSeconds / binSeconds);
    const weights = Array.from({ length: bins }, (_, i) => {
      const x = (i + 0.5) / bins;
      return 1 + 4 * (x - 0.5) ** 2 + 3 * Math.exp(-(1 - x) / 0.02);
    });
    return new VolumeProfile(binSeconds, weights, "generated U-shape (no recorded profile found)");
  }

  get bins(): number {
    return this.shares.length;
  }

  get sessionSeconds(): number {
    return this.bins * this.binSeconds;
  }

  /** Activity `seconds` after the open relative to the session mean. */
  multiplier(seconds: number): number {
    const bin = Math.floor(seconds / this.binSeconds);
    return bin >= 0 && bin < this.bins ? (this.levels[bin] as number) : 1;
  }

  /**
   * The time (seconds after the open) at which the integral of the multiplier from `fromSeconds` reaches `area`:
   * the next arrival of a Poisson process of mean rate r after drawing Exp(1) / r. Walks bin by bin.
   */
  advance(fromSeconds: number, area: number): number {
    let t = fromSeconds;
    let left = area;
    for (;;) {
      const bin = Math.floor(t / this.binSeconds);
      if (bin < 0 || bin >= this.bins) {
        // Outside the session the multiplier is 1; jump to the session's start if that comes first.
        if (bin < 0 && t + left > 0) {
          left -= -t;
          t = 0;
          continue;
        }
        return t + left;
      }
      const level = this.levels[bin] as number;
      const binEnd = (bin + 1) * this.binSeconds;
      const room = (binEnd - t) * level;
      if (level > 0 && room >= left) return t + left / level;
      left -= room;
      t = binEnd;
    }
  }
}
