/**
 * The Cont & Kukanov (2017) placement decision (optimal-placement.ts: a market part M now and limit parts L_k joining
 * the queues Q_k of K venues, given each queue's outflow xi_k over T) as the router executes it, solved exactly over the
 * outflow samples by a greedy walk, with no iteration and no randomness. Two things differ from the paper's problem,
 * both because the parent's schedule, not the router, decides how much works and when to take:
 *
 * - The whole child is placed: M + sum_k L_k = S, with M at most what the far touch shows (`maxMarket`). The paper's
 *   free choice of how much to send would let the solve send nothing where no queue works through by T, leaving the
 *   schedule short with no queue position at all. Everything at any one venue (the best-venue baseline's answer) is
 *   one of the allocations, so the optimum is never dearer in the model than it.
 * - A lot not filled by T is not always bought at T. The parent keeps its children at the touch until they fill (it
 *   re-pegs them) and takes only what leaves it below its schedule's floor: a share `takenShare` (pi) of the lots short
 *   at T is taken then, at h + f + theta, losing its credit; the rest keeps resting and fills later, earning its venue's
 *   credit h + r_k all the same. pi = 1 is the paper's terminal (the lots short bought at T, its lambda_u = h + f); a
 *   parent far ahead of its floor has pi = 0 and loses nothing by waiting (optimal-split.ts derives pi from the
 *   parent's floor). The paper's terminal alone makes a long queue at the best rebate look worthless to a patient
 *   parent whose lots there fill seconds after T (measured: a 300,000-share parent ran far ahead of its floor, every
 *   child filled, and the paper's terminal still sent a tenth of the lots to the fee venue's shorter queue).
 *
 * The expected cost, with credit_k = h + r_k, c_k = credit_k + h + f + theta (what a lot short at venue k and taken at T
 * costs over one filled there) and E fill_k = sum_{j = 1..L_k} g_k(j), g_k(j) = E[clamp(xi_k - Q_k - j + 1, 0, 1)] (the
 * j-th lot behind the queue fills by T when the outflow reaches it; P(xi_k - Q_k >= j) for whole-lot outflows),
 * non-increasing in j:
 *   V(X) = (h + f) M - sum_k credit_k L_k + theta S + pi sum_k c_k E[L_k - fill_k]
 *        = theta S + (h + f) M + sum_k sum_{j <= L_k} [ -credit_k + pi c_k (1 - g_k(j)) ]
 * (`restingPlacementCost`; at pi = 1 it is the paper's V with lambda_u = h + f). Every market lot costs h + f; the j-th
 * lot resting at venue k costs -credit_k + pi c_k (1 - g_k(j)), non-decreasing in j (c_k >= 0: a venue whose credit is
 * below -(h + f + theta), worse than taking even when filled, counts as c_k = 0). A sum of convex separable terms under
 * one total is minimised by taking the S cheapest marginals (market lots up to `maxMarket`): the greedy walk over
 * blocks of lots with equal marginal (block bounds are the sorted outflows, so a walk touches at most 2 N blocks per
 * venue, and usually a handful). So a parent that loses nothing by waiting (pi = 0) rests the whole child at the best
 * credit, and one that needs every lot by T weighs each venue's speed against its credit as the paper does.
 * Ties between venues' marginals go to the larger credit, then the lower venue index; limit orders before the market.
 *
 * Cost: the samples' columns are sorted once per samples object (a WeakMap: the outflow estimator hands out one object
 * per set of closed windows, so a 10-second window's thousands of decisions share one sort); a solve is then a binary
 * search per venue and the walk.
 * Limits: one period (lateness is priced at T only, by the share taken); the expected cost is over the given samples;
 * the problem's lambda_u and lambda_o are not used (pi stands for the first; the second cannot bind).
 */
import { InvariantError } from "../core/errors.js";
import type { OutflowSamples, PlacementAllocation, PlacementProblem } from "./optimal-placement.js";
import { placementProblemIssue } from "./optimal-placement.js";

export interface CappedPlacement {
  /** M, whole lots. */
  readonly market: number;
  /** L_1..L_K, whole lots, in the order of the problem's venues; M + sum L_k = S. */
  readonly limits: Float64Array;
  /** V at this allocation over the samples (exact: what `restingPlacementCost` gives for it). */
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
 * V of an allocation of the whole child (M + sum_k L_k = S) over the samples, as the router's model prices it (the
 * header): of the lots short at T a share `takenShare` is taken then, the rest rest on and earn their credit later.
 */
