/**
 * A venue whose orders meet in a matching core that numbers them and calls back synchronously: the simulated lit
 * venue (OrderBook) and the replay venue (a queue-position overlay on a recorded book). This class turns the core's
 * events into reports the same way for both: acknowledgement first, fills with their liquidity flag and fee, cancels
 * and replaces renamed to the request's ClOrdID, and cancel rejects on the session that asked.
 * Invariant: `amend` is the only way a cancel or replace reaches the core, so the request and its session are in
 * scope for the events it causes.
 */
import type { CancelRejectReason, Liquidity, VenueCancelReason } from "../../model/execution-report.js";
import type { CancelRequest, ReplaceRequest } from "../venue.js";
import { BookOrders } from "./book-orders.js";
import type { SimSession } from "./sim-session.js";
import { SimVenueBase } from "./sim-venue-base.js";
import type { VenueOrder } from "./venue-order.js";

export abstract class BookVenueBase extends SimVenueBase {
  protected readonly bookOrders = new BookOrders();
  private currentRequest: CancelRequest | ReplaceRequest | null = null;
  private currentSession: SimSession | null = null;

  /** Applies a cancel or replace to the core (`action` gets the order's number) with the request in scope. */
  protected amend(order: VenueOrder, request: CancelRequest | ReplaceRequest, action: (number: number) => void): void {
    this.currentRequest = request;
    this.currentSession = order.session;
    action(this.bookOrders.numberOf(order));
    this.currentRequest = null;
    this.currentSession = null;
  }

  /**
   * Reports one execution to whichever sides are ours (a recorded order has no number: null) and retires filled
   * orders; returns the taker, if ours.
   */
  protected trade(
    makerId: number | null,
    takerId: number | null,
    price: number,
    qty: number,
    makerLeaves: number,
    takerLeaves: number,
  ): VenueOrder | null {
    const maker = makerId === null ? null : this.bookOrders.get(makerId);
    const taker = takerId === null ? null : this.bookOrders.get(takerId);
    if (taker !== null) this.acknowledge(taker);
    if (maker !== null) this.side(maker, makerId as number, "maker", price, qty, makerLeaves);
    if (taker !== null) this.side(taker, takerId as number, "taker", price, qty, takerLeaves);
    return taker;
  }

  onRejected(id: number, reason: "duplicate-order-id" | "invalid-quantity" | "post-only-would-take"): void {
    const order = this.bookOrders.take(id);
    order.session.live.delete(order.clOrdId);
    this.send(order, "rejected", reason === "post-only-would-take" ? reason : "invalid-quantity");
  }

  onRested(id: number): void {
    this.acknowledge(this.bookOrders.get(id));
  }

  onCancelled(id: number, _leaves: number, reason: VenueCancelReason): void {
    const order = this.bookOrders.take(id);
    this.acknowledge(order);
    order.session.live.delete(order.clOrdId);
    if (reason === "requested") order.renameTo((this.currentRequest as CancelRequest).clOrdId);
    this.send(order, "canceled", reason);
  }

  onCancelRejected(): void {
    this.cancelReject(
      this.currentSession as SimSession,
      this.currentRequest as CancelRequest,
      "cancel",
      "unknown-order",
    );
  }

  onReplaced(id: number, price: number, leaves: number): void {
    const order = this.bookOrders.get(id);
    order.session.live.delete(order.clOrdId);
    order.renameTo((this.currentRequest as ReplaceRequest).clOrdId);
    order.session.live.set(order.clOrdId, order);
    order.price = price;
    order.orderQty = order.cumQty + leaves;
    this.send(order, "replaced");
  }

  onReplaceRejected(_id: number, reason: CancelRejectReason): void {
    this.cancelReject(this.currentSession as SimSession, this.currentRequest as ReplaceRequest, "replace", reason);
  }

  private side(order: VenueOrder, id: number, liquidity: Liquidity, price: number, qty: number, leaves: number): void {
    this.execution(order, liquidity, price, qty, leaves);
    if (leaves === 0) this.bookOrders.take(id);
  }
}
