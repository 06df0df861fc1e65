/**
 * The naive reference implementation of `MatchingBook`: the oracle the fast `OrderBook` is checked against.
 * Resting orders live in one plain array per side; every question (best maker, level totals, best prices, FOK
 * executable quantity) is answered by a linear scan, and a level's displayed total is summed before and after each
 * step to decide whether `onDepth` is due. Nothing is cached, so there is no derived state to drift out of sync.
 *
 * Invariants: every order in `bids`/`asks` has leaves > 0; an iceberg's slice is in 1..min(displayQty, leaves); a
 * plain order shows all its leaves, a hidden one none; sequence numbers are unique and grow (a rest, a refresh and a
 * replace that loses priority each take a fresh one). The book is never crossed after a command.
 *
 * Known limits: O(n) per match step and per query, on purpose. For tests and the property test, not for simulation.
 */
import { crosses, oppositeSide, type Side, type TimeInForce } from "../../../model/order-types.js";
import type { BookListener, DepthLevel, MatchingBook, SelfTradePrevention } from "./matching-book.js";

/** plain: shows all leaves; iceberg: shows a slice of displayQty at a time; hidden: shows nothing. */
type Visibility = "plain" | "iceberg" | "hidden";

interface Order {
  readonly id: number;
  readonly account: number;
  readonly side: Side;
  price: number;
  leaves: number;
  readonly tif: TimeInForce;
  readonly postOnly: boolean;
  readonly visibility: Visibility;
  /** As given on entry; kept through replaces. Only icebergs use it (to size a refreshed slice). */
  readonly displayQty: number;
  /** The iceberg's current displayed slice; unused for plain and hidden orders. */
  slice: number;
  seq: number;
}

function isLots(qty: number): boolean {
  return Number.isSafeInteger(qty) && qty > 0;
}

function visibilityOf(qty: number, displayQty: number): Visibility {
  if (displayQty === 0) return "hidden";
  return displayQty >= qty ? "plain" : "iceberg";
}

/** The quantity an order contributes to its level's displayed total. */
function displayed(o: Order): number {
  if (o.visibility === "plain") return o.leaves;
  if (o.visibility === "iceberg") return o.slice;
  return 0;
}

/** What a taker can trade against this maker in one step. */
function matchable(o: Order): number {
  return o.visibility === "iceberg" ? o.slice : o.leaves;
}

/** Whether `a` has priority over `b` on the same side: better price, then displayed before hidden, then time. */
function ranksBefore(a: Order, b: Order): boolean {
  if (a.price !== b.price) return a.side === "buy" ? a.price > b.price : a.price < b.price;
  const aHidden = a.visibility === "hidden";
  const bHidden = b.visibility === "hidden";
  if (aHidden !== bHidden) return bHidden;
  return a.seq < b.seq;
}

export class ReferenceBook implements MatchingBook {
  private readonly bids: Order[] = [];
  private readonly asks: Order[] = [];
  private nextSeq = 1;

  constructor(
    private readonly listener: BookListener,
    private readonly stp: SelfTradePrevention,
  ) {}

  get orderCount(): number {
    return this.bids.length + this.asks.length;
  }

  limit(
    id: number,
    account: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce,
    postOnly: boolean,
    displayQty: number,
  ): void {
    if (this.find(id) !== undefined) {
      this.listener.onRejected(id, "duplicate-order-id");
      return;
    }
    if (!isLots(qty) || !Number.isSafeInteger(displayQty) || displayQty < 0 || displayQty > qty) {
      this.listener.onRejected(id, "invalid-quantity");
      return;
    }
    if (postOnly && this.wouldTake(side, price)) {
      this.listener.onRejected(id, "post-only-would-take");
      return;
    }
    this.enter(this.newOrder(id, account, side, price, qty, tif, postOnly, displayQty));
  }

