/**
 * A parent order: the working client orders that share an aggregation key, worked in the market as one.
 *
 * It keeps three ladders of open quantity by limit (see price-ladder.ts):
 * - `allocatable`: every open order that has started: what a fill may be allocated to;
 * - `workable`: the allocatable orders that may be worked now (no pending cancel/replace shrink, not suspended by a
 *   kill switch): what new child orders may carry;
 * - `crossable`: the workable orders that allow internal crossing.
 * and the reservations of the child orders working in the market (one price at a time, see below).
 *
 * Invariants (checked by the engine on every change, property-tested):
 * - reservation cover: the reserved lots never exceed the allocatable lots at the reservation's price, so every child
 *   fill can be allocated to orders whose limits allow it, without overfilling any;
 * - a new child at price p carries at most `available(p)` = workable(p) - reserved;
 * - the ladders equal the sums of their orders' contributions.
 * Over-send (an aggressive spray, router/routing-logics.ts): a child may be reserved beyond what the orders cover, by
 * lots it declares (`overSentQty`, pooled over the parent's children). Those are the first lots a cancel gives back and
 * the only ones a fill beyond every order may take (an over-fill, kept by the engine as the firm's position, never
 * allocated); the cover invariant holds for the rest: reservedQty - overSentQty <= allocatable at the reservation price.
 * Known limit: all reservations of a parent share one price (or market). A pro-rata allocation of a fill at a better
 * price may take quantity from high-limit orders that a second, more aggressive child would need, so children at two
 * prices could not both be covered; the executor reserves every child of a parent at one protection price (the far
 * touch or the limit) and `reserve` enforces it.
 */
import { InvariantError } from "../core/errors.js";
import { aggressiveness, type ClientOrder, type Intent } from "../model/client-order.js";
import type { Side } from "../model/order-types.js";
import { PriceLadder } from "./price-ladder.js";

const NO_ACCOUNTS: ReadonlyMap<string, number> = new Map();

/**
 * Told when one order's crossable contribution in a parent changes (self-match.ts): its account's lots in the parent
 * before and after, and the order's lots and limit key before and after.
 */
export type CrossLotsListener = (
  parent: ParentOrder,
  account: string,
  before: number,
  after: number,
  move: CrossMove,
) => void;

/** One order's crossable lots at its limit key, before and after a change. */
export interface CrossMove {
  fromKey: number;
  fromQty: number;
  toKey: number;
  toQty: number;
}

export interface Reservation {
  readonly childId: string;
  readonly price: number | null;
  qty: number;
}

export class ParentOrder {
  /** Constituents in arrival order; removed ones are null until compaction. */
  private slots: (ClientOrder | null)[] = [];
  private holes = 0;
  /** No live slot before this index (see `firstSlot`). */
  private head = 0;
  readonly allocatable = new PriceLadder();
  readonly workable = new PriceLadder();
  readonly crossable = new PriceLadder();
  /**
   * Crossable lots by account (any price), for self-match prevention (aggregation/internal-cross.ts); null when the
   * engine does not prevent self-matches. Accounts with none are left out.
   */
  private crossAccounts: Map<string, number> | null = null;
  private onCrossLots: CrossLotsListener | null = null;
  readonly reservations = new Map<string, Reservation>();
  reservedQty = 0;
  /** Reserved lots no order covers (deliberately over-sent child quantity); at most `reservedQty`. */
  overSentQty = 0;
  /** Aggressiveness key of the reservations' price (meaningful while reservedQty > 0). */
  reservedKey = Number.NEGATIVE_INFINITY;
  reservedPrice: number | null = null;
  openOrders = 0;
  /** The earliest start and end time of any order that ever joined (µs), or null: the parent's window. */
  earliestStart: number | null = null;
  earliestEnd: number | null = null;
  cumQty = 0;
  cumNotional = 0;
  /**
   * Bumped whenever a constituent joins, is cancelled or expires, changes terms, starts or is suspended: ends a
   * pro-rata epoch. An order leaving because it is filled does not bump it (see allocation/pro-rata.ts).
   */
  version = 0;
  /** Pro-rata state (see allocation/pro-rata.ts). */
  epochId = -1;
  epochVersion = -1;
  epochMembers = 0;
  /** Members of the epoch that have been filled completely (and so left the eligible set). */
  epochCompleted = 0;
  epochFilled = 0;
  epochWeight = 0;
  epochMaxWeight = 0;
  /** Tie-break rotation: the orderId of the last order that won a tie. */
  rotation = -1;

  constructor(
    readonly parentId: number,
    readonly key: string,
    readonly symbol: string,
    readonly side: Side,
    readonly intent: Intent,
  ) {}

  /** Open constituents in arrival order. */
  *orders(): IterableIterator<ClientOrder> {
    for (const order of this.slots) if (order !== null) yield order;
  }

