/**
 * A client order as the engine keeps it once accepted: the normalised terms (integers: lots and price units), the
 * enrichment made at intake (arrival time, arrival mid, the source's metadata) and the execution state in FIX terms
 * (cumQty, leavesQty, avgPx, OrdStatus). One object per order, mutated only by the engine kernel.
 *
 * Invariants (checked by the engine, tested by property tests): 0 <= cumQty <= orderQty; leavesQty = orderQty - cumQty
 * while the order is open and 0 once it is done; every execution price respects `limitPrice`; cumNotional is the sum
 * of lastQty * lastPx (a float, used only for avgPx).
 * Intake builds a million of these a second, so the object holds only what most orders need (the field count is most
 * of the cost of building one): the rarely given instructions sit in a shared record (`OrderInstructions`), urgency and
 * strategy in one of 24 shared records (`OrderIntent`), the ClOrdIDs of replaces and amendment requests in a record made
 * at the first one (`ClOrdIdHistory`), the done state and the started and suspended flags in one integer (`lifecycle`),
 * and what derives from other fields (ordType, crossQty) is a getter.
 * Known limits: avgPx is a float (price units), as in the venue reports; a replace keeps the order's arrival time.
 */
import { InvariantError } from "../core/errors.js";
import type { OrdType, Side } from "./order-types.js";

export type Urgency = "low" | "medium" | "high";
export const URGENCIES: readonly Urgency[] = ["low", "medium", "high"];

/** An explicit execution strategy; `auto` lets the engine choose from the urgency. */
export type Strategy = "twap" | "vwap" | "pov" | "is" | "auto";
export const STRATEGIES: readonly Strategy[] = ["twap", "vwap", "pov", "is", "auto"];

/**
 * What the client wants done, as the aggregation key sees it: an explicit strategy other than `auto`, or an urgency
 * bucket (an order with neither, or with `auto`, is `urgency-medium` unless it names an urgency).
 */
export type Intent = "twap" | "vwap" | "pov" | "is" | "urgency-low" | "urgency-medium" | "urgency-high";
export const INTENTS: readonly Intent[] = [
  "twap",
  "vwap",
  "pov",
  "is",
  "urgency-low",
  "urgency-medium",
  "urgency-high",
];

export function intentOf(urgency: Urgency | null, strategy: Strategy | null): Intent {
  if (strategy !== null && strategy !== "auto") return strategy;
  // Constant strings, not a template: intents are map keys on the hot path.
  return urgency === "low" ? "urgency-low" : urgency === "high" ? "urgency-high" : "urgency-medium";
}

/**
 * An order's urgency and strategy as given, and the intent they make: one frozen record per pair, shared by every order
 * giving that pair, so the order keeps one field for the two and its intent (and the intent's position in `INTENTS`,
 * aggregation's index) is read, not derived, per order.
 */
export interface OrderIntent {
  readonly urgency: Urgency | null;
  readonly strategy: Strategy | null;
  readonly intent: Intent;
  /** Position of `intent` in `INTENTS`. */
  readonly intentIndex: number;
}

const URGENCY_CHOICES: readonly (Urgency | null)[] = [null, ...URGENCIES];
const STRATEGY_CHOICES: readonly (Strategy | null)[] = [null, ...STRATEGIES];
const ORDER_INTENTS: readonly OrderIntent[] = URGENCY_CHOICES.flatMap((urgency) =>
  STRATEGY_CHOICES.map((strategy) => {
    const intent = intentOf(urgency, strategy);
    return Object.freeze({ urgency, strategy, intent, intentIndex: INTENTS.indexOf(intent) });
  }),
);

/** The shared record of an (urgency, strategy) pair. Throws on a value outside `URGENCIES` / `STRATEGIES` (a bug). */
export function orderIntentOf(urgency: Urgency | null, strategy: Strategy | null): OrderIntent {
  const u = URGENCY_CHOICES.indexOf(urgency);
  const s = STRATEGY_CHOICES.indexOf(strategy);
  if (u < 0 || s < 0) throw new InvariantError(`no intent for urgency ${urgency} and strategy ${strategy}`);
  return ORDER_INTENTS[u * STRATEGY_CHOICES.length + s] as OrderIntent;
}

