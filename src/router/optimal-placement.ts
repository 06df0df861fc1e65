/**
 * Cont & Kukanov (2017), "Optimal order placement in limit order markets" (../shared/oracles/cont-kukanov-2017.md):
 * how to split an order of S lots, to be done by a horizon T, between a market order now and limit orders joining the
 * near-touch queue of K venues.
 *
 * Notation (the paper's). Decision X = (M, L_1..L_K): M lots as a market order, L_k lots as a limit order behind the
 * Q_k lots already queued on venue k. xi_k is the outflow of venue k's queue over [0, T] (cancels plus trades, lots).
 * fill_k = (xi_k - Q_k)^+ - (xi_k - Q_k - L_k)^+ and A = M + sum_k fill_k. The cost of one outcome is
 *   v(X, xi) = (h + f) M - sum_k (h + r_k) fill_k + theta (M + sum_k L_k + (S - A)^+) + lambda_u (S - A)^+
 *              + lambda_o (A - S)^+
 * (h half spread, f taker fee, r_k effective rebate, theta impact per lot sent, lambda_u / lambda_o penalties per lot
 * under / over the target; the (S - A)^+ lots short are bought at T with a market order, hence the theta on them).
 * V(X) = E[v(X, xi)] over a discrete distribution of outflow vectors (`OutflowSamples`: N joint samples, equally likely
 * unless weighted).
 *
 * - `singleVenuePlacement`: the closed form of Proposition 3 (K = 1) from the CDF F of xi. It is the minimum of V over
 *   M + L = S, the paper's optimum when under- and over-filling both cost more than they save (lambda_u > h + f - theta
 *   and lambda_o > h + r); `solvePlacement` assumes neither.
 * - `solvePlacement`: the stochastic approximation of the paper's section 4.1: projected subgradient steps
 *   X_n = P(X_{n-1} - gamma g(X_{n-1}, xi_n)) on samples xi_n drawn from the distribution with the injected seeded
 *   `Random`, projected onto the box 0 <= M <= S, 0 <= L_k <= S, and the suffix average of the iterates (the second
 *   half, so the starting point is forgotten). The step is the robust SA's constant gamma = D / (G sqrt(N))
 *   (Nemirovski, Juditsky, Lan & Shapiro 2009; D the box's diameter, G a bound on the subgradient's norm) in the first
 *   half and a quarter of it in the averaging half.
 *
 * Invariants: every allocation returned is feasible (0 <= M, L_k <= S); the integer allocation is the largest-remainder
 * rounding of the averaged iterate: each coordinate is the floor or the ceiling of its continuous value and the integer
 * total M + sum L_k is the continuous total rounded to the nearest lot (ties go to the lowest index), so it sends at most
 * (K + 1) S lots and never more than half a lot beyond the continuous solution. The solve is deterministic for a given
 * Random state; its iteration loop allocates nothing (typed arrays sized once per solve).
 *
 * Limits: costs are floats in price units per lot (an analytic, not order state); the model is one-sided and one
 * period (no re-placement before T); the expected costs reported are over the given samples, so they are estimates of
 * the true V whose error is the samples' own.
 */
import { InvariantError } from "../core/errors.js";
import type { Random } from "../core/random.js";

export interface PlacementVenue {
  /** Q_k: lots queued ahead of ours at the venue's near touch (our limit order joins behind them). */
  readonly queueAhead: number;
  /** r_k: effective rebate per lot filled passively (maker rebate net of adverse selection), price units; may be < 0. */
  readonly rebate: number;
}

export interface PlacementProblem {
  /** S: lots to buy (or sell) by the horizon T; a whole number >= 0. */
  readonly target: number;
  /** h: half the bid-ask spread, price units. */
  readonly halfSpread: number;
  /** f: taker fee of the market order, price units per lot. */
  readonly takerFee: number;
  /** theta: market impact per lot sent (market, limit and the catch-up order at T alike), price units. */
  readonly impact: number;
  /** lambda_u: penalty per lot short of S at T, price units. */
  readonly underfillPenalty: number;
  /** lambda_o: penalty per lot beyond S, price units. */
  readonly overfillPenalty: number;
  readonly venues: readonly PlacementVenue[];
}

/** X = (M, L_1..L_K), lots. */
export interface PlacementAllocation {
  /** M: lots sent as a market order now. */
  readonly market: number;
  /** L_k: lots sent as a limit order joining venue k's queue, in the order of `PlacementProblem.venues`. */
  readonly limits: ArrayLike<number>;
}

