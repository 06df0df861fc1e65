import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VirtualScheduler } from "./scheduler.js";

describe("VirtualScheduler", () => {
  it("runs actions in time order, and in scheduling order at the same time", () => {
    const s = new VirtualScheduler(1_000);
    const seen: string[] = [];
    s.at(3_000, () => seen.push("c"));
    s.at(2_000, () => seen.push("a"));
    s.at(2_000, () => seen.push("b"));
    s.after(500, () => seen.push("first"));
    expect(s.runUntilIdle()).toBe(4);
    expect(seen).toEqual(["first", "a", "b", "c"]);
    expect(s.now()).toBe(3_000);
  });

  it("moves the clock to each action's time while it runs, and never backwards", () => {
    const s = new VirtualScheduler(0);
    const times: number[] = [];
    s.at(10, () => {
      times.push(s.now());
      s.at(5, () => times.push(s.now()));
      s.after(7, () => times.push(s.now()));
    });
    s.runUntilIdle();
    expect(times).toEqual([10, 10, 17]);
  });

  it("runUntil stops at the horizon and sets the clock to it", () => {
    const s = new VirtualScheduler(0);
    const seen: number[] = [];
    for (const t of [5, 10, 15]) s.at(t, () => seen.push(t));
    expect(s.runUntil(10)).toBe(2);
    expect(seen).toEqual([5, 10]);
    expect(s.now()).toBe(10);
    s.runUntil(12);
    expect(s.now()).toBe(12);
    s.runUntilIdle();
    expect(seen).toEqual([5, 10, 15]);
  });

  it("does not run a cancelled action", () => {
    const s = new VirtualScheduler(0);
    const seen: string[] = [];
    const handle = s.at(5, () => seen.push("cancelled"));
    s.at(6, () => seen.push("kept"));
    s.cancel(handle);
    s.runUntilIdle();
    expect(seen).toEqual(["kept"]);
  });

  it("orders any set of timers by (time, scheduling order)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 200 }), (timers) => {
        const s = new VirtualScheduler(0);
        const seen: number[] = [];
        timers.forEach(([time, cancel], i) => {
          const h = s.at(time, () => seen.push(i));
          if (cancel) s.cancel(h);
        });
        s.runUntilIdle();
        const expected = timers
          .map(([time, cancel], i) => ({ time, cancel, i }))
          .filter((t) => !t.cancel)
          .sort((a, b) => a.time - b.time || a.i - b.i)
          .map((t) => t.i);
        expect(seen).toEqual(expected);
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});
