/**
 * The kernel's state at one seq, as plain data (JSON): what `Engine.snapshot` writes and `Engine.restoreSnapshot`
 * reads, so that a restart replays only the journal after it. Everything the state hash covers is here: the orders the
 * engine holds with their current terms and fills, the released ones as counts and a digest (order-release.ts), the
 * open parents with their members and child reservations, the ClOrdIDs of the held orders, the kill switch, crossing
 * totals, the over-fill positions and the id counters. Derived books (price ladders, risk counts) are
 * rebuilt from it. Bump `KERNEL_SNAPSHOT_VERSION` on any change of shape: an older snapshot is then ignored (the
 * journal is replayed from the start instead).
 */
import type { CrossingTotals } from "../aggregation/internal-cross.js";
import type { OverFillPosition } from "../aggregation/over-fill-book.js";
import type { KillScope } from "../model/client-commands.js";
import type { Intent, PendingAmendment, Strategy, Urgency } from "../model/client-order.js";
import type { OrdType, Side } from "../model/order-types.js";
import type { ReleasedState } from "./order-release.js";

export const KERNEL_SNAPSHOT_VERSION = 3;

export interface OrderSnapshot {
  readonly orderId: number;
  readonly clOrdId: string;
  readonly previousClOrdIds: readonly string[] | null;
  readonly requestClOrdIds: readonly string[] | null;
  readonly source: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: Side;
  readonly ordType: OrdType;
  readonly orderQty: number;
  readonly limitPrice: number | null;
  readonly urgency: Urgency | null;
  readonly strategy: Strategy | null;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly maxParticipation: number | null;
  readonly allowCross: boolean;
  readonly tags: Readonly<Record<string, string>>;
  readonly arrivalTime: number;
  readonly arrivalMid: number | null;
  readonly parentId: number;
  readonly cumQty: number;
  readonly cumNotional: number;
  readonly done: "filled" | "canceled" | "expired" | null;
  readonly pending: PendingAmendment | null;
  readonly suspended: boolean;
  readonly started: boolean;
  readonly riskPrice: number;
}

export interface ParentSnapshot {
  readonly parentId: number;
  readonly key: string;
  readonly symbol: string;
  readonly side: Side;
  readonly intent: Intent;
  readonly cumQty: number;
  readonly cumNotional: number;
  readonly earliestStart: number | null;
  readonly earliestEnd: number | null;
  /** Open member orders, in arrival order. */
  readonly members: readonly number[];
  /** [childId, price (null: market), lots]. */
  readonly reservations: readonly (readonly [string, number | null, number])[];
  /** Reserved lots beyond what the members cover (an aggressive spray's over-send). */
  readonly overSentQty: number;
}

export interface KernelSnapshot {
  readonly version: number;
  readonly seq: number;
  readonly nextParentId: number;
  readonly nextFillId: number;
  readonly nextCrossId: number;
  readonly execIdsIssued: number;
  readonly crossedLots: number;
  /** Orders accepted since the start (the last order id). */
  readonly ordersAccepted: number;
  /** The orders released from memory (null: the engine releases none). */
  readonly released: ReleasedState | null;
  /** The orders the engine holds, in arrival order. */
  readonly orders: readonly OrderSnapshot[];
  readonly parents: readonly ParentSnapshot[];
  /** Per source, every ClOrdID of a held order and the order it names. */
  readonly clOrdIds: Readonly<Record<string, readonly (readonly [string, number])[]>>;
  readonly killed: readonly { readonly scope: KillScope; readonly reason: string }[];
  readonly crossing: readonly (readonly [string, CrossingTotals])[];
  readonly overFills: readonly OverFillPosition[];
}
