/**
 * Our own orders inside a replayed LOBSTER book. The recorded book (a `LobsterReplay`, resync rule on) is history: it
 * never reacts to us. Our orders are an overlay on it, each resting with an estimate of its place in the queue.
 *
 * The model (README "Replaying real data" states it for users):
 * - Joining. A resting order joins the queue behind the displayed quantity at its price: `ahead` = recorded quantity
 *   there (less what we took from it), and `joinSeq` = the number of recorded messages applied so far. At a price
 *   outside the visible window (below the top N levels) that quantity is unknown: `ahead` stays unknown (NaN) until the
 *   level surfaces, and then everything displayed there is assumed ahead of us (pessimistic).
 * - Cancellations and deletions at our price move us up when the cancelled order was ahead of us: submitted before we
 *   joined (known id, earlier submission), or of unknown id (it was in the book before the file showed it).
 * - Executions at our price trade through the queue: the executed volume first passes the quantity ahead of us, and
 *   the rest fills us (our earlier orders at the price before our later ones). If the executed recorded order was
 *   submitted after we joined, FIFO says the queue had already passed us: nothing is ahead any more. Recorded volume
 *   executed at a worse price than ours, or a recorded submission that crosses our price, would have met us first: it
 *   fills us (up to its size) at our price. A hidden execution fills us only where no displayed recorded quantity sat at
 *   that price (displayed orders have priority over hidden ones).
 * - Taking. Our marketable orders take from the recorded window (the top N levels the file shows; deeper levels are
 *   unknown) and from our own resting orders, best price first, recorded before ours at the same price. What we take
 *   stays taken (`taken`, per price) until the recorded level itself falls below it or empties.
 * - Our orders cross each other with price-time priority and self-trade prevention, like the simulated lit book.
 * Limits: no market impact (the recorded flow never sees our orders, so the liquidity we fill against is also filled in
 * the record: fills are optimistic for large orders); queue estimates rely on LOBSTER's order ids; no hidden or iceberg
 * orders of ours; a level-1 file shows one level per side, so takers only reach the touch.
 *
 * Pure and deterministic: commands and recorded events in, `QueueListener` calls out, synchronously.
 */
import type { Side, TimeInForce } from "../../model/order-types.js";
import type { SelfTradePrevention } from "../../model/venue-spec.js";
import { CANCELLATION, DELETION, EXECUTION, HIDDEN_EXECUTION, SUBMISSION } from "./lobster-format.js";
import type { LobsterReplay } from "./lobster-replay.js";
import type { PriceLadder } from "./price-ladder.js";

export type QueueRejectReason = "duplicate-order-id" | "invalid-quantity" | "post-only-would-take";
export type QueueCancelReason = "requested" | "ioc-unfilled" | "fok-unfilled" | "self-trade";
export type QueueAmendRejectReason = "unknown-order" | "invalid-quantity" | "post-only-would-take";

export interface QueueListener {
  onRejected(id: number, reason: QueueRejectReason): void;
  /**
   * One execution. `makerId` or `takerId` is null when that side is the recorded book. A fill caused by recorded flow
   * reaching our resting order has our order as maker; our order taking recorded liquidity is the taker.
   */
  onTrade(
    makerId: number | null,
    takerId: number | null,
    price: number,
    qty: number,
    makerLeaves: number,
    takerLeaves: number,
  ): void;
  onRested(id: number, price: number, leaves: number): void;
  onCancelled(id: number, leaves: number, reason: QueueCancelReason): void;
  onCancelRejected(id: number): void;
  onReplaced(id: number, price: number, leaves: number): void;
  onReplaceRejected(id: number, reason: QueueAmendRejectReason): void;
}

class OwnOrder {
  constructor(
    readonly id: number,
    readonly account: number,
    /** 1 buy, -1 sell (LOBSTER's direction). */
    readonly direction: number,
    public price: number,
    public leaves: number,
    readonly tif: TimeInForce,
    readonly postOnly: boolean,
    /** Time priority among our orders. */
    public seq: number,
    /** Recorded messages applied when it joined its queue. */
    public joinSeq: number,
    /** Displayed recorded quantity ahead of it; NaN while unknown. */
    public ahead: number,
  ) {}
}

