/**
 * The checks every simulated venue makes on an arriving order before it touches a book, in a fixed order so the
 * first failing field is the one reported. Venue-specific instructions (post-only, display, minimum quantity) are
 * checked by each venue after these.
 */

import type { VenueRejectReason } from "../../model/execution-report.js";
import type { Instrument } from "../../model/instrument.js";
import type { VenueSpec } from "../../model/venue-spec.js";
import type { NewOrderRequest } from "../venue.js";

export function checkNewOrder(
  spec: VenueSpec,
  instrument: Instrument | undefined,
  order: NewOrderRequest,
): VenueRejectReason | null {
  if (instrument === undefined) return "unknown-symbol";
  if (!spec.orderTypes.includes(order.ordType)) return "unsupported-order-type";
  if (!spec.timesInForce.includes(order.timeInForce)) return "unsupported-time-in-force";
  if (!isPositiveLots(order.orderQty)) return "invalid-quantity";
  if (order.orderQty < spec.minQuantity) return "below-minimum-quantity";
  if (order.ordType === "market") return order.price === null ? null : "price-on-market-order";
  return priceProblem(instrument, order.price);
}

/** A limit price must be given, a positive safe integer, and on the instrument's tick. */
export function priceProblem(
  instrument: Instrument,
  price: number | null,
): "missing-price" | "invalid-price" | "price-off-tick" | null {
  if (price === null) return "missing-price";
  if (!isPositiveLots(price)) return "invalid-price";
  return instrument.isOnTick(price) ? null : "price-off-tick";
}

export function isPositiveLots(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}
