/**
 * What every simulated venue shares: its sessions, fee schedule, market-data publisher and execution ids, the checks
 * on arriving orders and amendments, and the one way reports leave a venue (built by the order, sent on its session).
 * Subclasses decide how orders meet: a matching book (lit) or midpoint crossing (dark).
 */
import { InvariantError } from "../../core/errors.js";
import { IdSequence } from "../../core/ids.js";
import type { Random } from "../../core/random.js";
import type { Scheduler } from "../../core/scheduler.js";
import type {
  CancelRejectReason,
  ExecType,
  ExecutionReport,
  Liquidity,
  VenueCancelReason,
  VenueRejectReason,
} from "../../model/execution-report.js";
import type { Instrument } from "../../model/instrument.js";
import { type VenueKind, type VenueSpec, venueFeeMicros } from "../../model/venue-spec.js";
import type {
  CancelRequest,
  MarketDataListener,
  NewOrderRequest,
  OrderEntryListener,
  OrderEntrySession,
  ReplaceRequest,
  Venue,
} from "../venue.js";
import { FeeSchedule } from "./fees.js";
import { MarketDataPublisher } from "./market-data-publisher.js";
import { checkNewOrder, isPositiveLots, priceProblem } from "./order-checks.js";
import { type SimOrderHandler, SimSession } from "./sim-session.js";
import { VenueOrder } from "./venue-order.js";

export abstract class SimVenueBase implements Venue, SimOrderHandler {
  abstract readonly kind: VenueKind;
  protected readonly fees: FeeSchedule;
  protected readonly marketData: MarketDataPublisher;
  private readonly orderNumbers = new IdSequence("");
  private readonly execIds: IdSequence;
  /** Refuses new orders while true (a simulated outage: tests and drills of routing around a venue). */
  private outage = false;
  /** Answers nothing while true: every request that arrives is lost (a venue that has stopped responding). */
  private hung = false;

  constructor(
    readonly spec: VenueSpec,
    protected readonly instruments: ReadonlyMap<string, Instrument>,
    protected readonly scheduler: Scheduler,
    private readonly random: Random,
  ) {
    this.execIds = new IdSequence(`${spec.id}-E`);
    const fees = venueFeeMicros(spec.fees);
    this.fees = new FeeSchedule(fees.makerMicrosPerShare, fees.takerMicrosPerShare);
    this.marketData = new MarketDataPublisher(scheduler, spec.marketDataLatency, random.fork());
  }

  get id(): string {
    return this.spec.id;
  }

  connect(listener: OrderEntryListener): OrderEntrySession {
    const handler: SimOrderHandler = {
      onNewOrder: (session, order) => this.hung || this.onNewOrder(session, order),
      onCancel: (session, request) => this.hung || this.onCancel(session, request),
      onReplace: (session, request) => this.hung || this.onReplace(session, request),
    };
    return new SimSession(handler, listener, this.scheduler, this.spec.orderEntryLatency, this.random.fork());
  }

  abstract subscribe(listener: MarketDataListener): void;
  abstract onNewOrder(session: SimSession, order: NewOrderRequest): void;
  abstract onCancel(session: SimSession, request: CancelRequest): void;
  abstract onReplace(session: SimSession, request: ReplaceRequest): void;

  /** A venue record for an arriving order; its number is the venue's order number (and the lit book's id). */
  protected newOrder(session: SimSession, request: NewOrderRequest): { order: VenueOrder; number: number } {
    const number = this.orderNumbers.nextNumber();
    const instrument = this.instruments.get(request.symbol) as Instrument;
    return { order: new VenueOrder(this.id, `${this.id}-${number}`, session, instrument, request), number };
  }

  /** Starts or ends an outage: while it lasts every new order is rejected ("venue-unavailable"); resting ones stay. */
  setOutage(down: boolean): void {
    this.outage = down;
  }

