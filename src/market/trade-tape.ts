/**
 * Every trade print of one instrument, in arrival order, in growable typed arrays: time, price, quantity and venue,
 * with running sums of quantity and notional so that the VWAP and volume of any time interval take two binary searches.
 * Invariant: times are non-decreasing (prints arrive in the market-data order of one scheduler).
 * Notional sums are floats: they serve analytics (VWAP), never order state.
 */
import { grownFloat64, grownUint16 } from "../core/typed-arrays.js";
export interface TapeTrade {
  time: number;
  price: number;
  qty: number;
  venueId: string;
}

const INITIAL_CAPACITY = 1024;

export class TradeTape {
  private times = new Float64Array(INITIAL_CAPACITY);
  private prices = new Float64Array(INITIAL_CAPACITY);
  private quantities = new Float64Array(INITIAL_CAPACITY);
  /** Cumulative quantity and notional up to and including each trade. */
  private cumQty = new Float64Array(INITIAL_CAPACITY);
  private cumNotional = new Float64Array(INITIAL_CAPACITY);
  private venues = new Uint16Array(INITIAL_CAPACITY);
  private readonly venueIds: string[] = [];
  private readonly venueIndex = new Map<string, number>();
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Total quantity printed (lots). */
  get volume(): number {
    return this.count === 0 ? 0 : (this.cumQty[this.count - 1] as number);
  }

  add(time: number, price: number, qty: number, venueId: string): void {
    if (this.count === this.times.length) this.grow();
    const i = this.count++;
    const prevQty = i === 0 ? 0 : (this.cumQty[i - 1] as number);
    const prevNotional = i === 0 ? 0 : (this.cumNotional[i - 1] as number);
    this.times[i] = time;
    this.prices[i] = price;
    this.quantities[i] = qty;
    this.cumQty[i] = prevQty + qty;
    this.cumNotional[i] = prevNotional + qty * price;
    this.venues[i] = this.venueNumber(venueId);
  }

  /** Quantity printed with from <= time < to. */
  volumeBetween(from: number, to: number): number {
    const [a, b] = this.range(from, to);
    return this.sumBefore(this.cumQty, b) - this.sumBefore(this.cumQty, a);
  }

  /** VWAP (price units, float) of the prints with from <= time < to; NaN when there are none. */
  vwapBetween(from: number, to: number): number {
    const [a, b] = this.range(from, to);
    const qty = this.sumBefore(this.cumQty, b) - this.sumBefore(this.cumQty, a);
    if (qty === 0) return Number.NaN;
    return (this.sumBefore(this.cumNotional, b) - this.sumBefore(this.cumNotional, a)) / qty;
  }

  /** Volume per venue over the whole tape. */
  volumeByVenue(): Map<string, number> {
    const out = new Map<string, number>();
    for (let i = 0; i < this.count; i++) {
      const id = this.venueIds[this.venues[i] as number] as string;
      out.set(id, (out.get(id) ?? 0) + (this.quantities[i] as number));
    }
    return out;
  }

  /** The last `n` trades, oldest first. */
  recent(n: number): TapeTrade[] {
    const out: TapeTrade[] = [];
    for (let i = Math.max(0, this.count - n); i < this.count; i++) out.push(this.at(i));
    return out;
  }

  at(i: number): TapeTrade {
    return {
      time: this.times[i] as number,
      price: this.prices[i] as number,
      qty: this.quantities[i] as number,
      venueId: this.venueIds[this.venues[i] as number] as string,
    };
  }

  /** Indexes [a, b) of the trades with from <= time < to. */
  private range(from: number, to: number): [number, number] {
    return [this.lowerBound(from), this.lowerBound(to)];
  }

  /** First index whose time is >= t. */
  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Running sum of the trades before index i. */
  private sumBefore(cumulative: Float64Array, i: number): number {
    return i === 0 ? 0 : (cumulative[i - 1] as number);
  }

  private venueNumber(venueId: string): number {
    let n = this.venueIndex.get(venueId);
    if (n === undefined) {
      n = this.venueIds.length;
      this.venueIds.push(venueId);
      this.venueIndex.set(venueId, n);
    }
    return n;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    this.times = grownFloat64(this.times, capacity);
    this.prices = grownFloat64(this.prices, capacity);
    this.quantities = grownFloat64(this.quantities, capacity);
    this.cumQty = grownFloat64(this.cumQty, capacity);
    this.cumNotional = grownFloat64(this.cumNotional, capacity);
    this.venues = grownUint16(this.venues, capacity);
  }
}