/** The ClOrdIDs an order had before its replaces and those of the amendment requests against it (see `ClientOrder`). */
export interface ClOrdIdHistory {
  previous: string[] | null;
  requests: string[] | null;
}

/** OrdStatus (39) of a client order: the venue statuses plus the two pending states of an amendment. */
export type ClientOrdStatus =
  | "new"
  | "partially-filled"
  | "filled"
  | "canceled"
  | "expired"
  | "pending-cancel"
  | "pending-replace";

/** ExecType (150) of a client execution report. */
export type ClientExecType =
  | "new"
  | "trade"
  | "canceled"
  | "replaced"
  | "expired"
  | "pending-cancel"
  | "pending-replace";

/** The terms of an order after validation: everything the engine needs, in integers. */
export interface ClientOrderTerms {
  readonly clOrdId: string;
  readonly source: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: Side;
  /** Lots. */
  readonly orderQty: number;
  readonly ordType: OrdType;
  /** Price units; null for a market order. */
  readonly limitPrice: number | null;
  readonly urgency: Urgency | null;
  readonly strategy: Strategy | null;
  /** Microseconds since the epoch, or null: from arrival / until the end of the session. */
  readonly startTime: number | null;
  readonly endTime: number | null;
  /** Largest share of market volume the order may take, in (0, 1]; null for no cap. */
  readonly maxParticipation: number | null;
  readonly allowCross: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

/** An order without tags. */
export const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * What an order asks beyond quantity, price and intent: a time window, a participation cap, crossing, tags. Most orders
 * ask none of it, so they share `NO_INSTRUCTIONS` and the order object stays small (one field for five).
 */
export interface OrderInstructions {
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly maxParticipation: number | null;
  readonly allowCross: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

export const NO_INSTRUCTIONS: OrderInstructions = Object.freeze({
  startTime: null,
  endTime: null,
  maxParticipation: null,
  allowCross: false,
  tags: NO_TAGS,
});

/** The instructions of `terms`: the shared `NO_INSTRUCTIONS` when it asks none. */
export function instructionsOf(terms: OrderInstructions): OrderInstructions {
  if (
    terms.startTime === null &&
    terms.endTime === null &&
    terms.maxParticipation === null &&
    !terms.allowCross &&
    hasNoTags(terms.tags)
  ) {
    return NO_INSTRUCTIONS;
  }
  return {
    startTime: terms.startTime,
    endTime: terms.endTime,
    maxParticipation: terms.maxParticipation,
    allowCross: terms.allowCross,
    tags: terms.tags,
  };
}

function hasNoTags(tags: Readonly<Record<string, string>>): boolean {
  if (tags === NO_TAGS) return true;
  for (const _ in tags) return false;
  return true;
}

/** How an order ended. */
export type DoneState = "filled" | "canceled" | "expired";

/** `ClientOrder.lifecycle`: the done state's index in DONE_STATES (bits 0-1), then two flags. */
const DONE_STATES: readonly (DoneState | null)[] = [null, "filled", "canceled", "expired"];
const DONE_MASK = 3;
const STARTED = 4;
const SUSPENDED = 8;

/** An amendment waiting for the market exposure of its parent to shrink (see engine.ts). */
export interface PendingAmendment {
  readonly kind: "cancel" | "replace" | "expire";
  /** The ClOrdID of the request (the order's new one after a replace). */
  readonly clOrdId: string;
  readonly orderQty: number;
  readonly limitPrice: number | null;
}

export class ClientOrder {
  // Fields are `declare`d (no class-field code): instances come from `create`, one object literal.
  /** The engine's number for the order: unique, in arrival order. */
  declare readonly orderId: number;
  declare clOrdId: string;
  /** Null until the first replace or amendment request (read it through `previousClOrdIds` and `requestClOrdIds`). */
  declare clOrdIdHistory: ClOrdIdHistory | null;
  declare readonly source: string;
  declare readonly account: string;
  declare readonly symbol: string;
  declare readonly side: Side;
  declare orderQty: number;
  declare limitPrice: number | null;
  /** Urgency, strategy and intent (read them through the getters below). */
  declare readonly orderIntent: OrderIntent;
  /** Window, participation cap, crossing and tags (read them through the getters below). */
  declare readonly instructions: OrderInstructions;
  declare readonly arrivalTime: number;
  /** NBBO midpoint at arrival in price units (exact: ticks are even), or null when there was no two-sided quote. */
  declare readonly arrivalMid: number | null;
  declare readonly sourceMetadata: Readonly<Record<string, string>>;
  /** The parent this order belongs to. */
  declare parentId: number;

