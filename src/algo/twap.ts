/**
 * TWAP: the parent's quantity spread evenly over its window, in slices whose boundaries and sizes are randomised so
 * that the pattern cannot be read off the tape (anti-gaming): with randomisation r, each inner boundary moves by up
 * to +/- r/2 of a slice and each slice's size by up to +/- r/2 of the mean. Within a slice the target moves linearly to
 * the slice's end, so the tactics can post the slice passively at its start and catch up only when late.
 * A re-plan (quantity changed) spreads what is left over the slices left, drawn afresh.
 * Limits: at most MAX_SLICES slices; the randomisation comes from the parent's own seeded stream.
 */
import type { Random } from "../core/random.js";
import type { PlanPoint, Schedule } from "./schedule.js";

export const MAX_SLICES = 10_000;

export class TwapSchedule implements Schedule {
  /** Slice boundaries b_0 = plan time .. b_n = end, µs. */
  private bounds = new Float64Array(2);
  /** Cumulative slice weights W_0 = 0 .. W_n = 1. */
  private cumWeight = new Float64Array(2);
  private slices = 1;
  private executed0 = 0;
  private remaining0 = 0;

  constructor(
    private readonly startTime: number,
    private readonly endTime: number,
    private readonly totalSlices: number,
    private readonly randomisation: number,
    private readonly random: Random,
  ) {}

  plan(point: PlanPoint): void {
    const from = Math.min(Math.max(point.time, this.startTime), this.endTime);
    const window = Math.max(1, this.endTime - this.startTime);
    const n = Math.min(MAX_SLICES, Math.max(1, Math.round((this.totalSlices * (this.endTime - from)) / window)));
    if (this.bounds.length < n + 1) {
      this.bounds = new Float64Array(n + 1);
      this.cumWeight = new Float64Array(n + 1);
    }
    const r = Math.min(1, Math.max(0, this.randomisation));
    const width = (this.endTime - from) / n;
    this.bounds[0] = from;
    for (let i = 1; i < n; i++) this.bounds[i] = from + width * (i + r * (this.random.float() - 0.5));
    this.bounds[n] = this.endTime;
    let sum = 0;
    this.cumWeight[0] = 0;
    for (let i = 1; i <= n; i++) {
      sum += 1 + r * (this.random.float() - 0.5);
      this.cumWeight[i] = sum;
    }
    for (let i = 1; i <= n; i++) this.cumWeight[i] = (this.cumWeight[i] as number) / sum;
    this.slices = n;
    this.executed0 = point.executed;
    this.remaining0 = point.remaining;
  }

  target(time: number): number {
    const k = this.sliceAt(time);
    if (k < 0) return this.executed0;
    if (k >= this.slices) return this.executed0 + this.remaining0;
    const b0 = this.bounds[k] as number;
    const b1 = this.bounds[k + 1] as number;
    const w0 = this.cumWeight[k] as number;
    const w1 = this.cumWeight[k + 1] as number;
    const within = b1 > b0 ? (time - b0) / (b1 - b0) : 1;
    return this.executed0 + this.remaining0 * (w0 + (w1 - w0) * within);
  }

  floor(): number {
    return Number.NaN;
  }

  ceiling(): number {
    return Number.POSITIVE_INFINITY;
  }

  nextStep(time: number): number {
    const k = this.sliceAt(time);
    if (k >= this.slices) return Number.POSITIVE_INFINITY;
    return this.bounds[k + 1] as number;
  }

  wantsReplan(): boolean {
    return false;
  }

  observe(): void {}

  /** Slice boundaries of the current plan (for tests and reports). */
  boundaries(): number[] {
    return Array.from(this.bounds.subarray(0, this.slices + 1));
  }

  /** Index of the slice containing `time`: -1 before the plan, `slices` at or after the end. */
  private sliceAt(time: number): number {
    if (time < (this.bounds[0] as number)) return -1;
    if (time >= (this.bounds[this.slices] as number)) return this.slices;
    let lo = 0;
    let hi = this.slices - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.bounds[mid] as number) <= time) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