/**
 * A discrete distribution of outflow vectors xi = (xi_1..xi_K) over [0, T]: `count` rows of `venues` values, row-major
 * (row n, venue k at n * venues + k), in lots. Rows are equally likely unless `weights` (one per row, >= 0, summing to
 * 1) are given.
 */
export interface OutflowSamples {
  readonly venues: number;
  readonly count: number;
  readonly values: Float64Array;
  readonly weights?: Float64Array;
}

/** F(x) = P(xi <= x) and its generalised inverse F^{-1}(p) = inf { x : F(x) >= p }, for Proposition 3. */
export interface OutflowCdf {
  cdf(x: number): number;
  quantile(p: number): number;
}

export interface PlacementProblemIssue {
  readonly field: string;
  readonly reason: string;
}

/** What is wrong with a problem, naming the field, or null when it is usable. */
export function placementProblemIssue(problem: PlacementProblem): PlacementProblemIssue | null {
  const { target, halfSpread, takerFee, impact, underfillPenalty, overfillPenalty, venues } = problem;
  if (!Number.isSafeInteger(target) || target < 0) {
    return { field: "target", reason: `must be a whole number of lots >= 0, got ${target}` };
  }
  // Checked without building a record of the costs: this runs on every routing decision of the optimal split.
  const bad = (value: number) => !Number.isFinite(value) || value < 0;
  if (bad(halfSpread) || bad(takerFee) || bad(impact) || bad(underfillPenalty) || bad(overfillPenalty)) {
    const costs = { halfSpread, takerFee, impact, underfillPenalty, overfillPenalty };
    for (const [field, value] of Object.entries(costs)) {
      if (bad(value)) return { field, reason: `must be finite and >= 0, got ${value}` };
    }
  }
  for (let k = 0; k < venues.length; k++) {
    const venue = venues[k] as PlacementVenue;
    if (!Number.isFinite(venue.queueAhead) || venue.queueAhead < 0) {
      return { field: `venues[${k}].queueAhead`, reason: `must be finite and >= 0, got ${venue.queueAhead}` };
    }
    if (!Number.isFinite(venue.rebate)) {
      return { field: `venues[${k}].rebate`, reason: `must be finite, got ${venue.rebate}` };
    }
  }
  return null;
}

function assertProblem(problem: PlacementProblem): void {
  const issue = placementProblemIssue(problem);
  if (issue !== null) throw new InvariantError(`placement problem: ${issue.field}: ${issue.reason}`);
}

function assertSamples(problem: PlacementProblem, samples: OutflowSamples): void {
  const { venues, count, values, weights } = samples;
  if (venues !== problem.venues.length) {
    throw new InvariantError(`outflow samples have ${venues} venues, the problem ${problem.venues.length}`);
  }
  if (!Number.isSafeInteger(count) || count < 1 || values.length < count * venues) {
    throw new InvariantError(`outflow samples: ${count} rows of ${venues} need that many values, got ${values.length}`);
  }
  if (weights !== undefined && weights.length < count) {
    throw new InvariantError(`outflow samples: ${count} rows need as many weights, got ${weights.length}`);
  }
}

function assertAllocation(problem: PlacementProblem, allocation: PlacementAllocation): void {
  if (allocation.limits.length !== problem.venues.length) {
    throw new InvariantError(
      `allocation has ${allocation.limits.length} limit orders, the problem ${problem.venues.length} venues`,
    );
  }
}

/** v(X, xi): the cost of the allocation when the outflows are `outflows[offset .. offset + K)`. */
export function sampleCost(
  problem: PlacementProblem,
  allocation: PlacementAllocation,
  outflows: ArrayLike<number>,
  offset = 0,
): number {
  assertAllocation(problem, allocation);
  const { target: s, halfSpread: h, impact: theta, venues } = problem;
  const m = allocation.market;
  let filled = m;
  let sent = m;
  let credit = 0;
  for (let k = 0; k < venues.length; k++) {
    const venue = venues[k] as PlacementVenue;
    const l = allocation.limits[k] as number;
    const fill = Math.min(Math.max((outflows[offset + k] as number) - venue.queueAhead, 0), l);
    filled += fill;
    sent += l;
    credit += (h + venue.rebate) * fill;
  }
  const under = Math.max(s - filled, 0);
  const over = Math.max(filled - s, 0);
  return (
    (h + problem.takerFee) * m -
    credit +
    theta * (sent + under) +
    problem.underfillPenalty * under +
    problem.overfillPenalty * over
  );
}

/** V(X) = E[v(X, xi)] over the samples. */
export function expectedCost(
  problem: PlacementProblem,
  allocation: PlacementAllocation,
  samples: OutflowSamples,
): number {
  return costBreakdown(problem, allocation, samples).expectedCost;
}

