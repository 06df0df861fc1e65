/**
 * The in-process engine kernel for client orders: intake (normalise, validate, risk, kill switch), aggregation into
 * parent orders, internal crossing, and allocation of parent fills back to client orders with FIX execution reports.
 * Commands in (`submit`, `cancel`, `replace`, `kill`, and from the execution layer `reserve`, `childFill`,
 * `releaseChild`, `applyParentFill`), events out (see model/client-events.ts), all on one thread and one clock.
 * Each command (and each timer the engine sets) is one step: its events reach the listeners once it is done, so a
 * listener that acts on the engine (cancels an order on hearing of its fill) never lands inside a step; its command is
 * the next step.
 *
 * Invariants, enforced here (InvariantError on a breach) and property-tested:
 * - the allocations of a fill sum exactly to it; no order is filled beyond its quantity or outside its limit;
 * - every internal cross is two equal fills at one price inside both limits and the NBBO;
 * - cancels and replaces conserve quantity: cumQty never changes, leaves follow orderQty;
 * - nothing accepted disappears: every order is working, filled, cancelled or expired, and every refusal is an event;
 * - child reservations stay covered (parent-order.ts), so a cancel or a shrinking replace that would uncover them
 *   waits (pending-cancel / pending-replace) until the child orders shrink, as in FIX.
 * - a child fill beyond every open order of its parent (an aggressive spray's over-sent lots filling in a race with
 *   their cancels) is never allocated: it is an `over-fill` event and the firm's over-fill position (over-fill-book.ts).
 * With `release` (the live service), a done order leaves memory a while after it is done (order-release.ts): queries
 * for it go to the journal, its ClOrdIDs stay used through `ReleasedClOrdIds`, and the state hash still covers it.
 * Known limits: one reservation price per parent at a time.
 */
import { createHash } from "node:crypto";
import { aggregationKey, DEFAULT_WINDOW_GRAIN_MICROS, windowBucket } from "../aggregation/aggregation-key.js";
import {
  CrossingStats,
  type CrossingTotals,
  crossPrice,
  crossQuantity,
  crossSaving,
  NO_SIT_OUT,
  selfMatchSitOut,
} from "../aggregation/internal-cross.js";
import { OverFillBook, type OverFillPosition } from "../aggregation/over-fill-book.js";
import { ParentOrder } from "../aggregation/parent-order.js";
import { SelfMatchBook } from "../aggregation/self-match.js";
import type { AllocationPolicy } from "../allocation/allocation-policy.js";
import { createAllocationPolicy } from "../allocation/index.js";
import { InvariantError, invariant } from "../core/errors.js";
import { IdSequence } from "../core/ids.js";
import type { Scheduler } from "../core/scheduler.js";
import { ClOrdIdIndex } from "../intake/cl-ord-id-index.js";
import { KillSwitch } from "../intake/kill-switch.js";
import {
  isIdText,
  isRefusal,
  newTermsDraft,
  normaliseOrderInto,
  parseLimit,
  parseLots,
} from "../intake/normalise-order.js";
import { NO_RISK_LIMITS } from "../intake/risk-config.js";
import { RiskLimits } from "../intake/risk-limits.js";
import type {
  CancelOrderInput,
  KillScope,
  NewOrderInput,
  ReplaceOrderInput,
  SourceSpec,
} from "../model/client-commands.js";
import type {
  AlgoChosen,
  Allocation,
  ChildOrderChanged,
  EngineEvent,
  EngineListener,
  ParentChange,
  RoutingDecision,
  SessionChanged,
} from "../model/client-events.js";
import { INTERNAL_VENUE } from "../model/client-events.js";
import { aggressiveness, type ClientExecType, ClientOrder, type PendingAmendment } from "../model/client-order.js";
import {
  type ClientCancelRejectReason,
  type OrderRejectReason,
  type Refusal,
  rejectCategory,
} from "../model/client-order-reasons.js";
import type { Liquidity } from "../model/execution-report.js";
import type { Instrument } from "../model/instrument.js";
import type { MarketBar } from "../model/market-bar.js";
import type { Side } from "../model/order-types.js";
import type { EngineOptions, EngineQuotes } from "./engine-options.js";
import { HeldOrders } from "./held-orders.js";
import {
  KERNEL_SNAPSHOT_VERSION,
  type KernelSnapshot,
  type OrderSnapshot,
  type ParentSnapshot,
} from "./kernel-snapshot.js";
import { LiveParents } from "./live-parents.js";
import { addDigests, doneOrderDigest, orderClOrdIds, orderStateRecord } from "./order-digest.js";
import { OrderRelease, type ReleasedCounts } from "./order-release.js";
import { OrderTimers } from "./order-timers.js";

export type SubmitResult =
  | { readonly ok: true; readonly orderId: number; readonly parentId: number }
  | { readonly ok: false; readonly reason: OrderRejectReason; readonly field: string | null; readonly message: string };

export type AmendResult =
  | { readonly ok: true; readonly orderId: number; readonly pending: boolean }
  | {
      readonly ok: false;
      readonly reason: ClientCancelRejectReason;
      readonly field: string | null;
      readonly message: string;
    };

interface SourceState {
  readonly spec: SourceSpec;
  readonly metadata: Readonly<Record<string, string>>;
  /** Every ClOrdID accepted from this source (orders, replaces, cancels) -> its order, while the order is held. */
  readonly ids: ClOrdIdIndex<ClientOrder>;
}

interface SymbolParents {
  readonly buy: Set<ParentOrder>;
  readonly sell: Set<ParentOrder>;
}

const NO_RELEASED: ReadonlyMap<string, ReleasedCounts> = new Map();
const EMPTY_METADATA: Readonly<Record<string, string>> = Object.freeze({});

/** No one sits out, and no lots are left out (self-matches allowed). */
const NO_SIT_OUT_AT = { ...NO_SIT_OUT, buyAtPrice: 0, sellAtPrice: 0 };

export class Engine {
  readonly instruments: ReadonlyMap<string, Instrument>;
  private readonly scheduler: Scheduler;
  private readonly quotes: EngineQuotes | undefined;
  private readonly sources = new Map<string, SourceState>();
  private readonly risk: RiskLimits;
  private readonly killSwitch = new KillSwitch();
  private readonly policy: AllocationPolicy;
  private readonly grain: number;
  private readonly crossingEnabled: boolean;
  private readonly takerFeeMicros: number;
  private readonly auditing: boolean;
  private readonly listeners: EngineListener[] = [];
  /** Events held for delivery: emitted in a kernel step or while another is being delivered, in seq order (`step`). */
  private readonly nested: EngineEvent[] = [];
  /** A step is under way or events are being delivered: new events wait in `nested`. */
  private delivering = false;
  /** The orders held in memory by order id, in arrival order: every one, unless done ones are released. */
  private readonly held = new HeldOrders();
  private accepted = 0;
  private readonly release: OrderRelease | null;
  private readonly parentsByKey = new Map<string, ParentOrder>();
  /** The parents `parentFor` found or made, by instrument, side, intent and window, for its fast path. */
  private readonly liveParents = new LiveParents();
  private readonly parentsById = new Map<number, ParentOrder>();
  private readonly bySymbol = new Map<string, SymbolParents>();
  private readonly children = new Map<string, ParentOrder>();
  private readonly pendingByParent = new Map<ParentOrder, Set<ClientOrder>>();
  /** Orders waiting for their start and for their end time. */
  private readonly startTimers: OrderTimers;
  private readonly endTimers: OrderTimers;
  private readonly crossStats = new CrossingStats();
  private readonly overFillBook = new OverFillBook();
  private readonly execIds = new IdSequence("X");
  private seq = 0;
  private nextParentId = 1;
  private nextFillId = 1;
  private nextCrossId = 1;
  private allocOut = new Float64Array(1024);
  /** Each eligible order's cap for the fill being allocated (see AllocationPolicy). */
  private allocCaps = new Float64Array(1024);
  /** Parents waiting for a crossing pass, and whether one is running (a cross must not start inside another). */
  private readonly crossQueue = new Set<ParentOrder>();
  private crossingNow = false;
  /** Self-match prevention (aggregation/self-match.ts); null when crossing is off or self-matches are allowed. */
  private readonly selfMatch: SelfMatchBook | null;
  private eligibleScratch: ClientOrder[] = [];
  /** The terms of the order being submitted (normalised in place: no object per order; read only within `submit`). */
  private readonly terms = newTermsDraft();

  constructor(options: EngineOptions) {
    this.instruments = options.instruments;
    this.scheduler = options.scheduler;
    this.quotes = options.quotes;
    this.risk = new RiskLimits(options.risk ?? NO_RISK_LIMITS, options.instruments);
    this.policy = createAllocationPolicy(options.allocation);
    this.grain = options.windowGrainMicros ?? DEFAULT_WINDOW_GRAIN_MICROS;
    this.crossingEnabled = options.crossing?.enabled ?? true;
    this.takerFeeMicros = options.crossing?.takerFeeMicrosPerShare ?? 0;
    this.selfMatch =
      this.crossingEnabled && (options.crossing?.selfMatch ?? "prevent") === "prevent" ? new SelfMatchBook() : null;
    this.auditing = options.audit ?? false;
    this.release = options.release === undefined ? null : new OrderRelease(options.release);
    const held = (orderId: number) => this.held.get(orderId);
    this.startTimers = new OrderTimers(this.scheduler, held, (orders) => this.step(() => this.startOrders(orders)));
    this.endTimers = new OrderTimers(this.scheduler, held, (orders) => this.step(() => this.endOrders(orders)));
    for (const spec of options.sources) {
      this.sources.set(spec.id, { spec, metadata: spec.metadata ?? EMPTY_METADATA, ids: new ClOrdIdIndex() });
    }
    if (this.crossingEnabled && options.crossing?.onQuoteChange !== false && this.quotes?.onChange) {
      this.quotes.onChange((symbol) => this.crossSymbol(symbol));
    }
  }

