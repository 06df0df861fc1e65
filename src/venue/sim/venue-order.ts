/**
 * A venue's own record of one live order, and the only place simulated venues build execution reports: every report
 * carries cumQty, leavesQty and avgPx that add up (cumQty = sum of lastQty, cumQty + leavesQty = orderQty while working)
 * and an OrdStatus produced by the pure transition function.
 */

import type {
  ExecType,
  ExecutionReport,
  Liquidity,
  OrdStatus,
  VenueCancelReason,
  VenueRejectReason,
} from "../../model/execution-report.js";
import type { Instrument } from "../../model/instrument.js";
import { nextOrdStatus, type PendingStatus } from "../../model/ord-status.js";
import type { NewOrderRequest } from "../venue.js";
import type { SimSession } from "./sim-session.js";

export class VenueOrder {
  status: OrdStatus | PendingStatus = "pending-new";
  clOrdId: string;
  origClOrdId: string | null = null;
  orderQty: number;
  price: number | null;
  cumQty = 0;
  /** Sum of lastPx * lastQty, for avgPx; a float is fine: avgPx is analytics, not order state. */
  private notional = 0;

  constructor(
    readonly venueId: string,
    readonly venueOrderId: string,
    readonly session: SimSession,
    readonly instrument: Instrument,
    readonly request: NewOrderRequest,
  ) {
    this.clOrdId = request.clOrdId;
    this.orderQty = request.orderQty;
    this.price = request.price;
  }

  get leavesQty(): number {
    return this.status === "pending-new" || this.status === "new" || this.status === "partially-filled"
      ? this.orderQty - this.cumQty
      : 0;
  }

  /** A cancel or replace took effect: the order now answers to the request's ClOrdID. */
  renameTo(clOrdId: string): void {
    this.origClOrdId = this.clOrdId;
    this.clOrdId = clOrdId;
  }

  get isAcknowledged(): boolean {
    return this.status !== "pending-new";
  }

  /** Builds the next report and moves the status. `fill` only for trades. */
  report(
    execType: ExecType,
    execId: string,
    time: number,
    reason: VenueRejectReason | VenueCancelReason | null = null,
    fill: { qty: number; px: number; liquidity: Liquidity; feeMicros: number } | null = null,
  ): ExecutionReport {
    if (fill !== null) {
      this.cumQty += fill.qty;
      this.notional += fill.qty * fill.px;
    }
    const working = execType !== "canceled" && execType !== "rejected" && execType !== "expired";
    const leaves = working ? this.orderQty - this.cumQty : 0;
    this.status = nextOrdStatus(this.status, execType, this.cumQty, leaves);
    const r = this.request;
    return {
      venueId: this.venueId,
      execId,
      venueOrderId: this.venueOrderId,
      clOrdId: this.clOrdId,
      origClOrdId: this.origClOrdId,
      account: r.account,
      symbol: r.symbol,
      side: r.side,
      ordType: r.ordType,
      timeInForce: r.timeInForce,
      execType,
      ordStatus: this.status,
      orderQty: this.orderQty,
      price: this.price,
      lastQty: fill?.qty ?? 0,
      lastPx: fill?.px ?? 0,
      cumQty: this.cumQty,
      leavesQty: leaves,
      avgPx: this.cumQty === 0 ? 0 : this.notional / this.cumQty,
      liquidity: fill?.liquidity ?? null,
      feeMicros: fill?.feeMicros ?? 0,
      reason,
      transactTime: time,
    };
  }
}
