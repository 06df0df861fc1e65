/**
 * How the Venue port's order-entry vocabulary is written in FIX 4.4, for both ends: the venue side (VenueFixServer,
 * behind `tributary venue-sim`) and the engine side (FixVenue). Only standard FIX 4.4 tags; no user-defined ones.
 *
 * NewOrderSingle (D): ClOrdID 11, Account 1, Symbol 55, Side 54 (1 buy, 2 sell), OrdType 40 (1 market, 2 limit),
 * TimeInForce 59 (0 day, 1 GTC, 3 IOC, 4 FOK), OrderQty 38 (shares), Price 44, ExecInst 18 = "6" (participate don't
 * initiate) for post-only, MaxFloor 111 for the displayed quantity (0 = hidden), MinQty 110, TransactTime 60.
 * ExecutionReport (8): ExecType 150 (0 new, F trade, 4 canceled, 5 replaced, 8 rejected, C expired, I order status),
 * OrdStatus 39 (0, 1, 2, 4, 8, C), LastQty 32 / LastPx 31 on trades, CumQty 14, LeavesQty 151, AvgPx 6,
 * LastLiquidityInd 851 (1 added = maker, 2 removed = taker), OrdRejReason 103 on rejects, and the port's exact reason
 * code ("post-only-would-take", "ioc-unfilled", ...) in Text 58 on rejects and cancels.
 * OrderCancelReject (9): CxlRejResponseTo 434 (1 cancel, 2 replace), CxlRejReason 102, the port's reason in Text 58.
 *
 * Numbers: quantities are shares and prices currency, as decimal strings formatted and parsed exactly by the
 * instrument (never through a float); AvgPx is the only float, as in the port.
 */

import { AppTag } from "../../fix/app-tags.js";
import type {
  CancelRejectReason,
  ExecType,
  OrdStatus,
  VenueCancelReason,
  VenueRejectReason,
} from "../../model/execution-report.js";
import type { Instrument } from "../../model/instrument.js";
import type { OrdType, Side, TimeInForce } from "../../model/order-types.js";

export const VenueTag = AppTag;

export const VenueMsgType = {
  ExecutionReport: "8",
  OrderCancelReject: "9",
  NewOrderSingle: "D",
  OrderCancelRequest: "F",
  OrderCancelReplaceRequest: "G",
  OrderStatusRequest: "H",
} as const;

/** ExecInst (18) value for post-only: "6", participate don't initiate. */
export const EXEC_INST_POST_ONLY = "6";
/** ExecType I: the answer to an OrderStatusRequest. */
export const EXEC_TYPE_ORDER_STATUS = "I";

export const SIDE_CODE: Readonly<Record<Side, string>> = { buy: "1", sell: "2" };
export const ORD_TYPE_CODE: Readonly<Record<OrdType, string>> = { market: "1", limit: "2" };
export const TIME_IN_FORCE_CODE: Readonly<Record<TimeInForce, string>> = { day: "0", gtc: "1", ioc: "3", fok: "4" };
export const EXEC_TYPE_CODE: Readonly<Record<ExecType, string>> = {
  new: "0",
  trade: "F",
  canceled: "4",
  replaced: "5",
  rejected: "8",
  expired: "C",
};
export const ORD_STATUS_CODE: Readonly<Record<OrdStatus, string>> = {
  new: "0",
  "partially-filled": "1",
  filled: "2",
  canceled: "4",
  rejected: "8",
  expired: "C",
};

/** The inverse of a code table: FIX value -> port value. */
export function decodeTable<T extends string>(table: Readonly<Record<T, string>>): ReadonlyMap<string, T> {
  return new Map(Object.entries(table).map(([k, v]) => [v as string, k as T]));
}

export const SIDE_OF = decodeTable(SIDE_CODE);
export const ORD_TYPE_OF = decodeTable(ORD_TYPE_CODE);
export const TIME_IN_FORCE_OF = decodeTable(TIME_IN_FORCE_CODE);
export const EXEC_TYPE_OF: ReadonlyMap<string, ExecType> = new Map([
  ...decodeTable(EXEC_TYPE_CODE),
  // FIX 4.2 fills, still sent by some FIX 4.4 venues.
  ["1", "trade"],
  ["2", "trade"],
]);
export const ORD_STATUS_OF = decodeTable(ORD_STATUS_CODE);

/** OrdRejReason (103) for each reject reason; the exact reason travels in Text (58). */
export const ORD_REJ_REASON_CODE: Readonly<Record<VenueRejectReason, number>> = {
  "unknown-symbol": 1,
  "unsupported-order-type": 11,
  "unsupported-time-in-force": 11,
  "unsupported-instruction": 11,
  "invalid-quantity": 13,
  "below-minimum-quantity": 13,
  "missing-price": 99,
  "price-on-market-order": 99,
  "invalid-price": 99,
  "price-off-tick": 99,
  "duplicate-cl-ord-id": 6,
  "post-only-would-take": 99,
  "venue-unavailable": 2,
};