export class QueuePositionBook {
  private readonly byId = new Map<number, OwnOrder>();
  /** Resting orders per side, best price first, then time. */
  private readonly bids: OwnOrder[] = [];
  private readonly asks: OwnOrder[] = [];
  /** Recorded quantity we took, per price, per side: hidden from our later takers. */
  private readonly takenBids = new Map<number, number>();
  private readonly takenAsks = new Map<number, number>();
  private nextSeq = 1;

  constructor(
    private readonly recorded: LobsterReplay,
    private readonly listener: QueueListener,
    private readonly stp: SelfTradePrevention,
  ) {}

  get orderCount(): number {
    return this.byId.size;
  }

  /** Estimated displayed quantity ahead of a resting order of ours (NaN unknown), or undefined if not resting. */
  aheadOf(id: number): number | undefined {
    return this.byId.get(id)?.ahead;
  }

  leaves(id: number): number {
    return this.byId.get(id)?.leaves ?? 0;
  }

  /** Our displayed quantity at each price of a side (for market data). */
  ownDepth(side: Side): Map<number, number> {
    const out = new Map<number, number>();
    for (const o of side === "buy" ? this.bids : this.asks) out.set(o.price, (out.get(o.price) ?? 0) + o.leaves);
    return out;
  }

  /** Recorded quantity available to our takers at a price of a side: the level less what we took. */
  available(side: Side, price: number): number {
    const direction = side === "buy" ? 1 : -1;
    return Math.max(0, this.ladder(direction).qtyOf(price) - (this.taken(direction).get(price) ?? 0));
  }

  // ---- our commands ----------------------------------------------------------------------------------------------

  limit(
    id: number,
    account: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce,
    postOnly: boolean,
  ): void {
    if (this.byId.has(id)) {
      this.listener.onRejected(id, "duplicate-order-id");
      return;
    }
    if (!validQuantity(qty)) {
      this.listener.onRejected(id, "invalid-quantity");
      return;
    }
    const direction = side === "buy" ? 1 : -1;
    if (postOnly && this.crossesContra(direction, price)) {
      this.listener.onRejected(id, "post-only-would-take");
      return;
    }
    this.enter(new OwnOrder(id, account, direction, price, qty, tif, postOnly, 0, 0, Number.NaN));
  }

  market(id: number, account: number, side: Side, qty: number, tif: "ioc" | "fok"): void {
    if (this.byId.has(id)) {
      this.listener.onRejected(id, "duplicate-order-id");
      return;
    }
    if (!validQuantity(qty)) {
      this.listener.onRejected(id, "invalid-quantity");
      return;
    }
    const direction = side === "buy" ? 1 : -1;
    const price = direction === 1 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.enter(new OwnOrder(id, account, direction, price, qty, tif, false, 0, 0, Number.NaN));
  }

  cancel(id: number): void {
    const order = this.byId.get(id);
    if (order === undefined) {
      this.listener.onCancelRejected(id);
      return;
    }
    this.remove(order);
    this.listener.onCancelled(id, order.leaves, "requested");
  }

  /** `qty` is the new leaves quantity. Same price and no increase keeps the queue place; anything else re-enters. */
  replace(id: number, price: number, qty: number): void {
    const order = this.byId.get(id);
    if (order === undefined) {
      this.listener.onReplaceRejected(id, "unknown-order");
      return;
    }
    if (!validQuantity(qty)) {
      this.listener.onReplaceRejected(id, "invalid-quantity");
      return;
    }
    if (price === order.price && qty <= order.leaves) {
      order.leaves = qty;
      this.listener.onReplaced(id, price, qty);
      return;
    }
    if (order.postOnly && this.crossesContra(order.direction, price)) {
      this.listener.onReplaceRejected(id, "post-only-would-take");
      return;
    }
    this.remove(order);
    this.listener.onReplaced(id, price, qty);
    order.price = price;
    order.leaves = qty;
    this.enter(order);
  }

  // ---- recorded flow ---------------------------------------------------------------------------------------------

