import { describe, expect, it } from "vitest";
import { Instrument } from "../model/instrument.js";
import { acKappa } from "./almgren-chriss.js";
import { chooseAlgo, impactModel, type PolicyInputs } from "./auto-policy.js";

const MIN = 60_000_000;
const acme = new Instrument({
  symbol: "ACME",
  currency: "USD",
  priceIncrement: "0.01",
  lotSize: "1",
  referencePrice: "150.00",
  averageDailyVolume: 50_000_000,
  annualVolatility: 0.25,
});

const inputs = (over: Partial<PolicyInputs> = {}): PolicyInputs => ({
  intent: "urgency-medium",
  now: 0,
  startTime: 0,
  endTime: null,
  sessionEnd: 390 * MIN,
  quantity: 10_000,
  instrument: acme,
  price: 1_500_000,
  maxParticipation: null,
  minChildLots: 1,
  ...over,
});

describe("auto policy (the trilemma)", () => {
  it("low urgency: passive VWAP with the dark pool when small against the expected volume, POV when large", () => {
    // 60 minutes of a 50M-a-day stock is ~7.7M lots expected: 10,000 is tiny.
    expect(chooseAlgo(inputs({ intent: "urgency-low" }))).toMatchObject({
      algo: "vwap",
      useDark: true,
      aggressiveness: 0.2,
      endTime: 60 * MIN,
    });
    const big = chooseAlgo(inputs({ intent: "urgency-low", quantity: 1_000_000, maxParticipation: 0.08 }));
    expect(big).toMatchObject({ algo: "pov", povRate: 0.08, povMinRate: 0.04, povMaxRate: 0.16, completeByEnd: false });
  });

  it("medium and high urgency: IS, front-loaded more the higher the urgency, taking more at high", () => {
    const medium = chooseAlgo(inputs());
    const high = chooseAlgo(inputs({ intent: "urgency-high" }));
    expect(medium).toMatchObject({ algo: "is", endTime: 20 * MIN, useDark: true, aggressiveness: 0.5 });
    expect(high).toMatchObject({ algo: "is", endTime: 5 * MIN, useDark: false, aggressiveness: 0.9 });
    // kappa T is the urgency's value (2 and 6) for this instrument, whatever its price and volatility.
    const model = impactModel(acme, 1_500_000);
    const kappaT = (p: typeof medium) => {
      const days = (p.endTime - p.startTime) / (6.5 * 60 * MIN);
      const periods = 100;
      const k = acKappa({ quantity: 1, horizon: days, periods, ...model, lambda: p.riskAversion });
      return k * days;
    };
    expect(kappaT(medium)).toBeCloseTo(2, 1);
    expect(kappaT(high)).toBeCloseTo(6, 0);
  });

  it("an urgency's pace is not slowed by a later end time; an explicit strategy uses its whole window", () => {
    expect(chooseAlgo(inputs({ endTime: 300 * MIN })).endTime).toBe(20 * MIN);
    expect(chooseAlgo(inputs({ endTime: 10 * MIN })).endTime).toBe(10 * MIN);
    expect(chooseAlgo(inputs({ intent: "twap", endTime: 300 * MIN }))).toMatchObject({
      algo: "twap",
      endTime: 300 * MIN,
    });
    // Never past the session's end, never before the start time.
    expect(chooseAlgo(inputs({ intent: "twap", sessionEnd: 12 * MIN })).endTime).toBe(12 * MIN);
    expect(chooseAlgo(inputs({ startTime: 30 * MIN })).startTime).toBe(30 * MIN);
  });

  it("derives the Almgren-Chriss parameters from the simulated market's impact model", () => {
    const model = impactModel(acme, 1_500_000);
    const daily = 0.25 / Math.sqrt(252);
    expect(model.sigma).toBeCloseTo(150 * daily, 9);
    expect(model.gamma).toBeCloseTo(150 * acme.impact.permanentPerLot, 12);
    expect(model.epsilon).toBeCloseTo(0.005, 12);
    // eta: the steady transient displacement of trading one lot a day against an impact decaying with a 300 s half-life.
    const halfLifeDays = 300 / (6.5 * 3600);
    expect(model.eta).toBeCloseTo((150 * acme.impact.transientPerLot * halfLifeDays) / Math.LN2, 15);
    // The discrete model is well posed for one-minute periods: eta - gamma tau / 2 > 0.
    expect(model.eta - (model.gamma * (1 / 390)) / 2).toBeGreaterThan(0);
  });
});
