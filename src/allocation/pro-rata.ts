/**
 * Pro-rata allocation in whole lots by the cumulative quota method (Balinski & Young, "The quota method of
 * apportionment", 1975), a cumulative largest-remainder scheme that never takes back a lot.
 *
 * An epoch is a run of fills over the same eligible orders with no change to the parent: at its start each order's
 * weight w_i is its cap (its open quantity for a market fill; what it may cross for an internal cross) and W their sum. After the epoch's cumulative fills F, order i's exact pro-rata share
 * is s_i = F * w_i / W. For each fill (F -> F'):
 *   1. every order is raised to its lower quota: a_i = max(a_i, floor(s_i'));
 *   2. the lots left are given one each, to the orders still below their share (a_i < s_i'), by the d'Hondt priority
 *      w_i / (a_i + 1), highest first; among equal priorities the orders after the parent's rotation cursor (in
 *      arrival order, round) win; the cursor then moves to the last order served by the fill, so no order is
 *      systematically favoured.
 * Hence after every fill |a_i - s_i| < 1 lot for every order, allocations only grow, sum exactly to F, and never pass
 * w_i (s_i <= w_i since F <= W). With fixed weights the quota method keeps both quotas at every house size; the bulk
 * step 1 is what the one-lot-at-a-time method reaches as well (property-tested on many thousands of random runs). If
 * step 1 ever over-shoots (not seen), the epoch restarts at this fill, which keeps the sums exact.
 * A new epoch starts when the eligible set changes (a fill at a price some limits refuse, an internal cross), when an
 * order's cap is no longer its weight less what the epoch gave it (an internal cross narrowed by a pending reduction,
 * and the market fill after it), or the parent changes (an order joins, is cancelled, expires, is amended, starts or is
 * suspended): the bound holds against the exact shares since then. An order filled completely leaves without ending the epoch, so for a parent whose
 * orders all take every fill, the bound holds against the parent's whole cumulative fills.
 * Cost: O(n) per fill for n eligible orders (a selection, not a sort, for the remainder lots).
 */
import type { ParentOrder } from "../aggregation/parent-order.js";
import { InvariantError } from "../core/errors.js";
import type { ClientOrder } from "../model/client-order.js";
import type { AllocationPolicy } from "./allocation-policy.js";
import { floorMulDiv, productLess } from "./exact-ratio.js";

let nextEpoch = 1;
const DONE = 0;
const NOT_IN_EPOCH = 1;
const OVERSHOT = 2;

export class ProRataPolicy implements AllocationPolicy {
  readonly name = "pro-rata";
  readonly prefixOnly = false;
  /** Times the bulk lower-quota step over-shot and the epoch had to restart (expected to stay 0; tests check it). */
  static restarts = 0;
  private candidates = new Int32Array(1024);
  private priorities = new Float64Array(1024);
  private scratch = new Float64Array(1024);

  allocate(parent: ParentOrder, eligible: readonly ClientOrder[], caps: Float64Array, qty: number, out: Float64Array) {
    if (parent.epochVersion !== parent.version || parent.epochMembers !== eligible.length + parent.epochCompleted) {
      startEpoch(parent, eligible, caps);
    }
    let outcome = this.tryAllocate(parent, eligible, caps, qty, out);
    if (outcome === NOT_IN_EPOCH) {
      startEpoch(parent, eligible, caps);
      outcome = this.tryAllocate(parent, eligible, caps, qty, out);
    }
    if (outcome === OVERSHOT) {
      ProRataPolicy.restarts++;
      startEpoch(parent, eligible, caps);
      if (this.tryAllocate(parent, eligible, caps, qty, out) !== DONE) {
        throw new InvariantError(`pro-rata: cannot allocate ${qty} lots in parent ${parent.parentId}`);
      }
    }
  }

