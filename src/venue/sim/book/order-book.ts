/**
 * The fast price-time priority matching book (the contract and exact semantics are in matching-book.ts).
 *
 * Layout: price levels per side in `SideLevels` (sorted array, best last, IntMap by price, empty levels kept for
 * reuse); orders in intrusive FIFO queues per level (`PriceLevel`: displayed, then hidden). Orders and levels are
 * pooled and reused, and ids are looked up in an open-addressing `IntMap`: steady-state operation allocates nothing.
 * A replace keeps its order's map entry.
 */
import { IntMap } from "../../../core/int-map.js";
import type { Side, TimeInForce } from "../../../model/order-types.js";
import type { BookListener, DepthLevel, MatchingBook, SelfTradePrevention } from "./matching-book.js";
import {
  BUY,
  HIDDEN,
  ICEBERG,
  type Kind,
  PLAIN,
  PriceLevel,
  RestingOrder,
  SELL,
  type SideIndex,
} from "./price-level.js";
import { SideLevels } from "./side-levels.js";

const STP_NONE = 0;
const STP_CANCEL_RESTING = 1;
const STP_CANCEL_INCOMING = 2;
const STP_CANCEL_BOTH = 3;
const STP_MODES: Record<SelfTradePrevention, number> = {
  none: STP_NONE,
  "cancel-resting": STP_CANCEL_RESTING,
  "cancel-incoming": STP_CANCEL_INCOMING,
  "cancel-both": STP_CANCEL_BOTH,
};

const SIDE_NAMES: readonly Side[] = ["buy", "sell"];

export class OrderBook implements MatchingBook {
  private readonly orders = new IntMap<RestingOrder>();
  private readonly sides: readonly [SideLevels, SideLevels] = [new SideLevels(BUY), new SideLevels(SELL)];
  private readonly orderPool: RestingOrder[] = [];
  private readonly levelPool: PriceLevel[] = [];
  private readonly stp: number;
  /** Set by `match` when self-trade prevention cancelled the taker's remainder. */
  private takerCancelled = false;

  constructor(
    private readonly listener: BookListener,
    stp: SelfTradePrevention,
  ) {
    this.stp = STP_MODES[stp];
  }

  get orderCount(): number {
    return this.orders.size;
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
    if (this.orders.has(id)) {
      this.listener.onRejected(id, "duplicate-order-id");
      return;
    }
    if (!validQuantity(qty) || !Number.isSafeInteger(displayQty) || displayQty < 0 || displayQty > qty) {
      this.listener.onRejected(id, "invalid-quantity");
      return;
    }
    const s: SideIndex = side === "buy" ? BUY : SELL;
    if (postOnly && this.crossesContra(s, price)) {
      this.listener.onRejected(id, "post-only-would-take");
      return;
    }
    const kind: Kind = displayQty === qty ? PLAIN : displayQty === 0 ? HIDDEN : ICEBERG;
    this.enter(id, account, s, price, qty, tif, postOnly, displayQty, kind, null);
  }

  market(id: number, account: number, side: Side, qty: number, tif: "ioc" | "fok"): void {
    if (this.orders.has(id)) {
      this.listener.onRejected(id, "duplicate-order-id");
      return;
    }
    if (!validQuantity(qty)) {
      this.listener.onRejected(id, "invalid-quantity");
      return;
    }
    const s: SideIndex = side === "buy" ? BUY : SELL;
    const price = s === BUY ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.enter(id, account, s, price, qty, tif, false, qty, PLAIN, null);
  }

  cancel(id: number): void {
    const order = this.orders.get(id);
    if (order === undefined) {
      this.listener.onCancelRejected(id, "unknown-order");
      return;
    }
    this.removeResting(order, "requested");
  }

  replace(id: number, price: number, qty: number): void {
    const order = this.orders.get(id);
    if (order === undefined) {
      this.listener.onReplaceRejected(id, "unknown-order");
      return;
    }
    if (!validQuantity(qty)) {
      this.listener.onReplaceRejected(id, "invalid-quantity");
      return;
    }
    const level = order.level as PriceLevel;
    if (price === order.price && qty <= order.leaves) {
      const before = level.displayed;
      order.leaves = qty;
      if (order.kind !== HIDDEN) {
        const visible = order.kind === PLAIN ? qty : Math.min(order.visible, qty);
        level.displayed += visible - order.visible;
        order.visible = visible;
      }
      this.listener.onReplaced(id, price, qty);
      if (level.displayed !== before) this.listener.onDepth(SIDE_NAMES[order.side] as Side, price, level.displayed);
      return;
    }
    if (order.postOnly && this.crossesContra(order.side, price)) {
      this.listener.onReplaceRejected(id, "post-only-would-take");
      return;
    }
    this.detach(order, level);
    this.listener.onReplaced(id, price, qty);
    this.enter(
      id,
      order.account,
      order.side,
      price,
      qty,
      order.tif,
      order.postOnly,
      order.displayQty,
      order.kind,
      order,
    );
  }

