/**
 * What a venue tells the order's owner, in FIX terms (ExecutionReport 35=8 and OrderCancelReject 35=9).
 * Prices are integers in the instrument's price unit, quantities integers in lots. `avgPx` is a float (an average is
 * not a price anyone quotes); `feeMicros` is the fee of this execution in millionths of the currency, negative for a
 * rebate. Absent values are null, never undefined, so reports compare and serialise the same everywhere.
 */
import type { OrdType, Side, TimeInForce } from "./order-types.js";

/** ExecType (150). */
export type ExecType = "new" | "trade" | "canceled" | "replaced" | "rejected" | "expired";
/** OrdStatus (39). "replaced" is not one: after a replace the status is new or partially-filled, as in FIX 4.4. */
export type OrdStatus = "new" | "partially-filled" | "filled" | "canceled" | "rejected" | "expired";
/** LastLiquidityInd (851): maker added liquidity, taker removed it. */
export type Liquidity = "maker" | "taker";

/** Why a venue refused an order. */
export type VenueRejectReason =
  | "unknown-symbol"
  | "unsupported-order-type"
  | "unsupported-time-in-force"
  | "unsupported-instruction"
  | "invalid-quantity"
  | "below-minimum-quantity"
  | "missing-price"
  | "price-on-market-order"
  | "invalid-price"
  | "price-off-tick"
  | "duplicate-cl-ord-id"
  | "post-only-would-take"
  /** The venue is not taking orders (an outage, a halt). */
  | "venue-unavailable";

/**
 * Why a live order ended without filling completely. `unknown-at-venue`: the venue, asked for the order's status after
 * a reconnect, no longer knows it (it restarted without its orders), so it is not working there any more.
 */
export type VenueCancelReason = "requested" | "ioc-unfilled" | "fok-unfilled" | "self-trade" | "unknown-at-venue";

/** Why a cancel or replace request was refused (CxlRejReason 102 in spirit). */
export type CancelRejectReason =
  | "unknown-order"
  | "duplicate-cl-ord-id"
  | "invalid-quantity"
  | "invalid-price"
  | "price-off-tick"
  | "post-only-would-take"
  | "not-supported";

export interface ExecutionReport {
  venueId: string;
  execId: string;
  venueOrderId: string;
  clOrdId: string;
  origClOrdId: string | null;
  account: string;
  symbol: string;
  side: Side;
  ordType: OrdType;
  timeInForce: TimeInForce;
  execType: ExecType;
  ordStatus: OrdStatus;
  orderQty: number;
  /** Limit price, or null for a market order (a dark pool's midpoint peg without a cap). */
  price: number | null;
  lastQty: number;
  lastPx: number;
  cumQty: number;
  leavesQty: number;
  avgPx: number;
  liquidity: Liquidity | null;
  feeMicros: number;
  reason: VenueRejectReason | VenueCancelReason | null;
  /** Venue time of the event, microseconds since the epoch. */
  transactTime: number;
}

export interface CancelReject {
  venueId: string;
  clOrdId: string;
  origClOrdId: string;
  /** Whether the refused request was a cancel or a replace (CxlRejResponseTo 434). */
  responseTo: "cancel" | "replace";
  reason: CancelRejectReason;
  transactTime: number;
}
