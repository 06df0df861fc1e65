/**
 * Cont & Kukanov (2017) against the oracle (../shared/oracles/cont-kukanov-2017.md): Proposition 3's worked values
 * (F(Q), F(Q + S), both lambda_u bounds, L* at lambda_u 0.04 and 0.05, exponential means 2200 and 2500, the corner) to
 * the printed precision; the paper's Table 1 costs for S = 500, 1000, 5000 and the three policies, computed exactly
 * over the distribution of xi = 0.6 xi_0 + 0.4 psi (xi_0, psi iid Poisson(2200)) to the printed 3 decimals. Then the
 * stochastic approximation: K = 1 against Proposition 3 on the same distribution, K = 3 against the fixed policies and
 * a grid search, boundary cases, and properties with fast-check (fixed seed).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Random } from "../core/random.js";
import {
  costBreakdown,
  expectedCost,
  type OutflowSamples,
  type PlacementAllocation,
  type PlacementProblem,
  placementProblemIssue,
  roundAllocation,
  sampleCost,
  singleVenuePlacement,
  solvePlacement,
} from "./optimal-placement.js";
import { empiricalOutflow, exponentialOutflow } from "./queue-outflow.js";

/** The oracle's worked example: Q = 2000, S = 1000, h = 0.02, r = 0.002, f = 0.003, theta = 0.0005. */
function paperProblem(target: number, underfillPenalty: number): PlacementProblem {
  return {
    target,
    halfSpread: 0.02,
    takerFee: 0.003,
    impact: 0.0005,
    underfillPenalty,
    overfillPenalty: 0.05,
    venues: [{ queueAhead: 2000, rebate: 0.002 }],
  };
}

/** |actual - expected| within half a unit of the last printed decimal. */
function expectPrinted(actual: number, expected: number, decimals: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

/** Poisson(mean) probabilities on mean +/- 14 standard deviations (the mass outside is below 1e-40), normalised. */
function poissonPmf(mean: number): { first: number; p: Float64Array } {
  const width = 14 * Math.sqrt(mean);
  const first = Math.max(0, Math.floor(mean - width));
  const last = Math.ceil(mean + width);
  const p = new Float64Array(last - first + 1);
  const mode = Math.floor(mean);
  p[mode - first] = 1;
  for (let k = mode + 1; k <= last; k++) p[k - first] = ((p[k - 1 - first] as number) * mean) / k;
  for (let k = mode - 1; k >= first; k--) p[k - first] = ((p[k + 1 - first] as number) * (k + 1)) / mean;
  let total = 0;
  for (const x of p) total += x;
  for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) / total;
  return { first, p };
}

/** The exact law of xi = 0.6 a + 0.4 b = (3a + 2b) / 5, a and b iid Poisson(2200): every atom with its probability. */
function tableOneOutflow(): OutflowSamples {
  const { first, p } = poissonPmf(2200);
  const atoms = new Float64Array(5 * (p.length - 1) + 1); // index 3i + 2j for a = first + i, b = first + j
  for (let i = 0; i < p.length; i++) {
    for (let j = 0; j < p.length; j++) {
      atoms[3 * i + 2 * j] = (atoms[3 * i + 2 * j] as number) + (p[i] as number) * (p[j] as number);
    }
  }
  const values: number[] = [];
  const weights: number[] = [];
  atoms.forEach((w, n) => {
    if (w > 0) {
      values.push((5 * first + n) / 5);
      weights.push(w);
    }
  });
  return { venues: 1, count: values.length, values: Float64Array.from(values), weights: Float64Array.from(weights) };
}

/** Seeded samples of xi_k = 0.6 xi_0 + 0.4 psi_k with xi_0, psi_k iid exponential(mean): correlated venues. */
function correlatedSamples(random: Random, venues: number, count: number, mean: number): OutflowSamples {
  const values = new Float64Array(venues * count);
  for (let n = 0; n < count; n++) {
    const common = random.exponential(mean);
    for (let k = 0; k < venues; k++) values[n * venues + k] = 0.6 * common + 0.4 * random.exponential(mean);
  }
  return { venues, count, values };
}

