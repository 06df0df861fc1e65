import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { roundedQuotient } from "./fees.js";

/** The same rounding in BigInt only: the oracle. */
function exact(rate: number, units: bigint, decimals: number): number {
  const product = BigInt(rate) * units;
  const abs = product < 0n ? -product : product;
  const divisor = 10n ** BigInt(decimals);
  const q = abs / divisor + ((abs % divisor) * 2n >= divisor ? 1n : 0n);
  return product < 0n && q !== 0n ? -Number(q) : Number(q);
}

describe("fee rounding: rate x units / 10^decimals, half away from zero", () => {
  it.each([
    [3000, 45, 4, 14], // 0.0045 share at $0.0030 = 13.5 micros -> 14 (floating point gives 13.4999...)
    [-2000, 45, 4, -9], // a 9-micro rebate
    [-1, 1, 4, 0], // a rebate too small to pay is 0, not -0
    [3000, 100, 0, 300000],
    [1000, 5, 1, 500],
  ])("rate %i x %i units at %i decimals = %i micros", (rate, units, decimals, micros) => {
    expect(Object.is(roundedQuotient(rate, units, decimals), micros)).toBe(true);
  });

  it("agrees with BigInt arithmetic, on both sides of 2^53", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -50_000, max: 50_000 }),
        fc.oneof(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
        fc.integer({ min: 0, max: 9 }),
        (rate, units, decimals) => {
          expect(roundedQuotient(rate, units, decimals)).toBe(exact(rate, BigInt(units), decimals));
        },
      ),
      { seed: 3, numRuns: 2_000 },
    );
  });
});
