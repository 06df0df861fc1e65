import { describe, expect, it } from "vitest";
import { takenShare } from "./taken-share.js";

const samples = (rows: number[][]) => ({
  venues: rows[0]?.length ?? 0,
  count: rows.length,
  values: Float64Array.from(rows.flat()),
});

describe("takenShare: pi judged by what the venues deliver over the look-ahead", () => {
  // Two venues, 100 lots a window each; queues of 50 and 250 ahead of the child.
  const steady = samples(Array.from({ length: 20 }, () => [100, 100]));
  const queues = [50, 250];

  it("is (D / S)^2 without a look-ahead of at least one window, and 0 when the parent needs nothing", () => {
    expect(takenShare(100, 400, steady, queues, 0)).toBeCloseTo(1 / 16, 12);
    expect(takenShare(800, 400, steady, queues, 0)).toBe(1);
    expect(takenShare(0, 400, steady, queues, 6)).toBe(0);
    expect(takenShare(-500, 400, steady, queues, 0)).toBe(0);
  });

  it("takes only what the queues cannot deliver over the look-ahead", () => {
    // Each window delivers 100 - 50 = 50 behind the first venue's queue, none behind the second's 250: 150 over 3.
    expect(takenShare(150, 400, steady, queues, 3)).toBe(0);
    // A need of 350: 200 beyond what they deliver, (200 / 400)^2.
    expect(takenShare(350, 400, steady, queues, 3)).toBeCloseTo(1 / 4, 12);
    // One window: 50; a need of 500 is short by 450, more than the child: all of it.
    expect(takenShare(500, 400, steady, queues, 1)).toBe(1);
    // Never more than without the look-ahead's credit.
    for (const need of [50, 200, 350, 600]) {
      expect(takenShare(need, 400, steady, queues, 6)).toBeLessThanOrEqual(takenShare(need, 400, steady, queues, 0));
    }
  });

  it("pays the queue ahead in every window (the parent re-joins behind it), not once over the look-ahead", () => {
    // 200 out a window behind a queue of 150: 50 a window, 300 over 6 windows (not 6 x 200 - 150 = 1,050).
    const one = samples(Array.from({ length: 12 }, () => [200]));
    expect(takenShare(300, 400, one, [150], 6)).toBe(0);
    expect(takenShare(700, 400, one, [150], 6)).toBe(1);
  });

  it("averages over the look-ahead's rolling sums of consecutive windows, not their mean", () => {
    // Busy and quiet windows in turn, 2 windows of look-ahead: every sum is 400 at the first venue (no queue).
    const alternating = samples(Array.from({ length: 10 }, (_, n) => [n % 2 === 0 ? 400 : 0]));
    expect(takenShare(400, 400, alternating, [0], 2)).toBe(0);
    // Busy pairs then quiet pairs: sums 800, 400, 0, 400, 800, ... over 2 windows; a need of 400 is short by 400 in
    // the quiet pairs only (starts 2 and 6 of the 9), each taking the whole child.
    const pairs = samples(Array.from({ length: 10 }, (_, n) => [n % 4 < 2 ? 400 : 0]));
    expect(takenShare(400, 400, pairs, [0], 2)).toBeCloseTo(2 / 9, 12);
  });

  it("scales the sum of all rows to the look-ahead when there are fewer rows than its windows", () => {
    // Two rows of 100 behind a queue of 50: 100 delivered, 300 over 6 windows.
    expect(takenShare(300, 400, samples([[100], [100]]), [50], 6)).toBe(0);
    expect(takenShare(500, 400, samples([[100], [100]]), [50], 6)).toBeCloseTo(1 / 4, 12);
  });

  it("refuses a fractional look-ahead or queues that do not match the samples' venues", () => {
    expect(() => takenShare(100, 400, steady, queues, 1.5)).toThrow();
    expect(() => takenShare(100, 400, steady, [50], 3)).toThrow();
  });
});
