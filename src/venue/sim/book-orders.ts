/**
 * The live orders of a venue driven by a matching book: the book knows orders by a number, the venue by its
 * `VenueOrder`, and self-trade prevention by an account number. This registry keeps the three in step.
 * Invariant: an order is in both maps or in neither; a book event naming a number not here is a bug (throws).
 */
import { InvariantError } from "../../core/errors.js";
import type { VenueOrder } from "./venue-order.js";

export class BookOrders {
  private readonly byNumber = new Map<number, VenueOrder>();
  private readonly numbers = new Map<VenueOrder, number>();
  private readonly accounts = new Map<string, number>();

  add(number: number, order: VenueOrder): void {
    this.byNumber.set(number, order);
    this.numbers.set(order, number);
  }

  /** The live order the book calls `number`. */
  get(number: number): VenueOrder {
    const order = this.byNumber.get(number);
    if (order === undefined) throw new InvariantError(`book event for unknown order ${number}`);
    return order;
  }

  /** Removes and returns the order the book calls `number`. */
  take(number: number): VenueOrder {
    const order = this.get(number);
    this.byNumber.delete(number);
    this.numbers.delete(order);
    return order;
  }

  numberOf(order: VenueOrder): number {
    const number = this.numbers.get(order);
    if (number === undefined) throw new InvariantError(`order ${order.clOrdId} is not live in the book`);
    return number;
  }

  /** A small integer per account, for the book's self-trade prevention. */
  accountNumber(account: string): number {
    let n = this.accounts.get(account);
    if (n === undefined) {
      n = this.accounts.size + 1;
      this.accounts.set(account, n);
    }
    return n;
  }
}
