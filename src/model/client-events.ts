/**
 * What the engine kernel says happened, past tense, in order: the audit trail of intake, risk, aggregation, crossing,
 * fills and allocation, and the execution reports clients receive. Every event carries the kernel's sequence number
 * (gapless from 1) and the clock time in microseconds. Prices are price units, quantities lots (integers); avgPx and
 * savings are floats (analytics).
 */

import type { KillScope } from "./client-commands.js";
import type { ClientExecType, ClientOrdStatus, Intent, Strategy, Urgency } from "./client-order.js";
import type { ClientCancelRejectReason, OrderRejectReason, RejectCategory } from "./client-order-reasons.js";
import type { Liquidity } from "./execution-report.js";
import type { MarketBar } from "./market-bar.js";
import type { OrdType, Side } from "./order-types.js";

/** The venue name of a fill matched inside the engine. */
export const INTERNAL_VENUE = "INTERNAL";

interface EventBase {
  readonly seq: number;
  readonly time: number;
}

export interface OrderAccepted extends EventBase {
  readonly type: "order-accepted";
  readonly orderId: number;
  readonly clOrdId: string;
  readonly source: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: Side;
  readonly ordType: OrdType;
  readonly orderQty: number;
  readonly limitPrice: number | null;
  readonly urgency: Urgency | null;
  readonly strategy: Strategy | null;
  readonly intent: Intent;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly maxParticipation: number | null;
  readonly allowCross: boolean;
  readonly tags: Readonly<Record<string, string>>;
  readonly arrivalMid: number | null;
  readonly parentId: number;
}

export interface OrderRejected extends EventBase {
  readonly type: "order-rejected";
  readonly source: string;
  readonly clOrdId: string;
  readonly account: string;
  readonly symbol: string;
  readonly category: RejectCategory;
  readonly reason: OrderRejectReason;
  /** The field at fault, as named in the order file header (e.g. "limit_price"); null for a limit or the row. */
  readonly field: string | null;
  readonly message: string;
}

export interface CancelRejected extends EventBase {
  readonly type: "cancel-rejected";
  readonly source: string;
  readonly clOrdId: string;
  readonly origClOrdId: string;
  readonly responseTo: "cancel" | "replace";
  readonly reason: ClientCancelRejectReason;
  readonly field: string | null;
  readonly message: string;
}

export interface ParentCreated extends EventBase {
  readonly type: "parent-created";
  readonly parentId: number;
  readonly key: string;
  readonly symbol: string;
  readonly side: Side;
  readonly intent: Intent;
}

export type ParentChange =
  | "joined"
  | "left"
  | "amended"
  | "filled"
  | "started"
  | "suspended"
  | "resumed"
  | "reserved"
  | "released"
  | "over-filled"
  | "done";

export interface ParentChanged extends EventBase {
  readonly type: "parent-changed";
  readonly parentId: number;
  readonly change: ParentChange;
  readonly openOrders: number;
  /** Lots of the open orders not yet executed. */
  readonly openQty: number;
  /** Lots that may be sent to market now (started, not suspended, no pending cancel). */
  readonly workableQty: number;
  /** Lots held by child orders at venues. */
  readonly reservedQty: number;
  /** Lots executed so far. */
  readonly cumQty: number;
  /** Reserved lots beyond what the workable orders can carry: child orders to cancel. */
  readonly overReservedQty: number;
}

export interface ParentFilled extends EventBase {
  readonly type: "parent-filled";
  readonly parentId: number;
  readonly fillId: number;
  /** The child order that traded, or null (an internal cross, or a fill applied directly). */
  readonly childId: string | null;
  readonly qty: number;
  readonly price: number;
  readonly venue: string;
  readonly liquidity: Liquidity | null;
  /** Fee of this fill in millionths of the currency; negative for a rebate. */
  readonly feeMicros: number;
  /** The NBBO when the fill was applied (price units; null: that side was empty), for per-fill benchmarks. */
  readonly bid: number | null;
  readonly ask: number | null;
}

export interface Allocation {
  readonly orderId: number;
  readonly clOrdId: string;
  readonly account: string;
  readonly qty: number;
}