export function restingPlacementCost(
  problem: PlacementProblem,
  allocation: PlacementAllocation,
  samples: OutflowSamples,
  takenShare: number,
): number {
  const { target: s, halfSpread: h, takerFee: f, impact: theta, venues } = problem;
  let sent = allocation.market;
  let credit = 0;
  let late = 0;
  for (let k = 0; k < venues.length; k++) {
    const l = allocation.limits[k] as number;
    const c = h + (venues[k] as PlacementProblem["venues"][number]).rebate;
    sent += l;
    credit += c * l;
    late += Math.max(0, c + h + f + theta) * l;
  }
  if (sent !== s) throw new InvariantError(`placement: the allocation sends ${sent} lots, the child is ${s}`);
  const issue = placementProblemIssue(problem);
  if (issue !== null) throw new InvariantError(`placement problem: ${issue.field}: ${issue.reason}`);
  // sum_k c_k E fill_k: the lots filled by T, each worth its c_k.
  let filledLate = 0;
  const { values, weights, count } = samples;
  for (let n = 0; n < count; n++) {
    const w = weights === undefined ? 1 / count : (weights[n] as number);
    for (let k = 0; k < venues.length; k++) {
      const venue = venues[k] as PlacementProblem["venues"][number];
      const fill = Math.min(
        Math.max((values[n * venues.length + k] as number) - venue.queueAhead, 0),
        allocation.limits[k] as number,
      );
      filledLate += w * Math.max(0, h + venue.rebate + h + f + theta) * fill;
    }
  }
  return (h + f) * allocation.market - credit + theta * s + takenShare * (late - filledLate);
}

/**
 * The exact optimum of V over whole-lot allocations with M + sum_k L_k = S and M <= `maxMarket`, a share
 * `takenShare` in [0, 1] of the lots short at T taken then (the header; default 1, the paper's terminal). The problem
 * is checked as `solvePlacement` checks it; the samples must have one column per venue, and with no venue the market
 * must be able to take the whole child.
 */
export function solveCappedPlacement(
  problem: PlacementProblem,
  samples: OutflowSamples,
  maxMarket: number = problem.target,
  takenShare = 1,
): CappedPlacement {
  const issue = placementProblemIssue(problem);
  if (issue !== null) throw new InvariantError(`placement problem: ${issue.field}: ${issue.reason}`);
  const k = problem.venues.length;
  if (samples.venues !== k) throw new InvariantError(`outflow samples have ${samples.venues} venues, the problem ${k}`);
  if (!(maxMarket >= 0)) throw new InvariantError(`placement: maxMarket ${maxMarket}`);
  if (!(takenShare >= 0 && takenShare <= 1)) throw new InvariantError(`placement: takenShare ${takenShare}`);
  const { target: s, halfSpread: h, takerFee: f, impact: theta } = problem;
  if (k === 0 && maxMarket < s)
    throw new InvariantError(`placement: no venue, and the market takes ${maxMarket} of ${s}`);
  const columns = sortedColumns(samples);
  const blocks: Blocks[] = [];
  const credit = new Float64Array(k);
  // pi c_k: what a lot at venue k short at T adds (the lot taken then, losing its credit, times the share taken).
  const late = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const venue = problem.venues[j] as PlacementProblem["venues"][number];
    blocks.push(new Blocks(columns[j] as SortedColumn, venue.queueAhead));
    credit[j] = h + venue.rebate;
    late[j] = takenShare * Math.max(0, h + venue.rebate + h + f + theta);
  }
  const marketMarginal = h + f;
  const limits = new Float64Array(k);
  let market = 0;
  let left = s;
  let cost = theta * s;
  while (left > 0) {
    let best = -1;
    let bestMarginal = Number.POSITIVE_INFINITY;
    for (let j = 0; j < k; j++) {
      const marginal = (late[j] as number) * (1 - (blocks[j] as Blocks).gain) - (credit[j] as number);
      if (marginal < bestMarginal || (marginal === bestMarginal && (credit[j] as number) > (credit[best] as number))) {
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
