/** The simulated market's parameters: defaults from ADV, range checks naming the field, and the impact a trade leaves. */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_VENUE_MARKET,
  impactAfter,
  impactParameters,
  instrumentMarket,
  instrumentMarketIssues,
  venueMarket,
  venueMarketIssues,
} from "./market-parameters.js";

describe("instrumentMarket", () => {
  it("derives depth and sizes from the average daily volume", () => {
    expect(instrumentMarket(50_000_000)).toEqual({
      spreadTicks: 1,
      levels: 10,
      depthPerLevel: 5_000,
      limitOrderSize: 2_500,
      marketOrderSize: 2_500,
      resilienceSeconds: 15,
      permanentImpact: 1,
      transientImpact: 4,
      transientHalfLifeSeconds: 300,
    });
    // A thin instrument still gets at least one lot everywhere.
    const thin = instrumentMarket(3_000);
    expect([thin.depthPerLevel, thin.limitOrderSize, thin.marketOrderSize]).toEqual([1, 1, 1]);
  });

  it("keeps what the config gives and derives the rest from it", () => {
    const m = instrumentMarket(50_000_000, { depthPerLevel: 800, spreadTicks: 2, permanentImpact: 0 });
    expect([m.depthPerLevel, m.limitOrderSize, m.marketOrderSize, m.spreadTicks, m.permanentImpact]).toEqual([
      800, 400, 400, 2, 0,
    ]);
  });
});

describe("instrumentMarketIssues", () => {
  const issue = (spec: Parameters<typeof instrumentMarketIssues>[0]) => instrumentMarketIssues(spec, 1_000_000)[0];

  it("accepts an empty section and realistic values", () => {
    expect(instrumentMarketIssues({}, 1_000_000)).toEqual([]);
    expect(instrumentMarketIssues({ spreadTicks: 3, levels: 20, resilienceSeconds: 2.5 }, 1_000_000)).toEqual([]);
  });

  it.each([
    [{ spreadTicks: 0 }, "spreadTicks", "expected a whole number >= 1 and at most 100, got 0"],
    [{ levels: 2.5 }, "levels", "expected a whole number >= 1 and at most 100, got 2.5"],
    [{ depthPerLevel: -5 }, "depthPerLevel", "expected a whole number >= 1, got -5"],
    [{ resilienceSeconds: 0 }, "resilienceSeconds", "expected a number from 0.1 to 86400, got 0"],
    [{ permanentImpact: -1 }, "permanentImpact", "expected a number from 0 to 1000, got -1"],
    [{ transientHalfLifeSeconds: 0 }, "transientHalfLifeSeconds", "expected a number above 0 and at most 86400"],
  ])("refuses %j naming %s", (spec, field, message) => {
    expect(issue(spec)?.path).toEqual([field]);
    expect(issue(spec)?.message).toContain(message);
  });

  it("guards the simulation's cost: orders per level and market orders a day", () => {
    expect(issue({ depthPerLevel: 1_000_000, limitOrderSize: 10 })?.path).toEqual(["limitOrderSize"]);
    expect(issue({ depthPerLevel: 1_000_000, limitOrderSize: 10 })?.message).toContain("more than 1000 orders");
    expect(instrumentMarketIssues({ marketOrderSize: 1 }, 5_000_000)[0]?.path).toEqual(["marketOrderSize"]);
  });
});

describe("venueMarket", () => {
  it("defaults every field and keeps what is given", () => {
    expect(venueMarket()).toEqual(DEFAULT_VENUE_MARKET);
    expect(venueMarket({ activityShare: 3, depthScale: 1.2 })).toMatchObject({ activityShare: 3, depthScale: 1.2 });
  });

  it("refuses fields of the other kind of venue, and values out of range, naming the field", () => {
    expect(venueMarketIssues("dark", { activityShare: 2 })).toEqual([
      { path: ["activityShare"], message: "applies to lit venues only; this venue is dark" },
    ]);
    expect(venueMarketIssues("lit", { volumeRatio: 0.2 })).toEqual([
      { path: ["volumeRatio"], message: "applies to dark venues only; this venue is lit" },
    ]);
    expect(venueMarketIssues("dark", { minQtyProbability: 1.5 })[0]).toEqual({
      path: ["minQtyProbability"],
      message: "expected a number from 0 to 1, got 1.5",
    });
    expect(venueMarketIssues("lit", { depthScale: 0 })[0]?.path).toEqual(["depthScale"]);
    expect(venueMarketIssues("lit", { activityShare: 2, depthScale: 0.5, spreadTicks: 2 })).toEqual([]);
  });
});

describe("impact parameters", () => {
  const market = instrumentMarket(50_000_000);
  const impact = impactParameters(market, 50_000_000, 0.25);

  it("scales the coefficients by daily volatility per lot of ADV", () => {
    expect(impact.dailyVolatility).toBeCloseTo(0.25 / Math.sqrt(252), 12);
    expect(impact.permanentPerLot).toBeCloseTo(impact.dailyVolatility / 50_000_000, 18);
    expect(impact.transientPerLot).toBeCloseTo((4 * impact.dailyVolatility) / 50_000_000, 18);
  });

  it("leaves the permanent part once the transient has decayed, half of it per half-life", () => {
    const q = 500_000; // 1% of ADV
    const permanent = Math.expm1(impact.permanentPerLot * q);
    expect(impactAfter(impact, q, 0)).toBeCloseTo(Math.expm1(5 * impact.permanentPerLot * q), 12);
    expect(impactAfter(impact, q, 300)).toBeCloseTo(Math.expm1(3 * impact.permanentPerLot * q), 12);
    expect(impactAfter(impact, q, 1e6)).toBeCloseTo(permanent, 12);
    expect(impactAfter(impact, -q, 1e6)).toBeCloseTo(Math.expm1(-impact.permanentPerLot * q), 12);
    // 1% of ADV moves a 25%-volatility stock by 1% of its daily volatility for good: about 1.6 bps.
    expect(permanent * 10_000).toBeCloseTo(1.575, 2);
  });
});