/** The CDF of a weighted discrete distribution whose atoms are sorted ascending. */
function weightedOutflowCdf(samples: OutflowSamples): { cdf(x: number): number; quantile(p: number): number } {
  const cumulative = new Float64Array(samples.count);
  let total = 0;
  for (let n = 0; n < samples.count; n++) {
    total += samples.weights?.[n] as number;
    cumulative[n] = total;
  }
  return {
    cdf(x: number): number {
      let result = 0;
      for (let n = 0; n < samples.count && (samples.values[n] as number) <= x; n++) result = cumulative[n] as number;
      return result;
    },
    quantile(p: number): number {
      for (let n = 0; n < samples.count; n++) if ((cumulative[n] as number) >= p) return samples.values[n] as number;
      return samples.values[samples.count - 1] as number;
    },
  };
}

describe("Proposition 3 against the oracle's worked values", () => {
  const rows = [
    { mean: 2200, fq: 0.59711, fqs: 0.744271, bound1: 0.037962, bound2: 0.052863, at004: 800.52, at005: 132.68 },
    { mean: 2500, fq: 0.550671, fqs: 0.698806, bound1: 0.041896, bound2: 0.059218, at004: 1000, at005: 423.5 },
  ];
  for (const row of rows) {
    it(`exponential outflow, mean ${row.mean}: F(Q), F(Q + S), both lambda_u bounds, L* at 0.04 and 0.05`, () => {
      const outflow = exponentialOutflow(row.mean);
      const at004 = singleVenuePlacement(paperProblem(1000, 0.04), outflow);
      const at005 = singleVenuePlacement(paperProblem(1000, 0.05), outflow);
      for (const result of [at004, at005]) {
        expectPrinted(result.queueCdf, row.fq, 6);
        expectPrinted(result.queueAndTargetCdf, row.fqs, 6);
        expectPrinted(result.allLimitBound, row.bound1, 6);
        expectPrinted(result.allMarketBound, row.bound2, 6);
      }
      expectPrinted(at004.limit, row.at004, 2);
      expectPrinted(at005.limit, row.at005, 2);
      expect(at004.market + at004.limit).toBeCloseTo(1000, 9);
      expect(at005.market + at005.limit).toBeCloseTo(1000, 9);
      expect(at005.case).toBe("interior");
      expectPrinted(at005.fillThreshold, 0.045 / 0.0725, 12);
    });
  }

  it("the corner: mean 2500 at lambda_u = 0.04 is below bound (i), so all limit (M* = 0, L* = S)", () => {
    const result = singleVenuePlacement(paperProblem(1000, 0.04), exponentialOutflow(2500));
    expect(result.case).toBe("all-limit");
    expect(result.market).toBe(0);
    expect(result.limit).toBe(1000);
    expect(singleVenuePlacement(paperProblem(1000, 0.04), exponentialOutflow(2200)).case).toBe("interior");
  });

  it("above bound (ii) it is all market", () => {
    const result = singleVenuePlacement(paperProblem(1000, 0.06), exponentialOutflow(2200));
    expect(result.case).toBe("all-market");
    expect(result.market).toBe(1000);
    expect(result.limit).toBe(0);
  });

  it("at an interior optimum F(Q + L*) = p, and V is lowest there along M + L = S", () => {
    const samples = tableOneOutflow();
    const problem = paperProblem(1000, 0.05);
    const outflow = weightedOutflowCdf(samples);
    const result = singleVenuePlacement(problem, outflow);
    expect(result.case).toBe("interior");
    const at = (l: number): number => expectedCost(problem, { market: 1000 - l, limits: [l] }, samples);
    const best = at(result.limit);
    for (let l = 0; l <= 1000; l += 1) expect(at(l)).toBeGreaterThanOrEqual(best - 1e-9);
  });
});

