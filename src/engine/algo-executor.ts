/**
 * The execution side of the engine: works every parent order with its algorithm (algo/: TWAP, VWAP, POV or IS, chosen
 * by the auto policy) and carries out the algorithm's decisions at the venues.
 *
 * For each parent it keeps a `ParentAlgo` (created at the parent's first decision, with the arrival mid then) and the
 * child orders working for it. A decision runs on the parent's own timer (the algorithm says when), on every change of
 * the NBBO's prices in its instrument (at most one per quote gap per parent: `quoteDecisionGapMicros`, or a fifth of
 * the algorithm's decision interval up to 1 s for a slow parent), after each of its fills and child completions, and
 * soon after its quantity changes. A decision's actions become:
 * - place: the engine reserves the child's quantity first (every child of a parent is reserved at one protection
 *   price: the least aggressive limit of the parent's orders that allows the child's price, or market; a child that
 *   needs a limit beyond the one the parent's children already hold, because the market moved through a limit, makes
 *   the executor cancel them first: "reprice"), then the child goes to the venue
 *   the interim venue choice picks (venue-choice.ts) as an IOC (aggressive) or a day order (passive, midpoint);
 * - cancel: sent to the child's venue; the venue's final report releases the child's reservation.
 * Execution reports come back as child fills (allocated by the engine) and releases. When the engine reports a parent
 * over-reserved (kill switch, cancels pending, orders expired) the executor cancels its children. At the session's
 * end it cancels everything still working. Every child's life is recorded in the kernel's event stream
 * (`child-order` events), and each algorithm choice (`algo-chosen`).
 * Our own children never meet at a lit venue: a child that would trade against one of our resting children on the
 * other side (opposing parents that may not be crossed internally) is not sent, or, if passive, rests one tick
 * behind it; the venue's self-trade prevention would cancel it anyway.
 * Invariants: a child is only sent after its reservation succeeded; a child's fills never exceed its reservation (the
 * engine checks); at most one cancel per child.
 */

import type { ParentOrder } from "../aggregation/parent-order.js";
import type { AlgoParameters } from "../algo/algo-parameters.js";
import { chooseAlgo, impactModel } from "../algo/auto-policy.js";
import { createSchedule } from "../algo/create-schedule.js";
import { type AlgoAction, type AlgoMarket, ParentAlgo, type WorkingChild } from "../algo/parent-algo.js";
import type { Random } from "../core/random.js";
import type { Scheduler, TimerHandle } from "../core/scheduler.js";
import type { MarketView } from "../market/market-view.js";
import type { VolumeProfile } from "../market/volume-profile.js";
import type { ChildAction, ChildTactic, EngineEvent } from "../model/client-events.js";
import { aggressiveness } from "../model/client-order.js";
import type { CancelReject, ExecutionReport } from "../model/execution-report.js";
import type { Instrument } from "../model/instrument.js";
import { SESSION_MICROS } from "../model/market-parameters.js";
import { isTerminal } from "../model/ord-status.js";
import type { Side } from "../model/order-types.js";
import type { OrderEntryListener, OrderEntrySession, Venue } from "../venue/venue.js";
import type { Engine } from "./engine.js";
import { VenueChoice } from "./venue-choice.js";

export interface AlgoExecutorOptions {
  /** The session's open and close (µs): the volume profile's origin, and when everything stops. */
  readonly sessionOpen: number;
  readonly sessionEnd: number;
  readonly profile: VolumeProfile;
  /** Seeds each parent's own stream (TWAP randomisation), forked at each parent's first decision. */
  readonly random: Random;
  /** The account child orders are sent under (default "TRIBUTARY"). */
  readonly account?: string | undefined;
  /** Least time between two quote-driven decisions of one parent, µs (default 100 ms; slow parents wait longer). */
  readonly quoteDecisionGapMicros?: number | undefined;
  /** Sees every execution report of our child orders, before the executor acts on it (summaries, fingerprints). */
  readonly onReport?: ((report: ExecutionReport) => void) | undefined;
  /** Overrides the auto policy's choice (evaluation runs, explicit tests). */
  readonly choose?: ((parent: ParentOrder, chosen: AlgoParameters) => AlgoParameters) | undefined;
}

