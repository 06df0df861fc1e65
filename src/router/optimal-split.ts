/**
 * The optimal routing logic: a resting child of S lots becomes a Cont & Kukanov (2017) placement problem over the
 * available lit venues, solved by stochastic approximation over joint queue-outflow samples (optimal-placement.ts,
 * queue-outflow.ts); the market part M is taken now at the far touch (within the parent's limit), the limit parts L_k
 * rest at the child's price on each venue.
 *
 * The problem, in price units per share: h = half the consolidated spread; f = the cheapest taker fee among the
 * venues showing the far touch (a taker rebate counts as 0: the model's fee is not negative); theta = h / 40 (the
 * paper's ratio); r_k = venue k's maker rebate (minus its fee) less the adverse selection its fills have shown
 * (markout, when known); Q_k = what venue k shows at the child's price on our
 * side (0 when the child improves on it); lambda_u = 2 urgency^2 (h + f): a resting child's shortfall at T is not
 * bought at T (the algorithm keeps working it, and takes only when its schedule falls behind), so missing costs the
 * spread crossed later only as likely as the parent is to fall behind: a patient parent barely cares (urgency 0.2:
 * 0.08 (h + f)), an urgent one does (0.9: 1.6 (h + f)); above urgency 0.71 the market part can pay; lambda_o = h + max r_k: an extra lot costs its
 * unwinding. A taking child is not a placement problem: it sweeps the venues showing its price, cheapest taker fee
 * first; a midpoint child is sprayed over the dark pools.
 * Without outflow history for every venue (the estimator's first windows) the child is sprayed and the note says so.
 * The slices never add up to more than S (the parent's schedule, not the router, decides how much rests), so the problem
 * solved is Cont & Kukanov's over the allocations with M + sum L_k <= S, exactly (capped-placement.ts: a greedy walk
 * over the sorted outflow samples, no iteration, no randomness). The market part goes to the cheapest venue showing
 * the far touch, at most what it shows (so f is the fee it pays).
 */
import { solveCappedPlacement } from "./capped-placement.js";
import type { OutflowSamples, PlacementProblem } from "./optimal-placement.js";
import type { RouteDecision, RouteRequest, RouteSlice, VenueState } from "./routing.js";
import { halfSpread, spray, sweep, takingVenues } from "./routing-logics.js";

export interface OptimalSplitInputs {
  readonly request: RouteRequest;
  readonly venues: readonly VenueState[];
  /** The lit venues of the problem, in the order of the samples' columns. */
  readonly lit: readonly VenueState[];
  /** Joint outflow samples of `lit`'s queues on the request's side over the horizon, or null without history. */
  readonly samples: OutflowSamples | null;
  /** The parent's most aggressive workable limit (null: market): the market part is not taken beyond it. */
  readonly limit: number | null;
  /** Adverse selection per lot filled passively at each lit venue, price units (0 when unknown). */
  readonly adverse: readonly number[];
}

export function optimalSplit(inputs: OptimalSplitInputs): RouteDecision {
  const { request, venues, lit, samples } = inputs;
  if (request.tactic !== "passive") return { ...sweep(request, venues), logic: "optimal" };
  if (lit.length === 0 || samples === null) {
    const sprayed = spray(request, venues);
    return { ...sprayed, logic: "optimal", note: `no outflow history yet: ${sprayed.note}` };
  }
  const buy = request.side === "buy";
  const far = buy ? request.ask : request.bid;
  const h = halfSpread(request);
  const takeWithin =
    Number.isFinite(far) && (inputs.limit === null || (buy ? far <= inputs.limit : far >= inputs.limit));
  const takers = takeWithin ? takingVenues({ ...request, tactic: "aggressive", price: far }, venues) : [];
  // The market part goes to the cheapest venue showing the far touch, at most what it shows: the fee f is then its fee.
  const cheapest = takers[0];
  const f = cheapest === undefined ? Number.POSITIVE_INFINITY : cheapest.takerFee;
  const rebates = lit.map((v, k) => -v.makerFee - (inputs.adverse[k] ?? 0));
  const problem: PlacementProblem = {
    target: request.qty,
    halfSpread: h,
    // Nothing to take within the limit: the market order is priced out.
    takerFee: Number.isFinite(f) ? Math.max(0, f) : 1e9,
    impact: h / 40,
    underfillPenalty: 2 * request.urgency * request.urgency * (h + (Number.isFinite(f) ? f : 0)),
    overfillPenalty: h + Math.max(0, ...rebates),
    venues: lit.map((v, k) => ({ queueAhead: queueAhead(request, v), rebate: rebates[k] as number })),
  };
  const solution = solveCappedPlacement(problem, samples);
  let market =
    cheapest === undefined ? 0 : Math.min(solution.market, request.qty, buy ? cheapest.askQty : cheapest.bidQty);
  const limits = Array.from(solution.limits);
  const byValue = lit.map((_, k) => k).sort((a, b) => (rebates[b] as number) - (rebates[a] as number) || a - b);
  const slices: RouteSlice[] = [];
  if (market >= request.minSliceLots && takers.length > 0) {
    const taken = sweep({ ...request, tactic: "aggressive", price: far, qty: market }, venues).slices;
    slices.push(...taken);
    market = taken.reduce((a, s) => a + s.qty, 0);
  } else market = 0;
  // Parts too small to send on their own (below a slice's minimum) join the best-rebate limit order that is sent.
  let small = 0;
  const sent = byValue.filter(
    (k) => (limits[k] as number) >= Math.max(request.minSliceLots, (lit[k] as VenueState).minQuantity),
  );
  for (const k of byValue) {
    if (!sent.includes(k)) {
      small += limits[k] as number;
      limits[k] = 0;
    }
  }
  const home = sent[0] ?? byValue[0];
  if (home !== undefined) limits[home] = (limits[home] as number) + small;
  lit.forEach((v, k) => {
    const qty = limits[k] as number;
    if (qty > 0 && qty >= v.minQuantity) {
      slices.push({ venue: v.index, tactic: "passive", price: request.price, qty, timeInForce: "day", minQty: null });
    }
  });
  return {
    logic: "optimal",
    slices,
    fallback: [],
    note:
      `M ${market}, ${lit.map((v, k) => `L ${v.id} ${limits[k]} (Q ${problem.venues[k]?.queueAhead})`).join(", ")}; ` +
      `V ${solution.expectedCost.toFixed(4)} per S`,
  };
}

/** Lots ahead of a child joining venue `v` at the request's price: what it shows there, 0 when the child improves. */
function queueAhead(request: RouteRequest, v: VenueState): number {
  const buy = request.side === "buy";
  const near = buy ? v.bid : v.ask;
  if (!Number.isFinite(near)) return 0;
  if (request.price === near) return buy ? v.bidQty : v.askQty;
  return (buy ? request.price > near : request.price < near) ? 0 : buy ? v.bidQty : v.askQty;
}
