/**
 * The live `Scheduler`: the same (time, sequence) ordering as the virtual one, driven by the wall clock. It keeps one
 * Node timer armed for the earliest action, so thousands of pending actions cost one timer. This is an adapter: the
 * domain never touches Node timers itself.
 */
import { performance } from "node:perf_hooks";
import type { Scheduler, TimerHandle } from "../core/scheduler.js";
import { TimerQueue } from "../core/timer-queue.js";

export class WallScheduler implements Scheduler {
  private readonly queue = new TimerQueue();
  private armed: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private readonly originMicros = Math.round(performance.timeOrigin * 1000);

  now(): number {
    return this.originMicros + Math.round(performance.now() * 1000);
  }

  at(time: number, action: () => void): TimerHandle {
    const timer = this.queue.push(time, action);
    if (time < this.armedFor) this.arm();
    return timer;
  }

  after(delayMicros: number, action: () => void): TimerHandle {
    return this.at(this.now() + Math.max(0, delayMicros), action);
  }

  cancel(handle: TimerHandle): void {
    this.queue.cancel(handle);
  }

  /** Stops the underlying Node timer; pending actions stay queued but will not run. */
  stop(): void {
    if (this.armed !== undefined) clearTimeout(this.armed);
    this.armed = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  private arm(): void {
    this.stop();
    const next = this.queue.peek();
    if (next === undefined) return;
    this.armedFor = next.time;
    const delayMs = Math.max(0, (next.time - this.now()) / 1000);
    this.armed = setTimeout(() => this.fire(), delayMs);
  }

  private fire(): void {
    this.armed = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = this.now();
    for (let next = this.queue.peek(); next !== undefined && next.time <= now; next = this.queue.peek()) {
      this.queue.pop();
      next.action();
    }
    this.arm();
  }
}