  /**
   * A recorded message was just applied to the replay (and any level it uncovered surfaced). `orderSeq` is the
   * submission sequence number of its order, -1 when unknown (the book's `lastOrderSeq`).
   */
  onRecorded(type: number, size: number, price: number, direction: number, orderSeq: number): void {
    if (this.byId.size === 0) {
      if (this.takenBids.size > 0 || this.takenAsks.size > 0) this.clampTaken(direction, price);
      return;
    }
    switch (type) {
      case SUBMISSION:
        this.recordedSubmission(size, price, direction);
        break;
      case CANCELLATION:
      case DELETION:
        for (const o of this.own(direction)) {
          if (o.price !== price || Number.isNaN(o.ahead)) continue;
          if (orderSeq < 0 || orderSeq <= o.joinSeq) o.ahead = Math.max(0, o.ahead - size);
        }
        break;
      case EXECUTION:
        this.recordedExecution(size, price, direction, orderSeq);
        break;
      case HIDDEN_EXECUTION:
        this.tradeThrough(direction, price, size, this.ladder(direction).qtyOf(price) === 0);
        break;
    }
    this.clampTaken(direction, price);
    this.clampAhead(direction, price);
  }

  /** A level surfaced on a side (resync): unknown queue places there become known, and it may cross our orders. */
  onSurfaced(direction: number, price: number): void {
    this.clampTaken(direction, Number.NaN);
    if (this.byId.size === 0) return;
    const ladder = this.ladder(direction);
    for (const o of this.own(direction)) {
      if (!this.inWindow(ladder, o.price)) continue;
      const here = Math.max(0, ladder.qtyOf(o.price) - (this.taken(direction).get(o.price) ?? 0));
      o.ahead = Number.isNaN(o.ahead) ? here : Math.min(o.ahead, here);
    }
    if (!Number.isNaN(price)) this.sweepResting(-direction);
  }

  // ---- internals -------------------------------------------------------------------------------------------------

  /** Matches an incoming (or re-entering) order, then cancels or rests what is left. */
  private enter(order: OwnOrder): void {
    const { id, direction, price } = order;
    if (order.tif === "fok" && this.executable(order) < order.leaves) {
      this.listener.onCancelled(id, order.leaves, "fok-unfilled");
      return;
    }
    if (!this.take(order)) return;
    if (order.leaves === 0) return;
    if (order.tif === "ioc" || order.tif === "fok" || !Number.isFinite(price)) {
      this.listener.onCancelled(id, order.leaves, "ioc-unfilled");
      return;
    }
    const ladder = this.ladder(direction);
    order.seq = this.nextSeq++;
    order.joinSeq = this.recorded.book.seq;
    order.ahead = this.inWindow(ladder, price)
      ? Math.max(0, ladder.qtyOf(price) - (this.taken(direction).get(price) ?? 0))
      : Number.NaN;
    this.insert(order);
    this.listener.onRested(id, price, order.leaves);
  }

  /**
   * Takes from the recorded window and our resting contra orders while the order crosses; false when self-trade
   * prevention cancelled the taker.
   */
  private take(order: OwnOrder): boolean {
    const contraDirection = -order.direction;
    const contraLadder = this.ladder(contraDirection);
    const contraOwn = this.own(contraDirection);
    const taken = this.taken(contraDirection);
    while (order.leaves > 0) {
      const rank = this.bestAvailableRank(contraLadder, taken);
      const recordedPrice = rank < 0 ? Number.NaN : contraLadder.priceAt(rank);
      const recordedCrosses = rank >= 0 && crosses(order.direction, order.price, recordedPrice);
      const maker = contraOwn[0];
      const ownCrosses = maker !== undefined && crosses(order.direction, order.price, maker.price);
      if (!recordedCrosses && !ownCrosses) return true;
      if (recordedCrosses && (!ownCrosses || !contraLadder.isBetter((maker as OwnOrder).price, recordedPrice))) {
        const available = contraLadder.qtyAt(rank) - (taken.get(recordedPrice) ?? 0);
        const qty = Math.min(order.leaves, available);
        taken.set(recordedPrice, (taken.get(recordedPrice) ?? 0) + qty);
        order.leaves -= qty;
        this.listener.onTrade(null, order.id, recordedPrice, qty, 0, order.leaves);
        continue;
      }
      const m = maker as OwnOrder;
      if (m.account === order.account && this.stp !== "none") {
        if (this.stp === "cancel-incoming" || this.stp === "cancel-both") {
          if (this.stp === "cancel-both") {
            this.remove(m);
            this.listener.onCancelled(m.id, m.leaves, "self-trade");
          }
          this.listener.onCancelled(order.id, order.leaves, "self-trade");
          return false;
        }
        this.remove(m);
        this.listener.onCancelled(m.id, m.leaves, "self-trade");
        continue;
      }
      const qty = Math.min(order.leaves, m.leaves);
      m.leaves -= qty;
      order.leaves -= qty;
      if (m.leaves === 0) this.remove(m);
      this.listener.onTrade(m.id, order.id, m.price, qty, m.leaves, order.leaves);
    }
    return true;
  }