interface Child extends WorkingChild {
  readonly parentId: number;
  readonly side: Side;
  readonly venue: number;
  readonly symbol: string;
  readonly orderQty: number;
  price: number;
  pricedAt: number;
  leavesQty: number;
  cancelPending: boolean;
  /** The ClOrdID the venue knows the order by now, and the last one asked for (a replace in flight), and both. */
  venueOrderId: string;
  requestedId: string;
  /** Every ClOrdID the child has had (its reports may carry any of them). */
  readonly orderIds: string[];
  /** A replace in flight: the price to go back to if the venue refuses it. */
  replacing: { readonly clOrdId: string; readonly oldPrice: number } | null;
  /** Cancels and replaces sent (their ClOrdIDs are numbered from it). */
  amendments: number;
}

interface Working {
  readonly parent: ParentOrder;
  readonly instrument: Instrument;
  algo: ParentAlgo | null;
  readonly children: Child[];
  timer: TimerHandle | null;
  wakeAt: number;
  lastQuoteDecision: number;
  /** This parent's least time between two quote-driven decisions, µs (set with its algorithm). */
  quoteGap: number;
  arrivalMid: number | null;
}

/** What the executor did, for reports. */
export interface ExecutorStats {
  childrenSent: number;
  lotsFilled: number;
  cancelsSent: number;
  replacesSent: number;
  rejects: number;
  decisions: number;
}

export class AlgoExecutor implements OrderEntryListener {
  private readonly sessions: OrderEntrySession[];
  private readonly venueChoice: VenueChoice;
  private readonly working = new Map<number, Working>();
  private readonly bySymbol = new Map<string, Set<Working>>();
  private readonly children = new Map<string, Child>();
  /** Every ClOrdID of a working child (original, replaces) -> the child. */
  private readonly byOrderId = new Map<string, Child>();
  /** Our lit children working per symbol and side: self-trade avoidance. */
  private readonly litResting = new Map<string, OwnChildren>();
  /** The last NBBO prices seen per symbol (quote-driven decisions run on price changes only). */
  private readonly touches = new Map<string, { bid: number; ask: number }>();
  private readonly account: string;
  private readonly quoteGap: number;
  private readonly actions: AlgoAction[] = [];
  private nextChild = 1;
  private closed = false;
  readonly stats: ExecutorStats = {
    childrenSent: 0,
    lotsFilled: 0,
    cancelsSent: 0,
    replacesSent: 0,
    rejects: 0,
    decisions: 0,
  };

  constructor(
    private readonly engine: Engine,
    private readonly venues: readonly Venue[],
    private readonly scheduler: Scheduler,
    private readonly market: MarketView,
    private readonly options: AlgoExecutorOptions,
  ) {
    this.sessions = venues.map((venue) => venue.connect(this));
    this.venueChoice = new VenueChoice(venues);
    this.account = options.account ?? "TRIBUTARY";
    this.quoteGap = options.quoteDecisionGapMicros ?? 100_000;
    engine.on((event) => this.onEngineEvent(event));
    market.onChange((symbol) => this.onQuote(symbol));
    scheduler.at(options.sessionEnd, () => this.close());
  }

  /** The algorithm of a working parent (null before its first decision or once it is done). */
  algoOf(parentId: number): ParentAlgo | null {
    return this.working.get(parentId)?.algo ?? null;
  }

  /** Child orders working now. */
  get workingChildren(): number {
    return this.children.size;
  }

  // ---- venue side ---------------------------------------------------------------------------------------------------

