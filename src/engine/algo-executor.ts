/**
 * The execution side of the engine: works every parent order with its algorithm (algo/: TWAP, VWAP, POV or IS, chosen
 * by the auto policy) and carries out the algorithm's decisions at the venues.
 *
 * For each parent it keeps a `ParentAlgo` (created at the parent's first decision, with the arrival mid then) and the
 * child orders working for it. A decision runs on the parent's own timer (the algorithm says when), on every change of
 * the NBBO's prices in its instrument (at most one per quote gap per parent: `quoteDecisionGapMicros`, or a fifth of
 * the algorithm's decision interval up to 1 s for a slow parent), after each of its fills and child completions, and
 * soon after its quantity changes. A decision's actions become:
 * - place: the smart order router (router/) splits the child the algorithm wants into slices by the parent's routing
 *   logic (by its urgency, or as configured) from every venue's live state (venue-board.ts: quotes, fees, health,
 *   what the scorecard has learned); each slice becomes a child order at its venue, reserved first (every child of a
 *   parent is reserved at one protection price, the least aggressive limit of the parent's orders that allows the far
 *   touch, or market; a child needing more, because the market moved through a limit, makes the executor cancel the
 *   parent's children first: "reprice"); the decision and its inputs are recorded (`routing-decision`). A sequential
 *   route moves what a venue leaves unfilled to the next venue of its ranking; a dark ping that finds nothing leaves
 *   that pool alone a while; an aggressive spray's slices (a spray group) may add up to more than the child, the lots
 *   beyond what the parent can carry reserved as over-sent: on each of their fills the executor cancels the slices the
 *   group no longer needs and reduces the one that would overshoot the child, cancels all of them once the child is
 *   done, and what still rests at the end of the spray window (`SPRAY_WINDOW_MICROS`);
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
import { catchUpCost } from "../algo/catch-up-cost.js";
import { createSchedule } from "../algo/create-schedule.js";
import { IsSchedule } from "../algo/is.js";
import { type AlgoAction, type AlgoMarket, ParentAlgo, type WorkingChild } from "../algo/parent-algo.js";
import { InvariantError } from "../core/errors.js";
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
import { autoRoutingLogic, type RouteRequest, type RouteSlice, type RoutingLogic } from "../router/routing.js";
import { showsPrice } from "../router/routing-logics.js";
import { SmartOrderRouter } from "../router/smart-order-router.js";
import { VenueHealth } from "../router/venue-health.js";
import { type PriceLevel, VenueScorecard } from "../router/venue-scorecard.js";
import type { OrderEntryListener, OrderEntrySession, Venue } from "../venue/venue.js";
import type { Engine } from "./engine.js";
import type { OpenChildren } from "./open-children.js";
import { VenueBoard } from "./venue-board.js";

/** How long a sequential route's resting child waits for a first fill before it moves to the next venue (µs). */
export const SEQUENTIAL_REST_MICROS = 30_000_000;

/**
 * A child its venue has not answered (no acknowledgement, fill or reject) this long after it was sent is a timeout, seen
 * at its parent's next decision: the venue's health counts it (enough of them trip the venue, so the router routes
 * around it) and the child is cancelled. It stays reserved until the venue answers: nothing is left working at a venue
 * without the engine knowing.
 */
export const ACK_TIMEOUT_MICROS = 2_000_000;

/** After a dark ping (an immediate-or-cancel midpoint child) finds nothing, the parent leaves that pool alone this long. */
export const DARK_PING_REST_MICROS = 5_000_000;

/**
 * After a taking child sent to a lit venue that did not show its price finds nothing there (it ended unfilled without
 * our cancel), the parent's taking children leave that venue out this long. The equal split sends there regardless of
 * what the venue shows; without the rest a parent behind its schedule re-decided on each unfilled report and sent the
 * same half again, about every millisecond: 14,000 children for one parent of 1,500,000 shares instead of 300
 * (BENCHMARKS.md §9). A child that missed a venue showing its price lost a race: the venue's next quote is news, and it
 * stays in (resting it a while took that venue's fresh liquidity away from every taking logic, and doubled the
 * children the demo sent). Resting children still go there.
 */
export const TAKE_MISS_REST_MICROS = 100_000;

/** What an aggressive spray's slices leave resting at their limit is cancelled this long after they were sent (µs). */
export const SPRAY_WINDOW_MICROS = 1_000_000;

/** The default most an aggressive spray sends, as a multiple of the child the algorithm asked for. */
export const DEFAULT_OVER_SEND = 1.5;

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
  /** The routing logic of a parent (default: by its urgency, `autoRoutingLogic`). */
  readonly routing?: ((parent: ParentOrder, params: AlgoParameters) => RoutingLogic) | undefined;
  /** What the router has learned of the venues (default: a fresh scorecard); the caller may load and save it. */
  readonly scorecard?: VenueScorecard | undefined;
  /** An aggressive spray's most lots sent, as a multiple of the child (default 1.5; 1: never more than the child). */
  readonly overSend?: number | undefined;
}

/** The slices of one aggressive spray: the child the algorithm asked for, and what they have filled towards it. */
interface SprayGroup {
  readonly target: number;
  filled: number;
  readonly children: Child[];
  /** What is left resting is cancelled at this time (µs). */
  readonly until: number;
}