  /** What a FOK order could execute now: recorded window liquidity and our contra orders (another account's) it crosses. */
  private executable(order: OwnOrder): number {
    const contraDirection = -order.direction;
    const ladder = this.ladder(contraDirection);
    const taken = this.taken(contraDirection);
    let total = 0;
    for (let rank = 0; rank < Math.min(ladder.depth, this.recorded.levels); rank++) {
      const price = ladder.priceAt(rank);
      if (!crosses(order.direction, order.price, price)) break;
      total += Math.max(0, ladder.qtyAt(rank) - (taken.get(price) ?? 0));
    }
    for (const m of this.own(contraDirection)) {
      if (!crosses(order.direction, order.price, m.price)) break;
      if (m.account !== order.account || this.stp === "none") total += m.leaves;
    }
    return total;
  }

  /** A recorded submission: if it crosses resting orders of ours on the other side, it would have traded with them. */
  private recordedSubmission(size: number, price: number, direction: number): void {
    const contra = this.own(-direction);
    let volume = size;
    let filled = 0;
    while (volume > 0) {
      const o = contra[0];
      if (o === undefined || !crosses(o.direction, o.price, price)) break;
      const qty = Math.min(volume, o.leaves);
      volume -= qty;
      filled += qty;
      this.fillResting(o, qty);
    }
    if (filled > 0) {
      const taken = this.taken(direction);
      taken.set(price, (taken.get(price) ?? 0) + filled);
    }
  }

  /** A recorded execution of a displayed order at `price` on `direction`'s side. */
  private recordedExecution(size: number, price: number, direction: number, orderSeq: number): void {
    const own = this.own(direction);
    // FIFO: an executed order submitted after ours joined means the queue already passed ours.
    for (const o of own) {
      if (o.price === price && orderSeq >= 0 && orderSeq > o.joinSeq) o.ahead = 0;
    }
    this.tradeThrough(direction, price, size, true);
    for (const o of own) {
      if (o.price === price && !Number.isNaN(o.ahead)) o.ahead = Math.max(0, o.ahead - size);
    }
  }

  /**
   * Recorded aggressive volume `size` reached `price` on `direction`'s side: our orders at better prices fill first;
   * at `price` (when `atPrice`), the volume passes the quantity ahead of each of our orders, then fills it.
   */
  private tradeThrough(direction: number, price: number, size: number, atPrice: boolean): void {
    const own = this.own(direction);
    const ladder = this.ladder(direction);
    let volume = size;
    let passed = 0;
    let i = 0;
    while (volume > 0 && i < own.length) {
      const o = own[i] as OwnOrder;
      const better = ladder.isBetter(o.price, price);
      if (!better && !(atPrice && o.price === price)) break;
      if (!better) {
        const ahead = Number.isNaN(o.ahead) ? ladder.qtyOf(price) + size : o.ahead;
        const gap = Math.max(0, ahead - passed);
        const pass = Math.min(volume, gap);
        volume -= pass;
        passed += pass;
        if (volume === 0) break;
      }
      const qty = Math.min(volume, o.leaves);
      volume -= qty;
      if (this.fillResting(o, qty)) continue; // removed: the next order is now at index i
      i++;
    }
  }

  /** Our resting orders on `direction`'s side that cross the recorded contra window take from it (a level surfaced). */
  private sweepResting(direction: number): void {
    const own = this.own(direction);
    const contraLadder = this.ladder(-direction);
    const taken = this.taken(-direction);
    for (;;) {
      const o = own[0];
      const rank = this.bestAvailableRank(contraLadder, taken);
      if (o === undefined || rank < 0) return;
      const price = contraLadder.priceAt(rank);
      if (!crosses(direction, o.price, price)) return;
      const qty = Math.min(o.leaves, contraLadder.qtyAt(rank) - (taken.get(price) ?? 0));
      taken.set(price, (taken.get(price) ?? 0) + qty);
      o.leaves -= qty;
      if (o.leaves === 0) this.remove(o);
      this.listener.onTrade(null, o.id, price, qty, 0, o.leaves);
    }
  }

