import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Timer, TimerQueue } from "./timer-queue.js";

describe("TimerQueue", () => {
  it("lets go of a cancelled timer's action at once, and never returns it", () => {
    const q = new TimerQueue();
    const action = () => {};
    const far = q.push(3_600_000_000, action);
    const near = q.push(5, () => {});
    q.cancel(far);
    expect(far.state).toBe("cancelled");
    expect(far.action).not.toBe(action);
    expect(q.pop()).toBe(near);
    expect(near.state).toBe("popped");
    expect(q.pop()).toBeUndefined();
  });

  it("ignores the cancel of a timer already popped or cancelled", () => {
    const q = new TimerQueue();
    const a = q.push(1, () => {});
    const b = q.push(2, () => {});
    expect(q.pop()).toBe(a);
    q.cancel(a);
    q.cancel(b);
    q.cancel(b);
    expect(a.state).toBe("popped");
    expect(q.pop()).toBeUndefined();
    expect(q.size).toBe(0);
  });

  it("keeps the heap near the size of what is live when far-off timers are cancelled", () => {
    const q = new TimerQueue();
    const live: Timer[] = [];
    for (let i = 0; i < 100_000; i++) {
      const timer = q.push(3_600_000_000 + i, () => {});
      if (i % 100 === 0) live.push(timer);
      else q.cancel(timer);
      expect(q.size).toBeLessThanOrEqual(2 * live.length + 64);
    }
    for (const timer of live) expect(q.pop()).toBe(timer);
    expect(q.pop()).toBeUndefined();
  });

  it("pops in (time, push order) under any mix of pushes, cancels and pops", () => {
    // Pushes and cancels outweigh pops so that cancelled timers pile up past the rebuild's threshold (64).
    const op = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({ kind: fc.constant("push" as const), time: fc.integer({ min: 0, max: 40 }) }),
      },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant("cancel-live" as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("pop" as const) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 300, maxLength: 1000, size: "max" }), (ops) => {
        const q = new TimerQueue();
        const model: Timer[] = []; // live timers, in no order
        const pushed: Timer[] = [];
        for (const o of ops) {
          if (o.kind === "push") {
            const timer = q.push(o.time, () => {});
            pushed.push(timer);
            model.push(timer);
          } else if (o.kind === "cancel" || o.kind === "cancel-live") {
            const from = o.kind === "cancel" ? pushed : model; // any timer (popped and cancelled ones too), or a live one
            if (from.length === 0) continue;
            const timer = from[o.pick % from.length] as Timer;
            q.cancel(timer);
            const at = model.indexOf(timer);
            if (at >= 0) model.splice(at, 1);
          } else {
            model.sort((a, b) => a.time - b.time || a.seq - b.seq);
            expect(q.pop()).toBe(model.shift());
          }
          expect(q.size - model.length).toBeLessThanOrEqual(Math.max(63, model.length));
        }
        model.sort((a, b) => a.time - b.time || a.seq - b.seq);
        for (const timer of model) expect(q.pop()).toBe(timer);
        expect(q.pop()).toBeUndefined();
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});
