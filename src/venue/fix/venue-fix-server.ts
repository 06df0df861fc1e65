/**
 * Any `Venue` as a FIX 4.4 order-entry acceptor: the application on top of one FIX session per venue
 * (SenderCompID = the venue id). The session's first Logon opens one order-entry session with the venue, kept for the
 * life of the server, so orders outlive a dropped connection, and reports produced while the peer is away are stored
 * by the session layer and resent when it asks (ResendRequest after its next Logon).
 *
 * NewOrderSingle (D), OrderCancelRequest (F), OrderCancelReplaceRequest (G) become the port's submit/cancel/replace;
 * the venue's ExecutionReports and CancelRejects go back as ExecutionReport (8) and OrderCancelReject (9) (tags:
 * fix-order-tags.ts). OrderStatusRequest (H) is answered at once from the last report sent about the order (ExecType I),
 * or OrdStatus 8 with OrdRejReason 5 (unknown order). A field the port cannot express (a Side other than buy/sell, an
 * OrdType other than market/limit, a TimeInForce it does not know) is rejected here, without reaching the venue; a
 * quantity that is not a whole number of lots reaches the venue as NaN, which refuses it as invalid-quantity. Other
 * application messages: BusinessMessageReject (j) "Unsupported Message Type". Malformed messages never get this far:
 * the session layer rejects them (35=3) or disconnects.
 *
 * MarketDataRequest (V) subscribes the session to the venue's market data (fix-market-data.ts): a snapshot (W) per
 * instrument, then incremental refreshes (X) for depth and trades, and a TradingSessionStatus (h). Market data is
 * sent transient (numbered, never stored or resent: a new subscription's snapshot supersedes it) and only while the
 * peer is logged on; a later subscription gets a snapshot of the book as the server last saw it.
 *
 * With `passwordSha256` a Logon without that password (554) is refused (Logout with the reason, disconnect).
 *
 * Known limits: ExecIDs of status answers are
 * `<venue>-S<n>`; the venue's fees are not sent (Commission): the engine side knows the venue's fee schedule.
 */
import type { Clock } from "../../core/clock.js";
import type { FixMessage } from "../../fix/codec.js";
import { formatUtcTimestamp } from "../../fix/fix-time.js";
import { logonPasswordProblem } from "../../fix/logon-password.js";
import type { FixApplication, FixField, FixSession } from "../../fix/session.js";
import { BusinessRejectReason } from "../../fix/tags.js";
import type { CancelReject, ExecutionReport, VenueRejectReason } from "../../model/execution-report.js";
import type { Instrument } from "../../model/instrument.js";
import type { MarketDataEvent } from "../../model/market-data.js";
import type { MarketDataListener, OrderEntryListener, OrderEntrySession, Venue } from "../venue.js";
import { incrementalFields, MdMsgType, MdTag, snapshotFields } from "./fix-market-data.js";
import {
  CXL_REJ_REASON_CODE,
  EXEC_INST_POST_ONLY,
  EXEC_TYPE_CODE,
  EXEC_TYPE_ORDER_STATUS,
  formatAvgPx,
  formatLots,
  formatUnits,
  ORD_REJ_REASON_CODE,
  ORD_STATUS_CODE,
  ORD_TYPE_CODE,
  ORD_TYPE_OF,
  parseLots,
  parseUnits,
  SIDE_CODE,
  SIDE_OF,
  VenueTag as T,
  TIME_IN_FORCE_CODE,
  TIME_IN_FORCE_OF,
  VenueMsgType,
} from "./fix-order-tags.js";

interface BookLevels {
  readonly bids: Map<number, number>;
  readonly asks: Map<number, number>;
  time: number;
}

/** One venue behind one FIX session. */
class VenueEndpoint implements OrderEntryListener, MarketDataListener {
  /** The live market data subscription (its MDReqID), if any. */
  private mdReqId: string | null = null;
  private subscribed = false;
  /** The venue's displayed book per symbol, from its own events: a later subscription's snapshot. */
  private readonly books = new Map<string, BookLevels>();
  private entry: OrderEntrySession | null = null;
  /** The last report about each order (by venue order id), and which order each ClOrdID names. */
  private readonly last = new Map<string, ExecutionReport>();
  private readonly orderOf = new Map<string, string>();
  private statusIds = 0;
  private localIds = 0;

  constructor(
    readonly venue: Venue,
    private readonly session: FixSession,
    private readonly instruments: ReadonlyMap<string, Instrument>,
    private readonly clock: Clock,
  ) {}

  open(): void {
    this.entry ??= this.venue.connect(this);
  }

