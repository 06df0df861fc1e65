/**
 * The execution side of the engine: works every parent order with its algorithm (algo/: TWAP, VWAP, POV or IS, chosen
 * by the auto policy) and carries out the algorithm's decisions at the venues.
 *
 * For each parent it keeps a `ParentAlgo` (created at the parent's first decision, with the arrival mid then) and the
 * child orders working for it. A decision runs on the parent's own timer (the algorithm says when), on every NBBO
 * change in its instrument (at most one per `quoteDecisionGapMicros` per parent), after each of its fills and child
 * completions, and soon after its quantity changes. A decision's actions become:
 * - place: the engine reserves the child's quantity first (every child of a parent is reserved at one protection
 *   price: the far touch, or the limit when it is behind; a child that would need a worse protection price than the
 *   parent's children already hold makes the executor cancel them first: "reprice"), then the child goes to the venue
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
  /** Least time between two quote-driven decisions of one parent, µs (default 100 ms). */
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
  leavesQty: number;
  cancelPending: boolean;
}

interface Working {
  readonly parent: ParentOrder;
  readonly instrument: Instrument;
  algo: ParentAlgo | null;
  readonly children: Child[];
  timer: TimerHandle | null;
  wakeAt: number;
  lastQuoteDecision: number;
  arrivalMid: number | null;
}

/** What the executor did, for reports. */
export interface ExecutorStats {
  childrenSent: number;
  lotsFilled: number;
  cancelsSent: number;
  rejects: number;
  decisions: number;
}

export class AlgoExecutor implements OrderEntryListener {
  private readonly sessions: OrderEntrySession[];
  private readonly venueChoice: VenueChoice;
  private readonly working = new Map<number, Working>();
  private readonly bySymbol = new Map<string, Set<Working>>();
  private readonly children = new Map<string, Child>();
  /** Our lit children working per symbol and side: self-trade avoidance. */
  private readonly litResting = new Map<string, OwnChildren>();
  private readonly account: string;
  private readonly quoteGap: number;
  private readonly actions: AlgoAction[] = [];
  private nextChild = 1;
  private closed = false;
  readonly stats: ExecutorStats = { childrenSent: 0, lotsFilled: 0, cancelsSent: 0, rejects: 0, decisions: 0 };

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
    // A cancel's report carries the cancel's ClOrdID and the child's as OrigClOrdID.
    const child =
      this.children.get(report.clOrdId) ??
      (report.origClOrdId === null ? undefined : this.children.get(report.origClOrdId));
    if (child === undefined) return;
    const working = this.working.get(child.parentId);
    if (report.execType === "new") this.recordChild(child, "acknowledged", null);
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
    child.leavesQty = report.leavesQty;
    if (isTerminal(report.ordStatus)) {
      this.children.delete(child.childId);
      this.litResting.get(child.symbol)?.remove(child);
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

  onCancelReject(_reject: CancelReject): void {
    // The child finished before the cancel arrived; its final report releases it.
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

  private onQuote(symbol: string): void {
    const set = this.bySymbol.get(symbol);
    if (set === undefined || this.closed) return;
    const now = this.scheduler.now();
    for (const working of set) {
      if (working.algo === null || now - working.lastQuoteDecision < this.quoteGap) continue;
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
    const market: AlgoMarket = {
      bid: quote.bid,
      ask: quote.ask,
      bidQty: quote.bidQty,
      askQty: quote.askQty,
      tick: instrument.tickUnits,
      ownBid: this.ownBest(parent.symbol, "buy"),
      ownAsk: this.ownBest(parent.symbol, "sell"),
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
    // Protection price of the reservation: the child's own price or the far touch, whichever is more aggressive,
    // within the limit; or the price the parent's children already hold.
    let protection: number;
    if (parent.reservedQty > 0) {
      protection = parent.reservedPrice as number;
      if (aggressiveness(parent.side, price) > aggressiveness(parent.side, protection)) {
        this.cancelAll(working, "reprice");
        return;
      }
    } else {
      const quote = this.market.nbbo(parent.symbol);
      const far = buy ? quote.ask : quote.bid;
      protection = Number.isFinite(far) ? (buy ? Math.max(price, far) : Math.min(price, far)) : price;
      const limit = parent.bestWorkablePrice();
      if (limit !== null) protection = buy ? Math.min(protection, limit) : Math.max(protection, limit);
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
      leavesQty: lots,
      cancelPending: false,
      parentId: parent.parentId,
      side: parent.side,
      venue,
      symbol: parent.symbol,
      orderQty: lots,
    };
    this.children.set(childId, child);
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
    const own = this.litResting.get(symbol);
    if (own === undefined) return side === "buy" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return own.best(side);
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
      clOrdId: `${child.childId}-X`,
      origClOrdId: child.childId,
      symbol: child.symbol,
    });
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
 * Our lit children working in one instrument, by side, with the best price of each side cached until the set changes
 * (every decision reads it; children come and go far less often).
 */
class OwnChildren {
  private readonly sides: [Set<Child>, Set<Child>] = [new Set(), new Set()];
  private readonly cached: [number, number] = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  private readonly stale: [boolean, boolean] = [false, false];

  add(child: Child): void {
    const i = child.side === "buy" ? 0 : 1;
    this.sides[i].add(child);
    this.stale[i] = true;
  }

  remove(child: Child): void {
    const i = child.side === "buy" ? 0 : 1;
    if (this.sides[i].delete(child)) this.stale[i] = true;
  }

  best(side: Side): number {
    const i = side === "buy" ? 0 : 1;
    if (this.stale[i]) {
      let best = i === 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      for (const child of this.sides[i]) best = i === 0 ? Math.max(best, child.price) : Math.min(best, child.price);
      this.cached[i] = best;
      this.stale[i] = false;
    }
    return this.cached[i];
  }
}
