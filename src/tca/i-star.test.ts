/**
 * I-Star against the worked value in ../shared/oracles/tca.md: Q/ADV = 0.10, sigma = 0.25, POV = 0.20 with the
 * "all data" parameters gives I* = 74.5711 bp and MI = 34.1737 bp.
 */
import { describe, expect, it } from "vitest";
import { I_STAR_ALL_DATA, iStar } from "./i-star.js";

describe("I-Star", () => {
  it("reproduces the published worked value", () => {
    expect(I_STAR_ALL_DATA).toEqual({ a1: 708, a2: 0.55, a3: 0.71, a4: 0.5, b1: 0.98 });
    const e = iStar({ quantity: 100_000, adv: 1_000_000, annualVolatility: 0.25, participation: 0.2 });
    expect(e.sizeFraction).toBeCloseTo(0.1, 15);
    expect(e.instantaneousBps).toBeCloseTo(74.5711, 4);
    expect(e.marketImpactBps).toBeCloseTo(34.1737, 4);
    expect(e.temporaryBps + e.permanentBps).toBeCloseTo(e.marketImpactBps, 12);
    expect(e.permanentBps).toBeCloseTo(0.02 * 74.5711, 4);
  });

  it("takes other parameters; trading at 100% participation costs I*", () => {
    const e = iStar({ quantity: 1, adv: 10, annualVolatility: 0.25, participation: 1 });
    expect(e.marketImpactBps).toBeCloseTo(e.instantaneousBps, 12);
    const linear = iStar(
      { quantity: 1, adv: 10, annualVolatility: 1, participation: 0.25 },
      { a1: 100, a2: 1, a3: 1, a4: 1, b1: 0.5 },
    );
    expect(linear.instantaneousBps).toBeCloseTo(10, 12);
    expect(linear.marketImpactBps).toBeCloseTo(0.5 * 0.25 * 10 + 0.5 * 10, 12);
  });

  it.each([
    [{ adv: 0 }, /I-Star adv: must be > 0/],
    [{ participation: 0 }, /I-Star participation: must be in \(0, 1\]/],
    [{ participation: 1.5 }, /I-Star participation/],
    [{ annualVolatility: -0.1 }, /I-Star annualVolatility/],
  ])("refuses %j", (change, message) => {
    const inputs = { quantity: 1, adv: 10, annualVolatility: 0.25, participation: 0.2, ...change };
    expect(() => iStar(inputs)).toThrow(message);
  });
});