  // ---- listeners and queries ------------------------------------------------------------------------------------

  /** Adds a listener for every event; returns a function that removes it. */
  on(listener: EngineListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** The seq of the last event emitted (or restored). */
  get lastSeq(): number {
    return this.seq;
  }

  /** The order a source knows by `clOrdId` (any ClOrdID it has had), while the engine holds it (not released). */
  order(source: string, clOrdId: string): ClientOrder | undefined {
    return this.sources.get(source)?.ids.get(clOrdId);
  }

  /** The order with this engine order id, while the engine holds it. */
  orderById(orderId: number): ClientOrder | undefined {
    return this.held.get(orderId);
  }

  /** The orders the engine holds, in arrival order (done ones included until released), as a new array. */
  get orders(): ClientOrder[] {
    return [...this.held.values()];
  }

  /** How many orders the engine holds now. */
  get ordersHeld(): number {
    return this.held.size;
  }

  /** Orders accepted since the start of the session (released ones included). */
  get ordersAccepted(): number {
    return this.accepted;
  }

  /** Orders released from memory so far, and per source by outcome (end-of-day counts). */
  get releasedOrders(): number {
    return this.release?.count ?? 0;
  }

  releasedCounts(): ReadonlyMap<string, Readonly<ReleasedCounts>> {
    return this.release?.bySource ?? NO_RELEASED;
  }

  /** Whether `source` used `clOrdId` for an order the engine has released. */
  isReleased(source: string, clOrdId: string): boolean {
    return this.release?.options.clOrdIds.has(source, clOrdId) === true;
  }

  parent(parentId: number): ParentOrder | undefined {
    return this.parentsById.get(parentId);
  }

  /** Parents with open orders, in creation order. Treat as read-only. */
  parents(): IterableIterator<ParentOrder> {
    return this.parentsById.values();
  }

  /** The parent a child order works for. */
  parentOfChild(childId: string): ParentOrder | undefined {
    return this.children.get(childId);
  }

  /** Net quantity to market of an instrument: workable buy lots minus workable sell lots (after crossing). */
  netQuantity(symbol: string): number {
    const parents = this.bySymbol.get(symbol);
    if (parents === undefined) return 0;
    let net = 0;
    for (const p of parents.buy) net += p.workable.total;
    for (const p of parents.sell) net -= p.workable.total;
    return net;
  }

  /** The firm's over-fill positions (lots filled beyond every client order of a parent), by parent id. */
  overFills(): OverFillPosition[] {
    return this.overFillBook.list();
  }

  /** A parent's over-fill position (undefined: none). Treat as read-only. */
  overFillOf(parentId: number): Readonly<OverFillPosition> | undefined {
    return this.overFillBook.get(parentId);
  }

  /** Internal crossing so far, per symbol. */
  crossingStats(): Map<string, CrossingTotals> {
    return this.crossStats.snapshot();
  }

  isKilled(source: string, account: string): boolean {
    return this.killSwitch.isKilled(source, account);
  }

  /** Whether `id` is one of the engine's order sources. */
  hasSource(id: string): boolean {
    return this.sources.has(id);
  }

  /** The kill switch scopes active now, with their reasons. */
  activeKills(): { readonly scope: KillScope; readonly reason: string }[] {
    return this.killSwitch.activeKills();
  }

  // ---- intake ----------------------------------------------------------------------------------------------------

  submit(input: NewOrderInput): SubmitResult {
    const outer = this.beginStep();
    try {
      return this.intake(input);
    } finally {
      if (outer) this.deliverHeld();
    }
  }

  private intake(input: NewOrderInput): SubmitResult {
    const now = this.scheduler.now();
    const source = this.sources.get(input.source);
    if (source === undefined) {
      return this.reject(input, {
        reason: "unknown-source",
        field: "source",
        message: `unknown source ${JSON.stringify(input.source ?? "")} (known: ${[...this.sources.keys()].join(", ")})`,
      });
    }
    const terms = this.terms;
    const instrument = normaliseOrderInto(input, this.instruments, now, terms);
    if (isRefusal(instrument)) return this.reject(input, instrument);
    // One probe: the slot found here is where the id goes if the order is accepted (nothing is inserted before).
    const idSlot = source.ids.find(terms.clOrdId);
    if (idSlot >= 0 || this.isReleased(terms.source, terms.clOrdId)) {
      return this.reject(input, {
        reason: "duplicate-cl-ord-id",
        field: "cl_ord_id",
        message: `${terms.clOrdId} was already used by source ${terms.source}`,
      });
    }
    if (this.killSwitch.isKilled(terms.source, terms.account)) {
      const message = this.killSwitch.refusal(terms.source, terms.account);
      return this.reject(input, { reason: "kill-switch", field: null, message });
    }
    const mid = this.mid(terms.symbol);
    const reference = mid ?? instrument.referencePriceUnits;
    const risk = this.risk.check(
      terms.symbol,
      terms.source,
      terms.account,
      terms.orderQty,
      terms.limitPrice,
      terms.limitPrice ?? reference,
      reference,
      0,
      terms.orderQty,
      0,
    );
    if (risk !== null) return this.reject(input, risk);

    const order = ClientOrder.create(++this.accepted, terms, now, mid, source.metadata);
    order.riskPrice = terms.limitPrice ?? reference;
    this.held.add(order);
    source.ids.insertAt(idSlot, order.clOrdId, order);
    this.risk.recount(order);
    const parent = this.parentFor(order);
    parent.join(order);
    if (this.listeners.length > 0)
      this.emit({
        type: "order-accepted",
        seq: 0,
        time: now,
        orderId: order.orderId,
        clOrdId: order.clOrdId,
        source: order.source,
        account: order.account,
        symbol: order.symbol,
        side: order.side,
        ordType: order.ordType,
        orderQty: order.orderQty,
        limitPrice: order.limitPrice,
        urgency: order.urgency,
        strategy: order.strategy,
        intent: order.intent,
        startTime: order.startTime,
        endTime: order.endTime,
        maxParticipation: order.maxParticipation,
        allowCross: order.allowCross,
        tags: order.tags,
        arrivalMid: order.arrivalMid,
        parentId: parent.parentId,
      });
    this.report(order, "new", 0, 0, null, null, null);
    if (!order.started) this.startTimers.add(order.startTime as number, order);
    if (order.endTime !== null) this.endTimers.add(order.endTime, order);
    this.parentChanged(parent, "joined");
    if (order.allowCross && order.started) this.requestCross(parent);
    return { ok: true, orderId: order.orderId, parentId: parent.parentId };
  }

  /** Records a refusal made before intake (an unreadable file row) so the audit trail has it. */
  recordReject(
    input: { readonly source: string; readonly clOrdId: string; readonly account?: string; readonly symbol?: string },
    refusal: Refusal<OrderRejectReason>,
  ): void {
    this.reject(input as NewOrderInput, refusal);
  }

  cancel(input: CancelOrderInput): AmendResult {
    const outer = this.beginStep();
    try {
      const found = this.amendTarget(input, "cancel", input.clOrdId);
      if ("reason" in found) return found;
      const { order, clOrdId } = found;
      this.claim(order, clOrdId);
      const parent = this.parentOf(order);
      const pending: PendingAmendment = {
        kind: "cancel",
        clOrdId: clOrdId ?? order.clOrdId,
        orderQty: 0,
        limitPrice: order.limitPrice,
      };
      if (parent.coveredWith(order, 0, order.allocKey)) {
        this.finishCancel(order, pending, "canceled", "requested", clOrdId === null ? null : order.clOrdId);
        return { ok: true, orderId: order.orderId, pending: false };
      }
      this.makePending(order, pending);
      return { ok: true, orderId: order.orderId, pending: true };
    } finally {
      if (outer) this.deliverHeld();
    }
  }

  replace(input: ReplaceOrderInput): AmendResult {
    const outer = this.beginStep();
    try {
      const found = this.amendTarget(input, "replace", input.clOrdId ?? null);
      if ("reason" in found) return found;
      const { order } = found;
      const clOrdId = found.clOrdId as string;
      const instrument = this.instruments.get(order.symbol) as Instrument;
      const refuse = (refusal: Refusal<ClientCancelRejectReason>): AmendResult =>
        this.cancelReject(input.source, clOrdId, input.origClOrdId, "replace", refusal);
      if (input.quantity === undefined && input.limitPrice === undefined) {
        return refuse({
          reason: "nothing-to-replace",
          field: null,
          message: "a replace must change the quantity or the limit price",
        });
      }
      let orderQty = order.orderQty;
      if (input.quantity !== undefined) {
        const lots = parseLots(instrument, input.quantity, "quantity");
        if (typeof lots !== "number") return refuse(lots as Refusal<ClientCancelRejectReason>);
        if (lots <= order.cumQty) {
          return refuse({
            reason: "quantity-below-cum-qty",
            field: "quantity",
            message: `the new quantity must exceed the ${instrument.formatQuantity(order.cumQty)} shares already executed (cancel to stop)`,
          });
        }
        orderQty = lots;
      }
      let limitPrice = order.limitPrice;
      if (input.limitPrice !== undefined) {
        if (order.ordType === "market") {
          return refuse({
            reason: "price-on-market-order",
            field: "limit_price",
            message: "a market order takes no limit price",
          });
        }
        const price = parseLimit(instrument, input.limitPrice, "limit_price");
        if (typeof price !== "number") return refuse(price as Refusal<ClientCancelRejectReason>);
        limitPrice = price;
      }
      // A replace that only reduces risk (smaller, or less aggressive) is always allowed, even under a kill switch.
      const riskier = orderQty > order.orderQty || aggressiveness(order.side, limitPrice) > order.allocKey;
      if (riskier) {
        if (this.killSwitch.isKilled(order.source, order.account)) {
          return refuse({
            reason: "kill-switch",
            field: null,
            message: this.killSwitch.refusal(order.source, order.account),
          });
        }
        const reference = this.mid(order.symbol) ?? instrument.referencePriceUnits;
        const risk = this.risk.check(
          order.symbol,
          order.source,
          order.account,
          orderQty,
          limitPrice === order.limitPrice ? null : limitPrice,
          limitPrice ?? order.riskPrice,
          reference,
          order.cumNotional,
          orderQty - order.cumQty,
          order.riskNotional,
        );
        if (risk !== null) return refuse(risk);
      }
      this.claim(order, clOrdId);
      const parent = this.parentOf(order);
      const pending: PendingAmendment = { kind: "replace", clOrdId, orderQty, limitPrice };
      if (parent.coveredWith(order, orderQty - order.cumQty, aggressiveness(order.side, limitPrice))) {
        this.finishReplace(order, pending);
        return { ok: true, orderId: order.orderId, pending: false };
      }
      this.makePending(order, pending);
      return { ok: true, orderId: order.orderId, pending: true };
    } finally {
      if (outer) this.deliverHeld();
    }
  }

  /**
   * Activates a kill switch: new orders in scope are refused and open ones suspended (they take no new child orders;
   * the parents report over-reserved quantity so the execution layer cancels the children working for them).
   */
  kill(scope: KillScope, reason = "operator"): void {
    const outer = this.beginStep();
    try {
      if (!this.killSwitch.set(scope, true, reason)) return;
      this.emit({ type: "kill-switch", seq: 0, time: this.scheduler.now(), scope, active: true, reason });
      this.resuspend();
    } finally {
      if (outer) this.deliverHeld();
    }
  }

  /** Deactivates a kill switch; orders no other active scope covers resume. */
  revive(scope: KillScope, reason = "operator"): void {
    const outer = this.beginStep();
    try {
      if (!this.killSwitch.set(scope, false)) return;
      this.emit({ type: "kill-switch", seq: 0, time: this.scheduler.now(), scope, active: false, reason });
      this.resuspend();
    } finally {
      if (outer) this.deliverHeld();
    }
  }

  // ---- execution side: child reservations and fills --------------------------------------------------------------

  /**
   * Reserves `qty` lots of `parentId` for a child order at `price` (null = market), `overSend` of them beyond what its
   * orders cover (an aggressive spray; 0 otherwise). False when the parent cannot carry it now (the covered lots exceed
   * `parent.available(price)`, or another reservation is at another price).
   */
  reserve(parentId: number, childId: string, price: number | null, qty: number, overSend = 0): boolean {
    const outer = this.beginStep();
    try {
      const parent = this.parentsById.get(parentId);
      if (parent === undefined || !Number.isSafeInteger(qty) || qty <= 0) return false;
      if (!Number.isSafeInteger(overSend) || overSend < 0 || overSend > qty) return false;
      if (parent.available(price) < qty - overSend) return false;
      if (parent.reservedQty > 0 && aggressiveness(parent.side, price) !== parent.reservedKey) return false;
      if (this.children.has(childId)) throw new InvariantError(`child ${childId} already exists`);
      parent.reserve(childId, price, qty, overSend);
      this.children.set(childId, parent);
      this.parentChanged(parent, "reserved");
      return true;
    } finally {
      if (outer) this.deliverHeld();
    }
  }

  /**
   * A child order traded: the reservation shrinks by `qty` and the fill is allocated to the parent's orders; lots
   * beyond every open order (only over-sent lots can be) are an over-fill, kept as the firm's position. Returns the
   * fill id of the allocated part (0 when all of it over-filled).
   */
  childFill(
    childId: string,
    qty: number,
    price: number,
    venue: string,
    liquidity: Liquidity | null,
    feeMicros: number,
  ): number {
    const outer = this.beginStep();
    try {
      const parent = this.children.get(childId);
      if (parent === undefined) throw new InvariantError(`fill for unknown child ${childId}`);
      const reservation = parent.reservations.get(childId);
      if (reservation === undefined || reservation.qty < qty) {
        throw new InvariantError(`child ${childId} filled ${qty} beyond its reservation of ${reservation?.qty ?? 0}`);
      }
      if (
        reservation.price !== null &&
        aggressiveness(parent.side, price) > aggressiveness(parent.side, reservation.price)
      ) {
        // A buy child at 100 cannot print at 101: the venue broke its limit.
        throw new InvariantError(`child ${childId} at ${reservation.price} filled at ${price}`);
      }
      const allocated = Math.min(qty, parent.fillCapacity(price));
      const over = qty - allocated;
      if (over > parent.overSentQty) {
        throw new InvariantError(`child ${childId} filled ${over} beyond parent ${parent.parentId}'s orders`);
      }
      const overFee = over === 0 ? 0 : Math.round((feeMicros * over) / qty);
      let fillId = 0;
      if (allocated > 0) {
        parent.release(childId, allocated);
        fillId = this.fill(parent, allocated, price, venue, liquidity, feeMicros - overFee, childId, null);
      }
      if (over > 0) this.overFill(parent, childId, over, price, venue, liquidity, overFee);
      if (!parent.reservations.has(childId)) this.children.delete(childId);
      return fillId;
    } finally {
      if (outer) this.deliverHeld();
    }
  }

  /** `qty` lots of a child's fill that no open order of its parent can take: the firm's over-fill position. */
  private overFill(
    parent: ParentOrder,
    childId: string,
    qty: number,
    price: number,
    venue: string,
    liquidity: Liquidity | null,
    feeMicros: number,
  ): void {
    parent.overFill(childId, qty);
    const position = this.overFillBook.add(parent.parentId, parent.symbol, parent.side, qty, price, feeMicros);
    this.emit({
      type: "over-fill",
      seq: 0,
      time: this.scheduler.now(),
      parentId: parent.parentId,
      childId,
      symbol: parent.symbol,
      side: parent.side,
      qty,
      price,
      venue,
      liquidity,
      feeMicros,
      positionQty: position.qty,
      positionNotional: position.notional,
    });
    this.parentChanged(parent, "over-filled");
    this.afterChange(parent);
  }

  /** A child order is done (cancelled, expired, rejected): its remaining reservation is given back. */
  releaseChild(childId: string): void {
    const outer = this.beginStep();
    try {
      const parent = this.children.get(childId);
      if (parent === undefined) return;
      parent.shrinkTo(childId, 0);
      this.children.delete(childId);
      this.parentChanged(parent, "released");
      this.settlePending(parent);
      this.afterChange(parent);
    } finally {
      if (outer) this.deliverHeld();
    }
  }

  /** A child order was reduced at its venue to `leavesQty` lots: the rest of its reservation is given back. */
  reduceChild(childId: string, leavesQty: number): void {
    const outer = this.beginStep();
    try {
      const parent = this.children.get(childId);
      const reservation = parent?.reservations.get(childId);
      if (parent === undefined || reservation === undefined || reservation.qty <= leavesQty) return;
      parent.shrinkTo(childId, leavesQty);
      this.parentChanged(parent, "released");
      this.settlePending(parent);
      this.afterChange(parent);
    } finally {
      if (outer) this.deliverHeld();
    }
  }

  /**
   * Applies a fill to a parent without a child reservation (an algorithm or a test driving the engine directly):
   * `qty` lots at `price`, allocated to the orders whose limits allow `price`. Returns the fill id.
   * Throws when the parent cannot take it: that is a bug in the caller (it was told the capacity).
   */
  applyParentFill(
    parentId: number,
    qty: number,
    price: number,
    venue: string,
    liquidity: Liquidity | null = null,
    feeMicros = 0,
  ): number {
    const outer = this.beginStep();
    try {
      const parent = this.parentsById.get(parentId);
      if (parent === undefined) throw new InvariantError(`fill for unknown parent ${parentId}`);
      const free = parent.fillCapacity(price);
      // Worst case the fill is allocated to the orders that cover the child reservations: they must stay covered.
      if (parent.reservedQty > 0 && qty > parent.allocatable.atOrAbove(parent.reservedKey) - parent.coveredQty) {
        throw new InvariantError(`direct fill of ${qty} in parent ${parentId} would uncover its child reservations`);
      }
      if (qty > free)
        throw new InvariantError(`fill of ${qty} at ${price} exceeds the ${free} lots parent ${parentId} can take`);
      return this.fill(parent, qty, price, venue, liquidity, feeMicros, null, null);
    } finally {
      if (outer) this.deliverHeld();
    }
  }

  /** Tries internal crosses in `symbol` now (also done on arrival and, by default, on every NBBO change). */
  crossSymbol(symbol: string): number {
    const outer = this.beginStep();
    try {
      const parents = this.bySymbol.get(symbol);
      if (parents === undefined || !this.crossingEnabled) return 0;
      const before = this.crossedLots;
      for (const buy of parents.buy) if (buy.crossable.total > 0) this.crossQueue.add(buy);
      this.drainCrosses();
      return this.crossedLots - before;
    } finally {
      if (outer) this.deliverHeld();
    }
  }

  private crossedLots = 0;

  /** Queues a crossing pass for `parent`; runs the queue now unless a pass is already running (no re-entry). */
  private requestCross(parent: ParentOrder): void {
    if (!this.crossingEnabled || this.quotes === undefined) return;
    this.crossQueue.add(parent);
    this.drainCrosses();
  }

  private drainCrosses(): void {
    if (this.crossingNow) return;
    this.crossingNow = true;
    try {
      for (const parent of this.crossQueue) {
        this.crossQueue.delete(parent);
        if (this.parentsById.has(parent.parentId)) this.crossedLots += this.crossParent(parent);
      }
    } finally {
      this.crossingNow = false;
    }
  }

  // ---- recovery: the kernel's state from its own events ---------------------------------------------------------

  /**
   * Rebuilds the kernel from the events it emitted before (a journal read back in seq order), on a new engine with no
   * listener events emitted: orders with their ClOrdIDs, fills, pending amendments, suspensions; parents with their
   * child reservations; the kill switch; crossing statistics; and the id counters, so that the next event continues
   * the sequence. Events are applied as facts (allocations as recorded, not re-computed). A tail cut short by a crash
   * inside one kernel step is tolerated: a parent fill without its allocation is dropped (its child's reservation stays
   * until the venue is reconciled). Call it with the events in order, in as many pieces as convenient, then
   * `finishRestore` once. Returns the last seq applied.
   * Limits: pro-rata epochs start afresh (the fairness bound holds from the restart on); an order's risk counts are
   * re-derived from its state.
   */
  restore(events: Iterable<EngineEvent>): number {
    if (this.listeners.length > 0) throw new InvariantError("restore before anything listens to the engine");
    for (const event of events) {
      if (event.seq !== this.seq + 1) throw new InvariantError(`restore: event seq ${event.seq} after ${this.seq}`);
      this.seq = event.seq;
      this.restoreEvent(event, this.restoringFills);
      // Everything restored is durable: done orders leave as they would have live, so memory stays bounded here too.
      if (this.release !== null) this.releaseDone(event.time);
    }
    return this.seq;
  }

  /**
   * Ends a restore: suspensions follow the kill switch, every parent's books are audited, and the open orders' start
   * and end times are armed (those already due fire at once).
   */
  finishRestore(): void {
    this.restoringFills.clear();
    for (const order of this.held.values()) {
      const parent = order.done === null ? this.parentsById.get(order.parentId) : undefined;
      if (parent === undefined) continue;
      const killed = this.killSwitch.isKilled(order.source, order.account);
      if (order.suspended !== killed) {
        order.suspended = killed;
        parent.refresh(order);
      }
    }
    for (const parent of this.parentsById.values()) parent.audit();
    for (const order of this.held.values()) {
      if (order.done !== null) continue;
      if (!order.started && order.startTime !== null) this.startTimers.add(order.startTime, order);
      if (order.endTime !== null && order.pending?.kind !== "expire") this.endTimers.add(order.endTime, order);
    }
  }

  private readonly restoringFills = new Map<number, { parent: ParentOrder; childId: string | null; qty: number }>();

  private restoreEvent(
    event: EngineEvent,
    fills: Map<number, { parent: ParentOrder; childId: string | null; qty: number }>,
  ): void {
    switch (event.type) {
      case "parent-created": {
        this.registerParent(new ParentOrder(event.parentId, event.key, event.symbol, event.side, event.intent));
        this.nextParentId = Math.max(this.nextParentId, event.parentId + 1);
        return;
      }
      case "order-accepted": {
        const source = this.sources.get(event.source);
        const parent = this.parentsById.get(event.parentId);
        if (source === undefined)
          throw new InvariantError(`restore: order ${event.orderId} of unknown source ${event.source}`);
        if (parent === undefined || event.orderId !== this.accepted + 1) {
          throw new InvariantError(`restore: order ${event.orderId} out of place (parent ${event.parentId})`);
        }
        const order = ClientOrder.create(
          event.orderId,
          { ...event, tags: event.tags ?? {} },
          event.time,
          event.arrivalMid,
          source.metadata,
        );
        const instrument = this.instruments.get(order.symbol) as Instrument;
        order.riskPrice = order.limitPrice ?? event.arrivalMid ?? instrument.referencePriceUnits;
        this.accepted = order.orderId;
        this.held.add(order);
        source.ids.set(order.clOrdId, order);
        parent.join(order);
        this.risk.recount(order);
        return;
      }
      case "amend-pending": {
        const order = this.heldOrder(event.orderId);
        const parent = this.parentOf(order);
        this.claim(order, event.clOrdId);
        order.pending = {
          kind: event.kind,
          clOrdId: event.clOrdId,
          orderQty: event.orderQty,
          limitPrice: event.limitPrice,
        };
        parent.refresh(order);
        this.addPending(parent, order);
        return;
      }
      case "execution-report": {
        this.execIds.continueAfter(Number(event.execId.slice(1)));
        const order = this.heldOrder(event.orderId);
        if (event.execType === "canceled" || event.execType === "expired") {
          const parent = this.parentOf(order);
          this.claim(order, event.clOrdId === order.clOrdId ? null : event.clOrdId);
          this.pendingByParent.get(parent)?.delete(order);
          order.pending = null;
          order.done = event.execType;
          parent.refresh(order);
          this.risk.recount(order);
          parent.remove(order);
          parent.version++;
          this.finished(order, event.time);
        } else if (event.execType === "replaced") {
          const parent = this.parentOf(order);
          this.pendingByParent.get(parent)?.delete(order);
          order.pending = null;
          if (order.previousClOrdIds === null) order.previousClOrdIds = [order.clOrdId];
          else order.previousClOrdIds.push(order.clOrdId);
          this.claim(order, event.clOrdId);
          order.clOrdId = event.clOrdId;
          order.orderQty = event.orderQty;
          order.limitPrice = event.price;
          if (event.price !== null) order.riskPrice = event.price;
          if (order.cumQty === order.orderQty) order.done = "filled";
          parent.version++;
          parent.refresh(order);
          this.risk.recount(order);
          if (order.done !== null) {
            parent.remove(order);
            this.finished(order, event.time);
          }
        }
        return;
      }
      case "parent-filled": {
        const parent = this.parentsById.get(event.parentId);
        if (parent === undefined) throw new InvariantError(`restore: fill of unknown parent ${event.parentId}`);
        fills.set(event.fillId, { parent, childId: event.childId, qty: event.qty });
        this.nextFillId = Math.max(this.nextFillId, event.fillId + 1);
        return;
      }
      case "fill-allocated": {
        const fill = fills.get(event.fillId);
        if (fill === undefined) throw new InvariantError(`restore: allocation of unknown fill ${event.fillId}`);
        fills.delete(event.fillId);
        const parent = fill.parent;
        if (fill.childId !== null) {
          parent.release(fill.childId, fill.qty);
          if (!parent.reservations.has(fill.childId)) this.children.delete(fill.childId);
        }
        parent.cumQty += event.qty;
        parent.cumNotional += event.qty * event.price;
        for (const a of event.allocations) {
          const order = this.heldOrder(a.orderId);
          order.cumQty += a.qty;
          order.cumNotional += a.qty * event.price;
          if (order.cumQty === order.orderQty) order.done = "filled";
          parent.refresh(order);
          this.risk.recount(order);
          if (order.done !== null) {
            if (order.pending !== null) this.pendingByParent.get(parent)?.delete(order);
            order.pending = null;
            parent.remove(order);
            this.finished(order, event.time);
          }
        }
        return;
      }
      case "internal-cross": {
        this.crossStats.record(this.instruments.get(event.symbol) as Instrument, event.qty, event.price, event.saving);
        this.crossedLots += event.qty;
        this.nextCrossId = Math.max(this.nextCrossId, event.crossId + 1);
        return;
      }
      case "kill-switch":
        this.killSwitch.set(event.scope, event.active, event.reason);
        return;
      case "child-order": {
        const parent = this.parentsById.get(event.parentId);
        if (parent === undefined) return;
        if (event.action === "placed") {
          parent.reserve(event.childId, event.reservedPrice, event.orderQty, event.overSentQty ?? 0);
          this.children.set(event.childId, parent);
        } else if (
          event.action === "filled" ||
          event.action === "cancelled" ||
          event.action === "rejected" ||
          event.action === "expired"
        ) {
          parent.shrinkTo(event.childId, 0);
          this.children.delete(event.childId);
        } else if (event.action === "replaced") parent.shrinkTo(event.childId, event.leavesQty);
        return;
      }
      case "over-fill": {
        const parent = this.parentsById.get(event.parentId);
        if (parent === undefined) throw new InvariantError(`restore: over-fill of unknown parent ${event.parentId}`);
        parent.overFill(event.childId, event.qty);
        if (!parent.reservations.has(event.childId)) this.children.delete(event.childId);
        this.overFillBook.add(parent.parentId, parent.symbol, parent.side, event.qty, event.price, event.feeMicros);
        return;
      }
      case "parent-changed": {
        const parent = this.parentsById.get(event.parentId);
        if (parent === undefined) return;
        if (event.change === "started") {
          for (const order of parent.orders()) {
            if (order.started || order.startTime === null || order.startTime > event.time) continue;
            order.started = true;
            parent.version++;
            parent.refresh(order);
          }
        } else if (event.change === "suspended" || event.change === "resumed") {
          for (const order of parent.orders()) {
            const killed = this.killSwitch.isKilled(order.source, order.account);
            if (order.suspended === killed) continue;
            order.suspended = killed;
            parent.version++;
            parent.refresh(order);
          }
        } else if (event.change === "done") this.retireParent(parent);
        return;
      }
      default:
    }
  }

  /** The kernel's state now, as plain data (kernel-snapshot.ts); `restoreSnapshot` on a new engine gives it back. */
  snapshot(): KernelSnapshot {
    const orders: OrderSnapshot[] = [...this.held.values()].map((o) => ({
      orderId: o.orderId,
      clOrdId: o.clOrdId,
      // Copies: the order's lists grow after the snapshot is taken (it is written later, once durable).
      previousClOrdIds: o.previousClOrdIds === null ? null : [...o.previousClOrdIds],
      requestClOrdIds: o.requestClOrdIds === null ? null : [...o.requestClOrdIds],
      source: o.source,
      account: o.account,
      symbol: o.symbol,
      side: o.side,
      ordType: o.ordType,
      orderQty: o.orderQty,
      limitPrice: o.limitPrice,
      urgency: o.urgency,
      strategy: o.strategy,
      startTime: o.startTime,
      endTime: o.endTime,
      maxParticipation: o.maxParticipation,
      allowCross: o.allowCross,
      tags: o.tags,
      arrivalTime: o.arrivalTime,
      arrivalMid: o.arrivalMid,
      parentId: o.parentId,
      cumQty: o.cumQty,
      cumNotional: o.cumNotional,
      done: o.done,
      pending: o.pending,
      suspended: o.suspended,
      started: o.started,
      riskPrice: o.riskPrice,
    }));
    const parents: ParentSnapshot[] = [...this.parentsById.values()].map((p) => ({
      parentId: p.parentId,
      key: p.key,
      symbol: p.symbol,
      side: p.side,
      intent: p.intent,
      cumQty: p.cumQty,
      cumNotional: p.cumNotional,
      earliestStart: p.earliestStart,
      earliestEnd: p.earliestEnd,
      members: [...p.orders()].map((o) => o.orderId),
      reservations: [...p.reservations.values()].map((r) => [r.childId, r.price, r.qty] as const),
      overSentQty: p.overSentQty,
    }));
    const clOrdIds: Record<string, [string, number][]> = {};
    for (const [id, source] of this.sources) {
      clOrdIds[id] = [...source.ids.entries()].map(([clOrdId, order]) => [clOrdId, order.orderId]);
    }
    return {
      version: KERNEL_SNAPSHOT_VERSION,
      seq: this.seq,
      nextParentId: this.nextParentId,
      nextFillId: this.nextFillId,
      nextCrossId: this.nextCrossId,
      execIdsIssued: this.execIds.issued,
      crossedLots: this.crossedLots,
      ordersAccepted: this.accepted,
      released: this.release?.state() ?? null,
      orders,
      parents,
      clOrdIds,
      killed: this.killSwitch.activeKills(),
      crossing: [...this.crossStats.snapshot()],
      overFills: this.overFillBook.list(),
    };
  }

  /**
   * Rebuilds a new engine from a snapshot (then `restore` the journal's events after it, and `finishRestore`).
   * Throws on a snapshot of another version or naming a source this engine does not have.
   */
  restoreSnapshot(snapshot: KernelSnapshot): void {
    if (this.seq !== 0 || this.listeners.length > 0) throw new InvariantError("restoreSnapshot needs a new engine");
    if (snapshot.version !== KERNEL_SNAPSHOT_VERSION) {
      throw new InvariantError(`snapshot version ${snapshot.version}, this engine reads ${KERNEL_SNAPSHOT_VERSION}`);
    }
    for (const s of snapshot.orders) {
      const source = this.sources.get(s.source);
      if (source === undefined) throw new InvariantError(`snapshot: order ${s.orderId} of unknown source ${s.source}`);
      const order = ClientOrder.create(s.orderId, s, s.arrivalTime, s.arrivalMid, source.metadata);
      order.previousClOrdIds = s.previousClOrdIds === null ? null : [...s.previousClOrdIds];
      order.requestClOrdIds = s.requestClOrdIds === null ? null : [...s.requestClOrdIds];
      order.parentId = s.parentId;
      order.cumQty = s.cumQty;
      order.cumNotional = s.cumNotional;
      order.done = s.done;
      order.pending = s.pending;
      order.suspended = s.suspended;
      order.started = s.started;
      order.riskPrice = s.riskPrice;
      this.held.add(order);
      this.risk.recount(order);
      // Done before the snapshot, so durable: released at the next pass.
      if (order.done !== null) this.finished(order, Number.NEGATIVE_INFINITY);
    }
    if (snapshot.released !== null && snapshot.released.count > 0) {
      if (this.release === null) throw new InvariantError("snapshot has released orders: this engine releases none");
      this.release.restore(snapshot.released);
    }
    this.accepted = snapshot.ordersAccepted;
    for (const s of snapshot.parents) {
      const parent = new ParentOrder(s.parentId, s.key, s.symbol, s.side, s.intent);
      this.registerParent(parent);
      for (const id of s.members) {
        const order = this.heldOrder(id);
        parent.join(order);
        if (order.pending !== null) this.addPending(parent, order);
      }
      parent.earliestStart = s.earliestStart;
      parent.earliestEnd = s.earliestEnd;
      parent.cumQty = s.cumQty;
      parent.cumNotional = s.cumNotional;
      for (const [childId, price, qty] of s.reservations) {
        parent.restoreReservation(childId, price, qty);
        this.children.set(childId, parent);
      }
      parent.overSentQty = s.overSentQty;
    }
    for (const [id, entries] of Object.entries(snapshot.clOrdIds)) {
      const source = this.sources.get(id);
      if (source === undefined) throw new InvariantError(`snapshot: unknown source ${id}`);
      for (const [clOrdId, orderId] of entries) source.ids.set(clOrdId, this.heldOrder(orderId));
    }
    for (const { scope, reason } of snapshot.killed) this.killSwitch.set(scope, true, reason);
    for (const [symbol, totals] of snapshot.crossing) this.crossStats.restore(symbol, totals);
    this.overFillBook.restore(snapshot.overFills);
    this.crossedLots = snapshot.crossedLots;
    this.nextParentId = snapshot.nextParentId;
    this.nextFillId = snapshot.nextFillId;
    this.nextCrossId = snapshot.nextCrossId;
    this.execIds.continueAfter(snapshot.execIdsIssued);
    this.seq = snapshot.seq;
  }

  /**
   * A SHA-256 of the kernel's state: every open order (terms, ClOrdIDs, fills, status, pending amendment, suspension),
   * every done order as a digest (order-digest.ts: the same whether the engine still holds the order or released it),
   * every open parent (fills, members, child reservations), the ClOrdIDs of the open orders, the kill switch,
   * crossing totals, the over-fill positions and the id counters.
   * Two engines with the same hash hold the same orders in the same state (recovery's proof: replay from the start and
   * from a snapshot, or the engine that ran and the one rebuilt from its journal, give one hash), whichever done
   * orders each has released.
   */
  stateHash(): string {
    const hash = createHash("sha256");
    hash.update(
      JSON.stringify([
        this.seq,
        this.nextParentId,
        this.nextFillId,
        this.nextCrossId,
        this.execIds.issued,
        this.accepted,
      ]),
    );
    let done = this.release?.digest ?? 0n;
    for (const o of this.held.values()) {
      if (o.done === null) hash.update(JSON.stringify(orderStateRecord(o)));
      else done = addDigests(done, doneOrderDigest(o));
    }
    hash.update(done.toString(16));
    for (const p of this.parentsById.values()) {
      const reservations = [...p.reservations.values()].map((r) => [r.childId, r.price, r.qty]).sort();
      const members = [...p.orders()].map((o) => o.orderId);
      hash.update(
        JSON.stringify([
          p.parentId,
          p.key,
          p.cumQty,
          p.cumNotional,
          p.openOrders,
          p.earliestStart,
          p.earliestEnd,
          members,
          reservations,
          p.overSentQty,
        ]),
      );
    }
    for (const [id, source] of [...this.sources].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
      const ids = [...source.ids.entries()]
        .filter(([, order]) => order.done === null)
        .map(([clOrdId, order]) => `${clOrdId}\u0000${order.orderId}`)
        .sort();
      hash.update(JSON.stringify([id, ids]));
    }
    hash.update(JSON.stringify(this.killSwitch.activeKills()));
    hash.update(JSON.stringify([...this.crossStats.snapshot()].sort((a, b) => (a[0] < b[0] ? -1 : 1))));
    hash.update(JSON.stringify(this.overFillBook.list()));
    return hash.digest("hex");
  }

  // ---- internals: fills and allocation ----------------------------------------------------------------------------

  private fill(
    parent: ParentOrder,
    qty: number,
    price: number,
    venue: string,
    liquidity: Liquidity | null,
    feeMicros: number,
    childId: string | null,
    /** For an internal cross, the accounts that sit it out on this parent's side; null for a market fill. */
    crossSitOut: ReadonlySet<string> | null,
  ): number {
    invariant(Number.isSafeInteger(qty) && qty > 0, `fill quantity ${qty} is not a positive whole number of lots`);
    invariant(Number.isSafeInteger(price) && price > 0, `fill price ${price} is not a positive integer`);
    const now = this.scheduler.now();
    const eligible = this.eligibleScratch;
    eligible.length = 0;
    let capacity = 0;
    const slots = parent.constituentSlots;
    const key = aggressiveness(parent.side, price);
    const prefixOnly = this.policy.prefixOnly;
    const crossOnly = crossSitOut !== null;
    let caps = this.allocCaps;
    for (let i = parent.firstSlot; i < slots.length; i++) {
      const order = slots[i];
      if (order == null || order.allocQty === 0 || order.allocKey < key) continue;
      // An internal cross is the engine's own choice: an order takes no more of it than it may cross (its working
      // quantity, narrowed by a pending cancel or reduction), where a market fill may take all its leaves.
      const cap = crossOnly ? order.crossQty : order.allocQty;
      if (crossOnly && (cap === 0 || order.workKey < key || crossSitOut.has(order.account))) continue;
      if (eligible.length === caps.length) {
        caps = new Float64Array(caps.length * 2);
        caps.set(this.allocCaps);
        this.allocCaps = caps;
      }
      caps[eligible.length] = cap;
      eligible.push(order);
      capacity += cap;
      if (prefixOnly && capacity >= qty) break;
    }
    if (capacity < qty)
      throw new InvariantError(`fill of ${qty} at ${price}: parent ${parent.parentId} can take ${capacity}`);
    if (this.allocOut.length < eligible.length) this.allocOut = new Float64Array(eligible.length * 2);
    const out = this.allocOut;
    this.policy.allocate(parent, eligible, caps, qty, out);

    const fillId = this.nextFillId++;
    const allocations: Allocation[] = [];
    let sum = 0;
    for (let i = 0; i < eligible.length; i++) {
      const lots = out[i] as number;
      const order = eligible[i] as ClientOrder;
      if (lots === 0) continue;
      if (!(lots > 0) || !Number.isSafeInteger(lots) || lots > (caps[i] as number)) {
        throw new InvariantError(
          `${this.policy.name}: ${lots} lots to order ${order.orderId}, whose cap for this fill is ${caps[i]}`,
        );
      }
      if (!order.allows(price))
        throw new InvariantError(`order ${order.orderId} allocated at ${price} outside its limit`);
      sum += lots;
      allocations.push({ orderId: order.orderId, clOrdId: order.clOrdId, account: order.account, qty: lots });
    }
    if (sum !== qty) throw new InvariantError(`${this.policy.name}: allocated ${sum} of a ${qty}-lot fill`);
    parent.cumQty += qty;
    parent.cumNotional += qty * price;
    const quote = this.quotes?.nbbo(parent.symbol);
    this.emit({
      type: "parent-filled",
      seq: 0,
      time: now,
      parentId: parent.parentId,
      fillId,
      childId,
      qty,
      price,
      venue,
      liquidity,
      feeMicros,
      bid: quote !== undefined && quote.bid > 0 && Number.isFinite(quote.bid) ? quote.bid : null,
      ask: quote !== undefined && quote.ask > 0 && Number.isFinite(quote.ask) ? quote.ask : null,
    });
    this.emit({
      type: "fill-allocated",
      seq: 0,
      time: now,
      parentId: parent.parentId,
      fillId,
      policy: this.policy.name,
      qty,
      price,
      allocations,
    });

    for (let i = 0; i < eligible.length; i++) {
      const lots = out[i] as number;
      if (lots === 0) continue;
      const order = eligible[i] as ClientOrder;
      order.cumQty += lots;
      order.cumNotional += lots * price;
      if (order.cumQty === order.orderQty) order.done = "filled";
      parent.refresh(order);
      this.risk.recount(order);
      this.report(order, "trade", lots, price, venue, null, null);
      if (order.done !== null) {
        const pending = order.pending;
        if (pending !== null) {
          order.pending = null;
          this.pendingByParent.get(parent)?.delete(order);
          if (pending.kind !== "expire") {
            this.cancelReject(
              order.source,
              pending.clOrdId,
              order.clOrdId,
              pending.kind === "cancel" ? "cancel" : "replace",
              {
                reason: "too-late-to-cancel",
                field: null,
                message: "the order filled before the request could be carried out",
              },
            );
          }
        }
        parent.remove(order);
        this.finished(order, now);
      }
    }
    eligible.length = 0;
    this.parentChanged(parent, "filled");
    this.settlePending(parent);
    this.afterChange(parent);
    return fillId;
  }

  /** Crosses `parent` against every opposing parent of its symbol while both sides can; returns the lots crossed. */
  private crossParent(parent: ParentOrder): number {
    if (!this.crossingEnabled || this.quotes === undefined || parent.crossable.total === 0) return 0;
    const parents = this.bySymbol.get(parent.symbol);
    if (parents === undefined) return 0;
    const opposite = parent.side === "buy" ? parents.sell : parents.buy;
    // Nothing to cross with (a one-sided book, as most arrivals meet): no quote read, no copy of the set below.
    if (opposite.size === 0) return 0;
    const quote = this.quotes.nbbo(parent.symbol);
    const price = crossPrice(quote);
    if (price === null) return 0;
    const instrument = this.instruments.get(parent.symbol) as Instrument;
    let crossed = 0;
    for (const other of [...opposite]) {
      if (other.crossable.total === 0) continue;
      const buy = parent.side === "buy" ? parent : other;
      const sell = parent.side === "buy" ? other : parent;
      if (crossQuantity(buy, sell, price, 0, 0) === 0) continue;
      const sitOut = this.sitOutAt(buy, sell, price);
      const qty = crossQuantity(buy, sell, price, sitOut.buyAtPrice, sitOut.sellAtPrice);
      if (qty === 0) continue;
      const crossId = this.nextCrossId++;
      // The sit-out is live (self-match.ts): the buy side's fill may move an account to the other side of the pair, so
      // the sell side's fill takes the sit-out the quantity was decided with.
      const sellSitOut = sitOut.sell.size === 0 ? sitOut.sell : new Set(sitOut.sell);
      const buyFillId = this.fill(buy, qty, price, INTERNAL_VENUE, null, 0, null, sitOut.buy);
      const sellFillId = this.fill(sell, qty, price, INTERNAL_VENUE, null, 0, null, sellSitOut);
      const saving = crossSaving(instrument, qty, quote, this.takerFeeMicros);
      this.crossStats.record(instrument, qty, price, saving);
      this.emit({
        type: "internal-cross",
        seq: 0,
        time: this.scheduler.now(),
        crossId,
        symbol: parent.symbol,
        qty,
        price,
        bid: quote.bid,
        ask: quote.ask,
        buyParentId: buy.parentId,
        sellParentId: sell.parentId,
        buyFillId,
        sellFillId,
        saving,
      });
      crossed += qty;
      if (parent.crossable.total === 0) break;
    }
    return crossed;
  }

  /** Who sits out of a cross between `buy` and `sell` at `price` (no one without self-match prevention). */
  private sitOutAt(buy: ParentOrder, sell: ParentOrder, price: number) {
    if (this.selfMatch === null) return NO_SIT_OUT_AT;
    return this.selfMatch.sitOutAt(buy, sell, price) ?? NO_SIT_OUT_AT;
  }

  // ---- internals: amendments ----------------------------------------------------------------------------------------

  private amendTarget(
    input: CancelOrderInput | ReplaceOrderInput,
    responseTo: "cancel" | "replace",
    clOrdId: string | null | undefined,
  ): { order: ClientOrder; clOrdId: string | null } | (AmendResult & { ok: false }) {
    const requestId = clOrdId ?? null;
    const refuse = (reason: ClientCancelRejectReason, field: string | null, message: string) =>
      this.cancelReject(input.source, requestId ?? input.origClOrdId, input.origClOrdId, responseTo, {
        reason,
        field,
        message,
      }) as AmendResult & {
        ok: false;
      };
    const source = this.sources.get(input.source);
    if (source === undefined)
      return refuse("unknown-source", "source", `unknown source ${JSON.stringify(input.source)}`);
    if (responseTo === "replace" && (requestId === null || requestId === "")) {
      return refuse("invalid-cl-ord-id", "cl_ord_id", "a replace needs a new ClOrdID");
    }
    if (requestId !== null && !isIdText(requestId)) {
      return refuse("invalid-cl-ord-id", "cl_ord_id", `invalid ClOrdID ${JSON.stringify(requestId)}`);
    }
    const order = source.ids.get(input.origClOrdId);
    const released = order === undefined && this.isReleased(input.source, input.origClOrdId);
    if (order === undefined && !released)
      return refuse("unknown-order", "orig_cl_ord_id", `no order ${input.origClOrdId} from source ${input.source}`);
    if (requestId !== null && (source.ids.has(requestId) || this.isReleased(input.source, requestId))) {
      return refuse("duplicate-cl-ord-id", "cl_ord_id", `${requestId} was already used by source ${input.source}`);
    }
    if (order === undefined) return refuse("too-late-to-cancel", null, `order ${input.origClOrdId} is already done`);
    if (order.done !== null)
      return refuse("too-late-to-cancel", null, `order ${input.origClOrdId} is already ${order.done}`);
    if (order.pending !== null)
      return refuse("already-pending", null, `order ${input.origClOrdId} already has a ${order.pending.kind} pending`);
    return { order, clOrdId: requestId };
  }

  private claim(order: ClientOrder, clOrdId: string | null): void {
    if (clOrdId === null) return;
    (this.sources.get(order.source) as SourceState).ids.set(clOrdId, order);
    if (clOrdId === order.clOrdId) return;
    if (order.requestClOrdIds === null) order.requestClOrdIds = [clOrdId];
    else if (!order.requestClOrdIds.includes(clOrdId)) order.requestClOrdIds.push(clOrdId);
  }

  private makePending(order: ClientOrder, pending: PendingAmendment): void {
    const parent = this.parentOf(order);
    order.pending = pending;
    parent.refresh(order);
    this.addPending(parent, order);
    if (this.listeners.length > 0)
      this.emit({
        type: "amend-pending",
        seq: 0,
        time: this.scheduler.now(),
        orderId: order.orderId,
        source: order.source,
        clOrdId: pending.clOrdId,
        kind: pending.kind,
        orderQty: pending.orderQty,
        limitPrice: pending.limitPrice,
      });
    const execType: ClientExecType = pending.kind === "replace" ? "pending-replace" : "pending-cancel";
    const request = pending.clOrdId === order.clOrdId ? null : order.clOrdId;
    this.report(order, execType, 0, 0, null, request, pending.kind === "expire" ? "end-time" : null, pending.clOrdId);
    this.parentChanged(parent, "amended");
    this.afterChange(parent);
  }

  /** Completes every pending amendment of `parent` that the reservations now allow, in arrival order. */
  private settlePending(parent: ParentOrder): void {
    const set = this.pendingByParent.get(parent);
    if (set === undefined || set.size === 0) return;
    for (const order of [...set].sort((a, b) => a.orderId - b.orderId)) {
      const pending = order.pending;
      if (pending === null || order.done !== null) {
        set.delete(order);
        continue;
      }
      const allocQty = pending.kind === "replace" ? Math.max(0, pending.orderQty - order.cumQty) : 0;
      const key = pending.kind === "replace" ? aggressiveness(order.side, pending.limitPrice) : order.allocKey;
      if (!parent.coveredWith(order, allocQty, key)) continue;
      set.delete(order);
      if (pending.kind === "replace") this.finishReplace(order, pending);
      else if (pending.kind === "cancel") {
        const orig = pending.clOrdId === order.clOrdId ? null : order.clOrdId;
        this.finishCancel(order, pending, "canceled", "requested", orig);
      } else this.finishCancel(order, pending, "expired", "end-time", null);
    }
  }

  private finishCancel(
    order: ClientOrder,
    pending: PendingAmendment,
    outcome: "canceled" | "expired",
    text: string,
    origClOrdId: string | null,
  ): void {
    const parent = this.parentOf(order);
    order.pending = null;
    order.done = outcome;
    parent.refresh(order);
    this.risk.recount(order);
    parent.remove(order);
    this.finished(order, this.scheduler.now());
    parent.version++;
    this.report(
      order,
      outcome,
      0,
      0,
      null,
      origClOrdId,
      text,
      pending.kind === "cancel" ? pending.clOrdId : order.clOrdId,
    );
    this.parentChanged(parent, "left");
    this.afterChange(parent);
  }

  private finishReplace(order: ClientOrder, pending: PendingAmendment): void {
    const parent = this.parentOf(order);
    const origClOrdId = order.clOrdId;
    order.pending = null;
    order.orderQty = Math.max(pending.orderQty, order.cumQty);
    order.limitPrice = pending.limitPrice;
    if (pending.limitPrice !== null) order.riskPrice = pending.limitPrice;
    order.clOrdId = pending.clOrdId;
    if (order.previousClOrdIds === null) order.previousClOrdIds = [origClOrdId];
    else order.previousClOrdIds.push(origClOrdId);
    if (order.cumQty === order.orderQty) order.done = "filled";
    parent.version++;
    parent.refresh(order);
    this.risk.recount(order);
    this.report(order, "replaced", 0, 0, null, origClOrdId, null);
    if (order.done !== null) {
      parent.remove(order);
      this.finished(order, this.scheduler.now());
      this.parentChanged(parent, "left");
    } else this.parentChanged(parent, "amended");
    this.afterChange(parent);
    if (order.done === null && order.allowCross && order.started) this.requestCross(parent);
  }

  // ---- internals: release of done orders -----------------------------------------------------------------------------

  /**
   * Releases the done orders due at `now` (done `release.afterMicros` before it, or earlier): they leave the engine's
   * tables (order-release.ts) and the release listeners hear of each. Only for orders whose events are durable: the
   * caller waits for the journal first. Returns how many were released.
   */
  releaseDone(now: number): number {
    const release = this.release;
    if (release === null) return 0;
    let n = 0;
    for (let order = release.nextDue(now); order !== undefined; order = release.nextDue(now)) {
      if (order.done === null) throw new InvariantError(`order ${order.orderId} released while open`);
      const source = this.sources.get(order.source) as SourceState;
      for (const id of orderClOrdIds(order)) if (source.ids.get(id) === order) source.ids.delete(id);
      this.held.delete(order.orderId);
      release.released(order);
      for (const listener of this.releaseListeners) listener(order);
      n++;
    }
    return n;
  }

  /** Adds a listener told of every order released (to drop what it keeps per order). */
  onRelease(listener: (order: ClientOrder) => void): void {
    this.releaseListeners.push(listener);
  }

  private readonly releaseListeners: ((order: ClientOrder) => void)[] = [];

  /** `order` became done at `time`: a start or end timer of its own goes, and with release on it is queued to leave
   * memory. */
  private finished(order: ClientOrder, time: number): void {
    if (order.startTime !== null) this.startTimers.drop(order.startTime, order.orderId);
    if (order.endTime !== null) this.endTimers.drop(order.endTime, order.orderId);
    this.release?.retain(order, time);
  }

  private heldOrder(orderId: number): ClientOrder {
    const order = this.held.get(orderId);
    if (order === undefined) throw new InvariantError(`order ${orderId} is not held (unknown or released)`);
    return order;
  }

  // ---- internals: time, kill switch ---------------------------------------------------------------------------------

  private startOrders(orders: readonly ClientOrder[]): void {
    const touched = new Set<ParentOrder>();
    for (const order of orders) {
      if (order.done !== null || order.started) continue;
      order.started = true;
      const parent = this.parentOf(order);
      parent.version++;
      parent.refresh(order);
      touched.add(parent);
    }
    // Every parent's start is an event before any of them crosses: a cross may fill another started parent's orders, and
    // the journal must show them started first (recovery replays it).
    for (const parent of touched) this.parentChanged(parent, "started");
    for (const parent of touched) {
      this.afterChange(parent);
      this.requestCross(parent);
    }
  }

  private endOrders(orders: readonly ClientOrder[]): void {
    for (const order of orders) {
      if (order.done !== null) continue;
      const parent = this.parentOf(order);
      const pending: PendingAmendment = {
        kind: "expire",
        clOrdId: order.clOrdId,
        orderQty: 0,
        limitPrice: order.limitPrice,
      };
      if (order.pending !== null) {
        // The end time overrides a pending request: the order stops being worked and expires as soon as it may.
        this.pendingByParent.get(parent)?.delete(order);
        order.pending = null;
      }
      if (parent.coveredWith(order, 0, order.allocKey)) this.finishCancel(order, pending, "expired", "end-time", null);
      else this.makePending(order, pending);
    }
  }

  private resuspend(): void {
    const touched = new Map<ParentOrder, boolean>();
    for (const parent of this.parentsById.values()) {
      for (const order of parent.orders()) {
        const killed = this.killSwitch.isKilled(order.source, order.account);
        if (order.suspended === killed) continue;
        order.suspended = killed;
        parent.version++;
        parent.refresh(order);
        touched.set(parent, killed);
      }
    }
    for (const [parent, killed] of touched) {
      this.parentChanged(parent, killed ? "suspended" : "resumed");
      this.afterChange(parent);
    }
    // Orders back at work may cross what arrived while they were suspended: once every parent has said so (a cross's
    // events must come after both sides' resumption, as recovery reads them back).
    for (const [parent, killed] of touched) if (!killed) this.requestCross(parent);
  }

  // ---- internals: parents, events -----------------------------------------------------------------------------------

  private parentFor(order: ClientOrder): ParentOrder {
    // Fast path: no key string (live parents by instrument, side, intent and window; `retireParent` forgets them).
    const start = windowBucket(order.startTime, this.grain);
    const end = windowBucket(order.endTime, this.grain);
    const live = this.liveParents.get(order.symbol, order.side, order.orderIntent.intentIndex, start, end);
    if (live !== undefined) return live;
    // A parent made elsewhere (restored from a snapshot or the journal) is found by its key, then remembered.
    const key = aggregationKey(order, order.intent, this.grain);
    const existing = this.parentsByKey.get(key);
    if (existing !== undefined) {
      this.liveParents.add(existing, start, end);
      return existing;
    }
    const parent = new ParentOrder(this.nextParentId++, key, order.symbol, order.side, order.intent);
    this.liveParents.add(parent, start, end);
    this.registerParent(parent);
    this.emit({
      type: "parent-created",
      seq: 0,
      time: this.scheduler.now(),
      parentId: parent.parentId,
      key,
      symbol: parent.symbol,
      side: parent.side,
      intent: parent.intent,
    });
    return parent;
  }

  private parentOf(order: ClientOrder): ParentOrder {
    const parent = this.parentsById.get(order.parentId);
    if (parent === undefined) throw new InvariantError(`order ${order.orderId} has no parent`);
    return parent;
  }

  /** Audits (when asked) and retires a parent with no open order and no reservation. */
  private afterChange(parent: ParentOrder): void {
    if (this.auditing) this.audit(parent);
    if (parent.openOrders > 0 || parent.reservedQty > 0 || !this.parentsById.has(parent.parentId)) return;
    this.retireParent(parent);
    this.parentChanged(parent, "done");
  }

  /** A new parent joins the books: by key (aggregation), by id, by symbol and side (crossing). */
  private registerParent(parent: ParentOrder): void {
    const selfMatch = this.selfMatch;
    if (selfMatch !== null) {
      parent.trackCrossAccounts((p, account, before, after, move) =>
        selfMatch.accountChanged(p, account, before, after, move),
      );
    }
    this.parentsByKey.set(parent.key, parent);
    this.parentsById.set(parent.parentId, parent);
    let bySide = this.bySymbol.get(parent.symbol);
    if (bySide === undefined) {
      bySide = { buy: new Set(), sell: new Set() };
      this.bySymbol.set(parent.symbol, bySide);
    }
    bySide[parent.side as Side].add(parent);
    selfMatch?.addParent(parent, bySide[parent.side === "buy" ? "sell" : "buy"]);
  }

  /** The invariants of `parent`, and its self-match pairs against the rule computed afresh (audit mode). */
  private audit(parent: ParentOrder): void {
    parent.audit();
    if (this.selfMatch === null || !this.parentsById.has(parent.parentId)) return;
    const parents = this.bySymbol.get(parent.symbol) as SymbolParents;
    for (const other of parent.side === "buy" ? parents.sell : parents.buy) {
      const [buy, sell] = parent.side === "buy" ? [parent, other] : [other, parent];
      const kept = this.selfMatch.sitOut(buy, sell) ?? NO_SIT_OUT;
      const fresh = selfMatchSitOut(buy, sell);
      const same = (a: ReadonlySet<string>, b: ReadonlySet<string>) =>
        a.size === b.size && [...a].every((x) => b.has(x));
      if (!same(kept.buy, fresh.buy) || !same(kept.sell, fresh.sell) || !this.selfMatch.laddersInStep(buy, sell))
        throw new InvariantError(`parents ${buy.parentId} and ${sell.parentId}: self-match sit-out out of step`);
    }
  }

  /** A parent with no open order and no reservation leaves the books (its orders stay for queries). */
  private retireParent(parent: ParentOrder): void {
    this.parentsById.delete(parent.parentId);
    if (this.parentsByKey.get(parent.key) === parent) this.parentsByKey.delete(parent.key);
    const parents = this.bySymbol.get(parent.symbol) as SymbolParents;
    parents[parent.side as Side].delete(parent);
    this.selfMatch?.removeParent(parent);
    this.pendingByParent.delete(parent);
    this.liveParents.delete(parent);
  }

  /** `order` of `parent` has an amendment waiting for its children to shrink (settlePending completes it). */
  private addPending(parent: ParentOrder, order: ClientOrder): void {
    let set = this.pendingByParent.get(parent);
    if (set === undefined) {
      set = new Set();
      this.pendingByParent.set(parent, set);
    }
    set.add(order);
  }

  private parentChanged(parent: ParentOrder, change: ParentChange): void {
    if (this.listeners.length === 0) return;
    this.emit({
      type: "parent-changed",
      seq: 0,
      time: this.scheduler.now(),
      parentId: parent.parentId,
      change,
      openOrders: parent.openOrders,
      openQty: parent.allocatable.total,
      workableQty: parent.workable.total,
      reservedQty: parent.reservedQty,
      cumQty: parent.cumQty,
      overReservedQty: parent.overReservedQty,
    });
  }

  private mid(symbol: string): number | null {
    if (this.quotes === undefined) return null;
    return crossPrice(this.quotes.nbbo(symbol));
  }

  private reject(input: NewOrderInput, refusal: Refusal<OrderRejectReason>): SubmitResult {
    this.emit({
      type: "order-rejected",
      seq: 0,
      time: this.scheduler.now(),
      source: String(input.source ?? ""),
      clOrdId: String(input.clOrdId ?? ""),
      account: String(input.account ?? ""),
      symbol: String(input.symbol ?? ""),
      category: rejectCategory(refusal.reason),
      reason: refusal.reason,
      field: refusal.field,
      message: refusal.message,
    });
    return { ok: false, reason: refusal.reason, field: refusal.field, message: refusal.message };
  }

  private cancelReject(
    source: string,
    clOrdId: string,
    origClOrdId: string,
    responseTo: "cancel" | "replace",
    refusal: Refusal<ClientCancelRejectReason>,
  ): AmendResult {
    this.emit({
      type: "cancel-rejected",
      seq: 0,
      time: this.scheduler.now(),
      source,
      clOrdId,
      origClOrdId,
      responseTo,
      reason: refusal.reason,
      field: refusal.field,
      message: refusal.message,
    });
    return { ok: false, reason: refusal.reason, field: refusal.field, message: refusal.message };
  }

  private report(
    order: ClientOrder,
    execType: ClientExecType,
    lastQty: number,
    lastPx: number,
    lastMkt: string | null,
    origClOrdId: string | null,
    text: string | null,
    clOrdId: string = order.clOrdId,
  ): void {
    if (this.listeners.length === 0) return;
    this.emit({
      type: "execution-report",
      seq: 0,
      time: this.scheduler.now(),
      orderId: order.orderId,
      execId: this.execIds.nextId(),
      source: order.source,
      clOrdId,
      origClOrdId,
      account: order.account,
      symbol: order.symbol,
      side: order.side,
      ordType: order.ordType,
      execType,
      ordStatus: order.ordStatus,
      orderQty: order.orderQty,
      price: order.limitPrice,
      lastQty,
      lastPx,
      lastMkt,
      cumQty: order.cumQty,
      leavesQty: order.leavesQty,
      avgPx: order.avgPx,
      text,
    });
  }

  /**
   * Records an execution-side event (a child order's life, an algorithm's choice, a routing decision, a market bar for
   * TCA) in the kernel's event stream, at the clock's time, so that the journal and every listener see it in order
   * with the kernel's own events.
   */
  record(event: ChildOrderChanged | AlgoChosen | RoutingDecision | MarketBar | SessionChanged): void {
    (event as { time: number }).time = this.scheduler.now();
    this.emit(event);
  }

  /**
   * Starts one kernel step (a command, a fill, a timer): its events are held until `deliverHeld`, which the step calls
   * in its `finally` when this returns true, so listeners hear them once the step is done, in seq order, and none sees
   * the engine half way through a step or acts on it there (a listener that cancels an order on hearing of a fill, or
   * submits one, is then a step of its own, after this one). False when a step or a delivery is already under way (a
   * listener's command): its events are held for that one. (Not a function taking the step as a closure: the commands
   * are hot paths, a closure per call is an allocation.)
   */
  private beginStep(): boolean {
    if (this.delivering) return false;
    this.delivering = true;
    return true;
  }

  /** Runs a timer's work as one step. */
  private step(work: () => void): void {
    const outer = this.beginStep();
    try {
      work();
    } finally {
      if (outer) this.deliverHeld();
    }
  }

  /** Delivers an event to every listener now, or once the step or the delivery under way is done. */
  private emit(event: EngineEvent): void {
    (event as { seq: number }).seq = ++this.seq;
    if (this.listeners.length === 0) return;
    if (this.delivering) {
      this.nested.push(event);
      return;
    }
    this.delivering = true;
    this.nested.push(event);
    this.deliverHeld();
  }

  /**
   * Delivers the held events, and those their listeners' commands emit, in order, to every listener; then delivery is
   * free again. A listener that throws (or whose command throws) does not stop the others hearing every event of a
   * step already done (a journal would otherwise miss them and refuse the gap): the first error is thrown once all
   * have heard.
   */
  private deliverHeld(): void {
    let failure: { error: unknown } | null = null;
    try {
      for (let k = 0; k < this.nested.length; k++) {
        const event = this.nested[k] as EngineEvent;
        const listeners = this.listeners;
        for (let i = 0; i < listeners.length; i++) {
          try {
            (listeners[i] as EngineListener)(event);
          } catch (error) {
            failure ??= { error };
          }
        }
      }
    } finally {
      this.nested.length = 0;
      this.delivering = false;
    }
    if (failure !== null) throw failure.error;
  }
}
