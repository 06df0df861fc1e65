import { describe, expect, it } from "vitest";
import { Random } from "../core/random.js";
import { VolumeProfile } from "../market/volume-profile.js";
import { holdingsFraction } from "./almgren-chriss.js";
import { IsSchedule, riskAversionFor } from "./is.js";
import { PovSchedule } from "./pov.js";
import { TwapSchedule } from "./twap.js";
import { VwapSchedule } from "./vwap.js";

const S = 1_000_000;
const MIN = 60 * S;
const DAY = 6.5 * 3600 * S;

describe("TWAP", () => {
  it("without randomisation: equal slices, linear within each, all done at the end", () => {
    const twap = new TwapSchedule(0, 10 * MIN, 10, 0, new Random(1));
    twap.plan({ time: 0, executed: 0, remaining: 1000, marketVolume: 0 });
    expect(twap.boundaries()).toEqual(Array.from({ length: 11 }, (_, i) => i * MIN));
    expect(twap.target(0)).toBe(0);
    expect(twap.target(MIN)).toBeCloseTo(100, 9);
    expect(twap.target(1.5 * MIN)).toBeCloseTo(150, 9);
    expect(twap.target(10 * MIN)).toBe(1000);
    expect(twap.target(11 * MIN)).toBe(1000);
    expect(twap.nextStep(30 * S)).toBe(MIN);
    expect(twap.nextStep(10 * MIN)).toBe(Number.POSITIVE_INFINITY);
  });

  it("randomises slice times and sizes within bounds, the same way for the same seed", () => {
    const make = (seed: number) => {
      const twap = new TwapSchedule(0, 10 * MIN, 10, 0.5, new Random(seed));
      twap.plan({ time: 0, executed: 0, remaining: 1000, marketVolume: 0 });
      return twap;
    };
    const a = make(7);
    const bounds = a.boundaries();
    expect(bounds).toEqual(make(7).boundaries());
    expect(bounds).not.toEqual(make(8).boundaries());
    for (let i = 1; i < 10; i++) expect(Math.abs((bounds[i] as number) - i * MIN)).toBeLessThanOrEqual(0.25 * MIN);
    const sizes = bounds.slice(1).map((b, i) => a.target(b) - a.target(bounds[i] as number));
    for (const size of sizes) {
      expect(size).toBeGreaterThan(100 * (0.75 / 1.25) - 1e-9);
      expect(size).toBeLessThan(100 * (1.25 / 0.75) + 1e-9);
    }
    expect(sizes.reduce((x, y) => x + y, 0)).toBeCloseTo(1000, 9);
    expect(new Set(sizes.map((s) => s.toFixed(6))).size).toBeGreaterThan(1);
  });

  it("re-plans what is left over the slices left when the quantity changes", () => {
    const twap = new TwapSchedule(0, 10 * MIN, 10, 0, new Random(1));
    twap.plan({ time: 0, executed: 0, remaining: 1000, marketVolume: 0 });
    twap.plan({ time: 5 * MIN, executed: 500, remaining: 1500, marketVolume: 0 });
    expect(twap.boundaries()).toHaveLength(6);
    expect(twap.target(5 * MIN)).toBe(500);
    expect(twap.target(6 * MIN)).toBeCloseTo(800, 9);
    expect(twap.target(10 * MIN)).toBe(2000);
  });
});

describe("VWAP", () => {
  // Three 10-minute bins with shares 1/4, 1/2, 1/4 of the session; ADV 120,000 lots.
  const profile = new VolumeProfile(600, [1, 2, 1]);
  const make = () => new VwapSchedule(0, 30 * MIN, profile, 0, 120_000, 10 * MIN);

  it("follows the profile across bins", () => {
    const vwap = make();
    vwap.plan({ time: 0, executed: 0, remaining: 1000, marketVolume: 0 });
    // Future bins (not the one being observed) follow the profile's cumulative share.
    expect(vwap.target(10 * MIN, 0)).toBeCloseTo(250, 9);
    expect(vwap.target(15 * MIN, 0)).toBeCloseTo(500, 9);
    expect(vwap.target(20 * MIN, 0)).toBeCloseTo(750, 9);
    expect(vwap.target(30 * MIN, 0)).toBe(1000);
    expect(vwap.nextStep(MIN)).toBe(10 * MIN);
  });

  it("paces the current bin by the volume printed in it, not by the clock", () => {
    const vwap = make();
    vwap.plan({ time: 0, executed: 0, remaining: 1000, marketVolume: 5000 });
    vwap.observe(MIN, 5000);
    // The bin expects 30,000 lots; after 6,000 have printed the target is 20% of the bin's 250.
    expect(vwap.target(2 * MIN, 11_000)).toBeCloseTo(50, 9);
    // A busy bin: all of it printed early, the bin's share is due now.
    expect(vwap.target(2 * MIN, 40_000)).toBeCloseTo(250, 9);
    // A quiet bin: nothing printed, nothing due until the bin ends.
    expect(vwap.target(9 * MIN, 5000)).toBe(0);
  });

  it("re-forecasts the day's volume from what printed since the plan", () => {
    const vwap = make();
    vwap.plan({ time: 0, executed: 0, remaining: 1000, marketVolume: 0 });
    vwap.observe(10 * MIN, 60_000); // twice the 30,000 expected in the first bin
    expect(vwap.wantsReplan(10 * MIN)).toBe(true);
    vwap.plan({ time: 10 * MIN, executed: 250, remaining: 750, marketVolume: 60_000 });
    expect(vwap.volumeForecast).toBeCloseTo(2, 9);
    expect(vwap.wantsReplan(11 * MIN)).toBe(false);
    // The second bin (half the session's volume: 60,000 lots) is now expected to bring twice that: 30,000 printed is a
    // quarter of it, so a quarter of the bin's 500 lots is due.
    vwap.observe(10 * MIN, 60_000);
    expect(vwap.target(12 * MIN, 90_000)).toBeCloseTo(250 + 125, 9);
  });
});

