/**
 * Releasing done client orders from the engine's memory, for a live service that runs all day: an order that is final
 * (filled, cancelled, expired) stays in the engine `afterMicros` after it became final (queries answer from memory),
 * then the engine drops it from its tables. The journal keeps it: queries read it back from there, and a new order
 * or a cancel naming one of its ClOrdIDs is found through `ReleasedClOrdIds` (the journal's client-id index behind a
 * fixed-size filter). What the engine keeps of a released order is constant in size: a share of the done orders'
 * digest (order-digest.ts: the state hash covers released orders), and of the per-source counts of the end-of-day
 * report. The caller releases only orders whose events are durable (service.ts waits for the journal first).
 * Invariants: an order is released once, only when done; orders leave in the order they became done.
 */
import type { ClientOrder } from "../model/client-order.js";
import { addDigests, doneOrderDigest, orderClOrdIds } from "./order-digest.js";

/** The ClOrdIDs of released orders, per source: where duplicates of released orders are found. */
export interface ReleasedClOrdIds {
  /** Called with every ClOrdID of an order the engine releases. */
  remember(source: string, clOrdId: string): void;
  /** Whether `source` used `clOrdId` for an order released before (exact: no false positive, no false negative). */
  has(source: string, clOrdId: string): boolean;
}

export interface OrderReleaseOptions {
  /** How long a done order stays in memory, µs. */
  readonly afterMicros: number;
  readonly clOrdIds: ReleasedClOrdIds;
}

/** Released orders of one source, by outcome. */
export interface ReleasedCounts {
  filled: number;
  canceled: number;
  expired: number;
  /** Cancelled or expired with some quantity filled. */
  partiallyFilled: number;
}

export interface ReleasedState {
  readonly count: number;
  /** Hex of the sum of the released orders' digests. */
  readonly digest: string;
  readonly bySource: readonly (readonly [string, ReleasedCounts])[];
}

export class OrderRelease {
  private queue: ClientOrder[] = [];
  private times: number[] = [];
  private head = 0;
  private digestSum = 0n;
  private readonly counts = new Map<string, ReleasedCounts>();
  /** Orders released so far. */
  count = 0;

  constructor(readonly options: OrderReleaseOptions) {}

  /** `order` became done at `time` (µs). */
  retain(order: ClientOrder, time: number): void {
    this.queue.push(order);
    this.times.push(time);
  }

  /** The next order due for release at `now`, taken off the queue, or undefined. */
  nextDue(now: number): ClientOrder | undefined {
    if (this.head === this.queue.length || (this.times[this.head] as number) > now - this.options.afterMicros) {
      return undefined;
    }
    const order = this.queue[this.head] as ClientOrder;
    this.queue[this.head] = undefined as unknown as ClientOrder;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return order;
  }

  /** Accounts for a released order: its digest, its counts, its ClOrdIDs (to the duplicate check). */
  released(order: ClientOrder): void {
    this.count++;
    this.digestSum = addDigests(this.digestSum, doneOrderDigest(order));
    let counts = this.counts.get(order.source);
    if (counts === undefined) {
      counts = { filled: 0, canceled: 0, expired: 0, partiallyFilled: 0 };
      this.counts.set(order.source, counts);
    }
    if (order.done === "filled") counts.filled++;
    else {
      if (order.done === "expired") counts.expired++;
      else counts.canceled++;
      if (order.cumQty > 0) counts.partiallyFilled++;
    }
    for (const id of orderClOrdIds(order)) this.options.clOrdIds.remember(order.source, id);
  }

  get digest(): bigint {
    return this.digestSum;
  }

  get bySource(): ReadonlyMap<string, Readonly<ReleasedCounts>> {
    return this.counts;
  }

  state(): ReleasedState {
    return {
      count: this.count,
      digest: this.digestSum.toString(16),
      bySource: [...this.counts].map(([source, c]) => [source, { ...c }] as const),
    };
  }

  restore(state: ReleasedState): void {
    this.count = state.count;
    this.digestSum = BigInt(`0x${state.digest}`);
    for (const [source, c] of state.bySource) this.counts.set(source, { ...c });
  }
}