export interface FillAllocated extends EventBase {
  readonly type: "fill-allocated";
  readonly parentId: number;
  readonly fillId: number;
  readonly policy: string;
  readonly qty: number;
  readonly price: number;
  /** Non-zero allocations only; their quantities sum to `qty`. */
  readonly allocations: readonly Allocation[];
}

export interface InternalCross extends EventBase {
  readonly type: "internal-cross";
  readonly crossId: number;
  readonly symbol: string;
  readonly qty: number;
  /** The NBBO midpoint at the time of the cross. */
  readonly price: number;
  readonly bid: number;
  readonly ask: number;
  readonly buyParentId: number;
  readonly sellParentId: number;
  readonly buyFillId: number;
  readonly sellFillId: number;
  /** What both sides saved against taking liquidity: 2 * qty * (half spread + taker fee), in the currency (float). */
  readonly saving: number;
}

export interface ClientExecutionReport extends EventBase {
  readonly type: "execution-report";
  readonly orderId: number;
  readonly execId: string;
  readonly source: string;
  readonly clOrdId: string;
  /** The ClOrdID replaced or cancelled, for execType replaced / canceled by request; else null. */
  readonly origClOrdId: string | null;
  readonly account: string;
  readonly symbol: string;
  readonly side: Side;
  readonly ordType: OrdType;
  readonly execType: ClientExecType;
  readonly ordStatus: ClientOrdStatus;
  readonly orderQty: number;
  readonly price: number | null;
  readonly lastQty: number;
  readonly lastPx: number;
  /** LastMkt (30): the venue of this fill, INTERNAL for a cross; null when not a trade. */
  readonly lastMkt: string | null;
  readonly cumQty: number;
  readonly leavesQty: number;
  readonly avgPx: number;
  /** Why the order was cancelled or expired by the engine ("requested", "kill-switch", "end-time"); else null. */
  readonly text: string | null;
}

/**
 * A cancel, replace or expiry that must wait for child orders to shrink (FIX pending-cancel / pending-replace): the
 * requested terms, which the pending report does not carry (it shows the order's current terms, as in FIX).
 */
export interface AmendPending extends EventBase {
  readonly type: "amend-pending";
  readonly orderId: number;
  readonly source: string;
  /** The request's ClOrdID (the order's own for an expiry). */
  readonly clOrdId: string;
  readonly kind: "cancel" | "replace" | "expire";
  readonly orderQty: number;
  readonly limitPrice: number | null;
}

/** A live session opened, or resumed from its journal after a restart (times in µs). */
export interface SessionChanged extends EventBase {
  readonly type: "session";
  readonly action: "opened" | "resumed";
  readonly sessionOpen: number;
  readonly sessionEnd: number;
}

export interface KillSwitchChanged extends EventBase {
  readonly type: "kill-switch";
  readonly scope: KillScope;
  readonly active: boolean;
  readonly reason: string;
}

/** What happened to one child order of a parent: placed by a strategy, then the venue's answers. */
export type ChildAction =
  | "placed"
  | "acknowledged"
  | "replace-requested"
  | "replaced"
  | "replace-rejected"
  | "cancel-requested"
  | "cancelled"
  | "rejected"
  | "expired"
  | "filled";

/** The tactic a child order was placed with (algo/child-tactics.ts). */
export type ChildTactic = "passive" | "midpoint" | "aggressive";

export interface ChildOrderChanged extends EventBase {
  readonly type: "child-order";
  readonly parentId: number;
  readonly childId: string;
  readonly venue: string;
  readonly action: ChildAction;
  readonly symbol: string;
  readonly side: Side;
  readonly tactic: ChildTactic;
  /** Limit price in price units; null for a market order or a pegged midpoint order. */
  readonly price: number | null;
  /** The child's order quantity (lots) after this action. */
  readonly orderQty: number;
  /** Lots of the child still working at the venue after this action. */
  readonly leavesQty: number;
  /** The price its parent's reservation for it protects (null: market; see ParentOrder.protectionFor). */
  readonly reservedPrice: number | null;
  /** The venue's or the strategy's reason (a reject text, "stale", "ahead-of-schedule", ...); else null. */
  readonly reason: string | null;
  /** Placed by an aggressive spray beyond what the parent's orders cover: the lots of it reserved as over-sent. */
  readonly overSentQty?: number;
}