/** CxlRejReason (102) for each cancel-reject reason. */
export const CXL_REJ_REASON_CODE: Readonly<Record<CancelRejectReason, number>> = {
  "unknown-order": 1,
  "duplicate-cl-ord-id": 6,
  "invalid-quantity": 99,
  "invalid-price": 99,
  "price-off-tick": 99,
  "post-only-would-take": 99,
  "not-supported": 99,
};

export const VENUE_REJECT_REASONS: ReadonlySet<string> = new Set(Object.keys(ORD_REJ_REASON_CODE));
export const CANCEL_REJECT_REASONS: ReadonlySet<string> = new Set(Object.keys(CXL_REJ_REASON_CODE));
export const VENUE_CANCEL_REASONS: ReadonlySet<string> = new Set<VenueCancelReason>([
  "requested",
  "ioc-unfilled",
  "fok-unfilled",
  "self-trade",
  "unknown-at-venue",
]);

/** A reject reason when the venue gave none we know (Text 58 not one of ours): from OrdRejReason (103). */
export function rejectReasonFromCode(code: number | undefined): VenueRejectReason {
  switch (code) {
    case 1:
      return "unknown-symbol";
    case 6:
      return "duplicate-cl-ord-id";
    case 11:
      return "unsupported-instruction";
    case 13:
      return "invalid-quantity";
    default:
      return "venue-unavailable";
  }
}

/** A cancel-reject reason from CxlRejReason (102) when Text (58) is not one of ours. */
export function cancelRejectReasonFromCode(code: number | undefined): CancelRejectReason {
  if (code === 6) return "duplicate-cl-ord-id";
  if (code === 1 || code === 0) return "unknown-order";
  return "not-supported";
}

/**
 * Lots as FIX shares. A quantity that is not a safe integer cannot be written exactly; the caller refuses it before.
 */
export function formatLots(instrument: Instrument, lots: number): string {
  if (lots >= 0) return instrument.formatQuantity(lots);
  return `-${instrument.formatQuantity(-lots)}`;
}

/**
 * FIX shares as lots: an exact whole number of lots (zero and negative kept, so the venue refuses them as it would any
 * bad quantity), or NaN when the text is not a decimal or not a whole number of lots.
 */
export function parseLots(instrument: Instrument, text: string | undefined): number {
  if (text === undefined) return Number.NaN;
  const negative = text.startsWith("-");
  const body = negative ? text.slice(1) : text;
  if (/^0*(\.0*)?$/.test(body)) return 0;
  const parsed = instrument.parseQuantity(body);
  if (!parsed.ok) return Number.NaN;
  return negative ? -parsed.value : parsed.value;
}

/** Price units as a FIX price (off-tick prices too: the venue is the judge of the tick). */
export function formatUnits(instrument: Instrument, units: number): string {
  return instrument.formatPrice(units);
}

/**
 * A FIX price as price units at the instrument's precision (not rounded to the tick); NaN when it is not a decimal or
 * has more decimals than the precision.
 */
export function parseUnits(instrument: Instrument, text: string | undefined): number {
  if (text === undefined) return Number.NaN;
  return decimalToUnits(text, instrument.pricePrecision);
}

/** A FIX AvgPx as a float in price units, shifting the decimal point in the text (no float scaling error). */
export function parseAvgPx(instrument: Instrument, text: string | undefined): number {
  if (text === undefined || !/^-?\d+(\.\d+)?$/.test(text)) return 0;
  const [int = "0", frac = ""] = text.split(".");
  const p = instrument.pricePrecision;
  const padded = frac.padEnd(p, "0");
  return Number(`${int}${padded.slice(0, p)}.${padded.slice(p) || "0"}`);
}

/** AvgPx (a float in price units) as FIX currency with 8 more decimals than the price precision. */
export function formatAvgPx(instrument: Instrument, avgPx: number): string {
  return (avgPx / 10 ** instrument.pricePrecision).toFixed(instrument.pricePrecision + 8);
}

function decimalToUnits(text: string, decimals: number): number {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (m === null) return Number.NaN;
  const frac = m[3] ?? "";
  if (frac.length > decimals && /[^0]/.test(frac.slice(decimals))) return Number.NaN;
  const value = Number(`${m[2]}${frac.slice(0, decimals).padEnd(decimals, "0")}`);
  if (!Number.isSafeInteger(value)) return Number.NaN;
  return m[1] === "-" ? -value : value;
}