  /**
   * One fill within the current epoch; NOT_IN_EPOCH when an eligible order does not belong to it (the eligible set
   * changed) or its cap is not what the epoch has left of its weight, OVERSHOT when the bulk lower-quota step
   * over-shoots. Nothing is changed unless it returns DONE.
   */
  private tryAllocate(
    parent: ParentOrder,
    eligible: readonly ClientOrder[],
    caps: Float64Array,
    qty: number,
    out: Float64Array,
  ): number {
    const n = eligible.length;
    const epoch = parent.epochId;
    // Membership first: an eligible set that changed but kept its size must restart the epoch, not be judged against
    // the old epoch's totals; so must an order whose cap moved apart from its weight (the quota method never gives an
    // order more than its weight, so a cap equal to what the weight has left is never passed).
    for (let i = 0; i < n; i++) {
      const order = eligible[i] as ClientOrder;
      if (order.epoch !== epoch || caps[i] !== order.epochWeight - order.epochAlloc) return NOT_IN_EPOCH;
    }
    const total = parent.epochWeight;
    const filled = parent.epochFilled + qty;
    if (filled > total)
      throw new InvariantError(`pro-rata: fill of ${qty} exceeds the ${total - parent.epochFilled} eligible lots`);
    if (this.candidates.length < n) this.grow(n);
    const candidates = this.candidates;
    const priorities = this.priorities;
    // One pass: each order's lower quota, and whether it stays below its exact share (a candidate for one more lot).
    // With filled * w <= 2^53 the float division of two exact integers floors exactly (a quotient within one ulp
    // below an integer k would need filled * w > 2^53), so the exact helpers are needed only past that.
    const exact = filled * parent.epochMaxWeight <= Number.MAX_SAFE_INTEGER;
    let given = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const order = eligible[i] as ClientOrder;
      const w = order.epochWeight;
      const a = order.epochAlloc;
      const product = filled * w;
      const lower = exact ? Math.floor(product / total) : floorMulDiv(filled, w, total);
      const add = lower > a ? lower - a : 0;
      out[i] = add;
      given += add;
      const alloc = a + add;
      if (exact ? alloc * total < product : productLess(alloc, total, filled, w)) {
        candidates[count] = i;
        priorities[count] = w / (alloc + 1);
        count++;
      }
    }
    let left = qty - given;
    if (left < 0 || count < left) return OVERSHOT;
    if (left > 0) {
      if (count === left) {
        for (let c = 0; c < count; c++) {
          const index = candidates[c] as number;
          out[index] = (out[index] as number) + 1;
        }
        left = 0;
      } else {
        const threshold = this.kthLargest(count, left);
        for (let c = 0; c < count; c++) {
          if ((priorities[c] as number) > threshold) {
            const index = candidates[c] as number;
            out[index] = (out[index] as number) + 1;
            left--;
          }
        }
        if (left > 0) this.breakTies(parent, eligible, count, threshold, left, out);
      }
    }
    for (let i = 0; i < n; i++) {
      const lots = out[i] as number;
      if (lots === 0) continue;
      const order = eligible[i] as ClientOrder;
      order.epochAlloc += lots;
      // A member filled completely leaves the eligible set without ending the epoch: its share can no longer pass
      // its weight, so the quota method would give it nothing more anyway.
      if (order.epochAlloc === order.epochWeight) parent.epochCompleted++;
    }
    parent.epochFilled = filled;
    advanceRotation(parent, eligible, out);
    return DONE;
  }

  /** Gives `left` lots to the candidates at exactly `threshold`, in arrival order from after the rotation cursor. */
  private breakTies(
    parent: ParentOrder,
    eligible: readonly ClientOrder[],
    count: number,
    threshold: number,
    left: number,
    out: Float64Array,
  ): void {
    const candidates = this.candidates;
    const priorities = this.priorities;
    // Candidates are in arrival order: binary search for the first after the cursor.
    let start = 0;
    let hi = count;
    while (start < hi) {
      const mid = (start + hi) >> 1;
      if ((eligible[candidates[mid] as number] as ClientOrder).orderId <= parent.rotation) start = mid + 1;
      else hi = mid;
    }
    for (let step = 0; step < count && left > 0; step++) {
      const c = (start + step) % count;
      if (priorities[c] !== threshold) continue;
      const index = candidates[c] as number;
      out[index] = (out[index] as number) + 1;
      left--;
    }
  }

  /** The k-th largest of priorities[0..count) (quickselect on a copy). */
  private kthLargest(count: number, k: number): number {
    const a = this.scratch;
    a.set(this.priorities.subarray(0, count));
    let lo = 0;
    let hi = count - 1;
    const target = k - 1;
    while (lo < hi) {
      const pivot = a[(lo + hi) >> 1] as number;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while ((a[i] as number) > pivot) i++;
        while ((a[j] as number) < pivot) j--;
        if (i <= j) {
          const t = a[i] as number;
          a[i] = a[j] as number;
          a[j] = t;
          i++;
          j--;
        }
      }
      if (target <= j) hi = j;
      else if (target >= i) lo = i;
      else break;
    }
    return a[target] as number;
  }

  private grow(n: number): void {
    let size = this.candidates.length;
    while (size < n) size *= 2;
    this.candidates = new Int32Array(size);
    this.priorities = new Float64Array(size);
    this.scratch = new Float64Array(size);
  }
}

/**
 * Moves the rotation cursor to the last order, going round in arrival order from the old cursor, that received lots
 * in this fill: the next tie starts after it.
 */
function advanceRotation(parent: ParentOrder, eligible: readonly ClientOrder[], out: Float64Array): void {
  const n = eligible.length;
  let start = 0;
  let hi = n;
  while (start < hi) {
    const mid = (start + hi) >> 1;
    if ((eligible[mid] as ClientOrder).orderId <= parent.rotation) start = mid + 1;
    else hi = mid;
  }
  for (let step = n - 1; step >= 0; step--) {
    const i = (start + step) % n;
    if ((out[i] as number) > 0) {
      parent.rotation = (eligible[i] as ClientOrder).orderId;
      return;
    }
  }
}

function startEpoch(parent: ParentOrder, eligible: readonly ClientOrder[], caps: Float64Array): void {
  const epoch = nextEpoch++;
  let total = 0;
  let max = 0;
  for (let i = 0; i < eligible.length; i++) {
    const order = eligible[i] as ClientOrder;
    order.epoch = epoch;
    order.epochWeight = caps[i] as number;
    order.epochAlloc = 0;
    total += order.epochWeight;
    if (order.epochWeight > max) max = order.epochWeight;
  }
  parent.epochMaxWeight = max;
  parent.epochId = epoch;
  parent.epochVersion = parent.version;
  parent.epochMembers = eligible.length;
  parent.epochCompleted = 0;
  parent.epochFilled = 0;
  parent.epochWeight = total;
}

/** The exact pro-rata share of `order` in its parent's current epoch (for tests and audits). */
export function exactShare(parent: ParentOrder, order: ClientOrder): number {
  return order.epoch === parent.epochId ? (parent.epochFilled * order.epochWeight) / parent.epochWeight : Number.NaN;
}