  onExecutionReport(report: ExecutionReport): void {
    this.options.onReport?.(report);
    // A cancel's report carries the cancel's ClOrdID and the child's as OrigClOrdID; a replace's, the new and the old.
    const child =
      this.byOrderId.get(report.clOrdId) ??
      (report.origClOrdId === null ? undefined : this.byOrderId.get(report.origClOrdId));
    if (child === undefined) return;
    const working = this.working.get(child.parentId);
    if (report.execType === "new") this.recordChild(child, "acknowledged", null);
    if (report.execType === "replaced") {
      child.venueOrderId = report.clOrdId;
      if (child.replacing?.clOrdId === report.clOrdId) child.replacing = null;
      this.setLeaves(child, report.leavesQty);
      this.recordChild(child, "replaced", null);
    }
    if (report.execType === "trade") {
      this.stats.lotsFilled += report.lastQty;
      this.engine.childFill(
        child.childId,
        report.lastQty,
        report.lastPx,
        report.venueId,
        report.liquidity,
        report.feeMicros,
      );
    }
    this.setLeaves(child, report.leavesQty);
    if (isTerminal(report.ordStatus)) {
      this.children.delete(child.childId);
      for (const id of child.orderIds) this.byOrderId.delete(id);
      if (child.tactic !== "midpoint") this.ownChildren(child.symbol).remove(child);
      if (working !== undefined) {
        const i = working.children.indexOf(child);
        if (i >= 0) working.children.splice(i, 1);
      }
      const action: ChildAction =
        report.ordStatus === "filled"
          ? "filled"
          : report.ordStatus === "rejected"
            ? "rejected"
            : report.ordStatus === "expired"
              ? "expired"
              : "cancelled";
      if (action === "rejected") this.stats.rejects++;
      this.recordChild(child, action, report.reason);
      this.engine.releaseChild(child.childId);
    }
    if (working !== undefined && (report.execType === "trade" || isTerminal(report.ordStatus))) {
      this.decide(working);
    }
  }

  /**
   * A cancel or replace the venue refused. Mostly the child finished first (its final report releases it). A refused
   * replace leaves the child at its old price; a cancel sent meanwhile named the refused replace, so it goes again
   * under the ClOrdID the venue knows.
   */
  onCancelReject(reject: CancelReject): void {
    const child = this.byOrderId.get(reject.clOrdId) ?? this.byOrderId.get(reject.origClOrdId);
    if (child === undefined) return;
    if (reject.responseTo === "replace" && child.replacing?.clOrdId === reject.clOrdId) {
      this.reprice(child, child.replacing.oldPrice);
      child.replacing = null;
      child.requestedId = child.venueOrderId;
      this.recordChild(child, "replace-rejected", reject.reason);
    } else if (reject.responseTo === "cancel" && reject.origClOrdId !== child.venueOrderId && child.cancelPending) {
      child.cancelPending = false;
      this.cancel(child, "retry");
    }
  }

  // ---- engine side --------------------------------------------------------------------------------------------------

  private onEngineEvent(event: EngineEvent): void {
    if (event.type === "parent-created") {
      const parent = this.engine.parent(event.parentId) as ParentOrder;
      const instrument = this.engine.instruments.get(parent.symbol) as Instrument;
      const working: Working = {
        parent,
        instrument,
        algo: null,
        children: [],
        timer: null,
        wakeAt: Number.POSITIVE_INFINITY,
        lastQuoteDecision: Number.NEGATIVE_INFINITY,
        quoteGap: this.quoteGap,
        arrivalMid: null,
      };
      this.working.set(parent.parentId, working);
      let set = this.bySymbol.get(parent.symbol);
      if (set === undefined) {
        set = new Set();
        this.bySymbol.set(parent.symbol, set);
      }
      set.add(working);
      return;
    }
    if (event.type !== "parent-changed") return;
    const working = this.working.get(event.parentId);
    if (working === undefined) return;
    if (event.change === "done") {
      if (working.timer !== null) this.scheduler.cancel(working.timer);
      this.working.delete(event.parentId);
      this.bySymbol.get(working.parent.symbol)?.delete(working);
      return;
    }
    if (event.overReservedQty > 0) this.cancelAll(working, "parent-reduced");
    switch (event.change) {
      case "joined":
      case "left":
      case "amended":
      case "started":
      case "resumed":
      case "suspended":
        working.algo?.replan();
        this.wake(working, this.scheduler.now());
        break;
      default:
    }
  }

  /**
   * The NBBO changed. Only a new bid or ask price is news to the algorithms (a re-peg, a stale child, a new price to
   * take); size changes wait for the parents' own timers and fills. A parent that decided less than the quote gap ago
   * decides at the end of the gap instead.
   */
  private onQuote(symbol: string): void {
    const set = this.bySymbol.get(symbol);
    if (set === undefined || this.closed) return;
    const quote = this.market.nbbo(symbol);
    let touch = this.touches.get(symbol);
    if (touch === undefined) {
      touch = { bid: Number.NaN, ask: Number.NaN };
      this.touches.set(symbol, touch);
    }
    if (touch.bid === quote.bid && touch.ask === quote.ask) return;
    touch.bid = quote.bid;
    touch.ask = quote.ask;
    const now = this.scheduler.now();
    for (const working of set) {
      if (working.algo === null) continue;
      if (now - working.lastQuoteDecision < working.quoteGap) {
        this.wake(working, working.lastQuoteDecision + working.quoteGap);
        continue;
      }
      working.lastQuoteDecision = now;
      this.decide(working);
    }
  }