  /** Hangs or revives the venue: while hung, requests (orders, cancels, replaces) get no answer at all. */
  setHung(hung: boolean): void {
    this.hung = hung;
  }

  /** Checks every venue makes on arrival, the ClOrdID claim first; null when the order may proceed. */
  protected arrivalProblem(session: SimSession, request: NewOrderRequest): VenueRejectReason | null {
    if (!session.claim(request.clOrdId)) return "duplicate-cl-ord-id";
    if (this.outage) return "venue-unavailable";
    const trades = this.spec.instruments.includes(request.symbol);
    return checkNewOrder(this.spec, trades ? this.instruments.get(request.symbol) : undefined, request);
  }

  /**
   * The live order a cancel or replace is about, with the request's ClOrdID claimed; undefined after answering with a
   * cancel reject when there is none (already done, or never known) or the ClOrdID was used before.
   */
  protected amendTarget(
    session: SimSession,
    request: CancelRequest | ReplaceRequest,
    responseTo: "cancel" | "replace",
  ): VenueOrder | undefined {
    const found = session.live.get(request.origClOrdId);
    const order = found?.request.symbol === request.symbol ? found : undefined;
    const reason =
      order === undefined ? "unknown-order" : session.claim(request.clOrdId) ? null : "duplicate-cl-ord-id";
    if (reason === null) return order;
    this.cancelReject(session, request, responseTo, reason);
    return undefined;
  }

  /**
   * Quantity and price checks on a replace; null when it may proceed. A null price keeps the order's price; a market
   * order (a dark peg) cannot be given one.
   */
  protected replaceProblem(order: VenueOrder, request: ReplaceRequest): CancelRejectReason | null {
    if (!isPositiveLots(request.orderQty) || request.orderQty <= order.cumQty) return "invalid-quantity";
    if (request.price === null) return null;
    if (order.request.ordType === "market") return "not-supported";
    const problem = priceProblem(order.instrument, request.price);
    return problem === "missing-price" ? null : problem;
  }

  protected send(
    order: VenueOrder,
    execType: ExecType,
    reason: VenueRejectReason | VenueCancelReason | null = null,
  ): ExecutionReport {
    const report = order.report(execType, this.execId(), this.scheduler.now(), reason);
    order.session.sendReport(report);
    return report;
  }

  /** Reports one execution to one side, with its liquidity flag and fee; a filled order leaves the session's live set. */
  protected fill(order: VenueOrder, liquidity: Liquidity, px: number, qty: number): ExecutionReport {
    const feeMicros = this.fees.fee(liquidity, order.instrument, qty);
    const report = order.report("trade", this.execId(), this.scheduler.now(), null, { qty, px, liquidity, feeMicros });
    if (report.leavesQty === 0) order.session.live.delete(order.clOrdId);
    order.session.sendReport(report);
    return report;
  }

  /** Sends the order's acknowledgement if it has none yet: ExecType new always comes first. */
  protected acknowledge(order: VenueOrder): void {
    if (!order.isAcknowledged) this.send(order, "new");
  }

  /** A fill the matching core reported with `leaves` left: reports it and checks both sides agree on what is left. */
  protected execution(order: VenueOrder, liquidity: Liquidity, px: number, qty: number, leaves: number): void {
    const report = this.fill(order, liquidity, px, qty);
    if (report.leavesQty !== leaves) {
      throw new InvariantError(`order ${order.clOrdId}: book leaves ${leaves}, venue ${report.leavesQty}`);
    }
  }

  protected cancelReject(
    session: SimSession,
    request: CancelRequest | ReplaceRequest,
    responseTo: "cancel" | "replace",
    reason: CancelRejectReason,
  ): void {
    session.sendCancelReject({
      venueId: this.id,
      clOrdId: request.clOrdId,
      origClOrdId: request.origClOrdId,
      responseTo,
      reason,
      transactTime: this.scheduler.now(),
    });
  }

  private execId(): string {
    return this.execIds.nextId();
  }
}
