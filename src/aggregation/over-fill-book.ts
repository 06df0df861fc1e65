/**
 * The firm's over-fill positions: per parent, the lots its children filled beyond every client order of it (an
 * aggressive spray whose fills raced its cancels), never allocated to a client. A desk unwinds them by hand or books
 * them to its own account; the engine keeps them (journal, snapshot, state hash) and reports them, and never trades
 * them away itself. A position outlives its parent (a retired parent's position stays until the desk deals with it).
 * Invariants: quantities are whole lots, notional is lots x price units (safe integers), one position per parent.
 */
import { InvariantError } from "../core/errors.js";
import type { Side } from "../model/order-types.js";

export interface OverFillPosition {
  readonly parentId: number;
  readonly symbol: string;
  readonly side: Side;
  /** Lots over-filled (bought for a buy parent, sold for a sell parent). */
  qty: number;
  /** Sum of lots x price over the over-fills, price units. */
  notional: number;
  /** Fees of the over-filled lots, millionths of the currency. */
  feeMicros: number;
  /** Child fills that over-filled. */
  fills: number;
}

export class OverFillBook {
  private readonly positions = new Map<number, OverFillPosition>();

  /** Adds an over-fill of `qty` lots at `price` to the parent's position; returns the position after it. */
  add(parentId: number, symbol: string, side: Side, qty: number, price: number, feeMicros: number): OverFillPosition {
    if (!Number.isSafeInteger(qty) || qty <= 0) throw new InvariantError(`over-fill of ${qty} lots`);
    let position = this.positions.get(parentId);
    if (position === undefined) {
      position = { parentId, symbol, side, qty: 0, notional: 0, feeMicros: 0, fills: 0 };
      this.positions.set(parentId, position);
    }
    position.qty += qty;
    position.notional += qty * price;
    position.feeMicros += feeMicros;
    position.fills++;
    if (!Number.isSafeInteger(position.notional))
      throw new InvariantError(`over-fill notional of parent ${parentId} is no longer a safe integer`);
    return position;
  }

  get(parentId: number): OverFillPosition | undefined {
    return this.positions.get(parentId);
  }

  /** Every position, by parent id (copies). */
  list(): OverFillPosition[] {
    return [...this.positions.values()].sort((a, b) => a.parentId - b.parentId).map((p) => ({ ...p }));
  }

  /** Puts back positions as a snapshot recorded them. */
  restore(positions: readonly OverFillPosition[]): void {
    for (const p of positions) this.positions.set(p.parentId, { ...p });
  }
}