  /** The raw slot array (null = removed), for hot loops; do not mutate. */
  get constituentSlots(): readonly (ClientOrder | null)[] {
    return this.slots;
  }

  /** Index of the first live slot: every slot before it is removed (time-priority fills empty the front). */
  get firstSlot(): number {
    const slots = this.slots;
    let head = this.head;
    while (head < slots.length && slots[head] === null) head++;
    this.head = head;
    return head;
  }

  get openQty(): number {
    let sum = 0;
    for (const order of this.slots) if (order !== null) sum += order.leavesQty;
    return sum;
  }

  /** The smallest participation cap of the constituents, or null. */
  get maxParticipation(): number | null {
    let cap: number | null = null;
    for (const order of this.slots) {
      if (order?.maxParticipation != null && (cap === null || order.maxParticipation < cap)) {
        cap = order.maxParticipation;
      }
    }
    return cap;
  }

  /** Most aggressive workable limit as a price (null = market or nothing workable). */
  bestWorkablePrice(): number | null {
    const key = this.workable.best;
    if (key === Number.POSITIVE_INFINITY || key === Number.NEGATIVE_INFINITY) return null;
    return this.side === "buy" ? key : -key;
  }

  join(order: ClientOrder): void {
    order.parentId = this.parentId;
    order.slot = this.slots.length;
    this.slots.push(order);
    this.openOrders++;
    if (order.startTime !== null && (this.earliestStart === null || order.startTime < this.earliestStart)) {
      this.earliestStart = order.startTime;
    }
    if (order.endTime !== null && (this.earliestEnd === null || order.endTime < this.earliestEnd)) {
      this.earliestEnd = order.endTime;
    }
    this.version++;
    this.refresh(order);
  }

  /** Re-derives an order's ladder contributions from its state (after any change to it). */
  refresh(order: ClientOrder): void {
    const open = order.done === null;
    const allocQty = open && order.started ? order.orderQty - order.cumQty : 0;
    const allocKey = aggressiveness(order.side, order.limitPrice);
    let workQty = allocQty;
    let workKey = allocKey;
    const pending = order.pending;
    if (order.suspended || pending?.kind === "cancel" || pending?.kind === "expire") workQty = 0;
    else if (pending !== null) {
      // A pending replace works on the narrower of the old and the new terms until it completes.
      workQty = Math.min(workQty, Math.max(0, pending.orderQty - order.cumQty));
      workKey = Math.min(workKey, aggressiveness(order.side, pending.limitPrice));
    }
    if (order.allocQty !== allocQty || order.allocKey !== allocKey) {
      this.allocatable.move(order.allocKey, order.allocQty, allocKey, allocQty);
    }
    if (order.workQty !== workQty || order.workKey !== workKey) {
      this.workable.move(order.workKey, order.workQty, workKey, workQty);
      // `crossQty` follows `workQty` (all of it when the order allows crossing, else none).
      if (order.allowCross) {
        this.crossable.move(order.workKey, order.workQty, workKey, workQty);
        // A change of limit alone is told too (the lots stay): who may cross at a price changed.
        if (this.crossAccounts !== null)
          this.addCrossLots(order.account, order.workKey, order.workQty, workKey, workQty);
      }
    }
    order.allocQty = allocQty;
    order.allocKey = allocKey;
    order.workQty = workQty;
    order.workKey = workKey;
  }

  /** Keeps crossable lots by account from now on (before any order joins), telling `listener` of each change. */
  trackCrossAccounts(listener: CrossLotsListener): void {
    if (this.openOrders > 0) throw new InvariantError(`parent ${this.parentId}: accounts tracked after orders joined`);
    this.crossAccounts = new Map();
    this.onCrossLots = listener;
  }

  /** Crossable lots by account (any price); empty when not tracked. */
  get crossLotsByAccount(): ReadonlyMap<string, number> {
    return this.crossAccounts ?? NO_ACCOUNTS;
  }

  /** The crossable lots of `accounts`' orders by limit, as a ladder (reads every order). */
  crossableLadderOf(accounts: ReadonlySet<string>): PriceLadder {
    const ladder = new PriceLadder();
    for (const order of this.slots) {
      if (order !== null && order.crossQty > 0 && accounts.has(order.account))
        ladder.add(order.workKey, order.crossQty);
    }
    return ladder;
  }

  /** The last change told (one object, reused: no allocation per change). */
  private readonly crossMove: CrossMove = { fromKey: 0, fromQty: 0, toKey: 0, toQty: 0 };