interface Child extends WorkingChild {
  readonly parentId: number;
  readonly side: Side;
  readonly venue: number;
  readonly symbol: string;
  /** Its quantity at the venue (an aggressive spray's over-fill protection may reduce it). */
  orderQty: number;
  /** The price its reservation protects (the parent's protection when it was sent; null: market). */
  readonly protection: number | null;
  /** Rebuilt from the journal after a restart: its venue is asked to cancel it, and an unknown order is gone. */
  readonly resumed: boolean;
  price: number;
  pricedAt: number;
  leavesQty: number;
  cancelPending: boolean;
  /** The ClOrdID the venue knows the order by now, and the last one asked for (a replace in flight), and both. */
  venueOrderId: string;
  requestedId: string;
  /** Every ClOrdID the child has had (its reports may carry any of them). */
  readonly orderIds: string[];
  /** A replace in flight: the price to go back to if the venue refuses it, and the quantity asked for (a reduce). */
  replacing: { readonly clOrdId: string; readonly oldPrice: number; readonly orderQty?: number } | null;
  /** Cancels and replaces sent (their ClOrdIDs are numbered from it). */
  amendments: number;
  /** How it was routed: the logic, the venues a sequential route tries next, when it was sent, at which level. */
  readonly logic: RoutingLogic;
  readonly fallback: readonly number[];
  readonly sentAt: number;
  readonly level: PriceLevel;
  readonly timeInForce: "ioc" | "day";
  readonly minQty: number | null;
  /** The venue has answered it (any report); a timeout once it was overdue. */
  answered: boolean;
  timedOut: boolean;
  /** Lots filled so far, and when the first of them (NaN: none yet). */
  filled: number;
  firstFillAt: number;
  /** A sequential route's resting child moves on at this time without a fill (+Infinity: never). */
  readonly restUntil: number;
  /** Lots of it reserved beyond what the parent's orders cover (an aggressive spray's over-send). */
  readonly overSentQty: number;
  /** The aggressive spray it is a slice of, or null. */
  readonly spray: SprayGroup | null;
  /** A taking child sent to a venue whose quote did not show its price (`TAKE_MISS_REST_MICROS`). */
  readonly blind: boolean;
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
  /** The parent's routing logic (set with its algorithm). */
  logic: RoutingLogic;
  /** Venues a sequential route moved away from and dark pools a ping found empty, until when (µs). */
  readonly avoid: Map<number, number>;
  /** Lit venues where a taking child sent blind found nothing, until when (µs): left out of taking children only. */
  readonly missed: Map<number, number>;
  /** The parent's children are being cancelled to reserve at a new price: nothing new goes until they are gone. */
  repricing: boolean;
  /** Its algorithm's choice has been recorded (at its first plan). */
  announced: boolean;
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
  private readonly board: VenueBoard;
  private readonly litIndexes: readonly number[];
  /** Per instrument, the trade prints already fed to the router (the tape's length then). */
  private readonly tapeRead = new Map<string, number>();
  private readonly router: SmartOrderRouter;
  readonly health = new VenueHealth();
  readonly scorecard: VenueScorecard;
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
  private readonly overSend: number;
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
    this.scorecard = options.scorecard ?? new VenueScorecard();
    this.board = new VenueBoard(venues, market, this.health, this.scorecard);
    this.litIndexes = this.board.litVenues();
    this.router = new SmartOrderRouter({
      random: options.random.fork(),
      litVenues: this.litIndexes,
      origin: options.sessionOpen,
    });
    this.account = options.account ?? "TRIBUTARY";
    this.quoteGap = options.quoteDecisionGapMicros ?? 100_000;
    this.overSend = options.overSend ?? DEFAULT_OVER_SEND;
    if (!(this.overSend >= 1 && this.overSend <= 10)) {
      throw new RangeError(`overSend must be between 1 and 10 (a multiple of the child), not ${this.overSend}`);
    }
    // A venue whose connection drops is tripped at once and kept out of routes until it is back (venue-health.ts);
    // its working children stay ours: the venue reconciles them when it logs on again.
    for (const venue of venues) {
      venue.onConnectionChange?.((connected) => {
        if (connected) this.health.onReconnect(venue.id);
        else this.health.onFailure(venue.id, "disconnect", this.scheduler.now());
      });
    }
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
    const venueId = (this.venues[child.venue] as Venue).id;
    const now = this.scheduler.now();
    child.answered = true;
    if (report.execType === "new") {
      this.health.onSuccess(venueId, now);
      this.recordChild(child, "acknowledged", null);
    }
    if (report.execType === "replaced") {
      child.venueOrderId = report.clOrdId;
      if (child.replacing?.clOrdId === report.clOrdId) child.replacing = null;
      child.orderQty = report.orderQty;
      this.setLeaves(child, report.leavesQty);
      this.recordChild(child, "replaced", null);
      this.engine.reduceChild(child.childId, report.leavesQty);
    }
    if (report.execType === "trade") {
      this.stats.lotsFilled += report.lastQty;
      if (child.filled === 0) child.firstFillAt = now;
      child.filled += report.lastQty;
      const quote = this.market.nbbo(child.symbol);
      const mid = quote.bid < quote.ask ? (quote.bid + quote.ask) / 2 : Number.NaN;
      this.scorecard.onFill(venueId, child.symbol, child.side, child.tactic, report.lastQty, report.lastPx, mid, now);
      this.engine.childFill(
        child.childId,
        report.lastQty,
        report.lastPx,
        report.venueId,
        report.liquidity,
        report.feeMicros,
      );
      if (child.spray !== null) {
        child.spray.filled += report.lastQty;
        this.setLeaves(child, report.leavesQty);
        this.protectSpray(child.spray);
      }
    }
    this.setLeaves(child, report.leavesQty);
    if (isTerminal(report.ordStatus)) {
      const action: ChildAction =
        report.ordStatus === "filled"
          ? "filled"
          : report.ordStatus === "rejected"
            ? "rejected"
            : report.ordStatus === "expired"
              ? "expired"
              : "cancelled";
      this.finish(child, working, action, report.reason);
    }
    if (working !== undefined && (report.execType === "trade" || isTerminal(report.ordStatus))) {
      this.decide(working);
    }
  }

  /** A child's life at its venue is over (its final report, or, after a restart, the venue not knowing it). */
  private finish(child: Child, working: Working | undefined, action: ChildAction, reason: string | null): void {
    const venueId = (this.venues[child.venue] as Venue).id;
    const now = this.scheduler.now();
    this.children.delete(child.childId);
    for (const id of child.orderIds) this.byOrderId.delete(id);
    if (child.tactic !== "midpoint") this.ownChildren(child.symbol).remove(child);
    if (working !== undefined) {
      const i = working.children.indexOf(child);
      if (i >= 0) working.children.splice(i, 1);
    }
    if (action === "rejected") {
      this.stats.rejects++;
      this.health.onFailure(venueId, "reject", now);
    }
    this.scorecard.onDone(
      venueId,
      child.symbol,
      child.tactic,
      child.level,
      child.filled,
      child.orderQty,
      child.sentAt,
      now,
      action === "rejected",
      Number.isNaN(child.firstFillAt) ? undefined : child.firstFillAt,
    );
    this.recordChild(child, action, reason);
    this.engine.releaseChild(child.childId);
    // A dark ping that found nothing: the pool is left alone a while (or every decision would ping it again).
    if (working !== undefined && child.tactic === "midpoint" && child.timeInForce === "ioc" && child.filled === 0) {
      working.avoid.set(child.venue, now + DARK_PING_REST_MICROS);
    }
    if (
      working !== undefined &&
      child.blind &&
      child.filled === 0 &&
      !child.cancelPending &&
      (action === "expired" || action === "cancelled")
    ) {
      working.missed.set(child.venue, now + TAKE_MISS_REST_MICROS);
    }
    // A sequential route moves what the venue left (or refused) to the next venue, at once.
    const left = child.orderQty - child.filled;
    if (working !== undefined && !child.cancelPending && left > 0 && child.fallback.length > 0) {
      this.fallBack(working, child, left);
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
    child.answered = true;
    if (child.resumed && reject.responseTo === "cancel" && reject.reason === "unknown-order") {
      if (child.requestedId !== child.venueOrderId) {
        // The cancel named a replace whose fate the journal did not know, and the venue never took it: again, under
        // the ClOrdID the venue confirmed.
        child.requestedId = child.venueOrderId;
        child.cancelPending = false;
        this.cancel(child, "resume");
        return;
      }
      // Reconciliation after a restart: the venue does not know the order (it ended, or the venue restarted too).
      const working = this.working.get(child.parentId);
      this.finish(child, working, "cancelled", "unknown-at-venue");
      if (working !== undefined) this.decide(working);
      return;
    }
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
      const parent = this.engine.parent(event.parentId);
      if (parent !== undefined) this.track(parent);
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

  private track(parent: ParentOrder): Working {
    const working: Working = {
      parent,
      instrument: this.engine.instruments.get(parent.symbol) as Instrument,
      algo: null,
      children: [],
      timer: null,
      wakeAt: Number.POSITIVE_INFINITY,
      lastQuoteDecision: Number.NEGATIVE_INFINITY,
      quoteGap: this.quoteGap,
      arrivalMid: null,
      logic: "spray",
      avoid: new Map(),
      missed: new Map(),
      repricing: false,
      announced: false,
    };
    this.working.set(parent.parentId, working);
    let set = this.bySymbol.get(parent.symbol);
    if (set === undefined) {
      set = new Set();
      this.bySymbol.set(parent.symbol, set);
    }
    set.add(working);
    return working;
  }

  /**
   * Takes over after a restart, on an engine restored from its journal (Engine.restore): every open parent is worked
   * again (its algorithm chosen afresh at its first decision, for what is left, from now to its end); the child orders
   * that were working (`open`) are reconciled with their venues: each is handed back to a venue that outlived us
   * (FIX: `OrderEntrySession.resume`, so the fills it reports late are matched, and counted once), then asked to
   * cancel, and the venue's answer ends it (cancelled, with any fills it reports first; or refused as unknown: the
   * order no longer exists there, as when the venue restarted too). Child ids continue after the highest one issued,
   * so none is ever used twice.
   */
  resume(open: OpenChildren): void {
    this.nextChild = Math.max(this.nextChild, open.lastNumber + 1);
    for (const parent of this.engine.parents()) this.track(parent);
    const now = this.scheduler.now();
    const venueIndex = new Map(this.venues.map((v, i) => [v.id, i]));
    for (const o of open.list()) {
      const working = this.working.get(o.parentId);
      const venue = venueIndex.get(o.venue);
      if (working === undefined || venue === undefined) {
        throw new InvariantError(`resume: child ${o.childId} of parent ${o.parentId} at ${o.venue} has no place`);
      }
      const child: Child = {
        childId: o.childId,
        tactic: o.tactic,
        price: o.price,
        pricedAt: now,
        leavesQty: o.leavesQty,
        cancelPending: false,
        parentId: o.parentId,
        side: o.side,
        venue,
        symbol: o.symbol,
        orderQty: o.orderQty,
        protection: o.reservedPrice,
        resumed: true,
        venueOrderId: o.venueOrderId,
        requestedId: o.requestedId,
        orderIds: [...o.orderIds],
        replacing: null,
        amendments: o.amendments,
        logic: working.logic,
        fallback: [],
        sentAt: now,
        level: this.board.levelAt(venue, o.symbol, o.side, o.tactic, o.price),
        timeInForce: "day",
        minQty: null,
        answered: false,
        timedOut: false,
        filled: o.cumQty,
        firstFillAt: Number.NaN,
        restUntil: Number.POSITIVE_INFINITY,
        overSentQty: 0,
        spray: null,
        blind: false,
      };
      this.children.set(child.childId, child);
      for (const id of child.orderIds) this.byOrderId.set(id, child);
      working.children.push(child);
      if (child.tactic !== "midpoint") this.ownChildren(child.symbol).add(child);
      (this.sessions[venue] as OrderEntrySession).resume?.({
        clOrdId: o.venueOrderId,
        clOrdIds: o.orderIds,
        account: this.account,
        symbol: o.symbol,
        side: o.side,
        ordType: "limit",
        timeInForce: "day",
        orderQty: o.orderQty,
        price: o.price,
        cumQty: o.cumQty,
        avgPx: o.cumQty === 0 ? 0 : o.notional / o.cumQty,
      });
      this.cancel(child, "resume");
    }
    for (const working of this.working.values()) this.wake(working, now);
  }

  /**
   * The NBBO changed. Only a new bid or ask price is news to the algorithms (a re-peg, a stale child, a new price to
   * take); size changes wait for the parents' own timers and fills. A parent that decided less than the quote gap ago
   * decides at the end of the gap instead.
   */
  private onQuote(symbol: string): void {
    const now = this.scheduler.now();
    const quote = this.market.nbbo(symbol);
    this.observe(symbol, quote, now);
    const set = this.bySymbol.get(symbol);
    if (set === undefined || this.closed) return;
    let touch = this.touches.get(symbol);
    if (touch === undefined) {
      touch = { bid: Number.NaN, ask: Number.NaN };
      this.touches.set(symbol, touch);
    }
    if (touch.bid === quote.bid && touch.ask === quote.ask) return;
    touch.bid = quote.bid;
    touch.ask = quote.ask;
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
    if (now < this.options.sessionOpen) {
      // Before the open: orders wait; the first decision is at the open.
      this.wake(working, this.options.sessionOpen);
      return;
    }
    const parent = working.parent;
    const view = this.market.instrument(parent.symbol);
    const quote = view.nbbo;
    const algo = working.algo ?? this.startAlgo(working, now);
    // A sequential route's resting child that found nothing in its time moves on: cancelled, its venue avoided a
    // while, so the algorithm's next placement goes to the next venue of the ranking.
    for (const child of working.children) {
      if (!child.answered && !child.timedOut && now - child.sentAt >= ACK_TIMEOUT_MICROS) {
        child.timedOut = true;
        this.health.onFailure((this.venues[child.venue] as Venue).id, "timeout", now);
        this.cancel(child, "ack-timeout");
      }
      if (child.restUntil <= now && child.filled === 0 && !child.cancelPending) {
        working.avoid.set(child.venue, now + SEQUENTIAL_REST_MICROS);
        this.cancel(child, "reroute");
      }
      if (child.spray !== null && child.spray.until <= now) this.cancel(child, "spray-window");
    }
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
      volumeRate: this.volumeRate(instrument, now),
      darkMinLots: this.board.darkMinQuantity(parent.symbol),
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
    if (!working.announced && algo.planned) this.announce(working, algo);
    this.stats.decisions++;
    for (const action of actions) {
      if (action.kind === "cancel") {
        const child = this.children.get(action.childId);
        if (child !== undefined) this.cancel(child, action.reason);
      } else if (action.kind === "replace") {
        const child = this.children.get(action.childId);
        if (child !== undefined) this.replace(child, action.price, action.reason);
      } else this.place(working, action.tactic, action.price, action.qty);
    }
    this.wake(working, algo.nextWake(now));
  }

  /** Chooses the parent's algorithm at its first decision (the arrival mid then, or the reference price). */
  private startAlgo(working: Working, now: number): ParentAlgo {
    const parent = working.parent;
    const quote = this.market.nbbo(parent.symbol);
    const twoSided = quote.bid < quote.ask;
    const mid = twoSided ? (quote.bid + quote.ask) / 2 : working.instrument.referencePriceUnits;
    const minChildLots = this.board.minQuantity(parent.symbol);
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
    working.logic = this.options.routing?.(parent, params) ?? autoRoutingLogic(params.urgency);
    return algo;
  }

  /**
   * Records the algorithm chosen for a parent, once its schedule is planned (before the first placement it makes), with
   * the IS trajectory's urgency so that TCA tracks the schedule the algorithm really followed.
   */
  private announce(working: Working, algo: ParentAlgo): void {
    working.announced = true;
    const parent = working.parent;
    const params = algo.params;
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
      kappaPerSecond: algo.schedule instanceof IsSchedule ? algo.schedule.urgency * 1_000_000 : null,
    });
  }

  /**
   * Works a child the algorithm asked for: reserved at the parent's protection price, then routed by the parent's
   * routing logic into slices, each its own child order at its venue (with its own reservation). The decision and its
   * inputs are recorded (`routing-decision`).
   */
  private place(working: Working, tactic: ChildTactic, price: number, qty: number): void {
    const parent = working.parent;
    const buy = parent.side === "buy";
    if (working.repricing) {
      if (parent.reservedQty > 0) return;
      working.repricing = false;
    }
    const protection = this.protectionOf(parent, price);
    if (protection === undefined) {
      // More aggressive than the price the parent's children hold: they go first (the market moved through a limit).
      if (
        parent.reservedQty > 0 &&
        aggressiveness(parent.side, price) > aggressiveness(parent.side, parent.reservedPrice)
      ) {
        working.repricing = true;
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
    const now = this.scheduler.now();
    const quote = this.market.nbbo(parent.symbol);
    const algo = working.algo as ParentAlgo;
    for (const [venue, until] of working.avoid) if (until <= now) working.avoid.delete(venue);
    for (const [venue, until] of working.missed) if (until <= now) working.missed.delete(venue);
    const exclude = new Set(working.avoid.keys());
    if (tactic === "aggressive") for (const venue of working.missed.keys()) exclude.add(venue);
    const venues = this.board.states(working.instrument, parent.side, tactic, price, now);
    const request: RouteRequest = {
      side: parent.side,
      tactic,
      price,
      qty: lots,
      bid: quote.bid,
      ask: quote.ask,
      tick: working.instrument.tickUnits,
      // A slice of less than a share is not worth a venue of its own (fractional lots): a child that small goes whole.
      minSliceLots: Math.max(algo.params.minChildLots, Math.ceil(1 / working.instrument.quantityToShares(1))),
      ...this.needs(working, now, quote),
      exclude,
      overSend: this.overSend,
    };
    const mid = quote.bid < quote.ask ? (quote.bid + quote.ask) / 2 : Number.NaN;
    this.observeTrades(parent.symbol);
    const decision = this.router.route(
      working.logic,
      parent.symbol,
      request,
      venues,
      now,
      parent.bestWorkablePrice(),
      this.board.adverse(parent.symbol, mid),
      this.ownAt(parent.symbol, parent.side, price),
    );
    const sent: { childId: string; venue: string; tactic: ChildTactic; price: number; qty: number }[] = [];
    // An aggressive spray's slices may add up to more than the child: as many lots beyond it may be over-sent.
    const spraying = decision.logic === "aggressive-spray" && tactic === "aggressive";
    let overSend = spraying ? Math.max(0, decision.slices.reduce((a, s) => a + s.qty, 0) - lots) : 0;
    const group: SprayGroup | null = spraying
      ? { target: lots, filled: 0, children: [], until: now + SPRAY_WINDOW_MICROS }
      : null;
    for (const slice of decision.slices) {
      const child = this.send(working, slice, decision.logic, decision.fallback, overSend, group);
      if (child !== null) {
        overSend -= child.overSentQty;
        sent.push({
          childId: child.childId,
          venue: (this.venues[child.venue] as Venue).id,
          tactic: child.tactic,
          price: child.price,
          qty: child.orderQty,
        });
      }
    }
    if (sent.length === 0) return;
    if (group !== null) this.wake(working, group.until);
    this.engine.record({
      type: "routing-decision",
      seq: 0,
      time: 0,
      parentId: parent.parentId,
      symbol: parent.symbol,
      side: parent.side,
      logic: decision.logic,
      tactic,
      price,
      qty: lots,
      venues: venues.map((v) => ({
        venue: v.id,
        available: v.available,
        bid: Number.isFinite(v.bid) ? v.bid : null,
        ask: Number.isFinite(v.ask) ? v.ask : null,
        bidQty: v.bidQty,
        askQty: v.askQty,
        makerFee: v.makerFee,
        takerFee: v.takerFee,
        fillProbability: v.fillProbability,
        hiddenRate: v.hiddenRate,
      })),
      children: sent,
      note: decision.note,
    });
  }

  /**
   * The reservation's protection price for a child at `price`: the least aggressive limit of the parent that allows
   * the far touch too (or the child's price when no limit allows the far touch), shared by all the parent's children
   * (ParentOrder.protectionFor), so that every tactic (a midpoint peg capped at the far touch, a take) fits under
   * it. It changes only when the market crosses one of the parent's limits; a market-order parent's never does.
   */
  private protectionOf(parent: ParentOrder, price: number): number | null | undefined {
    const quote = this.market.nbbo(parent.symbol);
    const buy = parent.side === "buy";
    const far = buy ? quote.ask : quote.bid;
    if (Number.isFinite(far)) {
      const wide = parent.protectionFor(buy ? Math.max(price, far) : Math.min(price, far));
      if (wide !== undefined) return wide;
    }
    return parent.protectionFor(price);
  }

  /**
   * Sends one slice of a routing decision as a child order (reserved first; up to `overSend` lots of it beyond what the
   * parent can carry, reserved as over-sent); null when it cannot go.
   */
  private send(
    working: Working,
    slice: RouteSlice,
    logic: RoutingLogic,
    fallback: readonly number[],
    overSend = 0,
    spray: SprayGroup | null = null,
  ): Child | null {
    const parent = working.parent;
    const buy = parent.side === "buy";
    const protection = this.protectionOf(parent, slice.price);
    if (protection === undefined) return null;
    if (slice.tactic !== "midpoint") {
      const own = this.ownBest(parent.symbol, buy ? "sell" : "buy");
      if (buy ? slice.price >= own : slice.price <= own) return null;
    }
    const available = parent.available(protection);
    const lots = Math.min(slice.qty, available + overSend);
    const overSentQty = Math.max(0, lots - available);
    const venue = this.venues[slice.venue] as Venue;
    if (lots <= 0 || lots < venue.spec.minQuantity) return null;
    const childId = `C${this.nextChild++}`;
    if (!this.engine.reserve(parent.parentId, childId, protection, lots, overSentQty)) return null;
    const now = this.scheduler.now();
    const restUntil =
      logic === "sequential" && slice.timeInForce === "day" ? now + SEQUENTIAL_REST_MICROS : Number.POSITIVE_INFINITY;
    const child: Child = {
      childId,
      tactic: slice.tactic,
      price: slice.price,
      pricedAt: now,
      leavesQty: lots,
      cancelPending: false,
      parentId: parent.parentId,
      side: parent.side,
      venue: slice.venue,
      symbol: parent.symbol,
      orderQty: lots,
      protection,
      resumed: false,
      venueOrderId: childId,
      requestedId: childId,
      orderIds: [childId],
      replacing: null,
      amendments: 0,
      logic,
      fallback,
      sentAt: now,
      level: this.board.levelAt(slice.venue, parent.symbol, parent.side, slice.tactic, slice.price),
      timeInForce: slice.timeInForce,
      minQty: slice.minQty,
      answered: false,
      timedOut: false,
      filled: 0,
      firstFillAt: Number.NaN,
      restUntil,
      overSentQty,
      spray,
      blind:
        slice.tactic === "aggressive" &&
        (venue.kind !== "lit" ||
          !showsPrice(this.market.instrument(parent.symbol).venueQuote(venue.id), parent.side, slice.price)),
    };
    spray?.children.push(child);
    this.children.set(childId, child);
    this.byOrderId.set(childId, child);
    working.children.push(child);
    if (slice.tactic !== "midpoint") this.ownChildren(parent.symbol).add(child);
    this.stats.childrenSent++;
    this.scorecard.onSent(venue.id, parent.symbol, slice.tactic, child.level, now);
    this.recordChild(child, "placed", null);
    if (Number.isFinite(restUntil)) this.wake(working, restUntil);
    (this.sessions[slice.venue] as OrderEntrySession).submit({
      clOrdId: childId,
      account: this.account,
      symbol: parent.symbol,
      side: parent.side,
      ordType: "limit",
      timeInForce: slice.timeInForce,
      orderQty: lots,
      price: slice.price,
      postOnly: false,
      displayQty: null,
      minQty: slice.minQty,
    });
    return child;
  }

  /**
   * A sequential route's child ended with `left` lots unfilled (an immediate-or-cancel order the venue could not
   * fill, or a refusal): they go to the next venue of its ranking that is still usable, and still shows the price for
   * a taking order; none: the algorithm decides again.
   */
  private fallBack(working: Working, child: Child, left: number): void {
    if (this.closed) return;
    const now = this.scheduler.now();
    const view = this.market.instrument(child.symbol);
    const buy = child.side === "buy";
    for (let i = 0; i < child.fallback.length; i++) {
      const index = child.fallback[i] as number;
      const venue = this.venues[index] as Venue;
      if (!this.health.isAvailable(venue.id, now)) continue;
      if (child.tactic === "aggressive") {
        const q = view.venueQuote(venue.id);
        if (!(buy ? q.ask <= child.price : q.bid >= child.price)) continue;
      }
      this.send(
        working,
        {
          venue: index,
          tactic: child.tactic,
          price: child.price,
          qty: left,
          timeInForce: child.timeInForce,
          minQty: child.minQty,
        },
        child.logic,
        child.fallback.slice(i + 1),
      );
      return;
    }
  }

  /** Expected market volume per µs in `instrument` at `now` (the volume profile's rate). */
  private volumeRate(instrument: Instrument, now: number): number {
    return (
      (instrument.averageDailyVolume / SESSION_MICROS) *
      this.options.profile.multiplier((now - this.options.sessionOpen) / 1_000_000)
    );
  }

  /**
   * What the optimal split needs to know of `working`'s parent (routing.ts `RouteRequest`). `neededLots`: the lots it
   * must see filled within its look-ahead not to fall below its schedule's floor then (the floor at the end of the
   * look-ahead, at the volume expected by then, less what it has executed and is taking now). The look-ahead, not the
   * router's outflow horizon: it is the period the parent sizes its passive quantity for, so a lot of this child that
   * is still resting after the horizon is short of that period's want, and the parent's next children for it queue
   * behind it at the same venue (measured, BENCHMARKS.md §9: with the horizon, a 1,500,000-share parent rested its
   * children at the rebate venue whenever it was a few seconds ahead of its floor, fell behind, and took a quarter of
   * the order). Its resting children are not counted as done: they may not fill by then either (a large parent's
   * children wait on each other in one queue), and counting them would make a parent with slow children look ahead.
   * `catchUpCost`: what a lot it takes costs it beyond spread and fee, its impact on the lots it still has to buy at
   * the schedule's pace over the look-ahead (algo/catch-up-cost.ts), at the mid (the reference price without one).
   */
  private needs(
    working: Working,
    now: number,
    quote: { bid: number; ask: number },
  ): { neededLots: number; catchUpCost: number } {
    const algo = working.algo as ParentAlgo;
    const horizon = algo.lookaheadMicros;
    const rate = this.volumeRate(working.instrument, now);
    const volume = this.market.instrument(working.parent.symbol).tape.volume;
    const floorNow = algo.floorAt(now, volume, rate);
    const floorLater = algo.floorAt(now + horizon, volume + rate * horizon, rate);
    let done = working.parent.cumQty;
    for (const child of working.children) {
      if (!child.cancelPending && child.tactic === "aggressive") done += child.leavesQty;
    }
    const price = quote.bid < quote.ask ? (quote.bid + quote.ask) / 2 : working.instrument.referencePriceUnits;
    const pace = ((floorLater - floorNow) * 1_000_000) / horizon;
    return {
      neededLots: floorLater - done,
      catchUpCost: catchUpCost(working.instrument.impact, price, working.parent.allocatable.total, pace),
    };
  }

  /**
   * The trades printed in `symbol` since the last call, for the router's queue-outflow estimates. Called before the
   * router sees a quote or routes, so the prints reach it in time order.
   */
  private observeTrades(symbol: string): void {
    const tape = this.market.instrument(symbol).tape;
    for (let i = this.tapeRead.get(symbol) ?? 0; i < tape.length; i++) {
      const trade = tape.at(i);
      const index = this.board.indexOf(trade.venueId);
      if (index >= 0) this.router.observeTrade(symbol, index, trade.time, trade.price, trade.qty);
    }
    this.tapeRead.set(symbol, tape.length);
  }

  /** Our own lots resting at each venue (list position) at `price` on `side` in `symbol`. */
  private ownAt(symbol: string, side: Side, price: number): number[] {
    const own = this.ownChildren(symbol);
    return this.venues.map((_, index) => own.lotsAtVenue(index, side, price));
  }

  /**
   * Every lit venue's touch in `symbol` for the router's queue-outflow estimates, less our own lots there (our fills,
   * re-pegs and cancels are not the queue moving ahead of a new child; up to message timing: a venue's quote can show
   * our fill before its report arrives), after the trades printed since the last call (ours included: they take the
   * lots of ours a new child waits behind); the mid for the markouts.
   */
  private observe(symbol: string, quote: { bid: number; ask: number }, now: number): void {
    if (quote.bid < quote.ask) this.scorecard.onMid(symbol, (quote.bid + quote.ask) / 2, now);
    const view = this.market.instrument(symbol);
    this.observeTrades(symbol);
    const own = this.ownChildren(symbol);
    for (const index of this.litIndexes) {
      const q = view.venueQuote((this.venues[index] as Venue).id);
      const bidQty = Math.max(0, q.bidQty - own.lotsAtVenue(index, "buy", q.bid));
      const askQty = Math.max(0, q.askQty - own.lotsAtVenue(index, "sell", q.ask));
      this.router.observe(symbol, index, now, q.bid, bidQty, q.ask, askQty);
    }
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

  /**
   * Over-fill protection of an aggressive spray, on each of its fills: what its slices still working would fill beyond
   * the child is taken off, largest slice first: a slice the others can do without is cancelled, the one that would
   * overshoot is reduced (a replace to a smaller quantity; one in flight at a time); once the child is filled, all of
   * them are cancelled. What a venue fills before the request arrives races it: it is the parent's, or, beyond its
   * orders, an over-fill (the parent's over-fill position).
   */
  private protectSpray(group: SprayGroup): void {
    const lacking = group.target - group.filled;
    let working = 0;
    for (const child of group.children) if (!child.cancelPending) working += this.workingLots(child);
    if (working <= lacking) return;
    const largest = group.children
      .filter((c) => !c.cancelPending && c.leavesQty > 0)
      .sort((a, b) => b.leavesQty - a.leavesQty || (a.childId < b.childId ? -1 : 1));
    for (const child of largest) {
      if (working <= lacking) break;
      const lots = this.workingLots(child);
      if (lacking <= 0 || working - lots >= lacking) {
        working -= lots;
        this.cancel(child, "over-fill-protection");
      } else if (child.replacing === null) {
        const excess = working - lacking;
        working -= excess;
        this.reduce(child, child.orderQty - excess, "over-fill-protection");
      }
    }
  }

  /** Lots a child may still fill once the reduce in flight (if any) is done. */
  private workingLots(child: Child): number {
    const reducing = child.replacing?.orderQty;
    return reducing === undefined ? child.leavesQty : Math.max(0, child.leavesQty - (child.orderQty - reducing));
  }

  /** Reduces a child to `orderQty` at its venue (same price): one replace; a refusal leaves it as it was. */
  private reduce(child: Child, orderQty: number, reason: string): void {
    if (child.cancelPending || child.replacing !== null || orderQty >= child.orderQty || orderQty <= child.filled)
      return;
    this.sendReplace(child, child.price, orderQty, reason);
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
   * flight, nor while its venue is disconnected; not beyond the price its parent's reservation protects (it is
   * cancelled instead, and the next placement reserves afresh); never onto our own resting order on the other side.
   */
  private replace(child: Child, price: number, reason: string): void {
    if (child.cancelPending || child.replacing !== null || price === child.price) return;
    // Not into a dropped connection: it would reach the venue at a price of the past (a cancel still goes, queued).
    if (!this.health.isConnected((this.venues[child.venue] as Venue).id)) return;
    const parent = this.engine.parent(child.parentId) as ParentOrder;
    if (aggressiveness(child.side, price) > aggressiveness(child.side, parent.reservedPrice)) {
      this.cancel(child, reason);
      return;
    }
    const own = this.ownBest(child.symbol, child.side === "buy" ? "sell" : "buy");
    if (child.side === "buy" ? price >= own : price <= own) return;
    this.sendReplace(child, price, child.orderQty, reason);
  }

  /** One replace of a child to `price` and `orderQty` (a re-peg, or a reduce at the same price). */
  private sendReplace(child: Child, price: number, orderQty: number, reason: string): void {
    const clOrdId = `${child.childId}-R${++child.amendments}`;
    child.replacing = { clOrdId, oldPrice: child.price, ...(orderQty < child.orderQty ? { orderQty } : {}) };
    if (price !== child.price) {
      this.reprice(child, price);
      child.pricedAt = this.scheduler.now();
    }
    child.requestedId = clOrdId;
    child.orderIds.push(clOrdId);
    this.byOrderId.set(clOrdId, child);
    this.stats.replacesSent++;
    this.recordChild(child, "replace-requested", reason);
    (this.sessions[child.venue] as OrderEntrySession).replace({
      clOrdId,
      origClOrdId: child.venueOrderId,
      symbol: child.symbol,
      orderQty,
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
      reservedPrice: child.protection,
      reason,
      ...(action === "placed" && child.overSentQty > 0 ? { overSentQty: child.overSentQty } : {}),
    });
  }
}

/**
 * Our lit children working in one instrument: their lots left per price on each side, and per venue, price and side,
 * and the best price of each side cached (every decision reads both). Adding can only improve the best; only emptying
 * the best level makes it stale.
 */
class OwnChildren {
  private readonly levels: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  /** Per venue (list position): its own two sides' lots per price. */
  private readonly atVenue = new Map<number, [Map<number, number>, Map<number, number>]>();
  private readonly cached: [number, number] = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  private readonly stale: [boolean, boolean] = [false, false];

  add(child: Child): void {
    this.change(child.side === "buy" ? 0 : 1, child.venue, child.price, child.leavesQty);
  }

  remove(child: Child): void {
    this.change(child.side === "buy" ? 0 : 1, child.venue, child.price, -child.leavesQty);
  }

  /** `child`'s lots left change by `delta` (before its leavesQty is updated). */
  resize(child: Child, delta: number): void {
    this.change(child.side === "buy" ? 0 : 1, child.venue, child.price, delta);
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

  /** Our lots working at venue `venue` (list position) at `price` on `side`. */
  lotsAtVenue(venue: number, side: Side, price: number): number {
    return this.atVenue.get(venue)?.[side === "buy" ? 0 : 1].get(price) ?? 0;
  }

  private change(i: 0 | 1, venue: number, price: number, delta: number): void {
    if (delta === 0) return;
    let sides = this.atVenue.get(venue);
    if (sides === undefined) {
      sides = [new Map(), new Map()];
      this.atVenue.set(venue, sides);
    }
    const here = (sides[i].get(price) ?? 0) + delta;
    if (here > 0) sides[i].set(price, here);
    else sides[i].delete(price);
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
