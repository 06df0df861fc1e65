/**
 * A venue at the other end of a FIX 4.4 connection, behind the same `Venue` port as the simulated ones: FixVenue logs
 * on as the initiator (our session layer, TCP with reconnect and backoff: fix/tcp-initiator.ts), sends the port's
 * orders, cancels and replaces as NewOrderSingle / OrderCancelRequest / OrderCancelReplaceRequest, and turns
 * ExecutionReports and OrderCancelRejects back into the port's reports (tags: fix-order-tags.ts).
 *
 * - Several order-entry sessions share the one FIX session: on the wire each ClOrdID carries its port session's
 *   number (`<n>-<ClOrdID>`), so ClOrdIDs stay unique per port session as the contract promises, and a session can
 *   neither see nor amend another's orders.
 * - What FIX cannot carry is refused here, asynchronously, as a venue reject: a quantity that is not a whole number of
 *   lots (invalid-quantity), a limit price that is not a whole number of price units (invalid-price), a symbol of
 *   no known instrument (unknown-symbol), and any new order while the session is not logged on (venue-unavailable:
 *   the router goes elsewhere; an order is never sent minutes late). Cancels and replaces are never refused here:
 *   while disconnected they are stored and numbered by the session layer and delivered on reconnect by resend.
 * - Fees: FIX reports carry LastLiquidityInd (851), not our fee; the fee of a fill is the spec's maker or taker rate
 *   times the quantity (as the simulated venues compute it); a fill without 851 has no liquidity flag and no fee.
 * - Reconnect: the first Logon resets sequence numbers (unless `resetOnFirstLogon` is false: a store that outlived a
 *   restart of ours), later ones do not, so the venue resends what we missed. Then an OrderStatusRequest (H) goes out
 *   for every order still open; an answer (ExecType I) that shows more executed quantity than we were told produces a
 *   fill report for the difference (price from the AvgPx difference, no liquidity flag), one that shows the order done
 *   produces its terminal report, and "unknown order" a reject (venue-unavailable) for an order never acknowledged, a
 *   cancel (unknown-at-venue) for one that was: the venue lost it. Any other report that shows more executed quantity
 *   than we were told is preceded by such a fill report too.
 * - Exactly once: a report whose ExecID was already seen is dropped, and so is a fill whose CumQty is not above what
 *   the order has been reported (a resend of a fill we had before a restart, when the ExecIDs seen are gone); a fill
 *   that does not start where we are (CumQty - LastQty) becomes one fill report for the lots we were not told of.
 * - Connection: `onConnectionChange` listeners hear the Logon (true) and the end of the logged-on session (false); one
 *   added before the first Logon hears false at once (not connected yet).
 * - Restart of ours: the engine hands back each order still working (`resume` on its order-entry session, ClOrdIDs
 *   and what it knows was executed); with a store that outlived the restart, the venue resends what we missed and the
 *   status requests after the Logon settle the rest. Order-entry sessions are numbered in `connect` order, so the
 *   participant must connect in the same order after a restart (one participant: the engine, session 1).
 * - Market data: `subscribe` sends a MarketDataRequest (again after every Logon) and turns the snapshots and
 *   incremental refreshes into the port's events (fix-market-data.ts), so a consolidated view works unchanged. When
 *   the session ends, a lit venue's books are emptied (a snapshot without levels): stale quotes are not shown as live.
 *
 * Known limits: one FIX session per FixVenue; the ExecIDs seen are kept for the life of the object; the order records
 * live in memory (what survives a restart is what the participant hands back with `resume`).
 */
