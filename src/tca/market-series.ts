/**
 * One instrument's recorded market (its `market-bar` events, in time order) as TCA queries it: the mid at a time,
 * the VWAP and volume over an interval, the full-day VWAP.
 *
 * Resolution is the bar, one second:
 * - `midAt(t)`: the close of the last bar that ended at or before t (what an observer sampling every second knew at t);
 *   NaN before the first bar or when a side was missing. After the last bar the last close carries on (as between
 *   bars); `covers(t)` says whether t is within the recording, for measures that must not use a stale quote (markouts).
 * - `vwap(from, to)` / `volume(from, to)`: over the bars whose second overlaps [from, to] (barStart in
 *   [floor_s(from), to]); the VWAP is sum(notional) / sum(volume), NaN without volume.
 * Invariant: bars are added with increasing barStart (InvariantError otherwise). Prices are price units (float).
 */
import { MICROS_PER_SECOND } from "../core/clock.js";
import { InvariantError } from "../core/errors.js";
import type { MarketBar } from "../model/market-bar.js";

export class MarketSeries {
  private readonly starts: number[] = [];
  private readonly mids: number[] = [];
  /** Running sums up to and including each bar. */
  private readonly cumVolume: number[] = [];
  private readonly cumNotional: number[] = [];

  constructor(readonly symbol: string) {}

  get bars(): number {
    return this.starts.length;
  }

  /** Start of the first bar and end of the last, µs; NaN when empty. */
  get firstStart(): number {
    return this.starts[0] ?? Number.NaN;
  }

  get lastEnd(): number {
    const n = this.starts.length;
    return n === 0 ? Number.NaN : (this.starts[n - 1] as number) + MICROS_PER_SECOND;
  }

  add(bar: MarketBar): void {
    const n = this.starts.length;
    if (n > 0 && bar.barStart <= (this.starts[n - 1] as number))
      throw new InvariantError(`market bars of ${this.symbol} out of order at ${bar.barStart}`);
    this.starts.push(bar.barStart);
    this.mids.push(bar.bid !== null && bar.ask !== null ? (bar.bid + bar.ask) / 2 : Number.NaN);
    this.cumVolume.push((n === 0 ? 0 : (this.cumVolume[n - 1] as number)) + bar.volume);
    this.cumNotional.push((n === 0 ? 0 : (this.cumNotional[n - 1] as number)) + bar.notional);
  }

  /** Whether the recording reaches t (t is no later than the last bar's end). */
  covers(t: number): boolean {
    return t <= this.lastEnd;
  }

  midAt(t: number): number {
    const i = this.upperBound(t - MICROS_PER_SECOND) - 1;
    return i < 0 ? Number.NaN : (this.mids[i] as number);
  }

  volume(from: number, to: number): number {
    const [a, b] = this.range(from, to);
    return sumBetween(this.cumVolume, a, b);
  }

  vwap(from: number, to: number): number {
    const [a, b] = this.range(from, to);
    const volume = sumBetween(this.cumVolume, a, b);
    return volume > 0 ? sumBetween(this.cumNotional, a, b) / volume : Number.NaN;
  }

  /** The VWAP of every bar recorded. */
  dayVwap(): number {
    return this.vwap(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  }

  /** Mid of every bar, for charts: [barStart[], mid[]]. */
  midSeries(): [readonly number[], readonly number[]] {
    return [this.starts, this.mids];
  }

  /** Bar indexes [a, b) overlapping [from, to]. */
  private range(from: number, to: number): [number, number] {
    const first = Math.floor(from / MICROS_PER_SECOND) * MICROS_PER_SECOND;
    return [this.lowerBound(first), this.upperBound(to)];
  }

  /** First index with start >= t. */
  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index with start > t. */
  private upperBound(t: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Sum of bars [a, b) from running sums. */
function sumBetween(cumulative: readonly number[], a: number, b: number): number {
  if (b <= a) return 0;
  return (cumulative[b - 1] as number) - (a === 0 ? 0 : (cumulative[a - 1] as number));
}