/**
 * V(X) split into its terms, each an expectation over the samples:
 * expectedCost = marketCost - passiveCredit + impactCost + underfillCost + overfillCost.
 */
export interface PlacementCostBreakdown {
  readonly expectedCost: number;
  /** (h + f) M. */
  readonly marketCost: number;
  /** E[sum_k (h + r_k) fill_k]: the spread earned by passive fills, net of the effective rebate. */
  readonly passiveCredit: number;
  /** theta E[M + sum_k L_k + (S - A)^+]. */
  readonly impactCost: number;
  /** lambda_u E[(S - A)^+]. */
  readonly underfillCost: number;
  /** lambda_o E[(A - S)^+]. */
  readonly overfillCost: number;
  /** E[A]: lots expected done by T before the catch-up. */
  readonly expectedFilled: number;
  /** P(A < S). */
  readonly underfillProbability: number;
}

export function costBreakdown(
  problem: PlacementProblem,
  allocation: PlacementAllocation,
  samples: OutflowSamples,
): PlacementCostBreakdown {
  assertProblem(problem);
  assertAllocation(problem, allocation);
  assertSamples(problem, samples);
  const { target: s, halfSpread: h, impact: theta, venues } = problem;
  const k = venues.length;
  const m = allocation.market;
  let sent = m;
  for (let j = 0; j < k; j++) sent += allocation.limits[j] as number;
  const { values, weights, count } = samples;
  let credit = 0;
  let filled = 0;
  let under = 0;
  let over = 0;
  let underProbability = 0;
  for (let n = 0; n < count; n++) {
    const w = weights === undefined ? 1 / count : (weights[n] as number);
    const row = n * k;
    let a = m;
    let c = 0;
    for (let j = 0; j < k; j++) {
      const venue = venues[j] as PlacementVenue;
      const fill = Math.min(
        Math.max((values[row + j] as number) - venue.queueAhead, 0),
        allocation.limits[j] as number,
      );
      a += fill;
      c += (h + venue.rebate) * fill;
    }
    credit += w * c;
    filled += w * a;
    if (a < s) {
      under += w * (s - a);
      underProbability += w;
    } else over += w * (a - s);
  }
  const marketCost = (h + problem.takerFee) * m;
  const impactCost = theta * (sent + under);
  const underfillCost = problem.underfillPenalty * under;
  const overfillCost = problem.overfillPenalty * over;
  return {
    expectedCost: marketCost - credit + impactCost + underfillCost + overfillCost,
    marketCost,
    passiveCredit: credit,
    impactCost,
    underfillCost,
    overfillCost,
    expectedFilled: filled,
    underfillProbability: underProbability,
  };
}

// ---- Proposition 3: one venue, closed form ----------------------------------------------------------------------------

export type SingleVenueCase = "all-limit" | "all-market" | "interior";

export interface SingleVenuePlacement {
  /** M*, lots (continuous: F^{-1} need not be a whole number). */
  readonly market: number;
  /** L*, lots. */
  readonly limit: number;
  /** Which of the three cases of Proposition 3 holds: (i) all-limit, (ii) all-market, (iii) interior. */
  readonly case: SingleVenueCase;
  /** p = (2h + f + r) / (lambda_u + h + r + theta): the probability F(Q + L*) at an interior optimum. */
  readonly fillThreshold: number;
  /** F(Q): probability that the queue ahead is not worked through by T (a limit order gets nothing). */
  readonly queueCdf: number;
  /** F(Q + S): probability that a limit order of S lots is not completely filled by T. */
  readonly queueAndTargetCdf: number;
  /** (2h + f + r) / F(Q + S) - (h + r + theta): all limit when lambda_u is at most this (case i). */
  readonly allLimitBound: number;
  /** (2h + f + r) / F(Q) - (h + r + theta): all market when lambda_u is at least this (case ii). */
  readonly allMarketBound: number;
}

/**
 * Proposition 3: the optimal split for one venue given the CDF of its outflow. Case (i) is tested first, so if both
 * bounds hold (possible only when F(Q) = F(Q + S), e.g. S = 0) the answer is all limit. The problem must have exactly
 * one venue.
 */