  declare cumQty: number;
  declare cumNotional: number;
  declare pending: PendingAmendment | null;
  /**
   * `done` (bits 0-1: its index in DONE_STATES), `started` (STARTED) and `suspended` (SUSPENDED) in one small integer:
   * one field for three (read them through the accessors below).
   */
  declare lifecycle: number;

  // Bookkeeping owned by the aggregation and allocation layers (kept here to avoid a side table per order).
  /** Contribution to the parent's ladders: quantity and aggressiveness key of each. */
  declare allocQty: number;
  declare allocKey: number;
  declare workQty: number;
  declare workKey: number;
  /** Pro-rata epoch: the epoch the weights belong to, the weight (open lots at its start) and lots allocated in it. */
  declare epoch: number;
  declare epochWeight: number;
  declare epochAlloc: number;
  /** Position in the parent's constituent list (-1 once removed). */
  declare slot: number;
  /**
   * Risk bookkeeping: the price open quantity is valued at (limit, else reference at arrival), in price units, and
   * the notional currently counted against the account and source limits, in lots x price units (see risk-limits.ts).
   */
  declare riskPrice: number;
  declare riskNotional: number;

  private constructor() {}

  /**
   * A new order. Built as an object literal whose prototype is ClientOrder's, not with `new`: V8 pretenures the
   * objects of a literal whose instances survive (straight into the old generation), while every `new ClientOrder`
   * would be copied twice by young-generation GCs; with a million working orders that was half the intake time.
   */
  static create(
    orderId: number,
    terms: ClientOrderTerms,
    arrivalTime: number,
    arrivalMid: number | null,
    sourceMetadata: Readonly<Record<string, string>>,
  ): ClientOrder {
    const order = {
      __proto__: ClientOrder.prototype,
      orderId,
      clOrdId: terms.clOrdId,
      clOrdIdHistory: null,
      source: terms.source,
      account: terms.account,
      symbol: terms.symbol,
      side: terms.side,
      orderQty: terms.orderQty,
      limitPrice: terms.limitPrice,
      orderIntent: orderIntentOf(terms.urgency, terms.strategy),
      instructions: instructionsOf(terms),
      arrivalTime,
      arrivalMid,
      sourceMetadata,
      parentId: 0,
      cumQty: 0,
      cumNotional: 0,
      pending: null,
      lifecycle: terms.startTime === null || terms.startTime <= arrivalTime ? STARTED : 0,
      allocQty: 0,
      allocKey: 0,
      workQty: 0,
      workKey: 0,
      epoch: -1,
      epochWeight: 0,
      epochAlloc: 0,
      slot: -1,
      riskPrice: 0,
      riskNotional: 0,
    };
    return order as unknown as ClientOrder;
  }

  /** A market order has no limit price, a limit order always one (a replace cannot take it away or add one). */
  get ordType(): OrdType {
    return this.limitPrice === null ? "market" : "limit";
  }

  get urgency(): Urgency | null {
    return this.orderIntent.urgency;
  }

  get strategy(): Strategy | null {
    return this.orderIntent.strategy;
  }

  get intent(): Intent {
    return this.orderIntent.intent;
  }

