/**
 * The book a LOBSTER message file rebuilds: displayed quantity per price level on each side (two `PriceLadder`s) and
 * the orders whose submission the file showed, with their remaining size and the sequence number of their submission
 * (which tells a queue-position model whether an order was ahead of ours).
 *
 * Every message carries its price and size, so a level changes by exactly the message's size whether or not the order
 * is known: a cancellation, deletion or execution of an order of unknown id (placed before 09:30, or while its level was
 * outside a filtered file's window) adjusts its price level all the same. Hidden executions, cross trades and halts do
 * not change the displayed book.
 *
 * Invariants: level quantities stay > 0 (see PriceLadder); an order is forgotten when deleted or fully executed.
 * Counted, never thrown (the data is what it is): reductions at a price with no level (`missingLevels`) or below zero
 * (the ladders' `overdrawn`), and submissions reusing a live id (`duplicateIds`).
 */
import { IntMap } from "../../core/int-map.js";
import { CANCELLATION, DELETION, EMPTY_ASK_PRICE, EMPTY_BID_PRICE, EXECUTION, SUBMISSION } from "./lobster-format.js";
import { PriceLadder } from "./price-ladder.js";

export class LobsterBook {
  readonly bids = new PriceLadder("buy");
  readonly asks = new PriceLadder("sell");
  /** Messages applied so far (the sequence number of the next one). */
  seq = 0;
  /** For the last message: the submission sequence number of its order, or -1 when the order is not known. */
  lastOrderSeq = -1;
  missingLevels = 0;
  duplicateIds = 0;
  /** Reductions of orders whose submission the file did not show. */
  unknownOrders = 0;
  private readonly slots = new IntMap<number>(1024);
  private sizes = new Float64Array(1024);
  private addSeqs = new Float64Array(1024);
  private freeSlots = new Int32Array(1024);
  private freeCount = 0;
  private nextSlot = 0;

  /** Live orders known by id. */
  get knownOrders(): number {
    return this.slots.size;
  }

  ladder(direction: number): PriceLadder {
    return direction === 1 ? this.bids : this.asks;
  }

  /**
   * Applies one message. Returns the rank (0 = best) the level of the message had if the message emptied it, else -1.
   * The side is the message's direction (1 bids, -1 asks).
   */
  apply(type: number, orderId: number, size: number, price: number, direction: number): number {
    this.seq++;
    this.lastOrderSeq = -1;
    if (type === SUBMISSION) {
      this.remember(orderId, size);
      (direction === 1 ? this.bids : this.asks).add(price, size);
      return -1;
    }
    if (type !== CANCELLATION && type !== DELETION && type !== EXECUTION) return -1;
    this.forget(orderId, size, type === DELETION);
    const rank = (direction === 1 ? this.bids : this.asks).reduce(price, size);
    if (rank === -2) {
      this.missingLevels++;
      return -1;
    }
    return rank;
  }

  /**
   * Replaces both sides with the `levels` levels of an orderbook row (`data` from `offset`: ask price, ask size, bid
   * price, bid size per level). Known orders are kept: they may still be in the book.
   */
  seed(data: Float64Array, offset: number, levels: number): void {
    this.bids.clear();
    this.asks.clear();
    for (let i = 0; i < levels; i++) {
      const base = offset + i * 4;
      const askPrice = data[base] as number;
      const bidPrice = data[base + 2] as number;
      if (askPrice !== EMPTY_ASK_PRICE) this.asks.set(askPrice, data[base + 1] as number);
      if (bidPrice !== EMPTY_BID_PRICE) this.bids.set(bidPrice, data[base + 3] as number);
    }
  }

  /** Remaining size of a known order, 0 when unknown. */
  orderSize(orderId: number): number {
    const slot = this.slots.get(orderId);
    return slot === undefined ? 0 : (this.sizes[slot] as number);
  }

  private remember(orderId: number, size: number): void {
    let slot = this.slots.get(orderId);
    if (slot !== undefined) this.duplicateIds++;
    else {
      slot = this.freeCount > 0 ? (this.freeSlots[--this.freeCount] as number) : this.newSlot();
      this.slots.set(orderId, slot);
    }
    this.sizes[slot] = size;
    this.addSeqs[slot] = this.seq;
  }

  private forget(orderId: number, size: number, whole: boolean): void {
    const slot = this.slots.get(orderId);
    if (slot === undefined) {
      this.unknownOrders++;
      return;
    }
    this.lastOrderSeq = this.addSeqs[slot] as number;
    const left = (this.sizes[slot] as number) - size;
    if (!whole && left > 0) {
      this.sizes[slot] = left;
      return;
    }
    this.slots.delete(orderId);
    if (this.freeCount === this.freeSlots.length) this.freeSlots = grown(this.freeSlots);
    this.freeSlots[this.freeCount++] = slot;
  }

  private newSlot(): number {
    if (this.nextSlot === this.sizes.length) {
      this.sizes = grown(this.sizes);
      this.addSeqs = grown(this.addSeqs);
    }
    return this.nextSlot++;
  }
}

function grown<T extends Float64Array | Int32Array>(array: T): T {
  const bigger = new (array.constructor as new (n: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}
