import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { floorMulDiv, productLess } from "./exact-ratio.js";

const big = fc.bigInt({ min: 1n, max: BigInt(Number.MAX_SAFE_INTEGER) });

describe("exact ratio arithmetic", () => {
  it("floorMulDiv equals the bigint floor, small and past 2^53", () => {
    expect(floorMulDiv(7, 3, 2)).toBe(10);
    expect(floorMulDiv(2 ** 40, 2 ** 20, 3)).toBe(Number(2n ** 60n / 3n));
    fc.assert(
      fc.property(big, big, big, (a, b, c) => {
        const expected = (a * b) / c;
        fc.pre(expected <= BigInt(Number.MAX_SAFE_INTEGER));
        expect(floorMulDiv(Number(a), Number(b), Number(c))).toBe(Number(expected));
      }),
      { seed: 11, numRuns: 2000 },
    );
  });

  it("productLess compares exactly past 2^53", () => {
    const x = 2 ** 30 + 1;
    expect(productLess(x, x, x, x)).toBe(false);
    expect(productLess(x, x - 1, x, x)).toBe(true);
    fc.assert(
      fc.property(big, big, big, big, (x, y, u, v) => {
        expect(productLess(Number(x), Number(y), Number(u), Number(v))).toBe(x * y < u * v);
      }),
      { seed: 12, numRuns: 2000 },
    );
  });
});
