/** The latent fundamental: a random walk with the instrument's volatility, moved by others' volume as configured. */
import { describe, expect, it } from "vitest";
import { Random } from "../core/random.js";
import { Instrument } from "../model/instrument.js";
import { impactAfter } from "../model/market-parameters.js";
import { Fundamental } from "./fundamental.js";
import { quoteTargets } from "./zero-intelligence-flow.js";

const acme = new Instrument({
  symbol: "ACME",
  currency: "USD",
  priceIncrement: "0.01",
  lotSize: "1",
  referencePrice: "150.00",
  averageDailyVolume: 50_000_000,
  annualVolatility: 0.25,
});

describe("Fundamental", () => {
  it("starts at the reference price", () => {
    expect(new Fundamental(acme).price).toBeCloseTo(1_500_000, 6);
  });

  it("moves by the configured impact of others' volume, the transient part decaying by its half-life", () => {
    const f = new Fundamental(acme);
    const z0 = (): void => f.step(1, 0, 0);
    f.step(1, 0, 500_000);
    const base = Math.exp(-0.5 * (0.25 / Math.sqrt(252 * 23_400)) ** 2); // the drift of one step
    expect(f.price / (1_500_000 * base)).toBeCloseTo(1 + impactAfter(acme.impact, 500_000, 0), 12);
    for (let i = 0; i < 300; i++) z0();
    expect(f.price / f.permanentPrice - 1).toBeCloseTo(Math.expm1(acme.impact.transientPerLot * 500_000 * 0.5), 9);
    expect(f.permanentPrice / (1_500_000 * base ** 301)).toBeCloseTo(1 + impactAfter(acme.impact, 500_000, 1e9), 12);
  });

  it("has the instrument's volatility: a simulated year of 1-second steps", () => {
    const f = new Fundamental(acme);
    const r = new Random(3);
    let sum = 0;
    const days = 40;
    for (let day = 0; day < days; day++) {
      const open = Math.log(f.price);
      for (let s = 0; s < 23_400; s++) f.step(1, r.normal(), 0);
      sum += (Math.log(f.price) - open) ** 2;
    }
    const annual = Math.sqrt((sum / days) * 252);
    expect(annual).toBeGreaterThan(0.25 * 0.75);
    expect(annual).toBeLessThan(0.25 * 1.25);
  });
});

describe("quoteTargets", () => {
  it("puts the price between a bid and an ask spreadTicks apart, on tick", () => {
    expect(quoteTargets(1_500_040, 100, 1)).toEqual({ bid: 1_500_000, ask: 1_500_100 });
    expect(quoteTargets(1_500_040, 100, 2)).toEqual({ bid: 1_499_900, ask: 1_500_100 });
    expect(quoteTargets(1_500_070, 100, 2)).toEqual({ bid: 1_500_000, ask: 1_500_200 });
    expect(quoteTargets(1_500_040, 100, 3)).toEqual({ bid: 1_499_900, ask: 1_500_200 });
    expect(quoteTargets(10, 100, 1)).toEqual({ bid: 100, ask: 200 });
  });
});
