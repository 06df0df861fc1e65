/**
 * The wall-clock scheduler keeps the virtual one's contract: (time, scheduling order), cancel, one API. These tests
 * wait for real timers a few milliseconds away but assert only order, never durations.
 */
import { describe, expect, it } from "vitest";
import { WallScheduler } from "./wall-scheduler.js";

function settle(scheduler: WallScheduler, at: number): Promise<void> {
  return new Promise((resolve) => scheduler.at(at, resolve));
}

describe("WallScheduler", () => {
  it("reads the wall clock in microseconds", () => {
    const s = new WallScheduler();
    expect(Math.abs(s.now() / 1000 - Date.now())).toBeLessThan(1000);
  });

  it("runs actions in (time, scheduling order) and skips cancelled ones", async () => {
    const s = new WallScheduler();
    const seen: string[] = [];
    const base = s.now();
    s.at(base + 4_000, () => seen.push("late"));
    s.at(base + 2_000, () => seen.push("a"));
    s.at(base + 2_000, () => seen.push("b"));
    const cancelled = s.at(base + 3_000, () => seen.push("cancelled"));
    // Every time is absolute from one base, so the order cannot depend on how late the machine runs the timers.
    s.at(base, () => seen.push("now"));
    s.cancel(cancelled);
    await settle(s, base + 6_000);
    expect(seen).toEqual(["now", "a", "b", "late"]);
    s.stop();
  });
});
