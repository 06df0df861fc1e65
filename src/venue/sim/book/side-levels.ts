/**
 * One side's price levels, in an array sorted so that the best level is last (bids ascending, asks descending), with an
 * `IntMap` from price to level for O(1) lookups; the binary search only places a new level.
 *
 * A level that empties away from the touch stays in the array, empty, because orders come back to nearby prices all
 * the time and an array insert or removal moves the whole tail. Invariant: the last level is never empty (empties at
 * the touch are popped at once); empties elsewhere are compacted away when they far outnumber live ones.
 * Known limit: creating a level far from the touch moves the array tail (O(L)), cheap for the few thousand levels a
 * real book has.
 */
import { IntMap } from "../../../core/int-map.js";
import { BUY, type PriceLevel, type SideIndex } from "./price-level.js";

/**
 * A side compacts its empty levels when there are more than this many and more than EMPTIES_PER_LIVE_LEVEL per live
 * level: memory stays within a constant factor of the live book, and prices that orders return to keep their level.
 */
const COMPACT_MIN_EMPTIES = 4096;
const EMPTIES_PER_LIVE_LEVEL = 4;

export class SideLevels {
  readonly levels: PriceLevel[] = [];
  /** The same levels by price: lookups skip the binary search, which only places a new level. */
  private readonly byPrice = new IntMap<PriceLevel>();
  /** Empty levels kept in `levels` away from the touch. */
  private empties = 0;
  /** +1 for bids (ascending prices), -1 for asks (descending prices). */
  private readonly direction: number;

  constructor(side: SideIndex) {
    this.direction = side === BUY ? 1 : -1;
  }

  best(): PriceLevel | undefined {
    return this.levels[this.levels.length - 1];
  }

  /** Index of the level at `price`, or -(insertion point + 1) when there is none. */
  indexOf(price: number): number {
    const levels = this.levels;
    const key = price * this.direction;
    let hi = levels.length - 1;
    // The touch is the common case: check the end before searching.
    if (hi >= 0 && (levels[hi] as PriceLevel).price === price) return hi;
    let lo = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = (levels[mid] as PriceLevel).price * this.direction;
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return mid;
    }
    return -(lo + 1);
  }

  at(price: number): PriceLevel | undefined {
    return this.byPrice.get(price);
  }

  /** Adds a level for a price that has none. */
  insert(level: PriceLevel): void {
    const levels = this.levels;
    const index = -this.indexOf(level.price) - 1;
    if (index === levels.length) levels.push(level);
    else levels.splice(index, 0, level);
    this.byPrice.set(level.price, level);
  }

  /**
   * A level just became empty. At the touch it is popped with any empties behind it; elsewhere it stays for reuse until
   * empties outnumber live levels, when they are compacted away. Every level dropped goes to `release`.
   */
  emptied(level: PriceLevel, release: (level: PriceLevel) => void): void {
    const levels = this.levels;
    if (levels[levels.length - 1] !== level) {
      this.empties++;
      const live = levels.length - this.empties;
      if (this.empties > COMPACT_MIN_EMPTIES && this.empties > EMPTIES_PER_LIVE_LEVEL * live) this.compact(release);
      return;
    }
    this.drop(levels.pop() as PriceLevel, release);
    while (levels.length > 0 && (levels[levels.length - 1] as PriceLevel).isEmpty()) {
      this.drop(levels.pop() as PriceLevel, release);
      this.empties--;
    }
  }

  /** An empty level gets an order again. */
  reused(): void {
    this.empties--;
  }

  private compact(release: (level: PriceLevel) => void): void {
    const levels = this.levels;
    let kept = 0;
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i] as PriceLevel;
      if (level.isEmpty()) this.drop(level, release);
      else levels[kept++] = level;
    }
    levels.length = kept;
    this.empties = 0;
  }

  private drop(level: PriceLevel, release: (level: PriceLevel) => void): void {
    this.byPrice.delete(level.price);
    release(level);
  }
}
