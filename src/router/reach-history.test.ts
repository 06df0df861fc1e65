import { describe, expect, it } from "vitest";
import { ReachHistory } from "./reach-history.js";

describe("ReachHistory", () => {
  it("sorts by reach, an exact observation before a lower bound at the same reach, newest weighing 1", () => {
    const history = new ReachHistory(10, 0.5);
    history.add(300, true);
    history.add(100, false);
    history.add(300, false);
    history.add(200, true);
    const sorted = history.sorted();
    expect(sorted.count).toBe(4);
    expect(Array.from(sorted.reach)).toEqual([100, 200, 300, 300]);
    expect(Array.from(sorted.censored)).toEqual([0, 1, 0, 1]);
    // Ages 2, 0, 1, 3 observations.
    expect(Array.from(sorted.weight)).toEqual([0.25, 1, 0.5, 0.125]);
  });

  it("keeps the newest `capacity` observations, and the cache follows each new one", () => {
    const history = new ReachHistory(3, 1);
    for (const reach of [10, 20, 30]) history.add(reach, false);
    expect(Array.from(history.sorted().reach)).toEqual([10, 20, 30]);
    history.add(5, true);
    expect(history.count).toBe(3);
    expect(Array.from(history.sorted().reach)).toEqual([5, 20, 30]);
    expect(history.observations()).toEqual({ reach: [20, 30, 5], censored: [false, false, true] });
  });

  it("refuses a reach that is negative or not finite", () => {
    const history = new ReachHistory(3, 1);
    expect(() => history.add(-1, false)).toThrow(/reach -1/);
    expect(() => history.add(Number.NaN, true)).toThrow(/reach NaN/);
    expect(() => new ReachHistory(0, 1)).toThrow(/capacity/);
  });
});
