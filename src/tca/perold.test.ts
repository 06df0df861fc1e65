/**
 * Perold's decomposition of implementation shortfall against the CFA worked example in ../shared/oracles/tca.md, to
 * 1e-10, and the identity that the parts sum to the total on random orders (property test).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { implementationShortfall } from "./execution-cost.js";

describe("Perold decomposition", () => {
  it("reproduces the worked example: IS 0.19% = fees 0.0425% + delay 0.07% + trading 0.0175% + opportunity 0.06%", () => {
    // Decision $40.00, buy 1,000; trading starts at $40.04; 700 at $40.05 with $17 commission; the rest cancelled at $40.08.
    const s = implementationShortfall({
      side: "buy",
      orderShares: 1000,
      arrivalPrice: 40,
      startPrice: 40.04,
      fills: [{ shares: 700, price: 40.05, fee: 17 }],
      endPrice: 40.08,
    });
    const percent = (bps: number) => bps / 100;
    expect(Math.abs(percent(s.bps) - 0.19)).toBeLessThan(1e-10);
    expect(Math.abs(percent(s.feeBps) - 0.0425)).toBeLessThan(1e-10);
    expect(Math.abs(percent(s.delayBps) - 0.07)).toBeLessThan(1e-10);
    expect(Math.abs(percent(s.tradingBps) - 0.0175)).toBeLessThan(1e-10);
    expect(Math.abs(percent(s.opportunityBps) - 0.06)).toBeLessThan(1e-10);
    // Paper gain 1000 x (40.08 - 40.00) = $80, real gain 700 x (40.08 - 40.05) - 17 = $4: shortfall $76 on $40,000.
    expect(Math.abs((s.bps / 1e4) * 40_000 - 76)).toBeLessThan(1e-10);
    expect(s.executionBps).toBeCloseTo(s.delayBps + s.tradingBps, 12);
  });

  it("mirrors for a sell: the same moves against a seller are gains", () => {
    const s = implementationShortfall({
      side: "sell",
      orderShares: 1000,
      arrivalPrice: 40,
      startPrice: 40.04,
      fills: [{ shares: 700, price: 40.05, fee: 17 }],
      endPrice: 40.08,
    });
    expect(s.delayBps).toBeCloseTo(-7, 10);
    expect(s.tradingBps).toBeCloseTo(-1.75, 10);
    expect(s.opportunityBps).toBeCloseTo(-6, 10);
    expect(s.feeBps).toBeCloseTo(4.25, 10);
  });

  it("sums its parts to the total, and the total is paper gain minus real gain, on random orders", () => {
    const price = fc.double({ min: 1, max: 1000, noNaN: true });
    const fill = fc.record({
      shares: fc.integer({ min: 1, max: 10_000 }),
      price,
      fee: fc.double({ min: -50, max: 50, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom("buy" as const, "sell" as const),
        fc.array(fill, { maxLength: 20 }),
        fc.integer({ min: 0, max: 10_000 }),
        price,
        price,
        price,
        (side, fills, extra, arrivalPrice, startPrice, endPrice) => {
          const orderShares = fills.reduce((s, f) => s + f.shares, 0) + extra + 1;
          const s = implementationShortfall({ side, orderShares, arrivalPrice, startPrice, fills, endPrice });
          const parts = s.delayBps + s.tradingBps + s.opportunityBps + s.feeBps;
          const scale = 1 + Math.abs(s.delayBps) + Math.abs(s.tradingBps) + Math.abs(s.opportunityBps);
          expect(Math.abs(parts - s.bps)).toBeLessThan(1e-9 * scale);
          // Paper portfolio: all of it at the decision price, marked at the end; real one: the fills, less fees.
          const sign = side === "buy" ? 1 : -1;
          const paper = sign * orderShares * (endPrice - arrivalPrice);
          const real = fills.reduce((g, f) => g + sign * f.shares * (endPrice - f.price) - f.fee, 0);
          const value = orderShares * arrivalPrice;
          expect(Math.abs(((paper - real) / value) * 1e4 - s.bps)).toBeLessThan(
            1e-9 * (scale + Math.abs(paper / value) * 1e4),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