describe("the cost function against the paper's Table 1 (exact expectation, cents per share)", () => {
  const samples = tableOneOutflow();
  const table = [
    { s: 500, market: 2.35, limit: 2.2, split: 0.84 },
    { s: 1000, market: 2.35, limit: 3.65, split: 2.275 },
    { s: 5000, market: 2.35, limit: 4.81, split: 3.435 },
  ];

  it("the distribution of xi = 0.6 xi_0 + 0.4 psi has mass 1 and mean 2200", () => {
    let mass = 0;
    let mean = 0;
    for (let n = 0; n < samples.count; n++) {
      mass += samples.weights?.[n] as number;
      mean += (samples.weights?.[n] as number) * (samples.values[n] as number);
    }
    expect(mass).toBeCloseTo(1, 12);
    expect(mean).toBeCloseTo(2200, 8);
  });

  for (const row of table) {
    it(`S = ${row.s}: X_M (all market), X_L (all limit), X_E (equal split)`, () => {
      const problem = paperProblem(row.s, 0.05);
      const centsPerShare = (allocation: PlacementAllocation): number =>
        (100 * expectedCost(problem, allocation, samples)) / row.s;
      expectPrinted(centsPerShare({ market: row.s, limits: [0] }), row.market, 3);
      expectPrinted(centsPerShare({ market: 0, limits: [row.s] }), row.limit, 3);
      expectPrinted(centsPerShare({ market: row.s / 2, limits: [row.s / 2] }), row.split, 3);
    });
  }
});

describe("the cost of one outcome", () => {
  it("v(X, xi) term by term", () => {
    const problem: PlacementProblem = {
      target: 100,
      halfSpread: 0.02,
      takerFee: 0.003,
      impact: 0.001,
      underfillPenalty: 0.05,
      overfillPenalty: 0.04,
      venues: [
        { queueAhead: 50, rebate: 0.002 },
        { queueAhead: 10, rebate: -0.001 },
      ],
    };
    // fill_1 = min((80 - 50)^+, 40) = 30, fill_2 = min((5 - 10)^+, 30) = 0, A = 20 + 30 = 50, short 50.
    const under = sampleCost(problem, { market: 20, limits: [40, 30] }, [80, 5]);
    expect(under).toBeCloseTo(0.023 * 20 - 0.022 * 30 + 0.001 * (90 + 50) + 0.05 * 50, 12);
    // From offset 1: fill_1 = min(150, 40) = 40, fill_2 = min(50, 30) = 30, A = 40 + 70 = 110, over 10.
    const over = sampleCost(problem, { market: 40, limits: [40, 30] }, [0, 200, 60], 1);
    expect(over).toBeCloseTo(0.023 * 40 - 0.022 * 40 - 0.019 * 30 + 0.001 * 110 + 0.04 * 10, 12);
  });
});

describe("stochastic approximation, one venue, against Proposition 3", () => {
  // On an empirical distribution Proposition 3 with its empirical CDF is the exact optimum over M + L = S, the global
  // one here since lambda_u > h + f - theta and lambda_o = 0.05 > h + r. (lambda_u = 0.05 is above bound (ii) of
  // 2000 draws with this seed: an all-market corner, covered below.)
  for (const lambdaU of [0.04, 0.045]) {
    it(`exponential outflow, mean 2200, 2000 samples, lambda_u = ${lambdaU}`, () => {
      const random = new Random(11);
      const values = new Float64Array(2000);
      for (let n = 0; n < values.length; n++) values[n] = random.exponential(2200);
      const samples: OutflowSamples = { venues: 1, count: values.length, values };
      const problem = paperProblem(1000, lambdaU);
      const exact = singleVenuePlacement(problem, empiricalOutflow(values));
      expect(exact.case).toBe("interior");
      const optimum = expectedCost(problem, { market: exact.market, limits: [exact.limit] }, samples);
      const solution = solvePlacement(problem, samples, { random: random.fork() });
      // Cost: within 0.2% of the optimum (the SA's gap on such problems is about 0.1% at 10,000 steps).
      const costTolerance = 0.002 * optimum;
      expect(solution.continuous.expectedCost).toBeGreaterThanOrEqual(optimum - 1e-9);
      expect(solution.continuous.expectedCost - optimum).toBeLessThan(costTolerance);
      expect(solution.expectedCost - optimum).toBeLessThan(costTolerance);
      // Allocation, from the shape of V near the optimum. Along M + L = S, V(L) - V(L*) ~ c (L - L*)^2 / 2 with
      // c = (lambda_u + h + r + theta) F'(Q + L*), so a cost within the tolerance allows |L - L*| <= sqrt(2 tol / c)
      // (about 90 lots: V is flat there). Off the line V has a kink: it rises at least
      // min(h + f + theta - (lambda_u + theta) p + lambda_o (1 - p), lambda_u - h - f) per lot (about 0.008), so the
      // tolerance allows only tol / that many lots there.
      const density = Math.exp(-(2000 + exact.limit) / 2200) / 2200;
      const curvature = (lambdaU + 0.02 + 0.002 + 0.0005) * density;
      const limitTolerance = Math.sqrt((2 * costTolerance) / curvature);
      expect(Math.abs((solution.limits[0] as number) - exact.limit)).toBeLessThanOrEqual(limitTolerance);
      const p = exact.fillThreshold;
      const kink = Math.min(0.0235 - (lambdaU + 0.0005) * p + 0.05 * (1 - p), lambdaU - 0.023);
      const totalTolerance = costTolerance / kink;
      expect(Math.abs(solution.market + (solution.limits[0] as number) - 1000)).toBeLessThanOrEqual(totalTolerance);
    });
  }

  it("the Table 1 distribution (exact, weighted), S = 1000, lambda_u = 0.05", () => {
    const samples = tableOneOutflow();
    const problem = paperProblem(1000, 0.05);
    const outflow = weightedOutflowCdf(samples);
    const exact = singleVenuePlacement(problem, outflow);
    const optimum = expectedCost(problem, { market: exact.market, limits: [exact.limit] }, samples);
    const solution = solvePlacement(problem, samples, { random: new Random(3) });
    expect(solution.expectedCost - optimum).toBeLessThan(0.002 * optimum);
    expect(Math.abs((solution.limits[0] as number) - exact.limit)).toBeLessThanOrEqual(15);
  });
});

