/**
 * The client orders the engine holds, by order id: the hot path appends every accepted order (ids are given in
 * arrival order), and with release on (order-release.ts) done orders leave, mostly oldest first, while a few long-lived
 * ones stay all day.
 *
 * Two generations: the young ones in an array indexed by id (an append is a push, a lookup an index: a `Map` of a
 * million orders cost intake a tenth of its time), and the survivors of older ids in a `Map`. When more than half of the
 * young array's slots have been released, its survivors move to the map and the array starts afresh after them, so
 * memory follows the orders held, not the ids issued (amortised O(1) per release: each order moves at most once).
 * Invariant: orders are added in increasing id order (intake, and restores from the journal or a snapshot), so
 * `values()` yields them in id order, the order the state hash and snapshots read them in.
 */
import { InvariantError } from "../core/errors.js";
import type { ClientOrder } from "../model/client-order.js";

/** Young arrays shorter than this are never compacted: a few slots are not worth moving orders for. */
const MIN_COMPACT = 1024;

export class HeldOrders {
  /** Orders with ids below `youngBase` still held. */
  private readonly old = new Map<number, ClientOrder>();
  /** Orders with ids from `youngBase`: slot id - youngBase, undefined once released. */
  private young: (ClientOrder | undefined)[] = [];
  private youngBase = 1;
  private youngReleased = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(orderId: number): ClientOrder | undefined {
    if (orderId >= this.youngBase) return this.young[orderId - this.youngBase];
    return this.old.get(orderId);
  }

  /** Adds `order` (its id above every id added before). */
  add(order: ClientOrder): void {
    const slot = order.orderId - this.youngBase;
    if (slot < this.young.length) {
      throw new InvariantError(`order ${order.orderId} added after order ${this.youngBase + this.young.length - 1}`);
    }
    while (this.young.length < slot) {
      this.young.push(undefined);
      this.youngReleased++;
    }
    this.young.push(order);
    this.count++;
  }

  delete(orderId: number): void {
    if (orderId < this.youngBase) {
      if (this.old.delete(orderId)) this.count--;
      return;
    }
    const slot = orderId - this.youngBase;
    if (this.young[slot] === undefined) return;
    this.young[slot] = undefined;
    this.youngReleased++;
    this.count--;
    if (this.young.length >= MIN_COMPACT && this.youngReleased * 2 > this.young.length) this.compact();
  }

  /** Every order held, in id order. */
  *values(): IterableIterator<ClientOrder> {
    yield* this.old.values();
    for (const order of this.young) if (order !== undefined) yield order;
  }

  private compact(): void {
    for (const order of this.young) if (order !== undefined) this.old.set(order.orderId, order);
    this.youngBase += this.young.length;
    this.young = [];
    this.youngReleased = 0;
  }
}
