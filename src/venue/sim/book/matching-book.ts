/**
 * The contract of a price-time priority matching book holding full order-level (L3) state for one instrument.
 * Two implementations honour it: `OrderBook` (fast: pooled objects, intrusive lists, no allocation per operation) and
 * `ReferenceBook` (naive: arrays and linear scans, obviously right). Both emit exactly the same listener calls, in the
 * same order, for the same commands; a property test holds them to that.
 *
 * Units: prices are integers in the instrument's price unit, quantities integers in lots. Ids are safe integers
 * chosen by the caller (the venue), unique among live orders. Accounts are integers; self-trade prevention compares them.
 *
 * Semantics, exactly (both books):
 * - Priority at a price level: displayed orders (plain and iceberg slices) in time order, then hidden orders in time
 *   order. Better price always first.
 * - `limit`: rejects `duplicate-order-id` if the id is live; `invalid-quantity` unless 0 < qty and
 *   0 <= displayQty <= qty; `post-only-would-take` if postOnly and the best contra price (hidden included) crosses.
 *   FOK: if the executable quantity (see below) is below qty, cancelled whole with `fok-unfilled`, book untouched.
 *   Then matches while the best contra level crosses; a remainder of IOC/FOK is cancelled `ioc-unfilled`, of DAY/GTC
 *   rests (`onRested`). displayQty = qty: plain; 0: hidden; in between: iceberg showing displayQty at a time.
 * - `market`: like an IOC limit at any price (FOK when tif is fok).
 * - Matching against a maker trades min(remaining, maker's matchable quantity), where matchable is the displayed slice
 *   for plain/iceberg orders and all leaves for hidden ones, at the maker's price. An iceberg whose slice is used up and
 *   that has reserve refreshes its slice to min(displayQty, leaves) and moves to the tail of the displayed queue: the
 *   refreshed slice loses time priority.
 * - Self-trade prevention when maker and taker have the same account, by mode: `cancel-resting` cancels the maker
 *   (`self-trade`) and goes on; `cancel-incoming` cancels the taker's remainder (`self-trade`) and stops;
 *   `cancel-both` cancels the maker, then the taker's remainder; `none` lets them trade.
 * - FOK executable quantity: the sum, over contra levels that cross, in price order, of leaves of orders the taker may
 *   trade with (under `none`, all orders; otherwise orders of another account). With `cancel-incoming` or
 *   `cancel-both`, summing stops before the first level that holds an order of the taker's account (conservative: the
 *   FOK is not sent into a self-trade).
 * - `cancel`: removes the order (`onCancelled` reason `requested`) or answers `onCancelRejected(unknown-order)`.
 * - `replace(id, price, qty)`, qty being the new leaves quantity: unknown id or qty <= 0 -> `onReplaceRejected`
 *   (`unknown-order` / `invalid-quantity`). Same price and qty <= leaves: reduced in place, priority kept
 *   (an iceberg's slice becomes min(slice, qty)). Otherwise it loses priority: a post-only order whose new price
 *   crosses is refused (`post-only-would-take`, order unchanged); else it leaves its level, `onReplaced` is emitted,
 *   and it re-enters as a taker with its original account, tif and postOnly, keeping its visibility (plain stays
 *   plain, hidden stays hidden, an iceberg shows min(displayQty, qty)). Prices are the caller's to validate.
 * - Depth: after each step that changes the displayed quantity of a level (a trade and any refresh it causes, a rest,
 *   a cancel, an in-place reduction, a removal by replace) `onDepth(side, price, displayed)` reports the new total of
 *   displayed quantity at that level (0 when no displayed quantity is left); no call when the total is unchanged.
 * - Event order for one command: the taker's trades in matching order, each followed by its maker's cancel (STP) or
 *   depth update, then the taker's final cancel or rest, then the depth update of its own level. A cancel: onCancelled,
 *   then onDepth. An in-place reduction: onReplaced, then onDepth. A replace that loses priority: onDepth of the old
 *   level, then onReplaced, then the same as a new order's matching (trades, then cancel or rest, then onDepth).
 *   A rejected command emits only its reject and changes nothing.
 */
import type { DepthLevel } from "../../../model/market-data.js";
import type { Side, TimeInForce } from "../../../model/order-types.js";
import type { SelfTradePrevention } from "../../../model/venue-spec.js";

export type { SelfTradePrevention };

export type BookCancelReason = "requested" | "ioc-unfilled" | "fok-unfilled" | "self-trade";
export type BookRejectReason = "duplicate-order-id" | "invalid-quantity" | "post-only-would-take";
export type BookAmendRejectReason = "unknown-order" | "invalid-quantity" | "post-only-would-take";

export interface BookListener {
  onRejected(id: number, reason: BookRejectReason): void;
  /** One execution: `makerLeaves` and `takerLeaves` are each side's remaining quantity after it. */
  onTrade(makerId: number, takerId: number, price: number, qty: number, makerLeaves: number, takerLeaves: number): void;
  onRested(id: number, price: number, leaves: number): void;
  onCancelled(id: number, leaves: number, reason: BookCancelReason): void;
  onCancelRejected(id: number, reason: "unknown-order"): void;
  onReplaced(id: number, price: number, leaves: number): void;
  onReplaceRejected(id: number, reason: BookAmendRejectReason): void;
  onDepth(side: Side, price: number, displayed: number): void;
}

export type { DepthLevel };

export interface MatchingBook {
  limit(
    id: number,
    account: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce,
    postOnly: boolean,
    displayQty: number,
  ): void;
  market(id: number, account: number, side: Side, qty: number, tif: "ioc" | "fok"): void;
  cancel(id: number): void;
  replace(id: number, price: number, qty: number): void;
  /** Best price with any resting quantity (hidden included), or NaN when the side is empty. */
  bestPrice(side: Side): number;
  /** Best price with displayed quantity, or NaN. What a market-data subscriber sees as the top of book. */
  bestDisplayedPrice(side: Side): number;
  /** Up to `levels` price levels with displayed quantity, best first. */
  depth(side: Side, levels: number): DepthLevel[];
  /** Leaves quantity of a live order, or 0 when it is not in the book. */
  leaves(id: number): number;
  readonly orderCount: number;
}

/** A listener that ignores everything: benchmarks and callers that only need the book's state. */
export const SILENT_LISTENER: BookListener = {
  onRejected() {},
  onTrade() {},
  onRested() {},
  onCancelled() {},
  onCancelRejected() {},
  onReplaced() {},
  onReplaceRejected() {},
  onDepth() {},
};
