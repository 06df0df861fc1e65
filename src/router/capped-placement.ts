/**
 * The Cont & Kukanov (2017) placement problem (optimal-placement.ts) restricted to what the router sends: the whole
 * child, M + sum_k L_k = S, with the market part at most what the far touch shows (`maxMarket`), solved exactly over the
 * outflow samples by a greedy walk, with no iteration and no randomness.
 *
 * Why the whole child. The parent's schedule, not the router, decides how much rests: it asks for S lots working and
 * keeps them working past T (a lot not filled by T is not bought at T by the router; it stays in its queue, and the
 * schedule takes only when it falls behind). The paper's free choice of how much to send would let the solve send
 * nothing where no queue works through by T (every lot then costs theta and fills nothing), and the schedule would be
 * left short with no queue position at all. So the question the router answers is where S goes: taking now, or resting
 * on which venue. Sending everything to any one venue (the best-venue baseline) is one of the allocations, so the
 * optimum is never dearer in the model than it.
 *
 * Why exact. With M + sum_k L_k = S the fills A = M + sum_k fill_k never exceed S, so the over-fill term vanishes and
 * (S - A)^+ = S - A. The expected cost becomes separable:
 *   V(X) = (theta + lambda_u) S + (h + f - lambda_u) M + sum_k [ theta L_k - (h + r_k + theta + lambda_u) E fill_k ]
 * and E fill_k = sum_{j = 1..L_k} g_k(j) with g_k(j) = E[clamp(xi_k - Q_k - j + 1, 0, 1)] (the j-th lot behind the
 * queue fills when the outflow reaches it; P(xi_k - Q_k >= j) for whole-lot outflows), non-increasing in j. Every market
 * lot costs h + f - lambda_u; the j-th lot resting at venue k costs theta - (h + r_k + theta + lambda_u) g_k(j), non-
 * decreasing in j. A sum of convex separable terms under one total is minimised by taking the S cheapest marginals
 * (market lots up to `maxMarket`): the greedy walk over blocks of lots with equal marginal (block bounds are the sorted
 * outflows, so a walk touches at most 2 N blocks per venue, and usually a handful).
 *
 * Ties between venues' marginals go to the larger h + r_k + theta + lambda_u (the better rebate: beyond the lots that
 * fill by T, every venue's marginal is theta, and a lot that fills later is worth most where the rebate is), then the
 * lower venue index; limit orders before the market. So with no outflow reaching any queue the child rests whole at the
 * best effective rebate.
 *
 * Cost: the samples' columns are sorted once per samples object (a WeakMap: the outflow estimator hands out one object
 * per set of closed windows, so a 10-second window's thousands of decisions share one sort); a solve is then a binary
 * search per venue and the walk.
 * Limits: as the model (one period: what fills after T is worth nothing in V, though the lot still rests); the
 * expected cost is over the given samples.
 */
import { InvariantError } from "../core/errors.js";
import type { OutflowSamples, PlacementProblem } from "./optimal-placement.js";
import { placementProblemIssue } from "./optimal-placement.js";

export interface CappedPlacement {
  /** M, whole lots. */
  readonly market: number;
  /** L_1..L_K, whole lots, in the order of the problem's venues; M + sum L_k = S. */
  readonly limits: Float64Array;
  /** V at this allocation over the samples (exact: what `expectedCost` gives for it). */
  readonly expectedCost: number;
}

/** One venue's outflows sorted ascending, with the weight of the samples strictly below each position. */
interface SortedColumn {
  readonly values: Float64Array;
  /** below[i] = total weight of values[0 .. i); below[N] = 1. */
  readonly below: Float64Array;
}

const sortedBySamples = new WeakMap<OutflowSamples, SortedColumn[]>();

function sortedColumns(samples: OutflowSamples): SortedColumn[] {
  let columns = sortedBySamples.get(samples);
  if (columns !== undefined) return columns;
  const { venues: k, count, values, weights } = samples;
  if (!Number.isSafeInteger(count) || count < 1 || values.length < count * k) {
    throw new InvariantError(`outflow samples: ${count} rows of ${k} need that many values, got ${values.length}`);
  }
  if (weights !== undefined && weights.length < count) {
    throw new InvariantError(`outflow samples: ${count} rows need as many weights, got ${weights.length}`);
  }
  columns = [];
  if (weights === undefined) {
    // Equally likely rows: a numeric sort of each column (typed, no comparator), and i / N below position i.
    const below = new Float64Array(count + 1);
    for (let i = 0; i <= count; i++) below[i] = i / count;
    for (let j = 0; j < k; j++) {
      const sorted = new Float64Array(count);
      for (let n = 0; n < count; n++) sorted[n] = values[n * k + j] as number;
      sorted.sort();
      columns.push({ values: sorted, below });
    }
    sortedBySamples.set(samples, columns);
    return columns;
  }
  const order = new Uint32Array(count);
  for (let j = 0; j < k; j++) {
    for (let n = 0; n < count; n++) order[n] = n;
    order.sort((a, b) => (values[a * k + j] as number) - (values[b * k + j] as number) || a - b);
    const sorted = new Float64Array(count);
    const below = new Float64Array(count + 1);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const n = order[i] as number;
      sorted[i] = values[n * k + j] as number;
      below[i] = total;
      total += weights === undefined ? 1 : (weights[n] as number);
    }
    below[count] = total;
    // Normalised, so that an unweighted column and a weighted one read the same (probabilities).
    for (let i = 0; i <= count; i++) below[i] = (below[i] as number) / total;
    columns.push({ values: sorted, below });
  }
  sortedBySamples.set(samples, columns);
  return columns;
}