  market(id: number, account: number, side: Side, qty: number, tif: "ioc" | "fok"): void {
    if (this.find(id) !== undefined) {
      this.listener.onRejected(id, "duplicate-order-id");
      return;
    }
    if (!isLots(qty)) {
      this.listener.onRejected(id, "invalid-quantity");
      return;
    }
    const anyPrice = side === "buy" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.enter(this.newOrder(id, account, side, anyPrice, qty, tif, false, qty));
  }

  cancel(id: number): void {
    const o = this.find(id);
    if (o === undefined) {
      this.listener.onCancelRejected(id, "unknown-order");
      return;
    }
    const before = this.displayedAt(o.side, o.price);
    this.remove(o);
    this.listener.onCancelled(id, o.leaves, "requested");
    this.depthIfChanged(o.side, o.price, before);
  }

  replace(id: number, price: number, qty: number): void {
    const o = this.find(id);
    if (o === undefined) {
      this.listener.onReplaceRejected(id, "unknown-order");
      return;
    }
    if (!isLots(qty)) {
      this.listener.onReplaceRejected(id, "invalid-quantity");
      return;
    }
    if (price === o.price && qty <= o.leaves) {
      const before = this.displayedAt(o.side, o.price);
      o.leaves = qty;
      o.slice = Math.min(o.slice, qty);
      this.listener.onReplaced(id, price, qty);
      this.depthIfChanged(o.side, o.price, before);
      return;
    }
    if (o.postOnly && this.wouldTake(o.side, price)) {
      this.listener.onReplaceRejected(id, "post-only-would-take");
      return;
    }
    const before = this.displayedAt(o.side, o.price);
    this.remove(o);
    this.depthIfChanged(o.side, o.price, before);
    this.listener.onReplaced(id, price, qty);
    o.price = price;
    o.leaves = qty;
    o.slice = Math.min(o.displayQty, qty);
    this.match(o);
  }

  bestPrice(side: Side): number {
    return this.best(side, () => true);
  }

  bestDisplayedPrice(side: Side): number {
    return this.best(side, (o) => displayed(o) > 0);
  }

  depth(side: Side, levels: number): DepthLevel[] {
    const totals = new Map<number, number>();
    for (const o of this.orders(side)) {
      const shown = displayed(o);
      if (shown > 0) totals.set(o.price, (totals.get(o.price) ?? 0) + shown);
    }
    const out = [...totals].map(([price, qty]) => ({ price, qty }));
    out.sort((a, b) => (side === "buy" ? b.price - a.price : a.price - b.price));
    return out.slice(0, Math.max(0, levels));
  }

  leaves(id: number): number {
    return this.find(id)?.leaves ?? 0;
  }

  private newOrder(
    id: number,
    account: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce,
    postOnly: boolean,
    displayQty: number,
  ): Order {
    const visibility = visibilityOf(qty, displayQty);
    return { id, account, side, price, leaves: qty, tif, postOnly, visibility, displayQty, slice: displayQty, seq: 0 };
  }

  /** A validated new order: the FOK check, then matching. */
  private enter(taker: Order): void {
    if (taker.tif === "fok" && this.executable(taker) < taker.leaves) {
      this.listener.onCancelled(taker.id, taker.leaves, "fok-unfilled");
      return;
    }
    this.match(taker);
  }

