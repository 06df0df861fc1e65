import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PriceLadder } from "./price-ladder.js";

describe("PriceLadder", () => {
  it("sums the levels at or above a key, market (+Infinity) included", () => {
    const ladder = new PriceLadder();
    ladder.add(100, 5);
    ladder.add(Number.POSITIVE_INFINITY, 7);
    ladder.add(99, 3);
    ladder.add(100, 2);
    expect(ladder.levels()).toEqual([
      { key: Number.POSITIVE_INFINITY, qty: 7 },
      { key: 100, qty: 7 },
      { key: 99, qty: 3 },
    ]);
    expect([ladder.atOrAbove(101), ladder.atOrAbove(100), ladder.atOrAbove(50), ladder.total]).toEqual([7, 14, 17, 17]);
    ladder.add(100, -7);
    expect(ladder.levels().map((l) => l.key)).toEqual([Number.POSITIVE_INFINITY, 99]);
    expect(() => ladder.add(99, -4)).toThrow(RangeError);
  });

  it("moves a contribution from one level to another, or adds one where there was none", () => {
    const ladder = new PriceLadder();
    ladder.move(100, 0, Number.POSITIVE_INFINITY, 4);
    ladder.move(Number.POSITIVE_INFINITY, 4, 100, 3);
    expect(ladder.levels()).toEqual([{ key: 100, qty: 3 }]);
    expect(ladder.total).toBe(3);
    expect(() => ladder.move(99, 1, 100, 1)).toThrow(RangeError);
  });

  it("agrees with a naive sum over random adds and removes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.boolean())),
        (ops) => {
          const ladder = new PriceLadder();
          const naive = new Map<number, number>();
          for (const [key, qty, remove] of ops) {
            const have = naive.get(key) ?? 0;
            const delta = remove ? -Math.min(have, qty) : qty;
            ladder.add(key, delta);
            naive.set(key, have + delta);
          }
          for (let k = -6; k <= 6; k++) {
            let sum = 0;
            let level = Number.NEGATIVE_INFINITY;
            for (const [key, qty] of naive) {
              if (key >= k) sum += qty;
              if (key >= k && qty > 0 && (level === Number.NEGATIVE_INFINITY || key < level)) level = key;
            }
            expect(ladder.atOrAbove(k)).toBe(sum);
            // The least aggressive level that still allows k carries the same lots as k itself.
            expect(ladder.levelAtOrAbove(k)).toBe(level);
            if (level !== Number.NEGATIVE_INFINITY) expect(ladder.atOrAbove(level)).toBe(sum);
          }
        },
      ),
      { seed: 3, numRuns: 500 },
    );
  });
});