import type { Scheduler } from "../../core/scheduler.js";
import { AppTag } from "../../fix/app-tags.js";
import type { FixMessage } from "../../fix/codec.js";
import { FIX44_DICTIONARY } from "../../fix/fix-dictionaries.js";
import { formatUtcTimestamp, parseUtcTimestamp } from "../../fix/fix-time.js";
import { type FixMessageStore, MemoryFixMessageStore } from "../../fix/message-store.js";
import { type FixApplication, type FixField, FixSession } from "../../fix/session.js";
import { BusinessRejectReason } from "../../fix/tags.js";
import { type InitiatorTls, TcpFixInitiator } from "../../fix/tcp-initiator.js";
import type {
  CancelReject,
  ExecType,
  ExecutionReport,
  Liquidity,
  OrdStatus,
  VenueCancelReason,
  VenueRejectReason,
} from "../../model/execution-report.js";
import type { Instrument } from "../../model/instrument.js";
import type { MarketDataEvent } from "../../model/market-data.js";
import type { OrdType, Side, TimeInForce } from "../../model/order-types.js";
import { type VenueKind, type VenueSpec, venueFeeMicros } from "../../model/venue-spec.js";
import { FeeSchedule } from "../sim/fees.js";
import type {
  CancelRequest,
  MarketDataListener,
  NewOrderRequest,
  OrderEntryListener,
  OrderEntrySession,
  ReplaceRequest,
  ResumedOrder,
  Venue,
} from "../venue.js";
import { decodeMarketData, MdMsgType, MdTag, marketDataRequest } from "./fix-market-data.js";
import {
  CANCEL_REJECT_REASONS,
  cancelRejectReasonFromCode,
  EXEC_INST_POST_ONLY,
  EXEC_TYPE_OF,
  EXEC_TYPE_ORDER_STATUS,
  formatLots,
  formatUnits,
  ORD_STATUS_OF,
  ORD_TYPE_CODE,
  ORD_TYPE_OF,
  parseAvgPx,
  parseLots,
  parseUnits,
  rejectReasonFromCode,
  SIDE_CODE,
  SIDE_OF,
  VenueTag as T,
  TIME_IN_FORCE_CODE,
  TIME_IN_FORCE_OF,
  VENUE_CANCEL_REASONS,
  VENUE_REJECT_REASONS,
  VenueMsgType,
} from "./fix-order-tags.js";

export interface FixVenueOptions {
  /** The venue's reference data: id, kind, fees (for the fee of each fill), what it trades. */
  readonly spec: VenueSpec;
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** The engine's clock; local rejects are delivered through it, asynchronously. */
  readonly scheduler: Scheduler;
  readonly host?: string;
  readonly port: number;
  /** Our CompID: default TRIBUTARY. */
  readonly senderCompId?: string;
  /** The venue's CompID: default the venue id. */
  readonly targetCompId?: string;
  /** Default 30 s. */
  readonly heartBtInt?: number;
  readonly store?: FixMessageStore;
  /**
   * ResetSeqNumFlag on every Logon, for venues that reset on each one: nothing is resent after a reconnect, and what was
   * missed is recovered by the status requests. Default false (reset on the first Logon only).
   */
  readonly resetOnEveryLogon?: boolean;
  /**
   * ResetSeqNumFlag on the first Logon of this object. Default true (an in-memory store); false when the store kept the
   * session across a restart of ours, so the venue resends what we missed while away.
   */
  readonly resetOnFirstLogon?: boolean;
  readonly minBackoffMillis?: number;
  readonly maxBackoffMillis?: number;
  /** FIX over TLS: the venue's certificate checked against `ca` (default the system's roots). */
  readonly tls?: InitiatorTls | null;
  /** Logon Password (554), when the venue requires one. */
  readonly password?: string;
  readonly log?: (line: string) => void;
}

interface OrderRecord {
  readonly session: FixOrderEntrySession;
  readonly prefix: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: Side;
  readonly ordType: OrdType;
  readonly timeInForce: TimeInForce;
  orderQty: number;
  price: number | null;
  /** The ClOrdID (on the wire) the order answers to now. */
  wireClOrdId: string;
  /** Every ClOrdID (on the wire) the order has answered to: forgotten together once it is done. */
  readonly wireIds: string[];
  acknowledged: boolean;
  open: boolean;
  cumQty: number;
  avgPx: number;
  venueOrderId: string;
  lastTransactTime: number;
}

interface PendingAmend {
  readonly record: OrderRecord | undefined;
  readonly session: FixOrderEntrySession;
  readonly orderQty?: number;
  readonly price?: number | null;
}

const TERMINAL: ReadonlySet<OrdStatus> = new Set(["filled", "canceled", "rejected", "expired"]);

class FixOrderEntrySession implements OrderEntrySession {
  constructor(
    private readonly venue: FixVenue,
    readonly prefix: string,
    readonly listener: OrderEntryListener,
  ) {}

  submit(order: NewOrderRequest): void {
    this.venue.submitFrom(this, { ...order });
  }

