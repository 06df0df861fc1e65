/**
 * The promises `durable(seq)` hands out, kept in seq order: resolved when a commit reaches their seq, all rejected when
 * a write fails (a caller waiting on one is told of the failure; a later `durable` waits for the retry). Shared by
 * `Journal` and `ThreadedJournal`.
 */
interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class DurableWaiters {
  private waiters: Waiter[] = [];

  /** Resolves once `resolveThrough` reaches `seq`. */
  wait(seq: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = { seq, resolve, reject };
      const w = this.waiters;
      if (w.length === 0 || (w[w.length - 1] as Waiter).seq <= seq) w.push(waiter);
      else
        w.splice(
          w.findIndex((x) => x.seq > seq),
          0,
          waiter,
        );
    });
  }

  /** Everything up to `seq` is committed. */
  resolveThrough(seq: number): void {
    let n = 0;
    while (n < this.waiters.length && (this.waiters[n] as Waiter).seq <= seq) (this.waiters[n++] as Waiter).resolve();
    if (n > 0) this.waiters = this.waiters.slice(n);
  }

  rejectAll(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
  }
}
