/**
 * The child orders that were working at the venues when a journal ends: folded from its `child-order` events and the
 * fills of children (`parent-filled` with a child id), for the executor to take over after a restart
 * (`AlgoExecutor.resume`). For each: where it works, its terms now, what it has executed (so a venue that outlived us
 * can tell a fill we already applied from one we missed), and the ClOrdIDs the venue may know it by (the executor numbers a child's cancels and replaces `C7-X1`, `C7-R2`, ... from
 * one counter, so the count of both tells the next number, and a confirmed replace tells the venue's current id).
 * Also the highest child number issued, so that no child id is ever used twice.
 */
import type { ChildOrderChanged, ChildTactic, EngineEvent } from "../model/client-events.js";
import type { Side } from "../model/order-types.js";

export interface OpenChild {
  readonly parentId: number;
  readonly childId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly side: Side;
  readonly tactic: ChildTactic;
  price: number;
  /** Its quantity now (a confirmed replace may have reduced it). */
  orderQty: number;
  leavesQty: number;
  readonly reservedPrice: number | null;
  /** The ClOrdID the venue knows it by, and the last one asked for (a replace in flight). */
  venueOrderId: string;
  requestedId: string;
  /** Every ClOrdID it has had. */
  readonly orderIds: string[];
  /** Cancels and replaces sent so far. */
  amendments: number;
  /** Lots executed, and their value (lots x price units), as journaled. */
  cumQty: number;
  notional: number;
}

const ENDED = new Set(["filled", "cancelled", "rejected", "expired"]);

export class OpenChildren {
  private readonly open = new Map<string, OpenChild>();
  /** The highest `C<n>` child number seen. */
  lastNumber = 0;

  /** As plain data, for a snapshot. */
  state(): { readonly lastNumber: number; readonly children: readonly OpenChild[] } {
    return { lastNumber: this.lastNumber, children: this.list() };
  }

  /** Back from `state()`. */
  static from(state: { readonly lastNumber: number; readonly children: readonly OpenChild[] }): OpenChildren {
    const open = new OpenChildren();
    open.lastNumber = state.lastNumber;
    for (const child of state.children) {
      // Snapshots from before fills were folded in carry no cumQty: the journal after them still adds the later fills.
      const cumQty = child.cumQty ?? 0;
      const notional = child.notional ?? 0;
      open.open.set(child.childId, { ...child, orderIds: [...child.orderIds], cumQty, notional });
    }
    return open;
  }

  /** Folds one event in (anything but a `child-order` event or a child's fill is ignored). */
  apply(event: EngineEvent): void {
    if (event.type === "child-order") this.onChild(event);
    else if (event.type === "parent-filled" && event.childId !== null) {
      const child = this.open.get(event.childId);
      if (child === undefined) return;
      child.cumQty += event.qty;
      child.notional += event.qty * event.price;
      child.leavesQty = Math.max(0, child.leavesQty - event.qty);
    }
  }

  /** The children still working, in the order they were placed. */
  list(): OpenChild[] {
    return [...this.open.values()];
  }

  private onChild(event: ChildOrderChanged): void {
    const id = event.childId;
    if (event.action === "placed") {
      const n = Number(id.slice(1));
      if (Number.isSafeInteger(n) && n > this.lastNumber) this.lastNumber = n;
      this.open.set(id, {
        parentId: event.parentId,
        childId: id,
        venue: event.venue,
        symbol: event.symbol,
        side: event.side,
        tactic: event.tactic,
        price: event.price ?? 0,
        orderQty: event.orderQty,
        leavesQty: event.leavesQty,
        reservedPrice: event.reservedPrice,
        venueOrderId: id,
        requestedId: id,
        orderIds: [id],
        amendments: 0,
        cumQty: 0,
        notional: 0,
      });
      return;
    }
    const child = this.open.get(id);
    if (child === undefined) return;
    if (ENDED.has(event.action)) {
      this.open.delete(id);
      return;
    }
    child.leavesQty = event.leavesQty;
    switch (event.action) {
      case "replace-requested":
        child.requestedId = `${id}-R${++child.amendments}`;
        child.orderIds.push(child.requestedId);
        child.price = event.price ?? child.price;
        break;
      case "replaced":
        child.venueOrderId = child.requestedId;
        child.orderQty = event.orderQty;
        break;
      case "replace-rejected":
        child.requestedId = child.venueOrderId;
        child.price = event.price ?? child.price;
        break;
      case "cancel-requested":
        child.amendments++;
        break;
      default:
    }
  }
}
