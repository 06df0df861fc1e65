/**
 * One participant's order-entry session with a simulated venue: requests travel to the venue, and reports back, each
 * through its own latency channel (in order, never overtaking). The session also holds what FIX keeps per session:
 * the ClOrdIDs already used (a reused one is refused) and the live orders by their current ClOrdID.
 */
import type { Random } from "../../core/random.js";
import type { Scheduler } from "../../core/scheduler.js";
import type { CancelReject, ExecutionReport } from "../../model/execution-report.js";
import type { LatencyDistribution } from "../../model/venue-spec.js";
import type {
  CancelRequest,
  NewOrderRequest,
  OrderEntryListener,
  OrderEntrySession,
  ReplaceRequest,
} from "../venue.js";
import { LatencyChannel } from "./latency.js";
import type { VenueOrder } from "./venue-order.js";

/** What a simulated venue does with requests once they have arrived. */
export interface SimOrderHandler {
  onNewOrder(session: SimSession, order: NewOrderRequest): void;
  onCancel(session: SimSession, request: CancelRequest): void;
  onReplace(session: SimSession, request: ReplaceRequest): void;
}

export class SimSession implements OrderEntrySession {
  readonly usedClOrdIds = new Set<string>();
  readonly live = new Map<string, VenueOrder>();
  private readonly inbound: LatencyChannel;
  private readonly outbound: LatencyChannel;

  constructor(
    private readonly handler: SimOrderHandler,
    private readonly listener: OrderEntryListener,
    scheduler: Scheduler,
    latency: LatencyDistribution,
    random: Random,
  ) {
    this.inbound = new LatencyChannel(scheduler, latency, random.fork());
    this.outbound = new LatencyChannel(scheduler, latency, random.fork());
  }

  submit(order: NewOrderRequest): void {
    const copy = { ...order };
    this.inbound.send(() => this.handler.onNewOrder(this, copy));
  }

  cancel(request: CancelRequest): void {
    const copy = { ...request };
    this.inbound.send(() => this.handler.onCancel(this, copy));
  }

  replace(request: ReplaceRequest): void {
    const copy = { ...request };
    this.inbound.send(() => this.handler.onReplace(this, copy));
  }

  sendReport(report: ExecutionReport): void {
    this.outbound.send(() => this.listener.onExecutionReport(report));
  }

  sendCancelReject(reject: CancelReject): void {
    this.outbound.send(() => this.listener.onCancelReject(reject));
  }

  /** Claims a ClOrdID for a request; false when this session already used it. */
  claim(clOrdId: string): boolean {
    if (this.usedClOrdIds.has(clOrdId)) return false;
    this.usedClOrdIds.add(clOrdId);
    return true;
  }
}
