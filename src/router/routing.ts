/**
 * The smart order router's vocabulary: what it is asked (a child order the algorithm wants worked: tactic, price,
 * quantity), what it sees (each venue's live state for the instrument and what the scorecard has learned of it), and
 * what it answers (slices: how much goes to which venue, as which order), with the logic that chose them.
 *
 * Logics (chosen per parent; automatically by urgency, see `autoRoutingLogic`):
 * - sequential: rank the venues, send everything to the best; what it does not fill moves on to the next (a taking
 *   order at once when the venue leaves it unfilled; a resting one after a rest timeout);
 * - spray: send to several venues at once, in proportion to what each displays at the price (taking) or to its fill
 *   probability (resting); the slices never add up to more than asked (no over-fill by construction);
 * - aggressive-spray: a taking child sent to every venue showing its price at once, each up to what it shows, the total
 *   up to `overSend` times the child (displayed liquidity fades before a slow venue is reached, so asking for more
 *   fills more of the child now); the slices rest at the limit, and the executor cancels what would fill beyond the
 *   child on its first fills; a fill that still goes beyond the parent's orders is its over-fill position (Engine);
 * - liquidity-seeking: dark first (a midpoint slice, with the pool's minimum, to pools where hidden liquidity was
 *   found, or not yet looked for), the rest lit as a spray;
 * - optimal: Cont & Kukanov (2017): a resting child is split between taking now and resting on each lit venue to
 *   minimise expected cost (fees, rebates, spread, under- and over-fill) given each venue's queue and its estimated
 *   queue outflow; a taking child is sprayed;
 * - best-venue and equal-split: the evaluation's baselines (everything to the single venue with the best fee for the
 *   tactic; equal parts to every venue of the right kind, whatever it shows).
 * Prices are integer price units, quantities lots; fees and costs are floats in price units per share (analytics).
 */
import type { ChildTactic } from "../model/client-events.js";
import type { Side } from "../model/order-types.js";

export const ROUTING_LOGICS = [
  "sequential",
  "spray",
  "aggressive-spray",
  "liquidity-seeking",
  "optimal",
  "best-venue",
  "equal-split",
] as const;
export type RoutingLogic = (typeof ROUTING_LOGICS)[number];

/** One venue as the router sees it for one instrument, at one decision. */
export interface VenueState {
  /** The venue's position in the executor's venue list (slices name venues by it). */
  readonly index: number;
  readonly id: string;
  readonly kind: "lit" | "dark";
  /** The venue's own top of book (NaN / 0 when empty; always so for a dark pool). */
  readonly bid: number;
  readonly ask: number;
  readonly bidQty: number;
  readonly askQty: number;
  /** Fees in price units per share (comparable with the spread), negative for a rebate. */
  readonly makerFee: number;
  readonly takerFee: number;
  /** Smallest order accepted, lots. */
  readonly minQuantity: number;
  /** Trades the instrument, takes the order types the router sends, and is healthy (venue-health.ts). */
  readonly available: boolean;
  /** Learned (venue-scorecard.ts): P(a resting child here fills) for the request's tactic; 0.5 before any history. */
  readonly fillProbability: number;
  /** Learned: dark children that found liquidity per dark child sent (dark pools). */
  readonly hiddenRate: number;
}

export interface RouteRequest {
  readonly side: Side;
  /** What the algorithm wants: rest (passive), take (aggressive) or a dark midpoint peg. */
  readonly tactic: ChildTactic;
  /** The child's limit (the cap of a midpoint peg; the far touch for a taking child). */
  readonly price: number;
  readonly qty: number;
  /** The consolidated touch. */
  readonly bid: number;
  readonly ask: number;
  readonly tick: number;
  /** The smallest slice worth sending (lots). */
  readonly minSliceLots: number;
  /**
   * Lots the parent must see filled within its look-ahead (the period it sizes its passive quantity for) not to fall
   * below its schedule's floor, where it starts taking: the floor then less what it has executed and is taking; <= 0
   * when it is that far ahead. The optimal split's under-fill penalty grows with it.
   */
  readonly neededLots: number;
  /**
   * What a lot the parent takes costs it beyond the far touch's half spread and fee: the impact of taking it on the
   * lots the parent still has to buy (algo/catch-up-cost.ts; price units per share, 0 when none is modelled).
   */
  readonly catchUpCost: number;
  /** Venue indexes not to use now (tried already by a sequential route, or avoided after a rest timeout). */
  readonly exclude: ReadonlySet<number>;
  /** Aggressive spray: the most a taking child's slices add up to, as a multiple of `qty` (>= 1). */
  readonly overSend: number;
}

export interface RouteSlice {
  readonly venue: number;
  readonly tactic: ChildTactic;
  readonly price: number;
  readonly qty: number;
  /** Immediate-or-cancel for taking and dark-ping slices; day for resting ones. */
  readonly timeInForce: "ioc" | "day";
  /** The least execution a dark slice accepts (lots), or null. */
  readonly minQty: number | null;
}

export interface RouteDecision {
  readonly logic: RoutingLogic;
  readonly slices: readonly RouteSlice[];
  /** For a sequential route: the venues to try next, best first, for what the slices leave unfilled. */
  readonly fallback: readonly number[];
  /** One line on why (the ranking, the split): the audit trail's explanation. */
  readonly note: string;
}

/** The logic a parent's urgency calls for: low seeks liquidity (dark first), medium splits optimally, high sprays. */
export function autoRoutingLogic(urgency: "low" | "medium" | "high"): RoutingLogic {
  return urgency === "low" ? "liquidity-seeking" : urgency === "medium" ? "optimal" : "spray";
}
