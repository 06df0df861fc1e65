/**
 * An order's status as a pure function of its status and the next execution (FIX OrdStatus/ExecType semantics).
 * Terminal statuses (filled, canceled, rejected, expired) accept no further execution: a report that would move an
 * order out of one is a bug in whoever produced it, and throws.
 */
import { InvariantError } from "../core/errors.js";
import type { ExecType, OrdStatus } from "./execution-report.js";

/** The status of an order a venue has received but not yet answered. */
export type PendingStatus = "pending-new";

const TERMINAL: ReadonlySet<OrdStatus> = new Set(["filled", "canceled", "rejected", "expired"]);

export function isTerminal(status: OrdStatus | PendingStatus): boolean {
  return status !== "pending-new" && TERMINAL.has(status);
}

/** The status after an execution of type `execType` that leaves `cumQty` done and `leavesQty` working. */
export function nextOrdStatus(
  status: OrdStatus | PendingStatus,
  execType: ExecType,
  cumQty: number,
  leavesQty: number,
): OrdStatus {
  if (isTerminal(status)) throw new InvariantError(`execution ${execType} on an order already ${status}`);
  switch (execType) {
    case "new":
      if (status !== "pending-new") throw new InvariantError(`execution new on an order already ${status}`);
      return "new";
    case "rejected":
      if (status !== "pending-new") throw new InvariantError(`execution rejected on an order already ${status}`);
      return "rejected";
    case "trade":
    case "replaced":
      if (status === "pending-new") throw new InvariantError(`execution ${execType} before the order was accepted`);
      if (leavesQty === 0) return execType === "trade" ? "filled" : "canceled";
      return cumQty > 0 ? "partially-filled" : "new";
    case "canceled":
      return "canceled";
    case "expired":
      return "expired";
  }
}