  cancel(request: CancelRequest): void {
    this.venue.amendFrom(this, { ...request }, null);
  }

  replace(request: ReplaceRequest): void {
    this.venue.amendFrom(this, { ...request }, request);
  }

  resume(order: ResumedOrder): void {
    this.venue.resumeFrom(this, order);
  }
}

export class FixVenue implements Venue {
  readonly kind: VenueKind;
  readonly session: FixSession;
  private readonly initiator: TcpFixInitiator;
  private readonly fees: FeeSchedule;
  private readonly orders = new Map<string, OrderRecord>();
  private readonly amends = new Map<string, PendingAmend>();
  private readonly execIds = new Set<string>();
  private sessions = 0;
  private localIds = 0;
  private statusRequests = 0;
  private logonWaiters: (() => void)[] = [];
  private readonly mdListeners: MarketDataListener[] = [];
  private mdRequests = 0;
  private sessionOpen = false;
  private readonly connectionListeners: ((connected: boolean) => void)[] = [];

  constructor(private readonly options: FixVenueOptions) {
    this.kind = options.spec.kind;
    const fees = venueFeeMicros(options.spec.fees);
    this.fees = new FeeSchedule(fees.makerMicrosPerShare, fees.takerMicrosPerShare);
    const application: FixApplication = {
      onLogon: () => this.onLogon(),
      onLogout: () => this.onLogout(),
      onMessage: (_session, message) => this.onMessage(message),
    };
    this.session = new FixSession(
      {
        beginString: "FIX.4.4",
        senderCompId: options.senderCompId ?? "TRIBUTARY",
        targetCompId: options.targetCompId ?? options.spec.id,
      },
      {
        clock: options.scheduler,
        store: options.store ?? new MemoryFixMessageStore(),
        dictionary: FIX44_DICTIONARY,
        application,
        ...(options.log ? { log: options.log } : {}),
      },
    );
    this.initiator = new TcpFixInitiator(this.session, {
      port: options.port,
      ...(options.host !== undefined ? { host: options.host } : {}),
      heartBtInt: options.heartBtInt ?? 30,
      resetOnEveryLogon: options.resetOnEveryLogon ?? false,
      resetOnFirstLogon: options.resetOnFirstLogon ?? true,
      ...(options.minBackoffMillis !== undefined ? { minBackoffMillis: options.minBackoffMillis } : {}),
      ...(options.maxBackoffMillis !== undefined ? { maxBackoffMillis: options.maxBackoffMillis } : {}),
      tls: options.tls ?? null,
      ...(options.password !== undefined ? { logonFields: [[AppTag.Password, options.password]] } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  }

  get id(): string {
    return this.options.spec.id;
  }

  get spec(): VenueSpec {
    return this.options.spec;
  }

  get isLoggedOn(): boolean {
    return this.session.isLoggedOn;
  }

  /** Starts connecting (and reconnecting); see `loggedOn` to wait for the session. */
  start(): this {
    this.initiator.start();
    return this;
  }

  /** Resolves once the session is logged on (now, if it is). */
  loggedOn(): Promise<void> {
    if (this.session.isLoggedOn) return Promise.resolve();
    return new Promise((resolve) => this.logonWaiters.push(resolve));
  }

  /** Logout and close; no reconnect. */
  stop(): Promise<void> {
    return this.initiator.stop();
  }

  /** Drops the TCP connection as a network failure would (drills, tests); the venue reconnects by itself. */
  dropConnection(): void {
    this.initiator.dropConnection();
  }

  /** Connection attempts so far. */
  get connectionAttempts(): number {
    return this.initiator.connectionAttempts;
  }

  /** A listener added while the session is not logged on (before the first Logon) hears `false` at once. */
  onConnectionChange(listener: (connected: boolean) => void): void {
    this.connectionListeners.push(listener);
    if (!this.session.isLoggedOn) listener(false);
  }

  connect(listener: OrderEntryListener): OrderEntrySession {
    return new FixOrderEntrySession(this, `${++this.sessions}-`, listener);
  }

  /**
   * Market data of every instrument the venue trades, over FIX (fix-market-data.ts): a MarketDataRequest now if logged
   * on, and again after every Logon, whose snapshots replace what the listeners knew of the venue's book.
   */
  subscribe(listener: MarketDataListener): void {
    this.mdListeners.push(listener);
    if (this.mdListeners.length === 1 && this.session.isLoggedOn) this.requestMarketData();
  }

  /** TradingSessionStatus (h) as last received: the venue's trading session is open. */
  get tradingSessionOpen(): boolean {
    return this.sessionOpen;
  }

  private requestMarketData(): void {
    this.session.send(
      MdMsgType.MarketDataRequest,
      marketDataRequest(`${this.id}-MD${++this.mdRequests}`, this.options.spec.instruments),
    );
  }

  // --- outgoing ---------------------------------------------------------------------------------------------------

  submitFrom(session: FixOrderEntrySession, order: NewOrderRequest): void {
    const instrument = this.options.instruments.get(order.symbol);
    const problem = this.localProblem(instrument, order);
    if (problem !== null || instrument === undefined) {
      this.rejectLocally(session, order, problem ?? "unknown-symbol");
      return;
    }
    const wire = session.prefix + order.clOrdId;
    const existing = this.orders.get(wire);
    const record = trackedOrder(session, order, wire, [wire], { acknowledged: false, cumQty: 0, avgPx: 0 });
    // A reused ClOrdID is the venue's to refuse; the live order keeps its record.
    if (existing === undefined) this.orders.set(wire, record);
    else this.amends.set(`new:${wire}`, { record, session });
    const body: FixField[] = [[T.ClOrdID, wire]];
    if (order.account !== "") body.push([T.Account, order.account]);
    if (order.postOnly) body.push([T.ExecInst, EXEC_INST_POST_ONLY]);
    if (order.minQty !== null) body.push([T.MinQty, formatLots(instrument, order.minQty)]);
    if (order.displayQty !== null) body.push([T.MaxFloor, formatLots(instrument, order.displayQty)]);
    body.push(
      [T.Symbol, order.symbol],
      [T.Side, SIDE_CODE[order.side]],
      [T.TransactTime, formatUtcTimestamp(this.options.scheduler.now())],
      [T.OrderQty, formatLots(instrument, order.orderQty)],
      [T.OrdType, ORD_TYPE_CODE[order.ordType]],
    );
    if (order.price !== null) body.push([T.Price, formatUnits(instrument, order.price)]);
    body.push([T.TimeInForce, TIME_IN_FORCE_CODE[order.timeInForce]]);
    this.session.send(VenueMsgType.NewOrderSingle, body);
  }

  amendFrom(session: FixOrderEntrySession, request: CancelRequest, replace: ReplaceRequest | null): void {
    const wire = session.prefix + request.clOrdId;
    const origWire = session.prefix + request.origClOrdId;
    const record = this.orders.get(origWire);
    const instrument = this.options.instruments.get(request.symbol);
    const side = record?.side ?? "buy";
    const body: FixField[] = [
      [T.OrigClOrdID, origWire],
      [T.ClOrdID, wire],
      [T.Symbol, request.symbol],
      [T.Side, SIDE_CODE[side]],
      [T.TransactTime, formatUtcTimestamp(this.options.scheduler.now())],
    ];
    if (replace === null) {
      this.amends.set(wire, { record, session });
      if (record !== undefined && instrument !== undefined)
        body.push([T.OrderQty, formatLots(instrument, record.orderQty)]);
      this.session.send(VenueMsgType.OrderCancelRequest, body);
      return;
    }
    const qtyOk = Number.isSafeInteger(replace.orderQty);
    const priceOk = replace.price === null || Number.isSafeInteger(replace.price);
    if (instrument === undefined || !qtyOk || !priceOk) {
      const reason = instrument === undefined ? "unknown-order" : qtyOk ? "invalid-price" : "invalid-quantity";
      this.options.scheduler.after(0, () =>
        session.listener.onCancelReject({
          venueId: this.id,
          clOrdId: request.clOrdId,
          origClOrdId: request.origClOrdId,
          responseTo: "replace",
          reason,
          transactTime: this.options.scheduler.now(),
        }),
      );
      return;
    }
    this.amends.set(wire, { record, session, orderQty: replace.orderQty, price: replace.price });
    body.push(
      [T.OrderQty, formatLots(instrument, replace.orderQty)],
      [T.OrdType, ORD_TYPE_CODE[record?.ordType ?? "limit"]],
    );
    if (replace.price !== null) body.push([T.Price, formatUnits(instrument, replace.price)]);
    else if (record?.price !== null && record?.price !== undefined) {
      body.push([T.Price, formatUnits(instrument, record.price)]);
    }
    this.session.send(VenueMsgType.OrderCancelReplaceRequest, body);
  }

  /** An order of `session` placed before a restart of ours (see the header): tracked again, its status asked. */
  resumeFrom(session: FixOrderEntrySession, order: ResumedOrder): void {
    const wireIds = order.clOrdIds.map((id) => session.prefix + id);
    const record = trackedOrder(session, order, session.prefix + order.clOrdId, wireIds, {
      acknowledged: true,
      cumQty: order.cumQty,
      avgPx: order.avgPx,
    });
    for (const id of wireIds) this.orders.set(id, record);
    if (this.session.isLoggedOn) this.requestStatus(record);
  }

  private requestStatus(record: OrderRecord): void {
    this.session.send(VenueMsgType.OrderStatusRequest, [
      [T.ClOrdID, record.wireClOrdId],
      [T.Symbol, record.symbol],
      [T.Side, SIDE_CODE[record.side]],
      [T.OrdStatusReqID, `${this.id}-H${++this.statusRequests}`],
    ]);
  }

  private localProblem(instrument: Instrument | undefined, order: NewOrderRequest): VenueRejectReason | null {
    if (instrument === undefined) return "unknown-symbol";
    if (!Number.isSafeInteger(order.orderQty)) return "invalid-quantity";
    if (order.price !== null && !Number.isSafeInteger(order.price)) return "invalid-price";
    for (const q of [order.minQty, order.displayQty]) {
      if (q !== null && !Number.isSafeInteger(q)) return "invalid-quantity";
    }
    if (!this.session.isLoggedOn) return "venue-unavailable";
    return null;
  }

  private rejectLocally(session: FixOrderEntrySession, order: NewOrderRequest, reason: VenueRejectReason): void {
    const n = ++this.localIds;
    const report: ExecutionReport = {
      venueId: this.id,
      execId: `${this.id}-LOCAL-E${n}`,
      venueOrderId: `${this.id}-LOCAL-${n}`,
      clOrdId: order.clOrdId,
      origClOrdId: null,
      account: order.account,
      symbol: order.symbol,
      side: order.side,
      ordType: order.ordType,
      timeInForce: order.timeInForce,
      execType: "rejected",
      ordStatus: "rejected",
      orderQty: order.orderQty,
      price: order.price,
      lastQty: 0,
      lastPx: 0,
      cumQty: 0,
      leavesQty: 0,
      avgPx: 0,
      liquidity: null,
      feeMicros: 0,
      reason,
      transactTime: this.options.scheduler.now(),
    };
    this.options.scheduler.after(0, () => session.listener.onExecutionReport(report));
  }

  // --- incoming ---------------------------------------------------------------------------------------------------

  private onLogon(): void {
    for (const record of new Set(this.orders.values())) if (record.open) this.requestStatus(record);
    if (this.mdListeners.length > 0) this.requestMarketData();
    for (const listener of this.connectionListeners) listener(true);
    const waiters = this.logonWaiters;
    this.logonWaiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * The session is over: a lit venue's books leave the consolidated view (an empty snapshot of each instrument), since
   * nothing says how they change until the snapshots after the next Logon; then the connection listeners hear it.
   */
  private onLogout(): void {
    if (this.kind === "lit" && this.mdListeners.length > 0) {
      const time = this.options.scheduler.now();
      for (const symbol of this.options.spec.instruments) {
        const event: MarketDataEvent = { type: "snapshot", venueId: this.id, symbol, bids: [], asks: [], time };
        for (const listener of this.mdListeners) listener.onMarketData(event);
      }
    }
    for (const listener of this.connectionListeners) listener(false);
  }

  private onMessage(message: FixMessage): void {
    if (message.msgType === VenueMsgType.ExecutionReport) this.onExecutionReport(message);
    else if (message.msgType === VenueMsgType.OrderCancelReject) this.onCancelReject(message);
    else if (
      message.msgType === MdMsgType.MarketDataSnapshotFullRefresh ||
      message.msgType === MdMsgType.MarketDataIncrementalRefresh
    ) {
      const events = decodeMarketData(message, this.id, this.options.instruments, this.options.scheduler.now(), (why) =>
        this.options.log?.(`${this.id}: market data skipped: ${why}`),
      );
      for (const event of events) for (const listener of this.mdListeners) listener.onMarketData(event);
    } else if (message.msgType === MdMsgType.TradingSessionStatus) {
      this.sessionOpen = message.get(MdTag.TradSesStatus) === "2";
    } else this.options.log?.(`${this.id}: ignored MsgType ${message.msgType}`);
  }

  private onExecutionReport(m: FixMessage): void {
    const execTypeCode = m.get(T.ExecType) ?? "";
    if (execTypeCode === EXEC_TYPE_ORDER_STATUS) {
      this.reconcile(m);
      return;
    }
    const execId = m.get(T.ExecID) ?? "";
    if (this.execIds.has(execId)) return;
    const wire = m.get(T.ClOrdID) ?? "";
    const origWire = m.get(T.OrigClOrdID);
    const execType = EXEC_TYPE_OF.get(execTypeCode);
    const ordStatus = ORD_STATUS_OF.get(m.get(T.OrdStatus) ?? "");
    // A reject of a new order whose ClOrdID was already used: it is about that request, not the live order.
    const duplicate = this.amends.get(`new:${wire}`);
    let record: OrderRecord | undefined;
    if (duplicate !== undefined && execType === "rejected") {
      this.amends.delete(`new:${wire}`);
      record = duplicate.record;
    } else {
      record =
        this.orders.get(wire) ??
        (origWire === undefined ? undefined : this.orders.get(origWire)) ??
        this.amends.get(wire)?.record;
    }
    if (record === undefined || execType === undefined || ordStatus === undefined) {
      this.options.log?.(`${this.id}: execution report ${execId} for no order of ours (ClOrdID ${wire}): dropped`);
      return;
    }
    const instrument = this.options.instruments.get(record.symbol) as Instrument;
    const trade = execType === "trade";
    const lastQty = trade ? parseLots(instrument, m.get(T.LastQty)) : 0;
    const lastPx = trade ? parseUnits(instrument, m.get(T.LastPx)) : 0;
    const cumQty = parseLots(instrument, m.get(T.CumQty));
    const leavesQty = parseLots(instrument, m.get(T.LeavesQty));
    const whole = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
    if (![lastQty, lastPx, cumQty, leavesQty].every(whole) || (trade && (lastQty === 0 || lastPx === 0))) {
      // A venue bug, not ours to guess at: refused at the application level, the session and the process go on.
      this.options.log?.(
        `${this.id}: execution report ${execId} with quantities or prices off the instrument: refused`,
      );
      this.session.sendBusinessReject(
        m,
        BusinessRejectReason.Other,
        `${instrument.symbol}: LastQty, LastPx, CumQty and LeavesQty must be whole lots and price units`,
      );
      return;
    }
    this.execIds.add(execId);
    const fresh = duplicate === undefined || execType !== "rejected";
    if (fresh && trade && cumQty <= record.cumQty) {
      this.options.log?.(`${this.id}: fill ${execId} up to CumQty ${cumQty}, which we already had: dropped`);
      return;
    }
    if (fresh && trade && record.open && cumQty - lastQty !== record.cumQty) {
      // Not the next fill after what we know (fills were missed, or some of these lots came by reconciliation): one
      // fill report for exactly the lots we were not told of.
      this.catchUp(record, cumQty, parseAvgPx(instrument, m.get(T.AvgPx)));
      return;
    }
    if (fresh && !trade && record.open) {
      this.catchUp(record, cumQty, parseAvgPx(instrument, m.get(T.AvgPx)));
      if (!record.open) return; // the fill made up for finished the order: its terminal report has been given
    }
    const amend = this.amends.get(wire);
    if (execType === "replaced") {
      if (amend?.orderQty !== undefined) record.orderQty = amend.orderQty;
      if (amend?.price !== undefined && amend.price !== null) record.price = amend.price;
    }
    if (execType === "replaced" || execType === "canceled") this.amends.delete(wire);
    const reportedQty = parseLots(instrument, m.get(T.OrderQty));
    if (execType === "replaced" && Number.isSafeInteger(reportedQty) && reportedQty > 0) record.orderQty = reportedQty;
    const reportedPrice = m.get(T.Price);
    if (execType === "replaced" && reportedPrice !== undefined) record.price = parseUnits(instrument, reportedPrice);
    const liquidityCode = m.get(T.LastLiquidityInd);
    const liquidity: Liquidity | null = !trade
      ? null
      : liquidityCode === "1"
        ? "maker"
        : liquidityCode === "2"
          ? "taker"
          : null;
    const text = m.get(T.Text) ?? "";
    let reason: ExecutionReport["reason"] = null;
    if (execType === "rejected") {
      reason = VENUE_REJECT_REASONS.has(text)
        ? (text as VenueRejectReason)
        : rejectReasonFromCode(m.getInt(T.OrdRejReason));
    } else if (execType === "canceled") {
      reason = VENUE_CANCEL_REASONS.has(text) ? (text as VenueCancelReason) : "requested";
    }
    const transact = parseUtcTimestamp(m.get(T.TransactTime) ?? "");
    const report: ExecutionReport = {
      venueId: this.id,
      execId,
      venueOrderId: m.get(T.OrderID) ?? record.venueOrderId,
      clOrdId: this.portId(record, wire),
      origClOrdId: origWire === undefined ? null : this.portId(record, origWire),
      account: m.get(T.Account) ?? record.account,
      symbol: record.symbol,
      side: SIDE_OF.get(m.get(T.Side) ?? "") ?? record.side,
      ordType: ORD_TYPE_OF.get(m.get(T.OrdType) ?? "") ?? record.ordType,
      timeInForce: TIME_IN_FORCE_OF.get(m.get(T.TimeInForce) ?? "") ?? record.timeInForce,
      execType,
      ordStatus,
      orderQty: record.orderQty,
      price: record.price,
      lastQty,
      lastPx,
      cumQty,
      leavesQty,
      avgPx: parseAvgPx(instrument, m.get(T.AvgPx)),
      liquidity,
      feeMicros: liquidity === null ? 0 : this.fees.fee(liquidity, instrument, lastQty),
      reason,
      transactTime: Number.isNaN(transact) ? this.options.scheduler.now() : transact,
    };
    if (fresh) this.track(record, wire, report);
    record.session.listener.onExecutionReport(report);
  }

  private track(record: OrderRecord, wire: string, report: ExecutionReport): void {
    record.acknowledged = true;
    record.venueOrderId = report.venueOrderId;
    record.cumQty = report.cumQty;
    record.avgPx = report.avgPx;
    record.lastTransactTime = report.transactTime;
    if (report.execType === "replaced" || report.execType === "canceled") {
      record.wireClOrdId = wire;
      this.orders.set(wire, record);
      record.wireIds.push(wire);
    }
    if (TERMINAL.has(report.ordStatus)) {
      // Done: forget it, so a long session does not accumulate orders (a late report about it is then dropped).
      record.open = false;
      for (const id of record.wireIds) if (this.orders.get(id) === record) this.orders.delete(id);
    }
  }

  private onCancelReject(m: FixMessage): void {
    const wire = m.get(T.ClOrdID) ?? "";
    const origWire = m.get(T.OrigClOrdID) ?? "";
    const amend = this.amends.get(wire);
    if (amend === undefined) {
      this.options.log?.(`${this.id}: cancel reject for no request of ours (ClOrdID ${wire}): dropped`);
      return;
    }
    this.amends.delete(wire);
    const text = m.get(T.Text) ?? "";
    const transact = parseUtcTimestamp(m.get(T.TransactTime) ?? "");
    const prefix = amend.session.prefix;
    const strip = (id: string): string => (id.startsWith(prefix) ? id.slice(prefix.length) : id);
    const reject: CancelReject = {
      venueId: this.id,
      clOrdId: strip(wire),
      origClOrdId: strip(origWire),
      responseTo: m.get(T.CxlRejResponseTo) === "2" ? "replace" : "cancel",
      reason: CANCEL_REJECT_REASONS.has(text)
        ? (text as CancelReject["reason"])
        : cancelRejectReasonFromCode(m.getInt(T.CxlRejReason)),
      transactTime: Number.isNaN(transact) ? this.options.scheduler.now() : transact,
    };
    amend.session.listener.onCancelReject(reject);
  }

  /** The answer to an OrderStatusRequest: reports what we missed, if anything (see the header). */
  private reconcile(m: FixMessage): void {
    const wire = m.get(T.ClOrdID) ?? "";
    const record = this.orders.get(wire);
    if (record === undefined || !record.open) return;
    const instrument = this.options.instruments.get(record.symbol) as Instrument;
    const status = ORD_STATUS_OF.get(m.get(T.OrdStatus) ?? "");
    if (m.get(T.OrderID) === "NONE" || (status === "rejected" && m.getInt(T.OrdRejReason) === 5)) {
      if (!record.acknowledged) {
        this.emitLocal(record, "rejected", { ordStatus: "rejected", leavesQty: 0, reason: "venue-unavailable" });
      } else {
        this.emitLocal(record, "canceled", { ordStatus: "canceled", leavesQty: 0, reason: "unknown-at-venue" });
      }
      return;
    }
    this.catchUp(record, parseLots(instrument, m.get(T.CumQty)), parseAvgPx(instrument, m.get(T.AvgPx)));
    if (record.open && (status === "canceled" || status === "expired")) {
      this.emitLocal(record, status, {
        ordStatus: status,
        leavesQty: 0,
        reason: status === "canceled" ? "requested" : null,
      });
    }
  }

  /**
   * The venue says `cumQty` lots of the order executed, at `avgPx` on average, more than we were told: one fill report
   * for the difference (its price from the AvgPx difference; no liquidity flag, so no fee).
   */
  private catchUp(record: OrderRecord, cumQty: number, avgPx: number): void {
    if (!Number.isSafeInteger(cumQty) || cumQty <= record.cumQty) return;
    const lastQty = cumQty - record.cumQty;
    const lastPx = Math.round((avgPx * cumQty - record.avgPx * record.cumQty) / lastQty);
    const leavesQty = Math.max(0, record.orderQty - cumQty);
    this.emitLocal(record, "trade", {
      ordStatus: leavesQty === 0 ? "filled" : "partially-filled",
      lastQty,
      lastPx,
      cumQty,
      leavesQty,
      avgPx,
    });
  }

  /** A report of ours about `record` (reconciliation), tracked and passed on like the venue's. */
  private emitLocal(record: OrderRecord, execType: ExecType, fields: Partial<ExecutionReport>): void {
    const report: ExecutionReport = {
      venueId: this.id,
      execId: `${this.id}-RECON-${++this.localIds}`,
      venueOrderId: record.venueOrderId || `${this.id}-LOCAL-${this.localIds}`,
      clOrdId: this.portId(record, record.wireClOrdId),
      origClOrdId: null,
      account: record.account,
      symbol: record.symbol,
      side: record.side,
      ordType: record.ordType,
      timeInForce: record.timeInForce,
      execType,
      ordStatus: "new",
      orderQty: record.orderQty,
      price: record.price,
      lastQty: 0,
      lastPx: 0,
      cumQty: record.cumQty,
      leavesQty: Math.max(0, record.orderQty - record.cumQty),
      avgPx: record.avgPx,
      liquidity: null,
      feeMicros: 0,
      reason: null,
      transactTime: Math.max(this.options.scheduler.now(), record.lastTransactTime),
      ...fields,
    };
    this.track(record, record.wireClOrdId, report);
    record.session.listener.onExecutionReport(report);
  }

  private portId(record: OrderRecord, wire: string): string {
    return wire.startsWith(record.prefix) ? wire.slice(record.prefix.length) : wire;
  }
}

/** The record of an order we track at the venue: its terms, its ClOrdIDs on the wire and what we know it has done. */
function trackedOrder(
  session: FixOrderEntrySession,
  terms: Pick<OrderRecord, "account" | "symbol" | "side" | "ordType" | "timeInForce" | "orderQty" | "price">,
  wireClOrdId: string,
  wireIds: string[],
  known: Pick<OrderRecord, "acknowledged" | "cumQty" | "avgPx">,
): OrderRecord {
  return {
    session,
    prefix: session.prefix,
    account: terms.account,
    symbol: terms.symbol,
    side: terms.side,
    ordType: terms.ordType,
    timeInForce: terms.timeInForce,
    orderQty: terms.orderQty,
    price: terms.price,
    wireClOrdId,
    wireIds,
    acknowledged: known.acknowledged,
    open: true,
    cumQty: known.cumQty,
    avgPx: known.avgPx,
    venueOrderId: "",
    lastTransactTime: 0,
  };
}
