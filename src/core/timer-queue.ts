/**
 * A binary min-heap of timers ordered by (time, insertion sequence): two timers due at the same microsecond run in
 * the order they were scheduled, which is what makes a simulation deterministic.
 *
 * Cancelling is O(1) amortised: the timer is marked and lets go of its action at once (what the action holds, an
 * order's closure for example, can be collected now, not when the timer would have been due, which for an order's end
 * time can be hours away); the heap drops a cancelled timer when it reaches the top, and rebuilds itself without the
 * cancelled ones once they are more than half of it, so a flow that schedules far-off timers and cancels them keeps
 * the heap the size of what is live. The rebuild keeps the (time, sequence) order, so it changes no outcome.
 */
export interface Timer {
  readonly time: number;
  readonly seq: number;
  action: () => void;
  /** Queued and live, cancelled (still in the heap or dropped), or taken out by `pop`. */
  state: TimerState;
}

export type TimerState = "queued" | "cancelled" | "popped";

/** Below this many cancelled timers the heap is never rebuilt (a rebuild costs O(size)). */
const REBUILD_MIN_CANCELLED = 64;

const NOTHING = (): void => {};

export class TimerQueue {
  private heap: Timer[] = [];
  private nextSeq = 0;
  /** Cancelled timers still in the heap. */
  private cancelledInHeap = 0;

  /** Timers in the heap, cancelled ones not yet dropped included. */
  get size(): number {
    return this.heap.length;
  }

  push(time: number, action: () => void): Timer {
    const timer: Timer = { time, seq: this.nextSeq++, action, state: "queued" };
    const heap = this.heap;
    heap.push(timer);
    this.siftUp(heap.length - 1, timer);
    return timer;
  }

  /** Cancels a queued timer (it will not be returned by `peek` or `pop`); one already popped or cancelled is left. */
  cancel(timer: Timer): void {
    if (timer.state !== "queued") return;
    timer.state = "cancelled";
    timer.action = NOTHING;
    this.cancelledInHeap++;
    if (this.cancelledInHeap >= REBUILD_MIN_CANCELLED && this.cancelledInHeap * 2 > this.heap.length) this.rebuild();
  }

  /** The earliest live timer without removing it, or undefined. */
  peek(): Timer | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  /** Removes and returns the earliest live timer, or undefined. */
  pop(): Timer | undefined {
    this.dropCancelled();
    const top = this.removeTop();
    if (top !== undefined) top.state = "popped";
    return top;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && (this.heap[0] as Timer).state === "cancelled") {
      this.removeTop();
      this.cancelledInHeap--;
    }
  }

  /** The heap again from its live timers only (Floyd's bottom-up heapify, O(size)). */
  private rebuild(): void {
    const live: Timer[] = [];
    for (const timer of this.heap) if (timer.state === "queued") live.push(timer);
    this.heap = live;
    this.cancelledInHeap = 0;
    for (let i = (live.length >> 1) - 1; i >= 0; i--) this.siftDown(i, live[i] as Timer);
  }

  private removeTop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    this.siftDown(0, last);
    return top;
  }

  private siftUp(from: number, timer: Timer): void {
    const heap = this.heap;
    let i = from;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Timer;
      if (before(p, timer)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = timer;
  }

  private siftDown(from: number, timer: Timer): void {
    const heap = this.heap;
    const n = heap.length;
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right] as Timer, heap[left] as Timer) ? right : left;
      const c = heap[child] as Timer;
      if (before(timer, c)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = timer;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