  /** The ClOrdIDs the order had before its replaces, oldest first; null until the first replace. */
  get previousClOrdIds(): string[] | null {
    return this.clOrdIdHistory === null ? null : this.clOrdIdHistory.previous;
  }

  set previousClOrdIds(ids: string[] | null) {
    if (this.clOrdIdHistory !== null) this.clOrdIdHistory.previous = ids;
    else if (ids !== null) this.clOrdIdHistory = { previous: ids, requests: null };
  }

  /** The ClOrdIDs of cancel and replace requests against the order, in arrival order; null until the first. */
  get requestClOrdIds(): string[] | null {
    return this.clOrdIdHistory === null ? null : this.clOrdIdHistory.requests;
  }

  set requestClOrdIds(ids: string[] | null) {
    if (this.clOrdIdHistory !== null) this.clOrdIdHistory.requests = ids;
    else if (ids !== null) this.clOrdIdHistory = { previous: null, requests: ids };
  }

  get startTime(): number | null {
    return this.instructions.startTime;
  }

  get endTime(): number | null {
    return this.instructions.endTime;
  }

  get maxParticipation(): number | null {
    return this.instructions.maxParticipation;
  }

  get allowCross(): boolean {
    return this.instructions.allowCross;
  }

  get tags(): Readonly<Record<string, string>> {
    return this.instructions.tags;
  }

  /** The lots the order contributes to its parent's crossable ladder: its workable lots when it allows crossing. */
  get crossQty(): number {
    return this.instructions.allowCross ? this.workQty : 0;
  }

  /** Set once the order is done: filled, canceled or expired. */
  get done(): DoneState | null {
    return DONE_STATES[this.lifecycle & DONE_MASK] as DoneState | null;
  }

  set done(state: DoneState | null) {
    this.lifecycle = (this.lifecycle & ~DONE_MASK) | DONE_STATES.indexOf(state);
  }

  /** False until its start time. */
  get started(): boolean {
    return (this.lifecycle & STARTED) !== 0;
  }

  set started(started: boolean) {
    this.lifecycle = started ? this.lifecycle | STARTED : this.lifecycle & ~STARTED;
  }

  /** Kill switch: the order keeps what it has but is not worked. */
  get suspended(): boolean {
    return (this.lifecycle & SUSPENDED) !== 0;
  }

  set suspended(suspended: boolean) {
    this.lifecycle = suspended ? this.lifecycle | SUSPENDED : this.lifecycle & ~SUSPENDED;
  }

  get isOpen(): boolean {
    return this.done === null;
  }

  /** Lots still to execute: 0 once the order is done. */
  get leavesQty(): number {
    return this.done === null ? this.orderQty - this.cumQty : 0;
  }

  /** Average execution price in price units (a float); 0 before the first fill. */
  get avgPx(): number {
    return this.cumQty === 0 ? 0 : this.cumNotional / this.cumQty;
  }

  get ordStatus(): ClientOrdStatus {
    return clientOrdStatus(this.done, this.pending, this.cumQty);
  }

  /** Whether a fill at `price` respects the order's limit (any price for a market order). */
  allows(price: number): boolean {
    const limit = this.limitPrice;
    if (limit === null) return true;
    return this.side === "buy" ? price <= limit : price >= limit;
  }
}

/** OrdStatus as a pure function of the order's state: done, else pending amendment, else by cumQty. */
export function clientOrdStatus(
  done: DoneState | null,
  pending: PendingAmendment | null,
  cumQty: number,
): ClientOrdStatus {
  if (done !== null) return done;
  if (pending !== null) return pending.kind === "replace" ? "pending-replace" : "pending-cancel";
  return cumQty > 0 ? "partially-filled" : "new";
}

/**
 * A price's aggressiveness on a side, so that both sides compare the same way: a buy limit p is p, a sell limit p is
 * -p, a market order is +Infinity. An order with key k accepts a fill at price p iff k >= aggressiveness(side, p).
 */
export function aggressiveness(side: Side, price: number | null): number {
  if (price === null) return Number.POSITIVE_INFINITY;
  return side === "buy" ? price : -price;
}