  // ---- decisions ----------------------------------------------------------------------------------------------------

  /** Makes sure `working` decides at `time` (its timer moves earlier when needed). */
  private wake(working: Working, at: number): void {
    // The clock is whole µs: schedules compute fractional times (slice bounds, periods).
    const time = Math.ceil(at);
    if (this.closed || time >= working.wakeAt) return;
    if (working.timer !== null) this.scheduler.cancel(working.timer);
    working.wakeAt = time;
    working.timer = this.scheduler.at(time, () => {
      working.timer = null;
      working.wakeAt = Number.POSITIVE_INFINITY;
      this.decide(working);
    });
  }

  private decide(working: Working): void {
    if (this.closed || !this.working.has(working.parent.parentId)) return;
    const now = this.scheduler.now();
    const parent = working.parent;
    const view = this.market.instrument(parent.symbol);
    const quote = view.nbbo;
    const algo = working.algo ?? this.startAlgo(working, now);
    const instrument = working.instrument;
    const own = this.ownChildren(parent.symbol);
    const market: AlgoMarket = {
      bid: quote.bid,
      ask: quote.ask,
      bidQty: quote.bidQty,
      askQty: quote.askQty,
      tick: instrument.tickUnits,
      ownBid: own.best("buy"),
      ownAsk: own.best("sell"),
      ownBidQty: own.lotsAt("buy", quote.bid),
      ownAskQty: own.lotsAt("sell", quote.ask),
      volume: view.tape.volume,
      volumeRate:
        (instrument.averageDailyVolume / SESSION_MICROS) *
        this.options.profile.multiplier((now - this.options.sessionOpen) / 1_000_000),
      darkMinLots: this.venueChoice.darkMinQuantity(parent.symbol),
    };
    const actions = this.actions;
    actions.length = 0;
    algo.decide(
      now,
      { executed: parent.cumQty, openQty: parent.allocatable.total, limitPrice: parent.bestWorkablePrice() },
      market,
      working.children,
      actions,
    );
    this.stats.decisions++;
    for (const action of actions) {
      if (action.kind === "cancel") {
        const child = this.children.get(action.childId);
        if (child !== undefined) this.cancel(child, action.reason);
      } else if (action.kind === "replace") {
        const child = this.children.get(action.childId);
        if (child !== undefined) this.replace(child, action.price, action.reason);
      } else this.place(working, action.tactic, action.price, action.qty, quote.askVenues, quote.bidVenues);
    }
    this.wake(working, algo.nextWake(now));
  }

  /** Chooses the parent's algorithm at its first decision (the arrival mid then, or the reference price). */
  private startAlgo(working: Working, now: number): ParentAlgo {
    const parent = working.parent;
    const quote = this.market.nbbo(parent.symbol);
    const twoSided = quote.bid < quote.ask;
    const mid = twoSided ? (quote.bid + quote.ask) / 2 : working.instrument.referencePriceUnits;
    const minChildLots = this.venueChoice.minQuantity(parent.symbol);
    let params = chooseAlgo({
      intent: parent.intent,
      now,
      startTime: parent.earliestStart ?? now,
      endTime: parent.earliestEnd,
      sessionEnd: this.options.sessionEnd,
      quantity: parent.allocatable.total,
      instrument: working.instrument,
      price: mid,
      maxParticipation: parent.maxParticipation,
      minChildLots,
    });
    if (this.options.choose !== undefined) params = this.options.choose(parent, params);
    const schedule = createSchedule(params, {
      profile: this.options.profile,
      sessionOpen: this.options.sessionOpen,
      dailyVolume: working.instrument.averageDailyVolume,
      impact: impactModel(working.instrument, mid),
      random: this.options.random.fork(),
    });
    const algo = new ParentAlgo(params, schedule, parent.side);
    working.algo = algo;
    working.quoteGap = Math.max(this.quoteGap, Math.min(algo.decisionMicros / 5, 1_000_000));
    working.arrivalMid = twoSided ? mid : null;
    this.engine.record({
      type: "algo-chosen",
      seq: 0,
      time: 0,
      parentId: parent.parentId,
      symbol: parent.symbol,
      side: parent.side,
      algo: params.algo,
      urgency: params.urgency,
      startTime: params.startTime,
      endTime: params.endTime,
      quantity: parent.allocatable.total,
      aggressiveness: params.aggressiveness,
      useDark: params.useDark,
      completeByEnd: params.completeByEnd,
      maxParticipation: params.maxParticipation,
      povRate: params.povRate,
      riskAversion: params.riskAversion,
      arrivalMid: working.arrivalMid,
    });
    return algo;
  }