  onExecutionReport(report: ExecutionReport): void {
    this.last.set(report.venueOrderId, report);
    this.orderOf.set(report.clOrdId, report.venueOrderId);
    this.session.send(VenueMsgType.ExecutionReport, this.reportFields(report, EXEC_TYPE_CODE[report.execType]));
  }

  onCancelReject(reject: CancelReject): void {
    const orderId = this.orderOf.get(reject.origClOrdId);
    const order = orderId === undefined ? undefined : this.last.get(orderId);
    this.session.send(VenueMsgType.OrderCancelReject, [
      [T.OrderID, order?.venueOrderId ?? "NONE"],
      [T.ClOrdID, reject.clOrdId],
      [T.OrigClOrdID, reject.origClOrdId],
      [T.OrdStatus, order === undefined ? ORD_STATUS_CODE.rejected : ORD_STATUS_CODE[order.ordStatus]],
      [T.CxlRejResponseTo, reject.responseTo === "cancel" ? "1" : "2"],
      [T.CxlRejReason, CXL_REJ_REASON_CODE[reject.reason]],
      [T.Text, reject.reason],
      [T.TransactTime, formatUtcTimestamp(reject.transactTime)],
    ]);
  }

  onMessage(message: FixMessage): void {
    const entry = this.entry;
    if (entry === null) return;
    switch (message.msgType) {
      case VenueMsgType.NewOrderSingle:
        this.newOrder(entry, message);
        return;
      case VenueMsgType.OrderCancelRequest:
        entry.cancel({
          clOrdId: message.get(T.ClOrdID) ?? "",
          origClOrdId: message.get(T.OrigClOrdID) ?? "",
          symbol: message.get(T.Symbol) ?? "",
        });
        return;
      case VenueMsgType.OrderCancelReplaceRequest: {
        const instrument = this.instruments.get(message.get(T.Symbol) ?? "");
        const price = message.get(T.Price);
        entry.replace({
          clOrdId: message.get(T.ClOrdID) ?? "",
          origClOrdId: message.get(T.OrigClOrdID) ?? "",
          symbol: message.get(T.Symbol) ?? "",
          orderQty: instrument === undefined ? Number.NaN : parseLots(instrument, message.get(T.OrderQty)),
          price: price === undefined ? null : instrument === undefined ? Number.NaN : parseUnits(instrument, price),
        });
        return;
      }
      case VenueMsgType.OrderStatusRequest:
        this.status(message);
        return;
      case MdMsgType.MarketDataRequest:
        this.marketDataRequest(message);
        return;
      default:
        this.session.sendBusinessReject(message, BusinessRejectReason.UnsupportedMessageType);
    }
  }

  private marketDataRequest(message: FixMessage): void {
    const reqId = message.get(MdTag.MDReqID) ?? "";
    const type = message.get(MdTag.SubscriptionRequestType);
    if (type === "2") {
      if (this.mdReqId === reqId) this.mdReqId = null;
      return;
    }
    if (type !== "1") {
      this.session.send(MdMsgType.MarketDataRequestReject, [
        [MdTag.MDReqID, reqId],
        [MdTag.MDReqRejReason, "4"],
        [T.Text, "SubscriptionRequestType 1 (snapshot + updates) or 2 (unsubscribe) only"],
      ]);
      return;
    }
    this.mdReqId = reqId;
    if (!this.subscribed) {
      this.subscribed = true;
      this.venue.subscribe(this); // the venue sends its snapshots first, then updates
    } else {
      for (const [symbol, book] of this.books) {
        const sorted = (levels: Map<number, number>, dir: number) =>
          [...levels].map(([price, qty]) => ({ price, qty })).sort((a, b) => dir * (a.price - b.price));
        this.onBookEvent({
          type: "snapshot",
          venueId: this.venue.id,
          symbol,
          bids: sorted(book.bids, -1),
          asks: sorted(book.asks, 1),
          time: book.time,
        });
      }
    }
    this.session.sendTransient(MdMsgType.TradingSessionStatus, [
      [MdTag.TradingSessionID, "DAY"],
      [MdTag.TradSesStatus, 2],
    ]);
  }