export function singleVenuePlacement(problem: PlacementProblem, outflow: OutflowCdf): SingleVenuePlacement {
  assertProblem(problem);
  if (problem.venues.length !== 1) {
    throw new InvariantError(`Proposition 3 is for one venue, the problem has ${problem.venues.length}`);
  }
  const venue = problem.venues[0] as PlacementVenue;
  const { target: s, halfSpread: h, takerFee: f, impact: theta, underfillPenalty: lambdaU } = problem;
  const r = venue.rebate;
  const q = venue.queueAhead;
  const gain = 2 * h + f + r;
  const exposure = h + r + theta;
  const queueCdf = outflow.cdf(q);
  const queueAndTargetCdf = outflow.cdf(q + s);
  const allLimitBound = gain / queueAndTargetCdf - exposure;
  const allMarketBound = gain / queueCdf - exposure;
  const fillThreshold = gain / (lambdaU + exposure);
  const common = { fillThreshold, queueCdf, queueAndTargetCdf, allLimitBound, allMarketBound };
  if (lambdaU <= allLimitBound) return { market: 0, limit: s, case: "all-limit", ...common };
  if (lambdaU >= allMarketBound) return { market: s, limit: 0, case: "all-market", ...common };
  // Between the bounds F(Q) < p < F(Q + S), so the quantile lies in [Q, Q + S]; the clamp only absorbs rounding.
  const limit = Math.min(Math.max(outflow.quantile(fillThreshold) - q, 0), s);
  return { market: s - limit, limit, case: "interior", ...common };
}

// ---- Section 4.1: stochastic approximation, K venues ------------------------------------------------------------------

export interface PlacementSolverOptions {
  /** Draws the sample of each step; the only randomness in the solve. */
  readonly random: Random;
  /** N: steps (>= 2); default 10,000. */
  readonly iterations?: number;
  /** gamma of the first half, lots per unit of subgradient (price units); default D / (G sqrt(N)), see the header. */
  readonly stepSize?: number;
}

export interface ContinuousPlacement {
  readonly market: number;
  readonly limits: Float64Array;
  /** V at this allocation over the samples. */
  readonly expectedCost: number;
}

export interface PlacementSolution {
  /** M, whole lots: the order decision. */
  readonly market: number;
  /** L_1..L_K, whole lots, in the order of the problem's venues. */
  readonly limits: Float64Array;
  /** V at the integer allocation over the samples. */
  readonly expectedCost: number;
  /** The averaged iterate before rounding, and its V. */
  readonly continuous: ContinuousPlacement;
  /** gamma of the first half (the second half steps a quarter of it). */
  readonly stepSize: number;
  readonly iterations: number;
}

export const DEFAULT_PLACEMENT_ITERATIONS = 10_000;

/**
 * The step of the averaging half, as a fraction of the first half's: the first half travels from the start with the
 * robust step, the second half averages iterates that jitter less around the optimum. Chosen by experiment on problems
 * like the benchmark's (K = 3 and 12): at 10,000 steps the median gap to a long reference solve's V was about 0.15%,
 * against 0.5% with the robust step throughout (K = 12); one smaller step throughout did as well only when the optimum
 * was near the start.
 */
const AVERAGING_STEP_FRACTION = 0.25;

/**
 * The multi-venue optimum by stochastic approximation. Starts from all market (M = S, no limit order): a venue whose
 * queue the samples never work through gets a limit order only if the samples show it pays. With no venue it still
 * weighs the market order against the shortfall penalty; S = 0 needs no iteration.
 */