  private addCrossLots(account: string, fromKey: number, fromQty: number, toKey: number, toQty: number): void {
    const lots = toQty - fromQty;
    const map = this.crossAccounts as Map<string, number>;
    const before = map.get(account) ?? 0;
    const after = before + lots;
    if (after === 0) map.delete(account);
    else if (lots !== 0) map.set(account, after);
    const move = this.crossMove;
    move.fromKey = fromKey;
    move.fromQty = fromQty;
    move.toKey = toKey;
    move.toQty = toQty;
    this.onCrossLots?.(this, account, before, after, move);
  }

  /**
   * Takes a done order out (its contributions must already be zero: call `refresh` first). The caller bumps `version`
   * when the order leaves for any reason other than being filled.
   */
  remove(order: ClientOrder): void {
    if (order.slot < 0 || this.slots[order.slot] !== order)
      throw new InvariantError(`order ${order.orderId} is not in parent ${this.parentId}`);
    if (order.allocQty !== 0 || order.workQty !== 0)
      throw new InvariantError(`order ${order.orderId} leaves with open quantity`);
    this.slots[order.slot] = null;
    order.slot = -1;
    this.openOrders--;
    if (++this.holes > 32 && this.holes * 2 > this.slots.length) this.compact();
  }

  /** Lots a fill at `price` can be allocated to (orders whose limits allow it). */
  fillCapacity(price: number): number {
    return this.allocatable.atOrAbove(aggressiveness(this.side, price));
  }

  /** Lots a new child order at `price` (null = market) may carry now. */
  available(price: number | null): number {
    const key = aggressiveness(this.side, price);
    if (this.reservedQty > 0 && key !== this.reservedKey) return 0;
    return Math.max(0, this.workable.atOrAbove(key) - this.coveredQty);
  }

  /** Reserved lots the orders must cover (all but the over-sent ones). */
  get coveredQty(): number {
    return this.reservedQty - this.overSentQty;
  }

  /**
   * The price to reserve a new child at when it may trade as far as `price` (null = market): the current reservation's
   * price when that allows `price`; else the least aggressive workable limit that allows it (null when that is a market
   * order); undefined when no workable order allows it, or when a reservation exists at a price that does not allow it
   * (its children must go first). Between two limits of the ladder the eligible quantity is the same, so reserving at
   * the limit rather than at `price` carries as much and stays valid while the market moves up to that limit.
   */
  protectionFor(price: number | null): number | null | undefined {
    const key = aggressiveness(this.side, price);
    if (this.reservedQty > 0) return key <= this.reservedKey ? this.reservedPrice : undefined;
    const level = this.workable.levelAtOrAbove(key);
    if (level === Number.NEGATIVE_INFINITY) return undefined;
    if (level === Number.POSITIVE_INFINITY) return null;
    return this.side === "buy" ? level : -level;
  }

  /** Reserved lots beyond what the workable orders can carry at the reservation price: child quantity to cancel. */
  get overReservedQty(): number {
    if (this.reservedQty === 0) return 0;
    return Math.max(0, this.coveredQty - this.workable.atOrAbove(this.reservedKey));
  }

  /**
   * Lots that may be crossed internally at `price` without uncovering any reservation, `excluded` of the crossable
   * lots left out (those of accounts that sit the cross out).
   */
  crossableAt(price: number, excluded = 0): number {
    const key = aggressiveness(this.side, price);
    const crossable = this.crossable.atOrAbove(key) - excluded;
    if (this.reservedQty === 0 || crossable <= 0) return Math.max(0, crossable);
    // Worst case the cross is allocated entirely to orders that also cover the reservation.
    const slack = this.allocatable.atOrAbove(this.reservedKey) - this.coveredQty;
    return Math.max(0, Math.min(crossable, slack));
  }

  /** Whether the reservations stay covered if `order` contributed `allocQty` at `allocKey` instead of what it does. */
  coveredWith(order: ClientOrder, allocQty: number, allocKey: number): boolean {
    if (this.reservedQty === 0) return true;
    const rk = this.reservedKey;
    const before = order.allocKey >= rk ? order.allocQty : 0;
    const after = allocKey >= rk ? allocQty : 0;
    return this.allocatable.atOrAbove(rk) - before + after >= this.coveredQty;
  }

  /**
   * Reserves `qty` lots for a child at `price`, `overSend` of them beyond what the orders cover (0 but for an
   * aggressive spray): the rest must be available, and every reservation shares one price.
   */
  reserve(childId: string, price: number | null, qty: number, overSend = 0): void {
    if (this.reservations.has(childId)) throw new InvariantError(`child ${childId} is already reserved`);
    const key = aggressiveness(this.side, price);
    const samePrice = this.reservedQty === 0 || key === this.reservedKey;
    const valid = Number.isSafeInteger(overSend) && overSend >= 0 && overSend <= qty;
    if (qty <= 0 || !valid || !samePrice || qty - overSend > this.available(price)) {
      throw new InvariantError(
        `reserve ${qty} (${overSend} over-sent) for ${childId} in parent ${this.parentId}: only ${this.available(price)} available`,
      );
    }
    this.reservations.set(childId, { childId, price, qty });
    this.reservedQty += qty;
    this.overSentQty += overSend;
    this.reservedKey = key;
    this.reservedPrice = price;
  }