  onMarketData(event: MarketDataEvent): void {
    let known = false;
    if (event.type === "snapshot") {
      this.books.set(event.symbol, {
        bids: new Map(event.bids.map((l) => [l.price, l.qty])),
        asks: new Map(event.asks.map((l) => [l.price, l.qty])),
        time: event.time,
      });
    } else if (event.type === "depth") {
      let book = this.books.get(event.symbol);
      if (book === undefined) {
        book = { bids: new Map(), asks: new Map(), time: event.time };
        this.books.set(event.symbol, book);
      }
      const levels = event.side === "buy" ? book.bids : book.asks;
      known = levels.has(event.price);
      if (event.qty === 0) levels.delete(event.price);
      else levels.set(event.price, event.qty);
      book.time = event.time;
    }
    if (event.type === "snapshot") this.onBookEvent(event);
    else {
      const instrument = this.instruments.get(event.symbol);
      if (this.mdReqId === null || instrument === undefined) return;
      this.session.sendTransient(
        MdMsgType.MarketDataIncrementalRefresh,
        incrementalFields(this.mdReqId, instrument, event, known),
      );
    }
  }

  private onBookEvent(event: MarketDataEvent): void {
    const instrument = this.instruments.get(event.symbol);
    if (this.mdReqId === null || instrument === undefined) return;
    this.session.sendTransient(
      MdMsgType.MarketDataSnapshotFullRefresh,
      snapshotFields(this.mdReqId, instrument, event),
    );
  }

  private newOrder(entry: OrderEntrySession, message: FixMessage): void {
    const side = SIDE_OF.get(message.get(T.Side) ?? "");
    const ordType = ORD_TYPE_OF.get(message.get(T.OrdType) ?? "");
    const timeInForce = TIME_IN_FORCE_OF.get(message.get(T.TimeInForce) ?? TIME_IN_FORCE_CODE.day);
    if (side === undefined || ordType === undefined || timeInForce === undefined) {
      const why: VenueRejectReason =
        ordType === undefined
          ? "unsupported-order-type"
          : timeInForce === undefined
            ? "unsupported-time-in-force"
            : "unsupported-instruction";
      this.rejectHere(message, why);
      return;
    }
    const symbol = message.get(T.Symbol) ?? "";
    const instrument = this.instruments.get(symbol);
    const lots = (tag: number): number | null => {
      const text = message.get(tag);
      if (text === undefined) return null;
      return instrument === undefined ? Number.NaN : parseLots(instrument, text);
    };
    const price = message.get(T.Price);
    entry.submit({
      clOrdId: message.get(T.ClOrdID) ?? "",
      account: message.get(T.Account) ?? "",
      symbol,
      side,
      ordType,
      timeInForce,
      orderQty: lots(T.OrderQty) ?? Number.NaN,
      price: price === undefined ? null : instrument === undefined ? Number.NaN : parseUnits(instrument, price),
      postOnly: (message.get(T.ExecInst) ?? "").split(" ").includes(EXEC_INST_POST_ONLY),
      displayQty: lots(T.MaxFloor),
      minQty: lots(T.MinQty),
    });
  }

  /** A reject for an order the port cannot express: it never reaches the venue. */
  private rejectHere(message: FixMessage, reason: VenueRejectReason): void {
    const fields: FixField[] = [
      [T.OrderID, "NONE"],
      [T.ClOrdID, message.get(T.ClOrdID) ?? ""],
      [T.ExecID, `${this.venue.id}-L${++this.localIds}`],
      [T.ExecType, EXEC_TYPE_CODE.rejected],
      [T.OrdStatus, ORD_STATUS_CODE.rejected],
      [T.Symbol, message.get(T.Symbol) ?? ""],
      [T.Side, message.get(T.Side) ?? ""],
      [T.LeavesQty, 0],
      [T.CumQty, 0],
      [T.AvgPx, 0],
      [T.OrdRejReason, ORD_REJ_REASON_CODE[reason]],
      [T.Text, reason],
      [T.TransactTime, formatUtcTimestamp(this.clock.now())],
    ];
    this.session.send(VenueMsgType.ExecutionReport, fields);
  }

  private status(message: FixMessage): void {
    const clOrdId = message.get(T.ClOrdID) ?? "";
    const orderId = this.orderOf.get(clOrdId);
    const report = orderId === undefined ? undefined : this.last.get(orderId);
    const reqId = message.get(T.OrdStatusReqID);
    const extra: FixField[] = reqId === undefined ? [] : [[T.OrdStatusReqID, reqId]];
    if (report === undefined) {
      this.session.send(VenueMsgType.ExecutionReport, [
        [T.OrderID, "NONE"],
        [T.ClOrdID, clOrdId],
        [T.ExecID, `${this.venue.id}-S${++this.statusIds}`],
        [T.ExecType, EXEC_TYPE_ORDER_STATUS],
        [T.OrdStatus, ORD_STATUS_CODE.rejected],
        [T.Symbol, message.get(T.Symbol) ?? ""],
        [T.Side, message.get(T.Side) ?? ""],
        [T.LeavesQty, 0],
        [T.CumQty, 0],
        [T.AvgPx, 0],
        [T.OrdRejReason, 5],
        [T.Text, "unknown order"],
        ...extra,
      ]);
      return;
    }
    const fields = this.reportFields(report, EXEC_TYPE_ORDER_STATUS, `${this.venue.id}-S${++this.statusIds}`);
    this.session.send(VenueMsgType.ExecutionReport, [...fields, ...extra]);
  }

