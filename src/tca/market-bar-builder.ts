/**
 * Cuts one instrument's market events (trade prints and NBBO changes, in time order) into one-second bars
 * (model/market-bar.ts). A bar is emitted when the first event of a later second arrives, or on `flush`; a second
 * without any event gives no bar, and the quote carries over from bar to bar. Pure: no clock, no timers, so the same
 * code cuts a live view (market-bar-recorder.ts) and a recorded file (the LOBSTER oracle test).
 * Invariant: events arrive with non-decreasing times (an earlier one is a bug: InvariantError).
 */
import { MICROS_PER_SECOND } from "../core/clock.js";
import { InvariantError } from "../core/errors.js";
import type { MarketBar } from "../model/market-bar.js";

/** A bar before the kernel stamps it with its seq and time. */
export type BarContent = Omit<MarketBar, "seq" | "time">;

export class MarketBarBuilder {
  private barStart = Number.NEGATIVE_INFINITY;
  private active = false;
  private bid: number | null = null;
  private ask: number | null = null;
  private trades = 0;
  private volume = 0;
  private notional = 0;
  private lastTime = Number.NEGATIVE_INFINITY;

  constructor(
    readonly symbol: string,
    private readonly emit: (bar: BarContent) => void,
  ) {}

  /** A market print of `qty` lots at `price` units. */
  trade(time: number, price: number, qty: number): void {
    this.advance(time);
    this.trades++;
    this.volume += qty;
    this.notional += price * qty;
  }

  /** The NBBO now; NaN or a non-finite price is a missing side. */
  quote(time: number, bid: number, ask: number): void {
    this.advance(time);
    this.bid = Number.isFinite(bid) ? bid : null;
    this.ask = Number.isFinite(ask) ? ask : null;
  }

  /** Emits the open bar, if it has activity. */
  flush(): void {
    if (!this.active) return;
    this.emit({
      type: "market-bar",
      symbol: this.symbol,
      barStart: this.barStart,
      bid: this.bid,
      ask: this.ask,
      trades: this.trades,
      volume: this.volume,
      notional: this.notional,
    });
    this.active = false;
    this.trades = 0;
    this.volume = 0;
    this.notional = 0;
  }

  private advance(time: number): void {
    if (time < this.lastTime)
      throw new InvariantError(`market bar ${this.symbol}: time ${time} after ${this.lastTime}`);
    this.lastTime = time;
    const second = Math.floor(time / MICROS_PER_SECOND) * MICROS_PER_SECOND;
    if (second !== this.barStart) {
      this.flush();
      this.barStart = second;
    }
    this.active = true;
  }
}