  /**
   * Puts back a reservation as it stood (recovery from a snapshot): no availability check, since the orders may have
   * shrunk under it since it was made (over-reserved, to be cancelled).
   */
  restoreReservation(childId: string, price: number | null, qty: number): void {
    if (this.reservations.has(childId)) throw new InvariantError(`child ${childId} is already reserved`);
    this.reservations.set(childId, { childId, price, qty });
    this.reservedQty += qty;
    this.reservedKey = aggressiveness(this.side, price);
    this.reservedPrice = price;
  }

  /**
   * A child filled `qty` lots allocated to the orders: its reservation shrinks (the covered lots first: the over-sent
   * ones stay over-sent while any reservation is left for them).
   */
  release(childId: string, qty: number): Reservation {
    const reservation = this.shrink(childId, qty);
    if (this.overSentQty > this.reservedQty) this.overSentQty = this.reservedQty;
    return reservation;
  }

  /** A child filled `qty` lots beyond every order (an over-fill): over-sent lots, gone from its reservation. */
  overFill(childId: string, qty: number): void {
    if (qty > this.overSentQty)
      throw new InvariantError(`over-fill of ${qty} in parent ${this.parentId}: only ${this.overSentQty} over-sent`);
    this.shrink(childId, qty);
    this.overSentQty -= qty;
  }

  /**
   * A child may fill only `qty` lots more (reduced at its venue; 0: it is done, cancelled, expired or rejected): the
   * rest of its reservation goes back, over-sent lots first.
   */
  shrinkTo(childId: string, qty: number): void {
    const reservation = this.reservations.get(childId);
    if (reservation === undefined || reservation.qty <= qty) return;
    const rest = reservation.qty - Math.max(0, qty);
    this.shrink(childId, rest);
    this.overSentQty = Math.max(0, this.overSentQty - rest);
  }

  private shrink(childId: string, qty: number): Reservation {
    const reservation = this.reservations.get(childId);
    if (reservation === undefined) throw new InvariantError(`no reservation for child ${childId}`);
    if (qty < 0 || qty > reservation.qty)
      throw new InvariantError(`release ${qty} of ${reservation.qty} for ${childId}`);
    reservation.qty -= qty;
    this.reservedQty -= qty;
    if (reservation.qty === 0) this.reservations.delete(childId);
    if (this.reservations.size === 0) {
      this.reservedKey = Number.NEGATIVE_INFINITY;
      this.reservedPrice = null;
    }
    return reservation;
  }

  /** Checks the ladders against the orders and the reservation cover; throws on a broken invariant. */
  audit(): void {
    let alloc = 0;
    let work = 0;
    let cross = 0;
    let open = 0;
    for (const order of this.slots) {
      if (order === null) continue;
      open++;
      alloc += order.allocQty;
      work += order.workQty;
      cross += order.crossQty;
    }
    if (open !== this.openOrders)
      throw new InvariantError(`parent ${this.parentId}: ${open} open orders, counted ${this.openOrders}`);
    if (alloc !== this.allocatable.total || work !== this.workable.total || cross !== this.crossable.total) {
      throw new InvariantError(`parent ${this.parentId}: ladders out of step with their orders`);
    }
    if (this.crossAccounts !== null) {
      const byAccount = new Map<string, number>();
      for (const order of this.slots) {
        if (order !== null && order.crossQty > 0)
          byAccount.set(order.account, (byAccount.get(order.account) ?? 0) + order.crossQty);
      }
      const same =
        byAccount.size === this.crossAccounts.size &&
        [...byAccount].every(([account, lots]) => this.crossAccounts?.get(account) === lots);
      if (!same) throw new InvariantError(`parent ${this.parentId}: crossable lots by account out of step`);
    }
    if (this.overSentQty < 0 || this.overSentQty > this.reservedQty) {
      throw new InvariantError(
        `parent ${this.parentId}: ${this.overSentQty} over-sent of ${this.reservedQty} reserved`,
      );
    }
    if (this.reservedQty > 0 && this.allocatable.atOrAbove(this.reservedKey) < this.coveredQty) {
      throw new InvariantError(`parent ${this.parentId}: ${this.coveredQty} reserved lots are not covered`);
    }
  }

  private compact(): void {
    const kept: ClientOrder[] = [];
    for (const order of this.slots) {
      if (order === null) continue;
      order.slot = kept.length;
      kept.push(order);
    }
    this.slots = kept;
    this.holes = 0;
    this.head = 0;
  }
}