  private place(
    working: Working,
    tactic: ChildTactic,
    price: number,
    qty: number,
    askVenues: readonly string[],
    bidVenues: readonly string[],
  ): void {
    const parent = working.parent;
    const buy = parent.side === "buy";
    // The reservation's protection price: the least aggressive limit of the parent that allows the child's price,
    // shared by all its children (see ParentOrder.protectionFor); it changes only when the market crosses a limit.
    const protection = parent.protectionFor(price);
    if (protection === undefined) {
      // More aggressive than the price the parent's children hold: they go first (the market moved through a limit).
      if (
        parent.reservedQty > 0 &&
        aggressiveness(parent.side, price) > aggressiveness(parent.side, parent.reservedPrice)
      ) {
        this.cancelAll(working, "reprice");
      }
      return;
    }
    // Never against our own resting children on the other side (the tactics avoid it; the quote may have moved).
    if (tactic !== "midpoint") {
      const own = this.ownBest(parent.symbol, buy ? "sell" : "buy");
      if (buy ? price >= own : price <= own) return;
    }
    const lots = Math.min(qty, parent.available(protection));
    if (lots <= 0) return;
    const venue = this.venueChoice.choose(tactic, parent.symbol, lots, buy ? askVenues : bidVenues);
    if (venue < 0) return;
    const childId = `C${this.nextChild++}`;
    if (!this.engine.reserve(parent.parentId, childId, protection, lots)) return;
    const child: Child = {
      childId,
      tactic,
      price,
      pricedAt: this.scheduler.now(),
      leavesQty: lots,
      cancelPending: false,
      parentId: parent.parentId,
      side: parent.side,
      venue,
      symbol: parent.symbol,
      orderQty: lots,
      venueOrderId: childId,
      requestedId: childId,
      orderIds: [childId],
      replacing: null,
      amendments: 0,
    };
    this.children.set(childId, child);
    this.byOrderId.set(childId, child);
    working.children.push(child);
    if (tactic !== "midpoint") this.ownChildren(parent.symbol).add(child);
    this.stats.childrenSent++;
    this.recordChild(child, "placed", null);
    (this.sessions[venue] as OrderEntrySession).submit({
      clOrdId: childId,
      account: this.account,
      symbol: parent.symbol,
      side: parent.side,
      ordType: "limit",
      timeInForce: tactic === "aggressive" ? "ioc" : "day",
      orderQty: lots,
      price,
      postOnly: false,
      displayQty: null,
      minQty: null,
    });
  }

  /** The most aggressive price of our lit children on `side` in `symbol` (+/-Infinity when none). */
  private ownBest(symbol: string, side: Side): number {
    return this.ownChildren(symbol).best(side);
  }

  /** A child's lots left at its venue changed (a fill, a replace, its end). */
  private setLeaves(child: Child, leaves: number): void {
    if (child.tactic !== "midpoint") this.ownChildren(child.symbol).resize(child, leaves - child.leavesQty);
    child.leavesQty = leaves;
  }

  private ownChildren(symbol: string): OwnChildren {
    let own = this.litResting.get(symbol);
    if (own === undefined) {
      own = new OwnChildren();
      this.litResting.set(symbol, own);
    }
    return own;
  }

  private cancel(child: Child, reason: string): void {
    if (child.cancelPending) return;
    child.cancelPending = true;
    this.stats.cancelsSent++;
    this.recordChild(child, "cancel-requested", reason);
    (this.sessions[child.venue] as OrderEntrySession).cancel({
      clOrdId: `${child.childId}-X${++child.amendments}`,
      origClOrdId: child.requestedId,
      symbol: child.symbol,
    });
  }

