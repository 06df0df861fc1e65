/**
 * pi, the share of a resting child's lots short at T that its parent takes (capped-placement.ts), judged by what the
 * venues can deliver to its resting orders over its look-ahead, not by the child's own fill by T.
 *
 * A parent falls below its schedule's floor, and takes, only when the lots it needs filled within its look-ahead, D
 * (counting its resting orders as not done: they fill from the same queues), exceed what the lit venues' queues deliver
 * to orders at the touch over that period. In one outflow window a lot behind venue k's queue Q_k fills when the
 * outflow xi_k passes it: the window delivers (xi_k - Q_k)^+ there (the paper's fill over T). The parent re-pegs its
 * children when the touch leaves them and joins behind the queue again, so over the look-ahead's n windows the venues
 * deliver C = sum over the windows of sum_k (xi_k - Q_k)^+ (short of what an order keeping its place would get: over a
 * minute most of a queue's outflow is of lots that joined behind it; counting the whole minute's outflow less Q_k once
 * credited a 1,500,000-share parent with capacity it did not have, BENCHMARKS.md §9). The windows are the outflow
 * estimator's consecutive ones, one sum per starting window, so C's spread is the data's. A lot short at T still fills
 * later in the look-ahead while the queues deliver more than the parent needs: the slack before the parent falls
 * behind is the child's own excess over the need, S - D, plus that capacity; of a shortfall u spread evenly over 0..S
 * it takes (u - (S - D + C))^+, which is
 *
 *   pi = E[ min(1, (D - C)^+ / S)^2 ]   over the starting windows,
 *
 * the earlier (D / S)^2 when the look-ahead is shorter than one window (C = 0). So a parent at a few percent of the
 * venues' outflow buys no speed at the steps of its schedule, where it needs more than the child within its
 * look-ahead but the queues would deliver it anyway; one at a large share of them still does.
 * Limits: C is what the venues deliver to any order at the touch, ours and the parent's other children alike (D counts
 * those); the rows are taken as equally likely and in time order (the estimator's empirical rows are consecutive
 * windows; its parametric fallback's are independent draws, whose sums are sums of independent windows).
 */
import { InvariantError } from "../core/errors.js";
import type { OutflowSamples } from "./optimal-placement.js";

/**
 * pi for a child of `qty` lots whose parent needs `neededLots` within a look-ahead of `windows` outflow windows (whole,
 * >= 0), given the venues' outflow `samples` (one row per window, columns in the order of `queueAhead`).
 */
export function takenShare(
  neededLots: number,
  qty: number,
  samples: OutflowSamples,
  queueAhead: readonly number[],
  windows: number,
): number {
  if (!Number.isSafeInteger(windows) || windows < 0) throw new InvariantError(`taken share: ${windows} windows`);
  const { venues: k, count, values } = samples;
  if (queueAhead.length !== k) throw new InvariantError(`taken share: ${queueAhead.length} queues for ${k} venues`);
  if (!(neededLots > 0) || !(qty > 0)) return 0;
  if (windows === 0) {
    const short = Math.min(1, neededLots / qty);
    return short * short;
  }
  // What each window delivers behind the queues, then its running sum over the look-ahead's windows (fewer rows than
  // those: one sum over all of them, scaled to the look-ahead).
  const delivered = new Float64Array(count);
  for (let n = 0; n < count; n++) {
    let d = 0;
    for (let j = 0; j < k; j++) d += Math.max(0, (values[n * k + j] as number) - (queueAhead[j] as number));
    delivered[n] = d;
  }
  const span = Math.min(windows, count);
  const scale = windows / span;
  let sum = 0;
  for (let n = 0; n < span; n++) sum += delivered[n] as number;
  let total = 0;
  const starts = count - span + 1;
  for (let start = 0; start < starts; start++) {
    // Slide the look-ahead by one row: the row that enters, less the one that leaves.
    if (start > 0) sum += (delivered[start + span - 1] as number) - (delivered[start - 1] as number);
    const short = Math.min(1, Math.max(0, neededLots - sum * scale) / qty);
    total += short * short;
  }
  return total / starts;
}
