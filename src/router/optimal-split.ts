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
import { halfSpread, spray, sweep } from "./routing-logics.js";

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
  // The market part goes to the cheapest venue showing the far touch (takingVenues' first), at most what it shows: the
  // fee f is then its fee. Found by one pass: this runs on every resting child of the optimal split.
  let cheapest: VenueState | undefined;
  if (takeWithin) {
    for (const v of venues) {
      if (!v.available || request.exclude.has(v.index) || v.kind !== "lit") continue;
      const shows = buy ? v.askQty : v.bidQty;
      if (!(buy ? v.ask <= far : v.bid >= far) || shows <= 0) continue;
      const best = cheapest === undefined ? 0 : buy ? cheapest.askQty : cheapest.bidQty;
      if (
        cheapest === undefined ||
        v.takerFee < cheapest.takerFee ||
        (v.takerFee === cheapest.takerFee && shows > best)
      ) {
        cheapest = v;
      }
    }
  }
  const f = cheapest === undefined ? Number.POSITIVE_INFINITY : cheapest.takerFee;
  const k = lit.length;
  const rebates = new Float64Array(k);
  let bestRebate = 0;
  const placed: { queueAhead: number; rebate: number }[] = [];
  for (let j = 0; j < k; j++) {
    const v = lit[j] as VenueState;
    const rebate = -v.makerFee - (inputs.adverse[j] ?? 0);
    rebates[j] = rebate;
    if (rebate > bestRebate) bestRebate = rebate;
    placed.push({ queueAhead: queueAhead(request, v), rebate });
  }
  const problem: PlacementProblem = {
    target: request.qty,
    halfSpread: h,
    // Nothing to take within the limit: the market order is priced out.
    takerFee: Number.isFinite(f) ? Math.max(0, f) : 1e9,
    impact: h / 40,
    underfillPenalty: 2 * request.urgency * request.urgency * (h + (Number.isFinite(f) ? f : 0)),
    overfillPenalty: h + bestRebate,
    venues: placed,
  };
  const solution = solveCappedPlacement(problem, samples);
  let market =
    cheapest === undefined ? 0 : Math.min(solution.market, request.qty, buy ? cheapest.askQty : cheapest.bidQty);
  const limits = solution.limits;
  const slices: RouteSlice[] = [];
  if (market >= request.minSliceLots && cheapest !== undefined) {
    const taken = sweep({ ...request, tactic: "aggressive", price: far, qty: market }, venues).slices;
    slices.push(...taken);
    market = taken.reduce((a, s) => a + s.qty, 0);
  } else market = 0;
  // Parts too small to send on their own (below a slice's minimum) join the limit order with the best effective rebate
  // among those sent (or the best of all when none is): a child too small to split goes whole.
  let small = 0;
  let home = -1;
  let best = -1;
  for (let j = 0; j < k; j++) {
    const l = limits[j] as number;
    if (best < 0 || (rebates[j] as number) > (rebates[best] as number)) best = j;
    if (l >= Math.max(request.minSliceLots, (lit[j] as VenueState).minQuantity)) {
      if (home < 0 || (rebates[j] as number) > (rebates[home] as number)) home = j;
    } else {
      small += l;
      limits[j] = 0;
    }
  }
  if (home < 0) home = best;
  if (home >= 0) limits[home] = (limits[home] as number) + small;
  for (let j = 0; j < k; j++) {
    const v = lit[j] as VenueState;
    const qty = limits[j] as number;
    if (qty > 0 && qty >= v.minQuantity) {
      slices.push({ venue: v.index, tactic: "passive", price: request.price, qty, timeInForce: "day", minQty: null });
    }
  }
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
