/**
 * How deep into our own resting lots a venue's flow reached within the router's horizon T, one venue, symbol and side,
 * learned from our own children (venue-scorecard.ts keeps one per venue, symbol and side; the optimal split reads it,
 * reach-distribution.ts). A resting child of L lots sent with A of our lots already resting ahead of it at the venue (at
 * its price or better) that filled F lots within T, the fills after its re-pegs included (the executor re-pegs most
 * children within T, and the child's lots go on filling at the new touch), says the venue's reach C over that T was:
 * - A + F exactly, when F < L and the child still worked at T (its lot F + 1 did not fill by then);
 * - at least A + F (a censored observation), when it filled completely (F = L) or ended before T (cancelled).
 * So the queue of others ahead and the re-pegs are inside C, and our own lots ahead, which the venue's quote lags and
 * its outflow samples leave out, are the only position it is measured from.
 *
 * Observations are exponentially weighted by count as every scorecard statistic is: the newest weighs 1, one k
 * observations older decay^k. The ring keeps the newest `capacity` (the scorecard sizes it so that what it drops weighs
 * under 1% of the newest). Invariants: reaches are finite and >= 0. `sorted()` and `estimate()` are cached until the next
 * observation.
 */
import { InvariantError } from "../core/errors.js";
import { productLimit, type ReachEstimate } from "./reach-distribution.js";

/** The observations by reach ascending (an exact one before a censored one at the same reach), with their weights. */
export interface SortedReach {
  readonly count: number;
  readonly reach: Float64Array;
  readonly weight: Float64Array;
  /** 1: a lower bound (censored), 0: the reach itself. */
  readonly censored: Uint8Array;
}

export class ReachHistory {
  private readonly reach: Float64Array;
  private readonly censored: Uint8Array;
  /** Observations ever added; the newest is at (added - 1) % capacity. */
  private added = 0;
  private cache: SortedReach | null = null;
  private estimated: ReachEstimate | null = null;

  constructor(
    readonly capacity: number,
    private readonly decay: number,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new InvariantError(`reach history: capacity ${capacity}`);
    this.reach = new Float64Array(capacity);
    this.censored = new Uint8Array(capacity);
  }

  get count(): number {
    return Math.min(this.added, this.capacity);
  }

  add(reach: number, censored: boolean): void {
    if (!(Number.isFinite(reach) && reach >= 0)) throw new InvariantError(`reach history: reach ${reach}`);
    const i = this.added % this.capacity;
    this.reach[i] = reach;
    this.censored[i] = censored ? 1 : 0;
    this.added++;
    this.cache = null;
    this.estimated = null;
  }

  /** Oldest first (for the scorecard's state; weights follow from the order). */
  observations(): { reach: number[]; censored: boolean[] } {
    const reach: number[] = [];
    const censored: boolean[] = [];
    for (let seq = this.added - this.count; seq < this.added; seq++) {
      const i = seq % this.capacity;
      reach.push(this.reach[i] as number);
      censored.push(this.censored[i] === 1);
    }
    return { reach, censored };
  }

  /** Kaplan-Meier's estimate of the reach from these observations (reach-distribution.ts), cached. */
  estimate(): ReachEstimate {
    this.estimated ??= productLimit(this.sorted());
    return this.estimated;
  }

  sorted(): SortedReach {
    if (this.cache !== null) return this.cache;
    const n = this.count;
    const order = new Uint32Array(n);
    for (let k = 0; k < n; k++) order[k] = (this.added - n + k) % this.capacity;
    order.sort(
      (a, b) =>
        (this.reach[a] as number) - (this.reach[b] as number) ||
        (this.censored[a] as number) - (this.censored[b] as number),
    );
    const reach = new Float64Array(n);
    const weight = new Float64Array(n);
    const censored = new Uint8Array(n);
    const newest = (this.added - 1) % this.capacity;
    for (let k = 0; k < n; k++) {
      const i = order[k] as number;
      reach[k] = this.reach[i] as number;
      censored[k] = this.censored[i] as number;
      weight[k] = this.decay ** ((newest - i + this.capacity) % this.capacity);
    }
    this.cache = { count: n, reach, weight, censored };
    return this.cache;
  }
}
