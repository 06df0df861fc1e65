/**
 * A lit venue whose background book is recorded history: a LOBSTER replay (with the resync rule) applied message by
 * message as the virtual clock reaches each message's time, while our orders rest in it with estimated queue positions
 * (src/market/replay/queue-position-book.ts states the model and its limits). Behind the same `Venue` port as the
 * simulated venues, with the same report bookkeeping (SimVenueBase, VenueOrder): acknowledgements, fills with the
 * maker/taker flag and fee, cancels, replaces, rejects, latencies.
 *
 * Invariants: recorded messages are applied in file order at their recorded times (midnight New York + time after
 * midnight); our requests interleave with them in virtual time, never ahead of a message due earlier. The recorded book
 * never changes because of us. Market data shows the visible window (the file's N levels, less what we took) plus our
 * displayed orders; trade prints are the recorded executions and our own taker fills.
 * Limits: one instrument; hidden, iceberg and minimum-quantity orders are refused (unsupported-instruction); market
 * orders never rest (treated as IOC).
 */
import type { Random } from "../../core/random.js";
import type { Scheduler, TimerHandle } from "../../core/scheduler.js";
import type { LobsterFeed } from "../../market/replay/lobster-feed.js";
import { EXECUTION, HIDDEN_EXECUTION } from "../../market/replay/lobster-format.js";
import type { LobsterReplay } from "../../market/replay/lobster-replay.js";
import { type QueueListener, QueuePositionBook } from "../../market/replay/queue-position-book.js";
import type { VenueRejectReason } from "../../model/execution-report.js";
import type { Instrument } from "../../model/instrument.js";
import type { DepthLevel, MarketDataEvent } from "../../model/market-data.js";
import type { Side } from "../../model/order-types.js";
import type { VenueSpec } from "../../model/venue-spec.js";
import { BookVenueBase } from "../sim/book-venue-base.js";
import type { SimSession } from "../sim/sim-session.js";
import type { VenueOrder } from "../sim/venue-order.js";
import type { CancelRequest, MarketDataListener, NewOrderRequest, ReplaceRequest } from "../venue.js";

/** How many levels a snapshot carries. */
const SNAPSHOT_LEVELS = 10;

export interface ReplayLitVenueOptions {
  /** The recording, seeded and positioned on its second message. */
  readonly feed: LobsterFeed;
  /** Epoch microseconds of the recording's time origin (LOBSTER: midnight New York on the file's date). */
  readonly midnightMicros: number;
}

export class ReplayLitVenue extends BookVenueBase implements QueueListener {
  readonly kind = "lit";
  readonly orders: QueuePositionBook;
  private readonly feed: LobsterFeed;
  private readonly midnightMicros: number;
  private readonly symbol: string;
  private timer: TimerHandle | null = null;
  /** Displayed quantity per price last published, bids then asks. */
  private readonly published: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  /** Recorded messages applied since the venue opened. */
  messagesApplied = 0;

  constructor(
    spec: VenueSpec,
    instrument: Instrument,
    scheduler: Scheduler,
    random: Random,
    options: ReplayLitVenueOptions,
  ) {
    super(spec, new Map([[instrument.symbol, instrument]]), scheduler, random);
    this.symbol = instrument.symbol;
    this.feed = options.feed;
    this.midnightMicros = options.midnightMicros;
    this.orders = new QueuePositionBook(options.feed.replay, this, spec.selfTradePrevention);
    this.pump();
  }

  /** When the next recorded message is due (epoch µs), or NaN when the recording is over. */
  get nextMessageMicros(): number {
    return this.timeOf(this.feed.nextTimeNs);
  }

  /** The recorded book (for tests and operations). */
  get recorded(): LobsterReplay {
    return this.feed.replay;
  }

  subscribe(listener: MarketDataListener): void {
    const bids = this.displayed("buy");
    const asks = this.displayed("sell");
    this.published[0] = bids;
    this.published[1] = asks;
    const snapshot: MarketDataEvent = {
      type: "snapshot",
      venueId: this.id,
      symbol: this.symbol,
      bids: topLevels(bids, "buy"),
      asks: topLevels(asks, "sell"),
      time: this.scheduler.now(),
    };
    this.marketData.add(listener, [snapshot]);
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
    const account = this.bookOrders.accountNumber(request.account);
    if (request.ordType === "market") {
      this.orders.market(
        number,
        account,
        request.side,
        request.orderQty,
        request.timeInForce === "fok" ? "fok" : "ioc",
      );
    } else {
      const price = request.price as number;
      this.orders.limit(number, account, request.side, price, request.orderQty, request.timeInForce, request.postOnly);
    }
    this.publishDepth();
  }