  /**
   * Re-pegs a resting child to `price` with one replace (same quantity). Not while a cancel or another replace is in
   * flight; not beyond the price its parent's reservation protects (it is cancelled instead, and the next placement
   * reserves afresh); never onto our own resting order on the other side.
   */
  private replace(child: Child, price: number, reason: string): void {
    if (child.cancelPending || child.replacing !== null || price === child.price) return;
    const parent = this.engine.parent(child.parentId) as ParentOrder;
    if (aggressiveness(child.side, price) > aggressiveness(child.side, parent.reservedPrice)) {
      this.cancel(child, reason);
      return;
    }
    const own = this.ownBest(child.symbol, child.side === "buy" ? "sell" : "buy");
    if (child.side === "buy" ? price >= own : price <= own) return;
    const clOrdId = `${child.childId}-R${++child.amendments}`;
    child.replacing = { clOrdId, oldPrice: child.price };
    this.reprice(child, price);
    child.pricedAt = this.scheduler.now();
    child.requestedId = clOrdId;
    child.orderIds.push(clOrdId);
    this.byOrderId.set(clOrdId, child);
    this.stats.replacesSent++;
    this.recordChild(child, "replace-requested", reason);
    (this.sessions[child.venue] as OrderEntrySession).replace({
      clOrdId,
      origClOrdId: child.venueOrderId,
      symbol: child.symbol,
      orderQty: child.orderQty,
      price,
    });
  }

  /** Sets a lit child's price, keeping our own price levels right. */
  private reprice(child: Child, price: number): void {
    const own = this.ownChildren(child.symbol);
    own.remove(child);
    child.price = price;
    own.add(child);
  }

  private cancelAll(working: Working, reason: string): void {
    for (const child of working.children) this.cancel(child, reason);
  }

  /** The session is over: no more decisions; everything still working is cancelled. */
  private close(): void {
    this.closed = true;
    for (const working of this.working.values()) {
      if (working.timer !== null) this.scheduler.cancel(working.timer);
      working.timer = null;
      this.cancelAll(working, "session-end");
    }
  }

  private recordChild(child: Child, action: ChildAction, reason: string | null): void {
    this.engine.record({
      type: "child-order",
      seq: 0,
      time: 0,
      parentId: child.parentId,
      childId: child.childId,
      venue: (this.venues[child.venue] as Venue).id,
      action,
      symbol: child.symbol,
      side: child.side,
      tactic: child.tactic,
      price: child.price,
      orderQty: child.orderQty,
      leavesQty: child.leavesQty,
      reason,
    });
  }
}

/**
 * Our lit children working in one instrument: their lots left per price on each side, and the best price of each side
 * cached (every decision reads both). Adding can only improve the best; only emptying the best level makes it stale.
 */
class OwnChildren {
  private readonly levels: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  private readonly cached: [number, number] = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  private readonly stale: [boolean, boolean] = [false, false];

  add(child: Child): void {
    this.change(child.side === "buy" ? 0 : 1, child.price, child.leavesQty);
  }

  remove(child: Child): void {
    this.change(child.side === "buy" ? 0 : 1, child.price, -child.leavesQty);
  }

  /** `child`'s lots left change by `delta` (before its leavesQty is updated). */
  resize(child: Child, delta: number): void {
    this.change(child.side === "buy" ? 0 : 1, child.price, delta);
  }

  best(side: Side): number {
    const i = side === "buy" ? 0 : 1;
    if (this.stale[i]) {
      let best = i === 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      for (const price of this.levels[i].keys()) best = i === 0 ? Math.max(best, price) : Math.min(best, price);
      this.cached[i] = best;
      this.stale[i] = false;
    }
    return this.cached[i];
  }

  /** Our lots working at `price` on `side`. */
  lotsAt(side: Side, price: number): number {
    return this.levels[side === "buy" ? 0 : 1].get(price) ?? 0;
  }

  private change(i: 0 | 1, price: number, delta: number): void {
    if (delta === 0) return;
    const levels = this.levels[i];
    const lots = (levels.get(price) ?? 0) + delta;
    if (lots > 0) {
      levels.set(price, lots);
      if (!this.stale[i]) {
        this.cached[i] = i === 0 ? Math.max(this.cached[i], price) : Math.min(this.cached[i], price);
      }
    } else {
      levels.delete(price);
      if (price === this.cached[i]) this.stale[i] = true;
    }
  }
}
