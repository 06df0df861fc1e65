/**
 * The event loop's one API for time: schedule an action at a time or after a delay, cancel it, read the clock.
 * `VirtualScheduler` runs a simulation in virtual time (it jumps to the next timer; a trading day takes as long as its
 * events take to process). The wall-clock implementation lives in src/runtime/ and honours the same contract.
 * Invariant: time never goes backwards; an action scheduled in the past runs at the current time, after those due.
 */
import type { Clock } from "./clock.js";
import { type Timer, TimerQueue } from "./timer-queue.js";

export type TimerHandle = Timer;

export interface Scheduler extends Clock {
  at(time: number, action: () => void): TimerHandle;
  after(delayMicros: number, action: () => void): TimerHandle;
  cancel(handle: TimerHandle): void;
}

export class VirtualScheduler implements Scheduler {
  private readonly queue = new TimerQueue();
  private current: number;

  constructor(startMicros: number) {
    this.current = startMicros;
  }

  now(): number {
    return this.current;
  }

  at(time: number, action: () => void): TimerHandle {
    return this.queue.push(Math.max(time, this.current), action);
  }

  after(delayMicros: number, action: () => void): TimerHandle {
    return this.at(this.current + Math.max(0, delayMicros), action);
  }

  cancel(handle: TimerHandle): void {
    this.queue.cancel(handle);
  }

  /** Number of timers still queued (cancelled ones may be counted until they surface). */
  get pending(): number {
    return this.queue.size;
  }

  /**
   * Runs every timer due at or before `until` in (time, scheduling order), then sets the clock to `until`.
   * Returns the number of actions run.
   */
  runUntil(until: number): number {
    let ran = 0;
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined || next.time > until) break;
      this.queue.pop();
      this.current = next.time;
      next.action();
      ran++;
    }
    if (until > this.current) this.current = until;
    return ran;
  }

  /** Runs until no timer is left. */
  runUntilIdle(): number {
    let ran = 0;
    for (let next = this.queue.pop(); next !== undefined; next = this.queue.pop()) {
      this.current = next.time;
      next.action();
      ran++;
    }
    return ran;
  }
}