describe("stochastic approximation, three venues", () => {
  const target = 1200;
  const problem: PlacementProblem = {
    target,
    halfSpread: 0.02,
    takerFee: 0.003,
    impact: 0.0005,
    underfillPenalty: 0.05,
    overfillPenalty: 0.05,
    venues: [
      { queueAhead: 1500, rebate: 0.002 },
      { queueAhead: 2000, rebate: 0.003 },
      { queueAhead: 2500, rebate: -0.001 },
    ],
  };
  const samples = correlatedSamples(new Random(5), 3, 1000, 2200);
  const solution = solvePlacement(problem, samples, { random: new Random(6) });
  const cost = (market: number, limits: number[]): number => expectedCost(problem, { market, limits }, samples);

  it("is no worse than all market, all limit on the best venue and the equal split", () => {
    const allMarket = cost(target, [0, 0, 0]);
    const allLimit = Math.min(cost(0, [target, 0, 0]), cost(0, [0, target, 0]), cost(0, [0, 0, target]));
    const equalSplit = cost(target / 2, [target / 6, target / 6, target / 6]);
    expect(solution.expectedCost).toBeLessThanOrEqual(allMarket);
    expect(solution.expectedCost).toBeLessThanOrEqual(allLimit);
    expect(solution.expectedCost).toBeLessThanOrEqual(equalSplit);
  });

  it("is no worse than the best point of a grid with a step of S / 6 in each of M, L_1, L_2, L_3", () => {
    const step = target / 6;
    let best = Number.POSITIVE_INFINITY;
    for (let m = 0; m <= target; m += step) {
      for (let a = 0; a <= target; a += step) {
        for (let b = 0; b <= target; b += step) {
          for (let c = 0; c <= target; c += step) best = Math.min(best, cost(m, [a, b, c]));
        }
      }
    }
    expect(solution.expectedCost).toBeLessThanOrEqual(best);
  });

  it("returns whole lots, the rounding of its continuous solution, deterministically for a seed", () => {
    expect(Number.isInteger(solution.market)).toBe(true);
    for (const l of solution.limits) expect(Number.isInteger(l)).toBe(true);
    let continuousTotal = solution.continuous.market;
    let total = solution.market;
    for (let k = 0; k < 3; k++) {
      continuousTotal += solution.continuous.limits[k] as number;
      total += solution.limits[k] as number;
    }
    expect(total).toBe(Math.round(continuousTotal));
    const again = solvePlacement(problem, samples, { random: new Random(6) });
    expect(again.market).toBe(solution.market);
    expect(Array.from(again.limits)).toEqual(Array.from(solution.limits));
    expect(again.continuous.expectedCost).toBe(solution.continuous.expectedCost);
  });
});