  bestPrice(side: Side): number {
    const best = this.sides[side === "buy" ? BUY : SELL].best();
    return best === undefined ? Number.NaN : best.price;
  }

  bestDisplayedPrice(side: Side): number {
    const levels = this.sides[side === "buy" ? BUY : SELL].levels;
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i] as PriceLevel;
      if (level.displayed > 0) return level.price;
    }
    return Number.NaN;
  }

  depth(side: Side, levels: number): DepthLevel[] {
    const all = this.sides[side === "buy" ? BUY : SELL].levels;
    const out: DepthLevel[] = [];
    for (let i = all.length - 1; i >= 0 && out.length < levels; i--) {
      const level = all[i] as PriceLevel;
      if (level.displayed > 0) out.push({ price: level.price, qty: level.displayed });
    }
    return out;
  }

  leaves(id: number): number {
    return this.orders.get(id)?.leaves ?? 0;
  }

  /**
   * Matches a taker and disposes of its remainder. `reuse` is the replaced order's object, kept so that a replace does
   * not go through the pool.
   */
  private enter(
    id: number,
    account: number,
    s: SideIndex,
    price: number,
    qty: number,
    tif: TimeInForce,
    postOnly: boolean,
    displayQty: number,
    kind: Kind,
    reuse: RestingOrder | null,
  ): void {
    if (tif === "fok" && this.executableQuantity(s, price, account, qty) < qty) {
      if (reuse !== null) this.forget(reuse);
      this.listener.onCancelled(id, qty, "fok-unfilled");
      return;
    }
    const remaining = this.match(id, account, s, price, qty);
    if (this.takerCancelled || remaining === 0) {
      if (reuse !== null) this.forget(reuse);
      return;
    }
    if (tif === "ioc" || tif === "fok") {
      if (reuse !== null) this.forget(reuse);
      this.listener.onCancelled(id, remaining, "ioc-unfilled");
      return;
    }
    const order = reuse ?? this.acquire();
    order.id = id;
    order.account = account;
    order.side = s;
    order.price = price;
    order.leaves = remaining;
    order.displayQty = displayQty;
    order.kind = kind;
    order.visible = kind === PLAIN ? remaining : kind === HIDDEN ? 0 : Math.min(displayQty, remaining);
    order.postOnly = postOnly;
    order.tif = tif;
    const level = this.levelFor(s, price);
    level.append(order);
    if (reuse === null) this.orders.set(id, order);
    this.listener.onRested(id, price, remaining);
    if (order.visible > 0) this.listener.onDepth(SIDE_NAMES[s] as Side, price, level.displayed);
  }

  /** Trades the taker against the contra side while it crosses; returns its remaining quantity. */
  private match(takerId: number, account: number, s: SideIndex, price: number, qty: number): number {
    this.takerCancelled = false;
    const contra = this.sides[s === BUY ? SELL : BUY];
    const listener = this.listener;
    let remaining = qty;
    while (remaining > 0) {
      const level = contra.best();
      if (level === undefined || (s === BUY ? level.price > price : level.price < price)) break;
      const makerSide = SIDE_NAMES[level.side] as Side;
      while (remaining > 0) {
        const maker = (level.displayedHead ?? level.hiddenHead) as RestingOrder;
        if (maker.account === account && this.stp !== STP_NONE) {
          if (this.stp === STP_CANCEL_INCOMING) {
            listener.onCancelled(takerId, remaining, "self-trade");
            this.takerCancelled = true;
            return remaining;
          }
          this.removeResting(maker, "self-trade");
          if (this.stp === STP_CANCEL_BOTH) {
            listener.onCancelled(takerId, remaining, "self-trade");
            this.takerCancelled = true;
            return remaining;
          }
          if (level.isEmpty()) break;
          continue;
        }
        const before = level.displayed;
        const available = maker.kind === HIDDEN ? maker.leaves : maker.visible;
        const q = Math.min(remaining, available);
        remaining -= q;
        maker.leaves -= q;
        if (maker.kind !== HIDDEN) {
          maker.visible -= q;
          level.displayed -= q;
        }
        listener.onTrade(maker.id, takerId, level.price, q, maker.leaves, remaining);
        if (maker.leaves === 0) {
          level.unlink(maker);
          this.forget(maker);
        } else if (maker.visible === 0 && maker.kind === ICEBERG) {
          level.unlink(maker);
          maker.visible = Math.min(maker.displayQty, maker.leaves);
          level.append(maker);
        }
        if (level.displayed !== before) listener.onDepth(makerSide, level.price, level.displayed);
        if (level.isEmpty()) {
          contra.emptied(level, this.releaseLevel);
          break;
        }
      }
    }
    return remaining;
  }

  /** Quantity a FOK taker could execute now (see the contract for the self-trade rule). */
  private executableQuantity(s: SideIndex, price: number, account: number, wanted: number): number {
    const levels = this.sides[s === BUY ? SELL : BUY].levels;
    const stopAtOwn = this.stp === STP_CANCEL_INCOMING || this.stp === STP_CANCEL_BOTH;
    const skipOwn = this.stp !== STP_NONE;
    let total = 0;
    for (let i = levels.length - 1; i >= 0 && total < wanted; i--) {
      const level = levels[i] as PriceLevel;
      if (s === BUY ? level.price > price : level.price < price) break;
      let atLevel = 0;
      let own = false;
      for (let o = level.displayedHead ?? level.hiddenHead; o !== null; o = o.next ?? nextQueue(o, level)) {
        if (o.account === account && skipOwn) own = true;
        else atLevel += o.leaves;
      }
      if (own && stopAtOwn) break;
      total += atLevel;
    }
    return total;
  }

  private crossesContra(s: SideIndex, price: number): boolean {
    const best = this.sides[s === BUY ? SELL : BUY].best();
    return best !== undefined && (s === BUY ? best.price <= price : best.price >= price);
  }

  /** Cancels a resting order: the cancel event, then the depth update, then the order and maybe its level go. */
  private removeResting(order: RestingOrder, reason: "requested" | "self-trade"): void {
    const level = order.level as PriceLevel;
    const before = level.displayed;
    level.unlink(order);
    this.listener.onCancelled(order.id, order.leaves, reason);
    if (level.displayed !== before) this.listener.onDepth(SIDE_NAMES[level.side] as Side, level.price, level.displayed);
    if (level.isEmpty()) this.sides[level.side].emptied(level, this.releaseLevel);
    this.forget(order);
  }

  /** Takes a resting order out of its level for a replace, reporting the depth change. */
  private detach(order: RestingOrder, level: PriceLevel): void {
    const before = level.displayed;
    level.unlink(order);
    if (level.displayed !== before) this.listener.onDepth(SIDE_NAMES[level.side] as Side, level.price, level.displayed);
    if (level.isEmpty()) this.sides[level.side].emptied(level, this.releaseLevel);
  }

  private levelFor(s: SideIndex, price: number): PriceLevel {
    const side = this.sides[s];
    const existing = side.at(price);
    if (existing !== undefined) {
      if (existing.isEmpty()) side.reused();
      return existing;
    }
    const level = this.levelPool.pop() ?? new PriceLevel();
    level.price = price;
    level.side = s;
    level.displayed = 0;
    side.insert(level);
    return level;
  }

  private acquire(): RestingOrder {
    return this.orderPool.pop() ?? new RestingOrder();
  }

  /** The order is done: out of the map and back to the pool. */
  private forget(order: RestingOrder): void {
    this.orders.delete(order.id);
    order.prev = null;
    order.next = null;
    order.level = null;
    this.orderPool.push(order);
  }

  private readonly releaseLevel = (level: PriceLevel): void => {
    level.displayedHead = null;
    level.displayedTail = null;
    level.hiddenHead = null;
    level.hiddenTail = null;
    this.levelPool.push(level);
  };
}

function validQuantity(qty: number): boolean {
  return Number.isSafeInteger(qty) && qty > 0;
}

/** After the displayed queue's tail comes the hidden queue's head. */
function nextQueue(order: RestingOrder, level: PriceLevel): RestingOrder | null {
  return order.kind === HIDDEN ? null : level.hiddenHead;
}
