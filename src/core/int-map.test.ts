import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IntMap } from "./int-map.js";

describe("IntMap", () => {
  it("stores, replaces and deletes", () => {
    const m = new IntMap<string>();
    m.set(1, "a");
    m.set(2 ** 40 + 1, "big");
    m.set(-5, "neg");
    m.set(1, "A");
    expect([m.get(1), m.get(2 ** 40 + 1), m.get(-5), m.get(7)]).toEqual(["A", "big", "neg", undefined]);
    expect(m.size).toBe(3);
    expect(m.delete(1)).toBe(true);
    expect(m.delete(1)).toBe(false);
    expect(m.has(1)).toBe(false);
    expect(m.size).toBe(2);
  });

  it("behaves like Map under any sequence of sets and deletes, across growth and probe-run shifts", () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 64 }),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
      fc.constantFrom(2 ** 32, 2 ** 32 + 64, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
    );
    const command = fc.tuple(fc.boolean(), key, fc.integer());
    fc.assert(
      fc.property(fc.array(command, { maxLength: 600 }), (commands) => {
        const ours = new IntMap<number>(4);
        const reference = new Map<number, number>();
        for (const [isSet, k, v] of commands) {
          if (isSet) {
            ours.set(k, v);
            reference.set(k, v);
          } else {
            expect(ours.delete(k)).toBe(reference.delete(k));
          }
          expect(ours.size).toBe(reference.size);
        }
        for (const [k, v] of reference) expect(ours.get(k)).toBe(v);
        for (const [, k] of commands) expect(ours.get(k)).toBe(reference.get(k));
        expect(new Map(ours.entries())).toEqual(reference);
      }),
      { seed: 17, numRuns: 300 },
    );
  });
});
