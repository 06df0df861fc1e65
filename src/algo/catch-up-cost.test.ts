import { describe, expect, it } from "vitest";
import type { ImpactParameters } from "../model/market-parameters.js";
import { catchUpCost } from "./catch-up-cost.js";

// permanent 1e-8 and transient 4e-8 per lot, half-life 300 s: tau = 300 / ln 2 = 432.8085 s.
const impact: ImpactParameters = {
  dailyVolatility: 0.0157,
  permanentPerLot: 1e-8,
  transientPerLot: 4e-8,
  transientHalfLifeSeconds: 300,
  resilienceSeconds: 15,
  depthPerLevel: 5_000,
  levels: 10,
  spreadTicks: 1,
};

describe("catch-up cost of a lot taken", () => {
  it("worked value: the permanent move under every lot left, the transient one under those bought while it decays", () => {
    // 10,000 lots left at 10 a second: rho tau = 4,328.085, of which 4,328.085 (1 - e^(-10,000 / 4,328.085))
    // = 3,898.685 are bought under the transient move; 1,500,000 x (1e-8 x 10,000 + 4e-8 x 3,898.685) = 383.921.
    expect(catchUpCost(impact, 1_500_000, 10_000, 10)).toBeCloseTo(383.921, 3);
  });

  it("at no pace only the permanent part counts; at a pace that buys everything within the decay, all of it", () => {
    expect(catchUpCost(impact, 1_500_000, 10_000, 0)).toBeCloseTo(150, 9);
    expect(catchUpCost(impact, 1_500_000, 10_000, 1e9)).toBeCloseTo(750, 3);
  });

  it("grows with what is left and with the pace; nothing left, nothing to move", () => {
    expect(catchUpCost(impact, 1_500_000, 0, 100)).toBe(0);
    expect(catchUpCost(impact, 1_500_000, 20_000, 10)).toBeGreaterThan(catchUpCost(impact, 1_500_000, 10_000, 10));
    expect(catchUpCost(impact, 1_500_000, 10_000, 20)).toBeGreaterThan(catchUpCost(impact, 1_500_000, 10_000, 10));
  });
});