  onCancel(session: SimSession, request: CancelRequest): void {
    const order = this.amendTarget(session, request, "cancel");
    if (order !== undefined) this.drive(order, request, (id) => this.orders.cancel(id));
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
    this.drive(order, request, (id) => this.orders.replace(id, price, leaves));
  }

  // ---- queue events ----------------------------------------------------------------------------------------------

  onTrade(
    makerId: number | null,
    takerId: number | null,
    price: number,
    qty: number,
    makerLeaves: number,
    takerLeaves: number,
  ): void {
    const taker = this.trade(makerId, takerId, price, qty, makerLeaves, takerLeaves);
    if (taker !== null && this.marketData.hasSubscribers) this.print(price, qty, taker.request.side);
  }

  // ---- the recording ---------------------------------------------------------------------------------------------

  /** Applies every recorded message due by now, then waits for the next one. */
  private pump(): void {
    this.timer = null;
    const feed = this.feed;
    const now = this.scheduler.now();
    const publishing = this.marketData.hasSubscribers;
    while (!feed.done && this.timeOf(feed.nextTimeNs) <= now) {
      const { type, size, price, direction } = feed;
      const surfaced = feed.apply();
      const replay = feed.replay;
      this.messagesApplied++;
      this.orders.onRecorded(type, size, price, direction, replay.book.lastOrderSeq);
      if (surfaced) this.orders.onSurfaced(replay.lastSurfacedSide, replay.lastSurfacedPrice);
      if (publishing) {
        if (type === EXECUTION || type === HIDDEN_EXECUTION) this.print(price, size, direction === 1 ? "sell" : "buy");
        this.publishDepth();
      }
    }
    if (!feed.done) this.timer = this.scheduler.at(this.timeOf(feed.nextTimeNs), () => this.pump());
  }

  /** Stops applying recorded messages (the venue keeps its last recorded book). */
  close(): void {
    if (this.timer !== null) this.scheduler.cancel(this.timer);
    this.timer = null;
  }

  private timeOf(timeNs: number): number {
    return this.midnightMicros + Math.floor(timeNs / 1000);
  }

  // ---- market data -----------------------------------------------------------------------------------------------

  private print(price: number, qty: number, aggressor: Side): void {
    this.marketData.publish({
      type: "trade",
      venueId: this.id,
      symbol: this.symbol,
      price,
      qty,
      aggressor,
      time: this.scheduler.now(),
    });
  }

  /** Publishes a depth update for every price whose displayed quantity changed since the last publication. */
  private publishDepth(): void {
    if (!this.marketData.hasSubscribers) return;
    for (const side of ["buy", "sell"] as const) {
      const index = side === "buy" ? 0 : 1;
      const before = this.published[index];
      const now = this.displayed(side);
      for (const [price, qty] of now) {
        if (before.get(price) !== qty) this.depth(side, price, qty);
      }
      for (const price of before.keys()) if (!now.has(price)) this.depth(side, price, 0);
      this.published[index] = now;
    }
  }

  private depth(side: Side, price: number, qty: number): void {
    this.marketData.publish({
      type: "depth",
      venueId: this.id,
      symbol: this.symbol,
      side,
      price,
      qty,
      time: this.scheduler.now(),
    });
  }

  /** What a subscriber sees on a side: the recorded window (less what we took) plus our resting orders. */
  private displayed(side: Side): Map<number, number> {
    const replay = this.feed.replay;
    const ladder = side === "buy" ? replay.book.bids : replay.book.asks;
    const out = this.orders.ownDepth(side);
    const window = Math.min(ladder.depth, replay.levels);
    for (let rank = 0; rank < window; rank++) {
      const price = ladder.priceAt(rank);
      const available = this.orders.available(side, price);
      if (available > 0) out.set(price, (out.get(price) ?? 0) + available);
    }
    return out;
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** Lit instructions the replay models: post-only when the venue supports it; no hidden, iceberg or minimum qty. */
  private instructionProblem(request: NewOrderRequest): VenueRejectReason | null {
    if (request.minQty !== null) return "unsupported-instruction";
    if (request.postOnly && (!this.spec.supports.postOnly || request.ordType === "market")) {
      return "unsupported-instruction";
    }
    const displayQty = request.displayQty ?? request.orderQty;
    if (displayQty !== request.orderQty) return "unsupported-instruction";
    return null;
  }

  private drive(order: VenueOrder, request: CancelRequest | ReplaceRequest, action: (id: number) => void): void {
    this.amend(order, request, action);
    this.publishDepth();
  }
}

/** The best `SNAPSHOT_LEVELS` of a side's displayed quantities. */
function topLevels(levels: Map<number, number>, side: Side): DepthLevel[] {
  const sorted = [...levels].sort((a, b) => (side === "buy" ? b[0] - a[0] : a[0] - b[0]));
  return sorted.slice(0, SNAPSHOT_LEVELS).map(([price, qty]) => ({ price, qty }));
}