describe("boundary cases", () => {
  const base = paperProblem(1000, 0.05);

  it("S = 0: nothing to send, nothing to pay", () => {
    const problem = { ...base, target: 0 };
    const samples = tableOneOutflow();
    const solution = solvePlacement(problem, samples, { random: new Random(1) });
    expect(solution.market).toBe(0);
    expect(Array.from(solution.limits)).toEqual([0]);
    expect(solution.expectedCost).toBe(0);
    const closed = singleVenuePlacement(problem, exponentialOutflow(2200));
    expect([closed.market, closed.limit]).toEqual([0, 0]);
  });

  it("no venue: all market when the shortfall costs more than crossing, nothing when it costs less", () => {
    const samples: OutflowSamples = { venues: 0, count: 1, values: new Float64Array(0) };
    const urgent = solvePlacement({ ...base, venues: [] }, samples, { random: new Random(1) });
    expect(urgent.market).toBe(1000);
    expect(urgent.limits.length).toBe(0);
    expect(urgent.expectedCost).toBeCloseTo(0.0235 * 1000, 9);
    const lax = solvePlacement({ ...base, venues: [], underfillPenalty: 0.01 }, samples, { random: new Random(1) });
    expect(lax.market).toBe(0);
  });

  it("a queue that never moves: all market (closed form and SA)", () => {
    const samples: OutflowSamples = { venues: 1, count: 4, values: new Float64Array(4) };
    const closed = singleVenuePlacement(base, empiricalOutflow(samples.values));
    expect(closed.case).toBe("all-market");
    const solution = solvePlacement(base, samples, { random: new Random(1) });
    expect([solution.market, solution.limits[0]]).toEqual([1000, 0]);
  });

  it("a certain outflow of Q + 300: L* = 300 exactly (closed form), and the SA finds it to a lot", () => {
    const samples: OutflowSamples = { venues: 1, count: 3, values: new Float64Array([2300, 2300, 2300]) };
    const closed = singleVenuePlacement(base, empiricalOutflow(samples.values));
    expect(closed.case).toBe("interior");
    expect([closed.market, closed.limit]).toEqual([700, 300]);
    const solution = solvePlacement(base, samples, { random: new Random(1) });
    expect(Math.abs(solution.market - 700)).toBeLessThanOrEqual(1);
    expect(Math.abs((solution.limits[0] as number) - 300)).toBeLessThanOrEqual(1);
  });

  it("an outflow that always clears Q + S: all limit", () => {
    const samples: OutflowSamples = { venues: 1, count: 2, values: new Float64Array([5000, 6000]) };
    const closed = singleVenuePlacement(base, empiricalOutflow(samples.values));
    expect(closed.case).toBe("all-limit");
    const solution = solvePlacement(base, samples, { random: new Random(1) });
    expect([solution.market, solution.limits[0]]).toEqual([0, 1000]);
  });

  it("rejects malformed problems and inputs, naming the field", () => {
    expect(placementProblemIssue({ ...base, target: 1.5 })?.field).toBe("target");
    expect(placementProblemIssue({ ...base, impact: -1 })?.field).toBe("impact");
    expect(placementProblemIssue({ ...base, venues: [{ queueAhead: -1, rebate: 0 }] })?.field).toBe(
      "venues[0].queueAhead",
    );
    expect(placementProblemIssue(base)).toBeNull();
    const samples: OutflowSamples = { venues: 2, count: 1, values: new Float64Array(2) };
    expect(() => solvePlacement(base, samples, { random: new Random(1) })).toThrow(/2 venues/);
    expect(() => solvePlacement({ ...base, target: -1 }, tableOneOutflow(), { random: new Random(1) })).toThrow(
      /target/,
    );
    expect(() => singleVenuePlacement({ ...base, venues: [] }, exponentialOutflow(1))).toThrow(/one venue/);
  });
});