  /** Trades `taker` against the contra side while it crosses, then cancels or rests what is left. */
  private match(taker: Order): void {
    const contra = oppositeSide(taker.side);
    while (taker.leaves > 0) {
      const maker = this.bestOf(contra);
      if (maker === undefined || !crosses(taker.side, taker.price, maker.price)) break;
      const before = this.displayedAt(contra, maker.price);
      if (maker.account === taker.account && this.stp !== "none") {
        if (this.stp !== "cancel-incoming") {
          this.remove(maker);
          this.listener.onCancelled(maker.id, maker.leaves, "self-trade");
          this.depthIfChanged(contra, maker.price, before);
        }
        if (this.stp !== "cancel-resting") {
          this.listener.onCancelled(taker.id, taker.leaves, "self-trade");
          return;
        }
        continue;
      }
      const qty = Math.min(taker.leaves, matchable(maker));
      maker.leaves -= qty;
      taker.leaves -= qty;
      if (maker.visibility === "iceberg") maker.slice -= qty;
      this.listener.onTrade(maker.id, taker.id, maker.price, qty, maker.leaves, taker.leaves);
      if (maker.leaves === 0) {
        this.remove(maker);
      } else if (maker.visibility === "iceberg" && maker.slice === 0) {
        maker.slice = Math.min(maker.displayQty, maker.leaves);
        maker.seq = this.nextSeq++;
      }
      this.depthIfChanged(contra, maker.price, before);
    }
    if (taker.leaves === 0) return;
    if (taker.tif === "ioc" || taker.tif === "fok") {
      this.listener.onCancelled(taker.id, taker.leaves, "ioc-unfilled");
      return;
    }
    const before = this.displayedAt(taker.side, taker.price);
    taker.slice = Math.min(taker.displayQty, taker.leaves);
    taker.seq = this.nextSeq++;
    this.orders(taker.side).push(taker);
    this.listener.onRested(taker.id, taker.price, taker.leaves);
    this.depthIfChanged(taker.side, taker.price, before);
  }

  /**
   * How much a FOK taker could fill: leaves on crossing levels, best level first. Under a prevention mode the taker's
   * own orders do not count (they would be cancelled, not traded), and under cancel-incoming and cancel-both the sum
   * stops before the first level holding one of them. Under `none` own orders count: the taker may trade with them.
   * (The contract's wording, "orders with another account", reads as if own orders never count; see the report.)
   */
  private executable(taker: Order): number {
    const contra = this.orders(oppositeSide(taker.side)).filter((o) => crosses(taker.side, taker.price, o.price));
    const prices = [...new Set(contra.map((o) => o.price))].sort((a, b) => (taker.side === "buy" ? a - b : b - a));
    const own = (o: Order): boolean => this.stp !== "none" && o.account === taker.account;
    const stopAtOwn = this.stp === "cancel-incoming" || this.stp === "cancel-both";
    let sum = 0;
    for (const price of prices) {
      const level = contra.filter((o) => o.price === price);
      if (stopAtOwn && level.some(own)) break;
      for (const o of level) if (!own(o)) sum += o.leaves;
    }
    return sum;
  }

  /** Whether an order on `side` at `price` would trade with anything resting, hidden included. */
  private wouldTake(side: Side, price: number): boolean {
    const contraBest = this.bestPrice(oppositeSide(side));
    return !Number.isNaN(contraBest) && crosses(side, price, contraBest);
  }

  private bestOf(side: Side): Order | undefined {
    let best: Order | undefined;
    for (const o of this.orders(side)) if (best === undefined || ranksBefore(o, best)) best = o;
    return best;
  }

  private best(side: Side, counts: (o: Order) => boolean): number {
    let best = Number.NaN;
    for (const o of this.orders(side)) {
      if (!counts(o)) continue;
      if (Number.isNaN(best) || (side === "buy" ? o.price > best : o.price < best)) best = o.price;
    }
    return best;
  }

  private displayedAt(side: Side, price: number): number {
    let total = 0;
    for (const o of this.orders(side)) if (o.price === price) total += displayed(o);
    return total;
  }

  private depthIfChanged(side: Side, price: number, before: number): void {
    const after = this.displayedAt(side, price);
    if (after !== before) this.listener.onDepth(side, price, after);
  }

  private orders(side: Side): Order[] {
    return side === "buy" ? this.bids : this.asks;
  }

  private find(id: number): Order | undefined {
    return this.bids.find((o) => o.id === id) ?? this.asks.find((o) => o.id === id);
  }

  private remove(o: Order): void {
    const list = this.orders(o.side);
    list.splice(list.indexOf(o), 1);
  }
}
