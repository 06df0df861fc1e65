/**
 * The stable reason codes a client hears when an order, a cancel or a replace is refused (DESIGN.md §4: an expected
 * business outcome is data, never an exception). Codes are part of the public contract: add new ones, never rename.
 * `validation` codes name a field that is wrong in itself; `risk` codes name a limit the order would break.
 */

/** Why a new order was refused because a field is wrong. */
export type ValidationRejectReason =
  | "malformed-row"
  | "missing-field"
  | "unknown-field"
  | "unknown-source"
  | "invalid-cl-ord-id"
  | "duplicate-cl-ord-id"
  | "invalid-account"
  | "unknown-symbol"
  | "invalid-side"
  | "invalid-quantity"
  | "quantity-not-positive"
  | "quantity-not-lot-multiple"
  | "quantity-out-of-range"
  | "invalid-order-type"
  | "missing-limit-price"
  | "price-on-market-order"
  | "invalid-price"
  | "price-off-tick"
  | "invalid-urgency"
  | "invalid-strategy"
  | "conflicting-instructions"
  | "invalid-time"
  | "end-before-start"
  | "end-in-past"
  | "invalid-max-participation"
  | "invalid-allow-cross"
  | "invalid-tags";

/** Why a new order (or a replace) was refused by pre-trade risk. */
export type RiskRejectReason =
  | "restricted-symbol"
  | "max-order-quantity"
  | "max-order-notional"
  | "price-collar"
  | "account-gross-notional"
  | "source-gross-notional"
  | "kill-switch"
  | "session-closed";

export type OrderRejectReason = ValidationRejectReason | RiskRejectReason;

export type RejectCategory = "validation" | "risk";

/** Why a cancel or replace request was refused (OrderCancelReject, CxlRejReason in spirit). */
export type ClientCancelRejectReason =
  | "unknown-order"
  | "unknown-source"
  | "duplicate-cl-ord-id"
  | "too-late-to-cancel"
  | "already-pending"
  | "invalid-cl-ord-id"
  | "invalid-quantity"
  | "quantity-not-positive"
  | "quantity-not-lot-multiple"
  | "quantity-out-of-range"
  | "quantity-below-cum-qty"
  | "missing-limit-price"
  | "price-on-market-order"
  | "invalid-price"
  | "price-off-tick"
  | "nothing-to-replace"
  | RiskRejectReason;

const RISK: ReadonlySet<string> = new Set<RiskRejectReason>([
  "restricted-symbol",
  "max-order-quantity",
  "max-order-notional",
  "price-collar",
  "account-gross-notional",
  "source-gross-notional",
  "kill-switch",
  "session-closed",
]);

export function rejectCategory(reason: OrderRejectReason): RejectCategory {
  return RISK.has(reason) ? "risk" : "validation";
}

/** A refusal with the field it is about (null for a limit or a whole-row problem) and a message for a person. */
export interface Refusal<R extends string = OrderRejectReason> {
  readonly reason: R;
  readonly field: string | null;
  readonly message: string;
}
