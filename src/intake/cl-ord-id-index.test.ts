import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClOrdIdIndex } from "./cl-ord-id-index.js";

describe("ClOrdIdIndex", () => {
  it("finds once and inserts at the free slot", () => {
    const index = new ClOrdIdIndex<number>(4);
    const slot = index.find("C1");
    expect(slot).toBeLessThan(0);
    index.insertAt(slot, "C1", 7);
    const again = index.find("C1");
    expect(again).toBeGreaterThanOrEqual(0);
    expect(index.valueAt(again)).toBe(7);
    expect(index.size).toBe(1);
  });

  it("behaves like a Map under inserts, overwrites and lookups (through growth)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.integer()), { maxLength: 3000 }), (entries) => {
        const index = new ClOrdIdIndex<number>(2);
        const map = new Map<string, number>();
        for (const [key, value] of entries) {
          expect(index.has(key)).toBe(map.has(key));
          index.set(key, value);
          map.set(key, value);
        }
        expect(index.size).toBe(map.size);
        for (const [key, value] of map) expect(index.get(key)).toBe(value);
        expect(index.get("\u0000absent\u0000")).toBe(map.get("\u0000absent\u0000"));
      }),
      { seed: 3, numRuns: 200 },
    );
  });

  it("behaves like a Map under inserts, deletes and lookups (through growth, with collisions in small tables)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 3000 }),
        (ops) => {
          const index = new ClOrdIdIndex<number>(2);
          const map = new Map<string, number>();
          for (const [remove, key, value] of ops) {
            if (remove) expect(index.delete(key)).toBe(map.delete(key));
            else {
              index.set(key, value);
              map.set(key, value);
            }
            expect(index.size).toBe(map.size);
          }
          for (const [key, value] of map) expect(index.get(key)).toBe(value);
          expect([...index.entries()].length).toBe(map.size);
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });
});