/**
 * Walks venue k's lots behind its queue in blocks of equal fill probability g (the marginal's only varying part): the
 * block holds lots from + 1 .. to. `i` is the first sorted outflow not yet used up; `remaining` the weight of the
 * outflows from i on (each fills every lot before its value).
 */
class Blocks {
  i = 0;
  remaining = 0;
  /** Lots behind the queue already walked past. */
  done = 0;
  to = 0;
  gain = 0;
  /** A lot partly filled (a fractional outflow) comes as its own block after the whole ones before it. */
  private partialAt = -1;
  private partialGain = 0;

  constructor(
    private readonly column: SortedColumn,
    private readonly queue: number,
  ) {
    const { values } = column;
    let lo = 0;
    let hi = values.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((values[mid] as number) - queue <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.i = lo;
    this.remaining = 1 - (column.below[lo] as number);
    this.next();
  }

  /** Moves to the next block; gain 0 (no outflow reaches further) when none is left. */
  next(): void {
    if (this.partialAt > 0) {
      this.to = this.partialAt;
      this.gain = this.partialGain;
      this.partialAt = -1;
      return;
    }
    const { values, below } = this.column;
    const n = values.length;
    if (this.i >= n || this.remaining <= 0) {
      this.to = Number.POSITIVE_INFINITY;
      this.gain = 0;
      return;
    }
    const c = Math.ceil((values[this.i] as number) - this.queue);
    // Lots done + 1 .. c - 1 fill whenever any remaining outflow does; lot c loses the fractions short of c.
    let deficit = 0;
    let i = this.i;
    while (i < n && (values[i] as number) - this.queue <= c) {
      deficit += ((below[i + 1] as number) - (below[i] as number)) * (c - ((values[i] as number) - this.queue));
      i++;
    }
    const full = this.remaining;
    this.remaining = 1 - (below[i] as number);
    this.i = i;
    if (deficit > 0) {
      this.partialAt = c;
      this.partialGain = full - deficit;
      if (c - 1 > this.done) {
        this.to = c - 1;
        this.gain = full;
      } else this.next();
      return;
    }
    this.to = c;
    this.gain = full;
  }
}

/**
 * The exact optimum of V over whole-lot allocations with M + sum_k L_k = S and M <= `maxMarket` (the header). The
 * problem is checked as `solvePlacement` checks it; the samples must have one column per venue, and with no venue the
 * market must be able to take the whole child.
 */
export function solveCappedPlacement(
  problem: PlacementProblem,
  samples: OutflowSamples,
  maxMarket: number = problem.target,
): CappedPlacement {
  const issue = placementProblemIssue(problem);
  if (issue !== null) throw new InvariantError(`placement problem: ${issue.field}: ${issue.reason}`);
  const k = problem.venues.length;
  if (samples.venues !== k) throw new InvariantError(`outflow samples have ${samples.venues} venues, the problem ${k}`);
  if (!(maxMarket >= 0)) throw new InvariantError(`placement: maxMarket ${maxMarket}`);
  const { target: s, halfSpread: h, takerFee: f, impact: theta, underfillPenalty: lambdaU } = problem;
  if (k === 0 && maxMarket < s)
    throw new InvariantError(`placement: no venue, and the market takes ${maxMarket} of ${s}`);
  const columns = sortedColumns(samples);
  const blocks: Blocks[] = [];
  const coefficient = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const venue = problem.venues[j] as PlacementProblem["venues"][number];
    blocks.push(new Blocks(columns[j] as SortedColumn, venue.queueAhead));
    coefficient[j] = h + venue.rebate + theta + lambdaU;
  }
  const marketMarginal = h + f - lambdaU;
  const limits = new Float64Array(k);
  let market = 0;
  let left = s;
  let cost = (theta + lambdaU) * s;
  while (left > 0) {
    let best = -1;
    let bestMarginal = Number.POSITIVE_INFINITY;
    for (let j = 0; j < k; j++) {
      const b = blocks[j] as Blocks;
      const marginal = theta - (coefficient[j] as number) * b.gain;
      if (
        marginal < bestMarginal ||
        (marginal === bestMarginal && (coefficient[j] as number) > (coefficient[best] as number))
      ) {
        best = j;
        bestMarginal = marginal;
      }
    }
    if (market < maxMarket && marketMarginal < bestMarginal) {
      // Every limit lot left costs at least bestMarginal: the market takes all it may.
      const lots = Math.min(left, Math.floor(maxMarket - market));
      market += lots;
      cost += marketMarginal * lots;
      left -= lots;
      if (left <= 0) break;
    }
    const b = blocks[best] as Blocks;
    const lots = Math.min(b.to - b.done, left);
    limits[best] = (limits[best] as number) + lots;
    cost += bestMarginal * lots;
    left -= lots;
    b.done += lots;
    if (b.done >= b.to) b.next();
  }
  return { market, limits, expectedCost: cost };
}
