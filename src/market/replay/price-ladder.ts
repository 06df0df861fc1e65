/**
 * One side of an aggregated (L2) book: price levels keyed by integer price with their total quantity, for rebuilding
 * recorded books (LOBSTER, Binance, Tardis). No orders, no queues: those live in the order book of the simulated venue.
 *
 * Layout: two parallel Float64Arrays sorted by key = price x direction (+1 bids, -1 asks), so the best level is last
 * and rank r (0 = best) sits at index count - 1 - r. Recorded flow lands near the touch, so a lookup walks down from the
 * top for a few levels before it falls back to a binary search; an insert or removal moves only the levels better than
 * it (copyWithin). Nothing is allocated per operation; the arrays double when full.
 *
 * Invariants: every stored quantity is > 0 (a level that reaches 0 is removed) and keys are strictly ascending.
 * Known limit: an insert far from the touch moves the levels above it (O(depth)), cheap for the few thousand levels of
 * a real book.
 */
import type { Side } from "../../model/order-types.js";

/** How many levels a lookup checks from the top before it switches to a binary search. */
const LINEAR_PROBES = 8;

export class PriceLadder {
  private keys: Float64Array;
  private qtys: Float64Array;
  private size = 0;
  /** +1 for bids (higher is better), -1 for asks. */
  private readonly dir: number;
  /** Reductions that took a level below zero (the level was removed): a sign that the book lost track. */
  overdrawn = 0;

  constructor(
    readonly side: Side,
    capacity = 64,
  ) {
    this.dir = side === "buy" ? 1 : -1;
    this.keys = new Float64Array(capacity);
    this.qtys = new Float64Array(capacity);
  }

  /** Number of levels. */
  get depth(): number {
    return this.size;
  }

  /** Price at rank (0 = best), or NaN beyond the last level. */
  priceAt(rank: number): number {
    const i = this.size - 1 - rank;
    return i >= 0 ? (this.keys[i] as number) * this.dir : Number.NaN;
  }

  /** Quantity at rank, or 0 beyond the last level. */
  qtyAt(rank: number): number {
    const i = this.size - 1 - rank;
    return i >= 0 ? (this.qtys[i] as number) : 0;
  }

  bestPrice(): number {
    return this.priceAt(0);
  }

  /** Quantity at `price`, 0 when there is no level. */
  qtyOf(price: number): number {
    const i = this.indexOf(price);
    return i >= 0 ? (this.qtys[i] as number) : 0;
  }

  /** Rank of the level at `price`, or -1 when there is none. */
  rankOf(price: number): number {
    const i = this.indexOf(price);
    return i >= 0 ? this.size - 1 - i : -1;
  }

  /** Whether `price` is better than `other` on this side (higher for bids, lower for asks). */
  isBetter(price: number, other: number): boolean {
    return price * this.dir > other * this.dir;
  }

  /** Adds `qty` (> 0) at `price`, creating the level if needed. */
  add(price: number, qty: number): void {
    const i = this.indexOf(price);
    if (i >= 0) this.qtys[i] = (this.qtys[i] as number) + qty;
    else this.insertAt(-i - 1, price * this.dir, qty);
  }

  /**
   * Takes `qty` off the level at `price`. Returns the rank the level had if it emptied (and was removed), -1 if it
   * still has quantity, -2 if there was no level at `price` (nothing changed). Going below zero counts as `overdrawn`
   * and empties the level.
   */
  reduce(price: number, qty: number): number {
    const i = this.indexOf(price);
    if (i < 0) return -2;
    const left = (this.qtys[i] as number) - qty;
    if (left > 0) {
      this.qtys[i] = left;
      return -1;
    }
    if (left < 0) this.overdrawn++;
    const rank = this.size - 1 - i;
    this.removeRange(i, i + 1);
    return rank;
  }

  /** Sets the level at `price` to `qty`; 0 removes it. Returns its rank before (removal) or after (set), -1 if none. */
  set(price: number, qty: number): number {
    const i = this.indexOf(price);
    if (qty === 0) {
      if (i < 0) return -1;
      const rank = this.size - 1 - i;
      this.removeRange(i, i + 1);
      return rank;
    }
    if (i >= 0) {
      this.qtys[i] = qty;
      return this.size - 1 - i;
    }
    const at = -i - 1;
    this.insertAt(at, price * this.dir, qty);
    return this.size - 1 - at;
  }

  /**
   * A level surfaced from below: ranks above `rank` are right, and the level now at `rank` is (`price`, `qty`), or
   * there is none (`price` NaN). Levels of ours at `rank` or below that are better than `price` do not exist any more
   * and go; the level at `price` is set to `qty`; levels worse than `price` stay (unknown until they surface too).
   * With `price` NaN every level from `rank` down goes. Returns how many levels it removed.
   */
  surface(rank: number, price: number, qty: number): number {
    const top = Math.max(0, this.size - rank);
    if (Number.isNaN(price)) {
      this.removeRange(0, top);
      return top;
    }
    const key = price * this.dir;
    const keys = this.keys;
    let j = top;
    while (j > 0 && (keys[j - 1] as number) > key) j--;
    this.removeRange(j, top);
    // Usually the level goes at j; `set` also copes with data where the price sits among the kept ranks.
    this.set(price, qty);
    return top - j;
  }

  /** Removes every level at `rank` and below (keeps the `rank` best). */
  truncate(rank: number): void {
    this.removeRange(0, Math.max(0, this.size - rank));
  }

  clear(): void {
    this.size = 0;
  }

  /** Index of `price`, or -(insertion index) - 1 when absent. */
  private indexOf(price: number): number {
    const key = price * this.dir;
    const keys = this.keys;
    let i = this.size - 1;
    const floor = i - LINEAR_PROBES;
    for (; i >= 0 && i > floor; i--) {
      const k = keys[i] as number;
      if (k === key) return i;
      if (k < key) return -(i + 1) - 1;
    }
    if (i < 0) return -1;
    let lo = 0;
    let hi = i;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid] as number;
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  private insertAt(index: number, key: number, qty: number): void {
    if (this.size === this.keys.length) this.grow();
    const keys = this.keys;
    const qtys = this.qtys;
    if (index < this.size) {
      keys.copyWithin(index + 1, index, this.size);
      qtys.copyWithin(index + 1, index, this.size);
    }
    keys[index] = key;
    qtys[index] = qty;
    this.size++;
  }

  private removeRange(from: number, to: number): void {
    if (to <= from) return;
    if (to < this.size) {
      this.keys.copyWithin(from, to, this.size);
      this.qtys.copyWithin(from, to, this.size);
    }
    this.size -= to - from;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    const qtys = new Float64Array(this.qtys.length * 2);
    keys.set(this.keys);
    qtys.set(this.qtys);
    this.keys = keys;
    this.qtys = qtys;
  }
}