describe("POV", () => {
  it("targets a share of the volume since the plan, with a floor at the minimum rate and a ceiling at the maximum", () => {
    const pov = new PovSchedule(0, 0.1, 0.05, 0.2);
    pov.plan({ time: 0, executed: 30, remaining: 1000, marketVolume: 2000 });
    expect(pov.target(MIN, 2000)).toBe(30);
    expect(pov.target(MIN, 7000)).toBe(530);
    expect(pov.floor(MIN, 7000)).toBe(280);
    expect(pov.ceiling(MIN, 7000)).toBe(1030);
    // It stops at the parent's quantity.
    expect(pov.target(MIN, 1_000_000)).toBe(1030);
  });
});

describe("Implementation Shortfall", () => {
  const model = { sigma: 150 * 0.0157, eta: 1e-5, gamma: 1e-7, epsilon: 0.005 };

  it("follows the Almgren-Chriss holdings curve for its risk aversion", () => {
    const lambda = riskAversionFor(3, model, (30 * MIN) / DAY);
    const is = new IsSchedule(0, 30 * MIN, model, lambda, 3 * MIN);
    is.plan({ time: 0, executed: 0, remaining: 10_000, marketVolume: 0 });
    // kappa T is 3 by construction (to the discretisation of ten 3-minute periods).
    const kappaT = is.urgency * 30 * MIN;
    expect(kappaT).toBeGreaterThan(2.9);
    expect(kappaT).toBeLessThan(3.01);
    for (const t of [0, 5, 10, 20, 29]) {
      const expected = 10_000 * (1 - holdingsFraction(is.urgency, 30 * MIN, t * MIN));
      expect(is.target(t * MIN)).toBeCloseTo(expected, 6);
    }
    // Front-loaded: more than a straight line early on.
    expect(is.target(10 * MIN)).toBeGreaterThan(10_000 / 3 + 2000);
    expect(is.target(30 * MIN)).toBe(10_000);
  });

  it("is the straight line for a risk-neutral trader", () => {
    const is = new IsSchedule(0, 30 * MIN, model, 0, 3 * MIN);
    is.plan({ time: 0, executed: 0, remaining: 3000, marketVolume: 0 });
    expect(is.target(10 * MIN)).toBeCloseTo(1000, 9);
  });

  it("re-optimises over what is left at each recalibration: behind, the shortfall is spread front-loaded", () => {
    const lambda = riskAversionFor(3, model, (30 * MIN) / DAY);
    const is = new IsSchedule(0, 30 * MIN, model, lambda, 3 * MIN);
    is.plan({ time: 0, executed: 0, remaining: 10_000, marketVolume: 0 });
    const onSchedule = is.target(6 * MIN);
    const dueAt3 = is.target(3 * MIN);
    expect(is.wantsReplan(2 * MIN)).toBe(false);
    expect(is.wantsReplan(3 * MIN)).toBe(true);
    // On schedule at 3 minutes: the new plan is the same curve (time consistency).
    is.plan({ time: 3 * MIN, executed: is.target(3 * MIN), remaining: 10_000 - is.target(3 * MIN), marketVolume: 0 });
    expect(is.target(6 * MIN)).toBeCloseTo(onSchedule, 3);
    // Behind (nothing done at 3 minutes): the re-plan asks for more by 6 minutes than the original did.
    is.plan({ time: 3 * MIN, executed: 0, remaining: 10_000, marketVolume: 0 });
    expect(is.target(6 * MIN)).toBeLessThan(onSchedule);
    // ... but it speeds up: more in minutes 3-6 than the original plan had there.
    expect(is.target(6 * MIN)).toBeGreaterThan(onSchedule - dueAt3);
    expect(is.target(30 * MIN)).toBe(10_000);
  });
});
