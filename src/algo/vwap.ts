/**
 * VWAP: trade in proportion to the market's expected volume, so the average price tracks the interval's VWAP.
 * The expected volume curve is the intraday volume profile (5-minute bins from the open; by default the recorded one
 * in ../shared/data/derived/) scaled to the instrument's average daily volume. Intraday it is re-forecast from realised
 * volume in two ways:
 * - within the current bin the target advances with the volume actually printed in the bin (relative to the bin's
 *   forecast) rather than with the clock, so a quiet bin is traded slowly and a busy one quickly;
 * - at each recalibration the day's volume forecast is rescaled by realised / expected volume since the plan
 *   (clamped to [1/4, 4]), which sets how much volume the current bin is expected to bring.
 * Future bins keep the profile's shape: a volume forecast changes the pace inside a bin, not the split across bins.
 * Invariant: target reaches executed + remaining at the end time whatever the volume.
 * Limits: one profile for every instrument (the recorded mean profile); outside the profile's session the expected
 * volume is flat.
 */
import { MICROS_PER_SECOND } from "../core/clock.js";
import type { VolumeProfile } from "../market/volume-profile.js";
import type { PlanPoint, Schedule } from "./schedule.js";

export class VwapSchedule implements Schedule {
  private from = 0;
  private executed0 = 0;
  private remaining0 = 0;
  /** Cumulative expected share of the session at `from` and at the end time. */
  private c0 = 0;
  private c1 = 1;
  private planVolume = 0;
  private forecast = 1;
  private planned = false;
  private nextRecalibration = 0;
  /** The bin being observed and the market volume when it was first seen. */
  private bin = -1;
  private binVolume = 0;
  private lastVolume = 0;
  /** prefix[k] = expected share of the session before bin k. */
  private readonly prefix: Float64Array;

  constructor(
    private readonly startTime: number,
    private readonly endTime: number,
    private readonly profile: VolumeProfile,
    /** µs of the session's open: bin 0 starts here. */
    private readonly sessionOpen: number,
    /** Expected lots in a whole session (the instrument's ADV). */
    private readonly dailyVolume: number,
    private readonly recalibrationMicros: number,
  ) {
    const shares = profile.shares;
    this.prefix = new Float64Array(shares.length + 1);
    for (let i = 0; i < shares.length; i++) this.prefix[i + 1] = (this.prefix[i] as number) + (shares[i] as number);
  }

  plan(point: PlanPoint): void {
    if (this.planned) {
      // Re-forecast the day's volume from what printed since the last plan against what the profile expected.
      const expected = (this.cumulativeShare(point.time) - this.c0) * this.dailyVolume;
      const realised = point.marketVolume - this.planVolume;
      if (expected > 0) this.forecast = Math.min(4, Math.max(0.25, realised / expected));
    }
    this.planned = true;
    this.from = Math.min(Math.max(point.time, this.startTime), this.endTime);
    this.executed0 = point.executed;
    this.remaining0 = point.remaining;
    this.c0 = this.cumulativeShare(this.from);
    this.c1 = this.cumulativeShare(this.endTime);
    this.planVolume = point.marketVolume;
    this.lastVolume = point.marketVolume;
    this.nextRecalibration = point.time + this.recalibrationMicros;
    this.bin = -1;
  }

  observe(time: number, marketVolume: number): void {
    const bin = this.binOf(time);
    if (bin !== this.bin) {
      this.bin = bin;
      this.binVolume = this.lastVolume;
    }
    this.lastVolume = marketVolume;
  }

  target(time: number, marketVolume: number): number {
    if (time <= this.from) return this.executed0;
    if (time >= this.endTime) return this.executed0 + this.remaining0;
    const span = this.c1 - this.c0;
    if (!(span > 0)) {
      return this.executed0 + (this.remaining0 * (time - this.from)) / (this.endTime - this.from);
    }
    const bin = this.binOf(time);
    let c: number;
    if (bin === this.bin) {
      // The current bin: progress by the volume printed in it against the bin's forecast.
      const binStart = Math.max(this.from, this.binStartTime(bin));
      const binEnd = Math.min(this.endTime, this.binStartTime(bin + 1));
      const cStart = this.cumulativeShare(binStart);
      const cEnd = this.cumulativeShare(binEnd);
      const expected = (cEnd - cStart) * this.dailyVolume * this.forecast;
      const progress = expected > 0 ? Math.min(1, Math.max(0, marketVolume - this.binVolume) / expected) : 1;
      c = cStart + (cEnd - cStart) * progress;
    } else c = this.cumulativeShare(time);
    return this.executed0 + (this.remaining0 * (c - this.c0)) / span;
  }

  floor(): number {
    return Number.NaN;
  }

  ceiling(): number {
    return Number.POSITIVE_INFINITY;
  }

  nextStep(time: number): number {
    const next = this.binStartTime(this.binOf(time) + 1);
    return next < this.endTime ? next : Number.POSITIVE_INFINITY;
  }

  wantsReplan(time: number): boolean {
    return time >= this.nextRecalibration;
  }

  /** The current day-volume forecast relative to the average daily volume. */
  get volumeForecast(): number {
    return this.forecast;
  }

  private binOf(time: number): number {
    return Math.floor((time - this.sessionOpen) / (this.profile.binSeconds * MICROS_PER_SECOND));
  }

  private binStartTime(bin: number): number {
    return this.sessionOpen + bin * this.profile.binSeconds * MICROS_PER_SECOND;
  }

  /** Expected share of the session's volume traded before `time` (flat outside the profile's session). */
  cumulativeShare(time: number): number {
    const binMicros = this.profile.binSeconds * MICROS_PER_SECOND;
    const x = (time - this.sessionOpen) / binMicros;
    const shares = this.profile.shares;
    const n = shares.length;
    const mean = 1 / n;
    if (x <= 0) return x * mean;
    if (x >= n) return 1 + (x - n) * mean;
    const k = Math.floor(x);
    return (this.prefix[k] as number) + (shares[k] as number) * (x - k);
  }
}
