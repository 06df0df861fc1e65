/**
 * Replays a LOBSTER message file into a `LobsterBook`, with or without the resync rule, and compares the rebuilt book
 * with an orderbook row.
 *
 * Why a rule is needed. A level-N LOBSTER file is filtered: it carries only the messages that touch the top N price
 * levels, and the book is already populated at 09:30. Depth below the visible window is therefore unknown to the
 * messages: when a level leaves the window (the best level of a side empties; on a level-N file, any of the top N),
 * the level that moves up into the window was never described by a message. The rule: seed the book from the first
 * orderbook row, and whenever a level enters the window from below, take that level's price and size from the
 * orderbook row of the same message, and only then. Levels of ours between the remaining window and the surfaced
 * price are stale (their orders left while outside the window, unseen) and go; levels below it stay unknown until they
 * surface in turn. Levels inside the window are never touched by the rule: they are what the messages made them.
 *
 * Without resync (`resync = false`) the book is seeded once and then follows the messages alone, which shows how much
 * of the book the messages cannot explain.
 */

import { LobsterBook } from "./lobster-book.js";
import { EMPTY_ASK_PRICE, EMPTY_BID_PRICE } from "./lobster-format.js";

export class LobsterReplay {
  readonly book = new LobsterBook();
  /** Levels taken from the orderbook file because they entered the window from below. */
  surfaced = 0;
  /** Stale levels removed when a level surfaced below them. */
  staleRemoved = 0;
  /** After `step`: the side a level surfaced on (1 bids, -1 asks) or 0, and the surfaced level (price NaN: none). */
  lastSurfacedSide = 0;
  lastSurfacedPrice = Number.NaN;
  lastSurfacedQty = 0;

  constructor(
    /** Levels per side in the orderbook file: the visible window. */
    readonly levels: number,
    readonly resync: boolean,
  ) {}

  /** Loads the book from a row (the book after the first message; `data` from `offset`, 4 columns per level). */
  seed(data: Float64Array, offset: number): void {
    this.book.seed(data, offset, this.levels);
  }

  /**
   * Applies one message; `data`/`offset` is the orderbook row after it, read only when a level enters the window from
   * below (and only with resync on). Returns whether a level surfaced.
   */
  step(
    type: number,
    orderId: number,
    size: number,
    price: number,
    direction: number,
    data: Float64Array,
    offset: number,
  ): boolean {
    this.lastSurfacedSide = 0;
    const emptied = this.book.apply(type, orderId, size, price, direction);
    if (emptied < 0 || emptied >= this.levels || !this.resync) return false;
    this.surface(direction, data, offset);
    return true;
  }

  /** Applies one message without a row to resync from (a row a lenient reader skipped): a surfacing level is missed. */
  stepWithoutRow(type: number, orderId: number, size: number, price: number, direction: number): void {
    this.lastSurfacedSide = 0;
    this.book.apply(type, orderId, size, price, direction);
  }

  /** Whether the top `levels` levels of both sides equal the row, prices and sizes. */
  matches(data: Float64Array, offset: number): boolean {
    const { bids, asks } = this.book;
    const levels = this.levels;
    for (let i = 0; i < levels; i++) {
      const base = offset + i * 4;
      const askPrice = data[base] as number;
      if (askPrice === EMPTY_ASK_PRICE) {
        if (i < asks.depth) return false;
      } else if (asks.priceAt(i) !== askPrice || asks.qtyAt(i) !== data[base + 1]) return false;
      const bidPrice = data[base + 2] as number;
      if (bidPrice === EMPTY_BID_PRICE) {
        if (i < bids.depth) return false;
      } else if (bids.priceAt(i) !== bidPrice || bids.qtyAt(i) !== data[base + 3]) return false;
    }
    return true;
  }

  /** The level at rank levels-1 of `direction`'s side is the row's. */
  private surface(direction: number, data: Float64Array, offset: number): void {
    const rank = this.levels - 1;
    const base = offset + rank * 4 + (direction === 1 ? 2 : 0);
    const rowPrice = data[base] as number;
    const missing = direction === 1 ? rowPrice === EMPTY_BID_PRICE : rowPrice === EMPTY_ASK_PRICE;
    const price = missing ? Number.NaN : rowPrice;
    const qty = missing ? 0 : (data[base + 1] as number);
    this.staleRemoved += this.book.ladder(direction).surface(rank, price, qty);
    this.surfaced++;
    this.lastSurfacedSide = direction;
    this.lastSurfacedPrice = price;
    this.lastSurfacedQty = qty;
  }
}
