/**
 * Almgren-Chriss against the paper's Table 1 example (../shared/oracles/almgren-chriss-2000.md: straight line,
 * sell at once, lambda = 1e-6; kappa, every holding and trade, E and V to 1e-6 relative), then properties with
 * fast-check (fixed seed): holdings never increase and the trades sum to X; E falls and V rises as lambda falls; the
 * (V, E) frontier is convex and each optimum beats every other schedule on E + lambda V.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AlmgrenChrissInputs,
  acKappa,
  almgrenChrissProblem,
  costVariance,
  expectedCost,
  holdingsFraction,
  optimalHoldings,
  optimalSchedule,
  straightLineHoldings,
  straightLineSchedule,
  tradesOf,
} from "./almgren-chriss.js";

const PAPER: AlmgrenChrissInputs = {
  quantity: 1_000_000,
  horizon: 5,
  periods: 5,
  sigma: 0.95,
  eta: 2.5e-6,
  gamma: 2.5e-7,
  epsilon: 0.0625,
  lambda: 1e-6,
};

const REL = 1e-6;

function expectClose(actual: number, expected: number, rel = REL): void {
  if (expected === 0) expect(Math.abs(actual)).toBeLessThan(1e-6);
  else expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(rel);
}

function expectAllClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => {
    expectClose(actual[i] as number, value);
  });
}

describe("Almgren-Chriss: the paper's Table 1 example", () => {
  it("lambda = 1e-6: kappa, half-life, holdings, trades, E and V", () => {
    const s = optimalSchedule(PAPER);
    expectClose(s.kappa, 0.60707616);
    expectClose(1 / s.kappa, 1.64724);
    expectAllClose(s.holdings, [1e6, 541_955.55, 289_854.22, 147_897.49, 62_141.8, 0]);
    expectAllClose(s.trades, [458_044.45, 252_101.33, 141_956.73, 85_755.69, 62_141.8]);
    expectClose(s.expectedCost, 911_226.99);
    expectClose(s.variance, 3.641286e11);
  });

  it("lambda = 0: the straight line, E = 662,500, V = 1.083e12", () => {
    const s = optimalSchedule({ ...PAPER, lambda: 0 });
    expect(s.kappa).toBe(0);
    expectAllClose(s.holdings, [1e6, 8e5, 6e5, 4e5, 2e5, 0]);
    expectAllClose(s.trades, [2e5, 2e5, 2e5, 2e5, 2e5]);
    expectClose(s.expectedCost, 662_500);
    expectClose(s.variance, 1.083e12);
    const line = straightLineSchedule(PAPER);
    expect(Array.from(line.holdings)).toEqual([1e6, 8e5, 6e5, 4e5, 2e5, 0]);
    expectClose(line.expectedCost, 662_500);
    expectClose(line.variance, 1.083e12);
  });

  it("lambda = Infinity: everything in the first period, E = 2,562,500, V = 0", () => {
    const s = optimalSchedule({ ...PAPER, lambda: Number.POSITIVE_INFINITY });
    expect(s.kappa).toBe(Number.POSITIVE_INFINITY);
    expect(Array.from(s.holdings)).toEqual([1e6, 0, 0, 0, 0, 0]);
    expect(Array.from(s.trades)).toEqual([1e6, 0, 0, 0, 0]);
    expectClose(s.expectedCost, 2_562_500);
    expect(s.variance).toBe(0);
  });

  it("a very large finite lambda neither overflows nor loses the endpoints", () => {
    const s = optimalSchedule({ ...PAPER, lambda: 1e6 });
    expect(s.kappa).toBeGreaterThan(10);
    expect(s.holdings[0]).toBe(1e6);
    expect(s.holdings[5]).toBe(0);
    for (const x of s.holdings) expect(Number.isFinite(x)).toBe(true);
    expectClose(s.expectedCost, 2_562_500, 1e-3);
  });
});

describe("holdingsFraction", () => {
  it("is sinh(kappa (T - t)) / sinh(kappa T), 1 - t/T at kappa 0, and clamped to [0, 1]", () => {
    expectClose(holdingsFraction(0.6, 5, 2), Math.sinh(0.6 * 3) / Math.sinh(0.6 * 5), 1e-12);
    expectClose(holdingsFraction(1e-12, 5, 2), 0.6, 1e-12);
    expect(holdingsFraction(0, 5, 1)).toBeCloseTo(0.8, 15);
    expect(holdingsFraction(0.6, 5, -1)).toBe(1);
    expect(holdingsFraction(0.6, 5, 0)).toBe(1);
    expect(holdingsFraction(0.6, 5, 5)).toBe(0);
    expect(holdingsFraction(0.6, 5, 7)).toBe(0);
    expect(holdingsFraction(Number.POSITIVE_INFINITY, 5, 1e-9)).toBe(0);
  });

  it("stays finite and matches exp(-kappa t) where sinh would overflow (kappa T = 2,000)", () => {
    expectClose(holdingsFraction(400, 5, 0.01), Math.exp(-4), 1e-12);
    expect(holdingsFraction(400, 5, 1)).toBeGreaterThanOrEqual(0);
  });
});

describe("inputs", () => {
  it.each<[Partial<AlmgrenChrissInputs>, RegExp]>([
    [{ eta: 1e-7 }, /eta_tilde = eta - gamma tau \/ 2 must be > 0/],
    [{ periods: 2.5 }, /periods: must be a whole number >= 1/],
    [{ horizon: 0 }, /horizon: must be > 0/],
    [{ sigma: Number.NaN }, /sigma: must be >= 0/],
    [{ lambda: -1 }, /lambda: must be >= 0/],
  ])("refuses %j with a RangeError naming the field", (change, message) => {
    const inputs = { ...PAPER, ...change };
    expect(almgrenChrissProblem(inputs)).not.toBeNull();
    expect(() => acKappa(inputs)).toThrow(RangeError);
    expect(() => optimalSchedule(inputs)).toThrow(message);
  });

  it("refuses holdings of the wrong length", () => {
    expect(() => expectedCost(PAPER, new Float64Array(3))).toThrow(/expected 6 values/);
  });
});

const inputsArb = fc
  .record({
    quantity: fc.double({ min: 1, max: 1e8, noNaN: true }),
    horizon: fc.double({ min: 0.01, max: 100, noNaN: true }),
    periods: fc.integer({ min: 1, max: 60 }),
    sigma: fc.double({ min: 0.001, max: 10, noNaN: true }),
    eta: fc.double({ min: 1e-9, max: 1e-3, noNaN: true }),
    gammaShare: fc.double({ min: 0, max: 0.99, noNaN: true }),
    epsilon: fc.double({ min: 0, max: 1, noNaN: true }),
    lambda: fc.double({ min: 0, max: 1e-3, noNaN: true }),
  })
  .map(({ gammaShare, ...r }): AlmgrenChrissInputs => {
    // gamma below 2 eta / tau keeps eta_tilde > 0.
    const tau = r.horizon / r.periods;
    return { ...r, gamma: (gammaShare * 2 * r.eta) / tau };
  });

const RUN = { seed: 42, numRuns: 500 };

/** E and V are sums of up to 60 terms: compare them with a tolerance relative to their size. */
function le(a: number, b: number, rel = 1e-9): boolean {
  return a <= b + rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

describe("Almgren-Chriss properties", () => {
  it("holdings start at X, end at 0, never increase, and the trades sum to X", () => {
    fc.assert(
      fc.property(inputsArb, (inputs) => {
        const holdings = optimalHoldings(inputs);
        expect(holdings[0]).toBe(inputs.quantity);
        expect(holdings[inputs.periods]).toBe(0);
        for (let j = 1; j < holdings.length; j++) {
          expect(holdings[j]).toBeLessThanOrEqual(holdings[j - 1] as number);
        }
        const sum = tradesOf(holdings).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - inputs.quantity)).toBeLessThanOrEqual(inputs.quantity * 1e-12);
      }),
      RUN,
    );
  });

  it("as lambda falls, E falls and V rises, from sell-at-once towards the straight line", () => {
    fc.assert(
      fc.property(inputsArb, fc.double({ min: 0, max: 1, noNaN: true }), (inputs, ratio) => {
        const hi = optimalSchedule(inputs);
        const lo = optimalSchedule({ ...inputs, lambda: inputs.lambda * ratio });
        expect(le(lo.expectedCost, hi.expectedCost)).toBe(true);
        expect(le(hi.variance, lo.variance)).toBe(true);
        const line = straightLineSchedule(inputs);
        expect(le(line.expectedCost, lo.expectedCost)).toBe(true);
        expect(le(lo.variance, line.variance)).toBe(true);
      }),
      RUN,
    );
  });

  it("each optimum minimises E + lambda V against the straight line and random monotone schedules", () => {
    fc.assert(
      fc.property(inputsArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 59 }), (inputs, u) => {
        const best = optimalSchedule(inputs);
        const utility = (h: Float64Array) => expectedCost(inputs, h) + inputs.lambda * costVariance(inputs, h);
        const optimum = best.expectedCost + inputs.lambda * best.variance;
        expect(le(optimum, utility(straightLineHoldings(inputs.quantity, inputs.periods)), 1e-9)).toBe(true);
        const cuts = u.slice(0, inputs.periods - 1).sort((a, b) => b - a);
        while (cuts.length < inputs.periods - 1) cuts.push(0);
        const other = Float64Array.from([1, ...cuts, 0], (f) => f * inputs.quantity);
        expect(le(optimum, utility(other), 1e-9)).toBe(true);
      }),
      RUN,
    );
  });

  it("the efficient frontier E(V) is decreasing and convex", () => {
    fc.assert(
      fc.property(
        inputsArb,
        fc.tuple(
          fc.double({ min: 1e-9, max: 1e-3, noNaN: true }),
          fc.double({ min: 1e-9, max: 1e-3, noNaN: true }),
          fc.double({ min: 1e-9, max: 1e-3, noNaN: true }),
        ),
        (inputs, lambdas) => {
          const [a, b, c] = lambdas.sort((x, y) => x - y).map((lambda) => optimalSchedule({ ...inputs, lambda })) as [
            ReturnType<typeof optimalSchedule>,
            ReturnType<typeof optimalSchedule>,
            ReturnType<typeof optimalSchedule>,
          ];
          // a: least risk-averse (largest V, smallest E); c: most.
          expect(le(c.variance, b.variance) && le(b.variance, a.variance)).toBe(true);
          expect(le(a.expectedCost, b.expectedCost) && le(b.expectedCost, c.expectedCost)).toBe(true);
          const span = a.variance - c.variance;
          if (span <= 1e-9 * a.variance) return;
          const chord = a.expectedCost + ((c.expectedCost - a.expectedCost) * (a.variance - b.variance)) / span;
          expect(le(b.expectedCost, chord, 1e-8)).toBe(true);
        },
      ),
      RUN,
    );
  });
});
