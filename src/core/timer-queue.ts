/**
 * A binary min-heap of timers ordered by (time, insertion sequence): two timers due at the same microsecond run in
 * the order they were scheduled, which is what makes a simulation deterministic. Cancelling marks the timer; the heap
 * drops it when it reaches the top (lazy deletion keeps cancel O(1)).
 */
export interface Timer {
  readonly time: number;
  readonly seq: number;
  readonly action: () => void;
  cancelled: boolean;
}

export class TimerQueue {
  private heap: Timer[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, action: () => void): Timer {
    const timer: Timer = { time, seq: this.nextSeq++, action, cancelled: false };
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Timer;
      if (before(p, timer)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = timer;
    return timer;
  }

  /** The earliest live timer without removing it, or undefined. */
  peek(): Timer | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  /** Removes and returns the earliest live timer, or undefined. */
  pop(): Timer | undefined {
    this.dropCancelled();
    return this.removeTop();
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && (this.heap[0] as Timer).cancelled) this.removeTop();
  }

  private removeTop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right] as Timer, heap[left] as Timer) ? right : left;
      const c = heap[child] as Timer;
      if (before(last, c)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
