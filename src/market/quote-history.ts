/**
 * The NBBO of one instrument over time, one entry per change, in growable typed arrays: what the mid was at any
 * moment, the time-weighted average quoted spread over an interval, and realised volatility from mid returns sampled on
 * a regular grid (sampling on a grid rather than at every change keeps bid-ask bounce from inflating it).
 * Invariant: times are non-decreasing; a quote with a side missing is kept (NaN) so gaps are visible.
 */

import { MICROS_PER_SECOND } from "../core/clock.js";
import { grownFloat64 } from "../core/typed-arrays.js";
import { SESSION_SECONDS, TRADING_DAYS_PER_YEAR } from "../model/market-parameters.js";

/** Trading seconds in a year: the convention for annualising volatility in Tributary. */
export const TRADING_SECONDS_PER_YEAR = TRADING_DAYS_PER_YEAR * SESSION_SECONDS;

const INITIAL_CAPACITY = 1024;

export class QuoteHistory {
  private times = new Float64Array(INITIAL_CAPACITY);
  private bids = new Float64Array(INITIAL_CAPACITY);
  private asks = new Float64Array(INITIAL_CAPACITY);
  private count = 0;

  get length(): number {
    return this.count;
  }

  add(time: number, bid: number, ask: number): void {
    if (this.count === this.times.length) this.grow();
    const i = this.count++;
    this.times[i] = time;
    this.bids[i] = bid;
    this.asks[i] = ask;
  }

  /** The mid in force at time t (price units, float), NaN when there was no two-sided quote. */
  midAt(t: number): number {
    const i = this.indexAt(t);
    return i < 0 ? Number.NaN : ((this.bids[i] as number) + (this.asks[i] as number)) / 2;
  }

  /**
   * The mid of the last two-sided quote at or before t (price units, float): where the mid stood when one side of the
   * book has emptied since. NaN when there was none.
   */
  lastTwoSidedMidAt(t: number): number {
    for (let i = this.indexAt(t); i >= 0; i--) {
      const bid = this.bids[i] as number;
      const ask = this.asks[i] as number;
      if (Number.isFinite(bid) && Number.isFinite(ask)) return (bid + ask) / 2;
    }
    return Number.NaN;
  }

  /** The quote in force at time t. */
  quoteAt(t: number): { bid: number; ask: number } {
    const i = this.indexAt(t);
    return i < 0 ? { bid: Number.NaN, ask: Number.NaN } : { bid: this.bids[i] as number, ask: this.asks[i] as number };
  }

  /** Time-weighted average of ask - bid over [from, to), counting only time with a two-sided quote; NaN if none. */
  averageSpread(from: number, to: number): number {
    let weighted = 0;
    let covered = 0;
    const start = Math.max(0, this.indexAt(from));
    for (let i = start; i < this.count; i++) {
      const t0 = Math.max(from, this.times[i] as number);
      const t1 = Math.min(to, i + 1 < this.count ? (this.times[i + 1] as number) : to);
      if (t0 >= to) break;
      const spread = (this.asks[i] as number) - (this.bids[i] as number);
      if (t1 > t0 && Number.isFinite(spread)) {
        weighted += spread * (t1 - t0);
        covered += t1 - t0;
      }
    }
    return covered === 0 ? Number.NaN : weighted / covered;
  }

  /**
   * Annualised realised volatility of the mid over [from, to), from log returns sampled every `intervalMicros`;
   * NaN when fewer than two samples have a mid.
   */
  realisedVolatility(from: number, to: number, intervalMicros: number): number {
    let sumSquares = 0;
    let returns = 0;
    let previous = Number.NaN;
    for (let t = from; t <= to; t += intervalMicros) {
      const mid = this.midAt(t);
      if (Number.isFinite(previous) && Number.isFinite(mid) && previous > 0 && mid > 0) {
        const r = Math.log(mid / previous);
        sumSquares += r * r;
        returns++;
      }
      previous = mid;
    }
    if (returns === 0) return Number.NaN;
    const seconds = (returns * intervalMicros) / MICROS_PER_SECOND;
    return Math.sqrt((sumSquares * TRADING_SECONDS_PER_YEAR) / seconds);
  }

  /** Index of the last entry at or before t, or -1. */
  private indexAt(t: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    this.times = grownFloat64(this.times, capacity);
    this.bids = grownFloat64(this.bids, capacity);
    this.asks = grownFloat64(this.asks, capacity);
  }
}