export function solvePlacement(
  problem: PlacementProblem,
  samples: OutflowSamples,
  options: PlacementSolverOptions,
): PlacementSolution {
  assertProblem(problem);
  assertSamples(problem, samples);
  const iterations = options.iterations ?? DEFAULT_PLACEMENT_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 2) {
    throw new InvariantError(`placement solver: iterations must be a whole number >= 2, got ${iterations}`);
  }
  const { target: s, halfSpread: h, takerFee: f, impact: theta, underfillPenalty, overfillPenalty } = problem;
  const k = problem.venues.length;
  const queue = new Float64Array(k);
  const passive = new Float64Array(k); // h + r_k
  for (let j = 0; j < k; j++) {
    const venue = problem.venues[j] as PlacementVenue;
    queue[j] = venue.queueAhead;
    passive[j] = h + venue.rebate;
  }
  const stepSize = options.stepSize ?? defaultStepSize(problem, iterations);
  const limits = new Float64Array(k);
  let market: number;
  if (s === 0) {
    market = 0;
  } else {
    const { values, weights, count } = samples;
    const cumulative = weights === undefined ? null : cumulativeWeights(weights, count);
    const random = options.random;
    const x = new Float64Array(k);
    const sum = new Float64Array(k);
    const excess = new Float64Array(k); // xi_k - Q_k of the step's sample
    let m = s;
    let sumM = 0;
    const marketBase = h + f + theta;
    const shortSlope = -(underfillPenalty + theta);
    const averageFrom = iterations >> 1;
    for (let n = 0; n < iterations; n++) {
      const gamma = n < averageFrom ? stepSize : stepSize * AVERAGING_STEP_FRACTION;
      const row = (cumulative === null ? random.int(0, count - 1) : drawWeighted(cumulative, random.float())) * k;
      let a = m;
      for (let j = 0; j < k; j++) {
        const e = (values[row + j] as number) - (queue[j] as number);
        excess[j] = e;
        const l = x[j] as number;
        a += e <= 0 ? 0 : e < l ? e : l;
      }
      const c = a < s ? shortSlope : a > s ? overfillPenalty : 0;
      m -= gamma * (marketBase + c);
      m = m < 0 ? 0 : m > s ? s : m;
      const filledSlope = theta + c;
      for (let j = 0; j < k; j++) {
        const l = x[j] as number;
        let next = (excess[j] as number) > l ? l - gamma * (filledSlope - (passive[j] as number)) : l - gamma * theta;
        next = next < 0 ? 0 : next > s ? s : next;
        x[j] = next;
      }
      if (n >= averageFrom) {
        sumM += m;
        for (let j = 0; j < k; j++) sum[j] = (sum[j] as number) + (x[j] as number);
      }
    }
    const averaged = iterations - averageFrom;
    market = sumM / averaged;
    for (let j = 0; j < k; j++) limits[j] = (sum[j] as number) / averaged;
  }
  const continuous = { market, limits, expectedCost: expectedCost(problem, { market, limits }, samples) };
  const whole = roundAllocation(market, limits);
  return {
    market: whole.market,
    limits: whole.limits,
    expectedCost: expectedCost(problem, whole, samples),
    continuous,
    stepSize,
    iterations,
  };
}

/**
 * gamma = D / (G sqrt(N)): D = S sqrt(K + 1), the diameter of the box [0, S]^(K+1); G^2 = the sum over coordinates of
 * the largest squared subgradient component any outcome can give.
 */
function defaultStepSize(problem: PlacementProblem, iterations: number): number {
  const { target: s, halfSpread: h, takerFee: f, impact: theta, underfillPenalty, overfillPenalty } = problem;
  const base = h + f + theta;
  const gM = Math.max(Math.abs(base - underfillPenalty - theta), base, base + overfillPenalty);
  let g2 = gM * gM;
  for (const venue of problem.venues) {
    const fillSlope = theta - (h + venue.rebate);
    const gL = Math.max(
      theta,
      Math.abs(fillSlope),
      Math.abs(fillSlope - underfillPenalty - theta),
      Math.abs(fillSlope + overfillPenalty),
    );
    g2 += gL * gL;
  }
  const diameter = s * Math.sqrt(problem.venues.length + 1);
  return g2 > 0 ? diameter / (Math.sqrt(g2) * Math.sqrt(iterations)) : 0;
}

function cumulativeWeights(weights: Float64Array, count: number): Float64Array {
  const out = new Float64Array(count);
  let total = 0;
  for (let n = 0; n < count; n++) {
    total += weights[n] as number;
    out[n] = total;
  }
  return out;
}

/** The first row whose cumulative weight exceeds u times the total (inverse-CDF draw, binary search). */
function drawWeighted(cumulative: Float64Array, u: number): number {
  const target = u * (cumulative[cumulative.length - 1] as number);
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Largest-remainder rounding of (M, L_1..L_K): floors, then one more lot to the largest fractional parts (lowest index
 * first on ties) until the total is the continuous total rounded to the nearest lot.
 */
export function roundAllocation(market: number, limits: ArrayLike<number>): { market: number; limits: Float64Array } {
  const k = limits.length;
  const whole = new Float64Array(k + 1);
  const remainder = new Float64Array(k + 1);
  let total = 0;
  let floored = 0;
  for (let j = 0; j <= k; j++) {
    const value = j === 0 ? market : (limits[j - 1] as number);
    const low = Math.floor(value);
    whole[j] = low;
    remainder[j] = value - low;
    total += value;
    floored += low;
  }
  let missing = Math.round(total) - floored;
  while (missing > 0) {
    let best = 0;
    for (let j = 1; j <= k; j++) if ((remainder[j] as number) > (remainder[best] as number)) best = j;
    whole[best] = (whole[best] as number) + 1;
    remainder[best] = -1;
    missing--;
  }
  return { market: whole[0] as number, limits: whole.subarray(1) };
}
