/**
 * The order book's building blocks below the book itself: a resting order and a price level. A level holds two
 * intrusive doubly-linked FIFO queues, displayed orders (plain and iceberg slices) then hidden ones, so enqueue, removal
 * and an iceberg's move to the tail are O(1). Objects are pooled by the book and reused.
 * Invariant: `displayed` is the sum of `visible` over the displayed queue.
 */
import type { TimeInForce } from "../../../model/order-types.js";

export const BUY = 0;
export const SELL = 1;
export type SideIndex = typeof BUY | typeof SELL;

export const PLAIN = 0;
export const ICEBERG = 1;
export const HIDDEN = 2;
export type Kind = typeof PLAIN | typeof ICEBERG | typeof HIDDEN;

export class RestingOrder {
  id = 0;
  account = 0;
  side: SideIndex = BUY;
  price = 0;
  /** Total remaining quantity, reserve included. */
  leaves = 0;
  /** Quantity currently displayed at the level (the iceberg slice; all leaves for plain; 0 for hidden). */
  visible = 0;
  /** Configured slice size of an iceberg. */
  displayQty = 0;
  kind: Kind = PLAIN;
  postOnly = false;
  tif: TimeInForce = "day";
  prev: RestingOrder | null = null;
  next: RestingOrder | null = null;
  level: PriceLevel | null = null;
}

export class PriceLevel {
  price = 0;
  side: SideIndex = BUY;
  displayed = 0;
  displayedHead: RestingOrder | null = null;
  displayedTail: RestingOrder | null = null;
  hiddenHead: RestingOrder | null = null;
  hiddenTail: RestingOrder | null = null;

  isEmpty(): boolean {
    return this.displayedHead === null && this.hiddenHead === null;
  }

  append(order: RestingOrder): void {
    order.level = this;
    order.next = null;
    if (order.kind === HIDDEN) {
      order.prev = this.hiddenTail;
      if (this.hiddenTail === null) this.hiddenHead = order;
      else this.hiddenTail.next = order;
      this.hiddenTail = order;
    } else {
      order.prev = this.displayedTail;
      if (this.displayedTail === null) this.displayedHead = order;
      else this.displayedTail.next = order;
      this.displayedTail = order;
      this.displayed += order.visible;
    }
  }

  unlink(order: RestingOrder): void {
    const { prev, next } = order;
    if (order.kind === HIDDEN) {
      if (prev === null) this.hiddenHead = next;
      else prev.next = next;
      if (next === null) this.hiddenTail = prev;
      else next.prev = prev;
    } else {
      if (prev === null) this.displayedHead = next;
      else prev.next = next;
      if (next === null) this.displayedTail = prev;
      else next.prev = prev;
      this.displayed -= order.visible;
    }
    order.prev = null;
    order.next = null;
    order.level = null;
  }
}
