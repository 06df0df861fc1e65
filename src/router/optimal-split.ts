/**
 * The optimal routing logic: a resting child of S lots becomes a Cont & Kukanov (2017) placement problem over the
 * available lit venues, solved exactly over joint queue-outflow samples (optimal-placement.ts, queue-outflow.ts,
 * capped-placement.ts); the market part M is taken now at the far touch (within the parent's limit), the limit parts
 * L_k rest at the child's price on each venue.
 *
 * The problem, in price units per share:
 * - T = the outflow window, 10 s: about as long as the parent leaves a child where it is (it re-pegs a child the touch
 *   left behind after its re-peg interval, 1-5 s), and the model has no re-placement before T. Not the parent's
 *   look-ahead (a minute): over a minute every queue works through (the samples gave P(fill) = 1 at both venues), so
 *   the solve saw no value in speed and rested everything at the rebate venue even where the parent fell behind;
 * - xi_k = venue k's queue outflow over T as an order joining the touch sees it (queue-outflow.ts: nothing counts once
 *   the touch leaves the order behind), less our own orders (the executor takes them out of the quotes it feeds);
 * - h = half the consolidated spread; theta = h / 40 (the paper's ratio); f = what a lot taken costs beyond h: the
 *   cheapest taker fee among the venues showing the far touch (a taker rebate counts as 0: the model's fee is not
 *   negative) plus the lot's catch-up cost, the impact of taking it on the lots the parent still has to buy (the
 *   request's `catchUpCost`, algo/catch-up-cost.ts). The paper's S is a whole order, with nothing to buy after it; a
 *   child is a slice of a parent, and its taken lots lift the price of the rest (the simulated market moves only on
 *   taking). For a large parent this dwarfs the spread, so speed is worth a fee, and taking now is no cheap way out;
 * - r_k = venue k's maker rebate (minus its fee) less the adverse selection its resting fills show beyond the lit
 *   venues' own (venue-board.ts: its passive markout less the pooled one; what is common to every venue, the drift and
 *   our own impact, would otherwise be charged to resting as if taking escaped it);
 * - Q_k = the queue ahead of the child at venue k in outflow units: what the venue shows at the child's price on our
 *   side (0 when the child improves on it), O_k of others' lots and A_k of our own. Others' lots leave by trades and
 *   cancels alike, ours by trades alone (we do not cancel them to let the new child through), and the outflow goes on
 *   at rho_k lots per traded lot (the venue's outflow per trade at its touch, measured from its prints:
 *   queue-outflow.ts). So the child fills once the trades have taken our A_k lots, by then rho_k A_k of outflow, and
 *   the others' O_k have left too, O_k + A_k: Q_k = max(O_k + A_k, rho_k A_k). Without it the solve sees a venue where
 *   our earlier children wait as fast as one where others' lots do (the outflow samples count others' cancels) and
 *   piles each new child behind our own at the venue with the larger outflow (BENCHMARKS.md §9);
 * - what lateness costs: of the lots short at T the parent takes pi = min(1, D / S)^2 (at h + f + theta, each losing
 *   its credit; the rest keep resting and fill later, capped-placement.ts), D = the lots the parent needs filled within
 *   its look-ahead not to fall below its floor (the request's `neededLots`): it takes only the part of a shortfall u
 *   that leaves it below its floor, (u - (S - D))^+, which for a shortfall spread evenly over 0..S is (D / S)^2 of it
 *   on average. The look-ahead, not T: a lot short at T at a slow queue is short of the want the parent's passive
 *   quantity is sized for, and its next children queue behind it (with D over T, a 1,500,000-share parent a few
 *   seconds ahead of its floor rested at the rebate venue, fell behind and took; BENCHMARKS.md §9). A parent ahead of
 *   its floor over its look-ahead by the child or more (D <= 0) loses nothing by waiting, so the child rests where the
 *   credit is best; one that needs the whole child (D >= S) is the paper's case (the lots short bought at T: lambda_u
 *   = h + f), where a venue's speed counts as much as its credit and a queue that does not work through is taken.
 * The whole child is placed, M + sum L_k = S (the schedule decides how much works, the router where), with M at most
 * what the cheapest venue showing the far touch shows (so the fee in f is the one it pays); everything at one venue is
 * one of the allocations, so the solve never does worse in the model than the best-venue baseline (capped-placement.ts).
 * A taking child is not a placement problem: it sweeps the venues showing its price, cheapest taker fee first; a
 * midpoint child is sprayed over the dark pools. Without outflow history for every venue (the estimator's first
 * windows) the child is sprayed and the note says so.
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
  /** Our own lots resting at each lit venue at the request's price on its side. */
  readonly own: readonly number[];
  /** Each lit venue's outflow per lot traded at its touch on the request's side (>= 1), or null when not measured. */
  readonly outflowPerTrade: readonly (number | null)[];
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
    placed.push({
      queueAhead: queueAhead(request, v, inputs.own[j] ?? 0, inputs.outflowPerTrade[j] ?? null),
      rebate,
    });
  }
  // What a lot taken costs beyond the half spread, now or when the parent falls behind: the venue's fee and the lot's
  // impact on what the parent still has to buy (its catch-up cost). The paper's f is the fee alone: its S is the whole
  // order, with nothing left to buy after it.
  const taking = (Number.isFinite(f) ? Math.max(0, f) : 0) + Math.max(0, request.catchUpCost);
  const needed = Math.min(1, Math.max(0, request.neededLots / request.qty));
  const taken = needed * needed;
  const problem: PlacementProblem = {
    target: request.qty,
    halfSpread: h,
    takerFee: taking,
    impact: h / 40,
    // The paper's terms for the record: its lambda_u is the taken share's price; lambda_o cannot bind.
    underfillPenalty: taken * (h + taking),
    overfillPenalty: h + bestRebate,
    venues: placed,
  };
  // Nothing to take within the limit: no market part.
  const shows = cheapest === undefined ? 0 : buy ? cheapest.askQty : cheapest.bidQty;
  const solution = solveCappedPlacement(problem, samples, Math.min(shows, request.qty), taken);
  let market = solution.market;
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
      `M ${market}, ${lit.map((v, k) => `L ${v.id} ${limits[k]} (Q ${round1(problem.venues[k]?.queueAhead ?? 0)})`).join(", ")}; ` +
      `pi ${taken.toFixed(2)}, f ${taking.toFixed(1)}; V ${solution.expectedCost.toFixed(4)} per S`,
  };
}

/** To one decimal (a queue in outflow units, for the note). */
function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * The queue ahead of a child joining venue `v` at the request's price, in outflow units: what the venue shows at the
 * child's price, our own `own` lots there weighed `outflowPerTrade` each when that is more (see Q_k above); what it
 * shows at its touch when the child is behind it; 0 when the child improves on it.
 */
export function queueAhead(request: RouteRequest, v: VenueState, own: number, outflowPerTrade: number | null): number {
  const buy = request.side === "buy";
  const near = buy ? v.bid : v.ask;
  if (!Number.isFinite(near)) return 0;
  const shown = buy ? v.bidQty : v.askQty;
  if (request.price === near) {
    const ours = Math.min(own, shown);
    return outflowPerTrade === null ? shown : Math.max(shown, ours * outflowPerTrade);
  }
  return (buy ? request.price > near : request.price < near) ? 0 : shown;
}