  private reportFields(r: ExecutionReport, execType: string, execId = r.execId): FixField[] {
    const instrument = this.instruments.get(r.symbol);
    const qty = (lots: number): string =>
      instrument === undefined || !Number.isSafeInteger(lots) ? String(lots) : formatLots(instrument, lots);
    const fields: FixField[] = [
      [T.OrderID, r.venueOrderId],
      [T.ClOrdID, r.clOrdId],
    ];
    if (r.origClOrdId !== null) fields.push([T.OrigClOrdID, r.origClOrdId]);
    fields.push([T.ExecID, execId], [T.ExecType, execType], [T.OrdStatus, ORD_STATUS_CODE[r.ordStatus]]);
    if (r.account !== "") fields.push([T.Account, r.account]);
    fields.push(
      [T.Symbol, r.symbol],
      [T.Side, SIDE_CODE[r.side]],
      [T.OrdType, ORD_TYPE_CODE[r.ordType]],
      [T.TimeInForce, TIME_IN_FORCE_CODE[r.timeInForce]],
    );
    if (instrument !== undefined && Number.isSafeInteger(r.orderQty)) fields.push([T.OrderQty, qty(r.orderQty)]);
    if (instrument !== undefined && r.price !== null && Number.isSafeInteger(r.price)) {
      fields.push([T.Price, formatUnits(instrument, r.price)]);
    }
    if (r.execType === "trade" && instrument !== undefined && execType !== EXEC_TYPE_ORDER_STATUS) {
      fields.push([T.LastQty, qty(r.lastQty)], [T.LastPx, formatUnits(instrument, r.lastPx)]);
      if (r.liquidity !== null) fields.push([T.LastLiquidityInd, r.liquidity === "maker" ? "1" : "2"]);
    }
    fields.push(
      [T.CumQty, qty(r.cumQty)],
      [T.LeavesQty, qty(r.leavesQty)],
      [T.AvgPx, instrument === undefined ? "0" : formatAvgPx(instrument, r.avgPx)],
    );
    if (r.execType === "rejected" && r.reason !== null) {
      fields.push([T.OrdRejReason, ORD_REJ_REASON_CODE[r.reason as VenueRejectReason] ?? 99]);
    }
    if (r.reason !== null) fields.push([T.Text, r.reason]);
    fields.push([T.TransactTime, formatUtcTimestamp(r.transactTime)]);
    return fields;
  }
}

export interface VenueFixServerOptions {
  readonly clock: Clock;
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** A Logon must carry the password (554) whose SHA-256 this is; absent: none is asked for. */
  readonly passwordSha256?: string;
}

/** The FIX application serving venues, one FIX session each (its SenderCompID is the venue's id). */
export class VenueFixServer implements FixApplication {
  private readonly endpoints = new Map<FixSession, VenueEndpoint>();
  private readonly venues: ReadonlyMap<string, Venue>;

  constructor(
    venues: readonly Venue[],
    private readonly options: VenueFixServerOptions,
  ) {
    this.venues = new Map(venues.map((v) => [v.id, v]));
  }

  refuseLogon(_session: FixSession, logon: FixMessage): string | null {
    const expected = this.options.passwordSha256;
    return expected === undefined ? null : logonPasswordProblem(logon, expected);
  }

  onLogon(session: FixSession): void {
    let endpoint = this.endpoints.get(session);
    if (endpoint === undefined) {
      const venue = this.venues.get(session.senderCompId);
      if (venue === undefined) {
        session.logout(`no venue ${session.senderCompId}`);
        return;
      }
      endpoint = new VenueEndpoint(venue, session, this.options.instruments, this.options.clock);
      this.endpoints.set(session, endpoint);
    }
    endpoint.open();
  }

  onMessage(session: FixSession, message: FixMessage): void {
    const endpoint = this.endpoints.get(session);
    if (endpoint === undefined) session.sendBusinessReject(message, BusinessRejectReason.ApplicationNotAvailable);
    else endpoint.onMessage(message);
  }
}