  /** Fills a resting order of ours as maker at its price; true when it is now filled (and removed). */
  private fillResting(o: OwnOrder, qty: number): boolean {
    if (qty <= 0) return false;
    o.leaves -= qty;
    const done = o.leaves === 0;
    if (done) this.remove(o);
    this.listener.onTrade(o.id, null, o.price, qty, o.leaves, 0);
    return done;
  }

  /** Rank of the best recorded level in the visible window with quantity we have not taken, or -1. */
  private bestAvailableRank(ladder: PriceLadder, taken: Map<number, number>): number {
    const window = Math.min(ladder.depth, this.recorded.levels);
    for (let rank = 0; rank < window; rank++) {
      if (ladder.qtyAt(rank) > (taken.get(ladder.priceAt(rank)) ?? 0)) return rank;
    }
    return -1;
  }

  private crossesContra(direction: number, price: number): boolean {
    const ladder = this.ladder(-direction);
    const rank = this.bestAvailableRank(ladder, this.taken(-direction));
    if (rank >= 0 && crosses(direction, price, ladder.priceAt(rank))) return true;
    const maker = this.own(-direction)[0];
    return maker !== undefined && crosses(direction, price, maker.price);
  }

  /** Whether a price of a side is inside the visible window, where the recorded quantity is known. */
  private inWindow(ladder: PriceLadder, price: number): boolean {
    const levels = this.recorded.levels;
    if (ladder.depth < levels) return true;
    const last = ladder.priceAt(levels - 1);
    return price === last || ladder.isBetter(price, last);
  }

  /** What we took at a price cannot exceed what the record still shows there (NaN price: every price of the side). */
  private clampTaken(direction: number, price: number): void {
    const taken = this.taken(direction);
    if (taken.size === 0) return;
    const ladder = this.ladder(direction);
    for (const [p, qty] of taken) {
      if (!Number.isNaN(price) && p !== price) continue;
      const there = ladder.qtyOf(p);
      if (there === 0) taken.delete(p);
      else if (qty > there) taken.set(p, there);
    }
  }

  /** Nothing can be ahead of us beyond what the record shows at our price. */
  private clampAhead(direction: number, price: number): void {
    const ladder = this.ladder(direction);
    for (const o of this.own(direction)) {
      if (o.price !== price || Number.isNaN(o.ahead) || !this.inWindow(ladder, price)) continue;
      o.ahead = Math.min(o.ahead, ladder.qtyOf(price));
    }
  }

  private insert(order: OwnOrder): void {
    const list = this.own(order.direction);
    let i = list.length;
    // Behind every order at a better or equal price (time priority at equal prices).
    while (i > 0 && this.precedes(order, list[i - 1] as OwnOrder)) i--;
    list.splice(i, 0, order);
    this.byId.set(order.id, order);
  }

  private precedes(a: OwnOrder, b: OwnOrder): boolean {
    return a.direction === 1 ? a.price > b.price : a.price < b.price;
  }

  private remove(order: OwnOrder): void {
    if (!this.byId.delete(order.id)) return;
    const list = this.own(order.direction);
    const i = list.indexOf(order);
    if (i >= 0) list.splice(i, 1);
  }

  private own(direction: number): OwnOrder[] {
    return direction === 1 ? this.bids : this.asks;
  }

  private ladder(direction: number): PriceLadder {
    return direction === 1 ? this.recorded.book.bids : this.recorded.book.asks;
  }

  private taken(direction: number): Map<number, number> {
    return direction === 1 ? this.takenBids : this.takenAsks;
  }
}

/** Whether a buy (direction 1) at `price` crosses a resting sell at `contra`, or a sell a resting buy. */
function crosses(direction: number, price: number, contra: number): boolean {
  return direction === 1 ? contra <= price : contra >= price;
}

function validQuantity(qty: number): boolean {
  return Number.isSafeInteger(qty) && qty > 0;
}
