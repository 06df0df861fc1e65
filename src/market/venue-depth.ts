/**
 * One venue's displayed depth on one side of one instrument, as its market data describes it: price -> displayed
 * quantity, with the best price kept current. Built only from snapshots and per-level updates.
 * Invariant: no level with quantity 0 is kept; `best` is the highest bid / lowest ask present, NaN when empty.
 */
import type { DepthLevel } from "../model/market-data.js";

export class VenueDepth {
  readonly levels = new Map<number, number>();
  best = Number.NaN;

  constructor(readonly isBid: boolean) {}

  /** The quantity now displayed at `price` (0 removes the level). */
  set(price: number, qty: number): void {
    if (qty > 0) {
      this.levels.set(price, qty);
      if (Number.isNaN(this.best) || this.better(price, this.best)) this.best = price;
      return;
    }
    this.levels.delete(price);
    if (price === this.best) this.best = this.recompute();
  }

  reset(levels: readonly DepthLevel[]): void {
    this.levels.clear();
    for (const level of levels) if (level.qty > 0) this.levels.set(level.price, level.qty);
    this.best = this.recompute();
  }

  /** Displayed quantity at the best price, 0 when empty. */
  get bestQty(): number {
    return Number.isNaN(this.best) ? 0 : (this.levels.get(this.best) ?? 0);
  }

  better(a: number, b: number): boolean {
    return this.isBid ? a > b : a < b;
  }

  private recompute(): number {
    let best = Number.NaN;
    for (const price of this.levels.keys()) if (Number.isNaN(best) || this.better(price, best)) best = price;
    return best;
  }
}
