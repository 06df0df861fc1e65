/**
 * A simulated lit exchange: one fast matching book per instrument behind the Venue port. It validates what arrives,
 * turns book events into FIX execution reports (maker/taker flag and fee on every fill), publishes L2 depth updates,
 * snapshots and trade prints, and delays order entry, reports and market data by the venue's latencies.
 *
 * Invariants: book ids are the venue's order numbers, unique per venue, so one map finds any live order; a report is
 * sent only on the session that owns the order; an order is acknowledged (ExecType new) before any other report about
 * it. Market orders never rest: DAY/GTC market orders are treated as IOC.
 */
import type { Random } from "../../core/random.js";
import type { Scheduler } from "../../core/scheduler.js";
import type { VenueRejectReason } from "../../model/execution-report.js";
import type { Instrument } from "../../model/instrument.js";
import type { MarketDataEvent } from "../../model/market-data.js";
import type { Side } from "../../model/order-types.js";
import type { VenueSpec } from "../../model/venue-spec.js";
import type { CancelRequest, MarketDataListener, NewOrderRequest, ReplaceRequest } from "../venue.js";
import type { BookListener } from "./book/matching-book.js";
import { OrderBook } from "./book/order-book.js";
import { BookVenueBase } from "./book-venue-base.js";
import type { SimSession } from "./sim-session.js";
import type { VenueOrder } from "./venue-order.js";

/** How many levels a snapshot carries. */
const SNAPSHOT_LEVELS = 10;

export class SimLitVenue extends BookVenueBase implements BookListener {
  readonly kind = "lit";
  private readonly books = new Map<string, OrderBook>();
  /** While a book call runs: the symbol of its book, and the cancel/replace request being applied with its session. */
  private currentSymbol = "";

  constructor(spec: VenueSpec, instruments: ReadonlyMap<string, Instrument>, scheduler: Scheduler, random: Random) {
    super(spec, instruments, scheduler, random);
    for (const symbol of spec.instruments) this.books.set(symbol, new OrderBook(this, spec.selfTradePrevention));
  }

  subscribe(listener: MarketDataListener): void {
    const snapshots: MarketDataEvent[] = [];
    for (const [symbol, book] of this.books) {
      snapshots.push({
        type: "snapshot",
        venueId: this.id,
        symbol,
        bids: book.depth("buy", SNAPSHOT_LEVELS),
        asks: book.depth("sell", SNAPSHOT_LEVELS),
        time: this.scheduler.now(),
      });
    }
    this.marketData.add(listener, snapshots);
  }

  /** The venue's own view of a book (no latency), for tests and operations. */
  book(symbol: string): OrderBook | undefined {
    return this.books.get(symbol);
  }

  onNewOrder(session: SimSession, request: NewOrderRequest): void {
    const { order, number } = this.newOrder(session, request);
    const reason = this.arrivalProblem(session, request) ?? this.instructionProblem(request);
    if (reason !== null) {
      this.send(order, "rejected", reason);
      return;
    }
    this.bookOrders.add(number, order);
    session.live.set(request.clOrdId, order);
    this.currentSymbol = request.symbol;
    const book = this.books.get(request.symbol) as OrderBook;
    const account = this.bookOrders.accountNumber(request.account);
    if (request.ordType === "market") {
      book.market(number, account, request.side, request.orderQty, request.timeInForce === "fok" ? "fok" : "ioc");
      return;
    }
    const price = request.price as number;
    const displayQty = request.displayQty ?? request.orderQty;
    book.limit(
      number,
      account,
      request.side,
      price,
      request.orderQty,
      request.timeInForce,
      request.postOnly,
      displayQty,
    );
  }

  onCancel(session: SimSession, request: CancelRequest): void {
    const order = this.amendTarget(session, request, "cancel");
    if (order !== undefined) this.drive(order, request, (book, id) => book.cancel(id));
  }

  onReplace(session: SimSession, request: ReplaceRequest): void {
    const order = this.amendTarget(session, request, "replace");
    if (order === undefined) return;
    const reason = this.replaceProblem(order, request);
    if (reason !== null) {
      this.cancelReject(session, request, "replace", reason);
      return;
    }
    const price = request.price ?? (order.price as number);
    const leaves = request.orderQty - order.cumQty;
    this.drive(order, request, (book, id) => book.replace(id, price, leaves));
  }

  // ---- book events -------------------------------------------------------------------------------------------

  onTrade(
    makerId: number,
    takerId: number,
    price: number,
    qty: number,
    makerLeaves: number,
    takerLeaves: number,
  ): void {
    const taker = this.trade(makerId, takerId, price, qty, makerLeaves, takerLeaves) as VenueOrder;
    if (!this.marketData.hasSubscribers) return;
    this.marketData.publish({
      type: "trade",
      venueId: this.id,
      symbol: this.currentSymbol,
      price,
      qty,
      aggressor: taker.request.side,
      time: this.scheduler.now(),
    });
  }

  onDepth(side: Side, price: number, displayed: number): void {
    if (!this.marketData.hasSubscribers) return;
    this.marketData.publish({
      type: "depth",
      venueId: this.id,
      symbol: this.currentSymbol,
      side,
      price,
      qty: displayed,
      time: this.scheduler.now(),
    });
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  /** Lit-only instructions: post-only, hidden and iceberg display, which this venue may or may not support. */
  private instructionProblem(request: NewOrderRequest): VenueRejectReason | null {
    const { supports } = this.spec;
    const displayQty = request.displayQty ?? request.orderQty;
    if (request.minQty !== null) return "unsupported-instruction";
    if (request.postOnly && (!supports.postOnly || request.ordType === "market")) return "unsupported-instruction";
    if (!Number.isSafeInteger(displayQty) || displayQty < 0 || displayQty > request.orderQty) return "invalid-quantity";
    if (displayQty === 0 && !supports.hidden) return "unsupported-instruction";
    if (displayQty > 0 && displayQty < request.orderQty && !supports.iceberg) return "unsupported-instruction";
    return null;
  }

  private drive(
    order: VenueOrder,
    request: CancelRequest | ReplaceRequest,
    action: (book: OrderBook, id: number) => void,
  ): void {
    this.currentSymbol = order.request.symbol;
    const book = this.books.get(order.request.symbol) as OrderBook;
    this.amend(order, request, (id) => action(book, id));
  }
}