/**
 * A child filled beyond every open order of its parent (an aggressive spray's fills racing its cancels): the lots are
 * not allocated to any client; they are the firm's over-fill position in the parent's instrument, kept and reported
 * (Engine.overFills) for the desk to unwind. Follows the parent-filled / fill-allocated pair of the same child fill
 * when part of it went to the orders.
 */
export interface OverFill extends EventBase {
  readonly type: "over-fill";
  readonly parentId: number;
  readonly childId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly venue: string;
  readonly liquidity: Liquidity | null;
  /** Fee of these lots in millionths of the currency (their share of the child fill's fee). */
  readonly feeMicros: number;
  /** The parent's over-fill position after it: lots and notional (lots x price units). */
  readonly positionQty: number;
  readonly positionNotional: number;
}

/** The algorithm a parent is worked with, chosen when it first trades (algo/auto-policy.ts). */
export interface AlgoChosen extends EventBase {
  readonly type: "algo-chosen";
  readonly parentId: number;
  readonly symbol: string;
  readonly side: Side;
  readonly algo: "twap" | "vwap" | "pov" | "is";
  readonly urgency: Urgency;
  /** The window, µs. */
  readonly startTime: number;
  readonly endTime: number;
  readonly quantity: number;
  readonly aggressiveness: number;
  readonly useDark: boolean;
  readonly completeByEnd: boolean;
  readonly maxParticipation: number | null;
  readonly povRate: number;
  readonly riskAversion: number;
  /** The NBBO mid when the algorithm started (price units, float), or null without a two-sided quote. */
  readonly arrivalMid: number | null;
  /**
   * IS only (else null): the urgency kappa of the Almgren-Chriss trajectory of its first plan, per second, planned from
   * this event's time to `endTime`: the schedule TCA tracks (lots left = sinh(kappa (T - t)) / sinh(kappa T)).
   */
  readonly kappaPerSecond: number | null;
}

/** A venue as the router saw it when it routed a child (routing-decision). Prices: price units; fees: per share. */
export interface RoutedVenue {
  readonly venue: string;
  readonly available: boolean;
  readonly bid: number | null;
  readonly ask: number | null;
  readonly bidQty: number;
  readonly askQty: number;
  readonly makerFee: number;
  readonly takerFee: number;
  readonly fillProbability: number;
  readonly hiddenRate: number;
}

/** Where the router sent a child the algorithm asked for, why, and from what it knew (router/). */
export interface RoutingDecision extends EventBase {
  readonly type: "routing-decision";
  readonly parentId: number;
  readonly symbol: string;
  readonly side: Side;
  readonly logic:
    | "sequential"
    | "spray"
    | "aggressive-spray"
    | "liquidity-seeking"
    | "optimal"
    | "best-venue"
    | "equal-split";
  /** What the algorithm asked for: tactic, price and lots. */
  readonly tactic: ChildTactic;
  readonly price: number;
  readonly qty: number;
  readonly venues: readonly RoutedVenue[];
  /** The child orders sent (their ids are in their child-order events). */
  readonly children: readonly {
    readonly childId: string;
    readonly venue: string;
    readonly tactic: ChildTactic;
    readonly price: number;
    readonly qty: number;
  }[];
  /** The logic's one-line explanation (ranking, split). */
  readonly note: string;
}

export type EngineEvent =
  | OrderAccepted
  | OrderRejected
  | CancelRejected
  | ParentCreated
  | ParentChanged
  | ParentFilled
  | FillAllocated
  | InternalCross
  | ClientExecutionReport
  | KillSwitchChanged
  | AmendPending
  | SessionChanged
  | ChildOrderChanged
  | OverFill
  | AlgoChosen
  | RoutingDecision
  | MarketBar;

export type EngineListener = (event: EngineEvent) => void;
