/**
 * A venue's reach into our own resting lots within T (reach-history.ts) as a distribution the optimal split's solve
 * walks like an outflow column (capped-placement.ts): the j-th lot of a child joining behind A of our own lots fills by
 * T when the reach C >= A + j, so with queueAhead = A the solve's g(j) = P(C - A >= j) is the child's fill curve
 * against our own lots at the venue, which the outflow samples do not see (BENCHMARKS.md §9: LITA's fill in T falls
 * from 0.91 to 0.62 as its share of our lots goes from half to all).
 *
 * - `productLimit`: Kaplan-Meier's estimate from our children's observations (exact reaches and lower bounds, each with
 *   its decayed weight). What survives the last point (only lower bounds beyond it) is put at that point: a lot deeper
 *   than any reach seen is not counted as filling.
 * - `reachDistribution`: that estimate with the outflow model as its prior, the posterior mean of a Dirichlet process
 *   of `priorWeight` pseudo-observations (the scorecard's prior pseudo-counts, as the Beta posteriors use them): the
 *   mixture (W KM + w F0) / (W + w), W the observations' total weight, F0 the reach a child joining now behind the queue
 *   shown Q would have in the outflow model, A + (xi - Q)^+ over the outflow samples xi. With no history the solve is
 *   the outflow model's; as our children's observations accumulate they outweigh it. (Exact for uncensored
 *   observations; with lower bounds, KM stands in for their empirical distribution.)
 * The estimate is cached per history (it changes only with an observation); a decision merges it with the prior, in
 * time linear in the two.
 */
import type { OutflowColumn } from "./capped-placement.js";
import type { SortedReach } from "./reach-history.js";

/** A reach distribution from our children alone, with the total weight of the observations behind it. */
export interface ReachEstimate extends OutflowColumn {
  readonly weight: number;
}

export function productLimit(history: SortedReach): ReachEstimate {
  const n = history.count;
  let atRisk = 0;
  for (let i = 0; i < n; i++) atRisk += history.weight[i] as number;
  const weight = atRisk;
  const values = new Float64Array(n);
  const mass = new Float64Array(n);
  let points = 0;
  let survival = 1;
  let last = 0;
  let i = 0;
  while (i < n) {
    const at = history.reach[i] as number;
    let exact = 0;
    let bound = 0;
    for (; i < n && history.reach[i] === at; i++) {
      if (history.censored[i] === 1) bound += history.weight[i] as number;
      else exact += history.weight[i] as number;
    }
    if (exact > 0 && atRisk > 0) {
      const q = (survival * Math.min(exact, atRisk)) / atRisk;
      values[points] = at;
      mass[points++] = q;
      survival -= q;
    }
    atRisk -= exact + bound;
    last = at;
  }
  if (n > 0 && survival > 0) {
    if (points > 0 && values[points - 1] === last) mass[points - 1] = (mass[points - 1] as number) + survival;
    else {
      values[points] = last;
      mass[points++] = survival;
    }
  }
  const below = new Float64Array(points + 1);
  let total = 0;
  for (let k = 0; k < points; k++) {
    below[k] = total;
    total += mass[k] as number;
  }
  for (let k = 0; k < points; k++) below[k] = (below[k] as number) / total;
  below[points] = 1;
  return { values: values.slice(0, points), below, weight };
}

/**
 * The reach distribution for a child behind `ownAhead` of our lots and `queueAhead` of others' lots shown: our
 * children's `estimate` with the venue's sorted outflow column `outflow` as the prior of weight `priorWeight`.
 */
export function reachDistribution(
  estimate: ReachEstimate,
  outflow: OutflowColumn,
  ownAhead: number,
  queueAhead: number,
  priorWeight: number,
): OutflowColumn {
  const n = estimate.values.length;
  const m = outflow.values.length;
  const total = estimate.weight + priorWeight;
  const data = total > 0 ? estimate.weight / total : 0;
  const prior = total > 0 ? priorWeight / total : 1;
  const values = new Float64Array(n + m);
  const below = new Float64Array(n + m + 1);
  let points = 0;
  let cumulative = 0;
  let i = 0;
  let p = 0;
  while (i < n || p < m) {
    const fromData = i < n ? (estimate.values[i] as number) : Number.POSITIVE_INFINITY;
    const fromPrior =
      p < m ? ownAhead + Math.max(0, (outflow.values[p] as number) - queueAhead) : Number.POSITIVE_INFINITY;
    const at = Math.min(fromData, fromPrior);
    let mass = 0;
    if (fromData === at) {
      mass += data * ((estimate.below[i + 1] as number) - (estimate.below[i] as number));
      i++;
    }
    if (fromPrior === at) {
      mass += prior * ((outflow.below[p + 1] as number) - (outflow.below[p] as number));
      p++;
    }
    if (mass <= 0) continue;
    if (points > 0 && values[points - 1] === at) {
      cumulative += mass;
      continue;
    }
    values[points] = at;
    below[points++] = cumulative;
    cumulative += mass;
  }
  for (let k = 0; k < points; k++) below[k] = (below[k] as number) / cumulative;
  below[points] = 1;
  return { values: values.subarray(0, points), below: below.subarray(0, points + 1) };
}