describe("properties (fast-check)", () => {
  const problemArb = fc
    .record({
      target: fc.integer({ min: 0, max: 3000 }),
      halfSpread: fc.double({ min: 0, max: 0.05, noNaN: true }),
      takerFee: fc.double({ min: 0, max: 0.01, noNaN: true }),
      impact: fc.double({ min: 0, max: 0.01, noNaN: true }),
      underfillPenalty: fc.double({ min: 0, max: 0.2, noNaN: true }),
      overfillPenalty: fc.double({ min: 0, max: 0.2, noNaN: true }),
      venues: fc.array(
        fc.record({
          queueAhead: fc.integer({ min: 0, max: 5000 }),
          rebate: fc.double({ min: -0.005, max: 0.005, noNaN: true }),
        }),
        { maxLength: 4 },
      ),
    })
    .chain((problem) =>
      fc
        .array(fc.array(fc.integer({ min: 0, max: 8000 }), { minLength: problem.venues.length, maxLength: 4 }), {
          minLength: 1,
          maxLength: 40,
        })
        .map((rows) => {
          const k = problem.venues.length;
          const values = new Float64Array(rows.length * k);
          rows.forEach((row, n) => {
            for (let j = 0; j < k; j++) values[n * k + j] = row[j] as number;
          });
          const samples: OutflowSamples = { venues: k, count: rows.length, values };
          return { problem: problem as PlacementProblem, samples };
        }),
    );

  it("the solver always returns feasible whole lots whose cost is the one reported", () => {
    fc.assert(
      fc.property(problemArb, fc.integer({ min: 0, max: 1_000 }), ({ problem, samples }, seed) => {
        const solution = solvePlacement(problem, samples, { random: new Random(seed), iterations: 200 });
        const s = problem.target;
        const lots = [solution.market, ...solution.limits];
        for (const x of lots) {
          expect(Number.isInteger(x)).toBe(true);
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(s);
        }
        const continuous = [solution.continuous.market, ...solution.continuous.limits];
        continuous.forEach((x, i) => {
          expect(Math.abs((lots[i] as number) - x)).toBeLessThan(1);
        });
        expect(lots.reduce((a, b) => a + b, 0)).toBe(Math.round(continuous.reduce((a, b) => a + b, 0)));
        expect(solution.expectedCost).toBeCloseTo(expectedCost(problem, solution, samples), 9);
      }),
      { seed: 20171, numRuns: 150 },
    );
  });

  it("the cost terms are non-negative (rebates above -h) and add up to V", () => {
    fc.assert(
      fc.property(problemArb, fc.integer({ min: 0, max: 1_000 }), ({ problem, samples }, seed) => {
        const random = new Random(seed);
        const market = random.int(0, problem.target);
        const limits = problem.venues.map(() => random.int(0, problem.target));
        const terms = costBreakdown(problem, { market, limits }, samples);
        for (const term of [terms.marketCost, terms.impactCost, terms.underfillCost, terms.overfillCost]) {
          expect(term).toBeGreaterThanOrEqual(0);
        }
        if (problem.venues.every((v) => v.rebate >= -problem.halfSpread)) {
          expect(terms.passiveCredit).toBeGreaterThanOrEqual(0);
        }
        expect(terms.underfillProbability).toBeGreaterThanOrEqual(0);
        expect(terms.underfillProbability).toBeLessThanOrEqual(1 + 1e-12);
        const sum =
          terms.marketCost - terms.passiveCredit + terms.impactCost + terms.underfillCost + terms.overfillCost;
        expect(terms.expectedCost).toBeCloseTo(sum, 9);
        let mean = 0;
        for (let n = 0; n < samples.count; n++) {
          mean += sampleCost(problem, { market, limits }, samples.values, n * problem.venues.length);
        }
        expect(terms.expectedCost).toBeCloseTo(mean / samples.count, 6);
      }),
      { seed: 20172, numRuns: 200 },
    );
  });

  it("largest-remainder rounding: floor or ceiling of each, the total rounded", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 13 }), (xs) => {
        const [market, ...limits] = xs as [number, ...number[]];
        const whole = roundAllocation(market, limits);
        const out = [whole.market, ...whole.limits];
        out.forEach((x, i) => {
          expect(x === Math.floor(xs[i] as number) || x === Math.ceil(xs[i] as number)).toBe(true);
        });
        const total = xs.reduce((a, b) => a + b, 0);
        expect(out.reduce((a, b) => a + b, 0)).toBe(Math.round(total));
      }),
      { seed: 20173, numRuns: 300 },
    );
  });
});
