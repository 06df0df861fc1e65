/**
 * The capped placement (M + sum L_k <= S) against a brute-force search of every whole-lot allocation on small problems
 * (whole and fractional outflows, weighted rows), its reported cost against `expectedCost`, the cases the header
 * derives (no market part while lambda_u < h + f; all market when no queue ever works through and lambda_u > h + f),
 * and against the stochastic approximation trimmed to S, as the router used it before.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Random } from "../core/random.js";
import { solveCappedPlacement } from "./capped-placement.js";
import { expectedCost, type OutflowSamples, type PlacementProblem, solvePlacement } from "./optimal-placement.js";

function samplesOf(rows: number[][], weights?: number[]): OutflowSamples {
  return {
    venues: rows[0]?.length ?? 0,
    count: rows.length,
    values: Float64Array.from(rows.flat()),
    ...(weights === undefined ? {} : { weights: Float64Array.from(weights) }),
  };
}

/** The least V over every whole-lot allocation with M + sum L_k <= S (K = 2). */
function bruteForce(problem: PlacementProblem, samples: OutflowSamples): number {
  const s = problem.target;
  let best = Number.POSITIVE_INFINITY;
  for (let m = 0; m <= s; m++) {
    for (let a = 0; a + m <= s; a++) {
      for (let b = 0; a + b + m <= s; b++) {
        best = Math.min(best, expectedCost(problem, { market: m, limits: [a, b] }, samples));
      }
    }
  }
  return best;
}

const problemArb = fc.record({
  target: fc.integer({ min: 0, max: 9 }),
  halfSpread: fc.double({ min: 0, max: 0.05, noNaN: true }),
  takerFee: fc.double({ min: 0, max: 0.01, noNaN: true }),
  impact: fc.double({ min: 0, max: 0.002, noNaN: true }),
  underfillPenalty: fc.double({ min: 0, max: 0.2, noNaN: true }),
  overfillPenalty: fc.double({ min: 0, max: 0.1, noNaN: true }),
  venues: fc.array(
    fc.record({
      queueAhead: fc.integer({ min: 0, max: 6 }),
      rebate: fc.double({ min: -0.01, max: 0.01, noNaN: true }),
    }),
    { minLength: 2, maxLength: 2 },
  ),
});

describe("solveCappedPlacement", () => {
  it("finds the brute-force optimum over M + sum L_k <= S (whole outflows), and reports its V exactly", () => {
    fc.assert(
      fc.property(
        problemArb,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 16 })), {
          minLength: 1,
          maxLength: 12,
        }),
        (problem, rows) => {
          const samples = samplesOf(rows);
          const solution = solveCappedPlacement(problem, samples);
          const total = solution.market + (solution.limits[0] as number) + (solution.limits[1] as number);
          expect(total).toBeLessThanOrEqual(problem.target);
          for (const l of solution.limits) expect(Number.isInteger(l) && l >= 0).toBe(true);
          const v = expectedCost(problem, solution, samples);
          expect(solution.expectedCost).toBeCloseTo(v, 9);
          expect(v).toBeLessThanOrEqual(bruteForce(problem, samples) + 1e-9);
        },
      ),
      { seed: 2017, numRuns: 300 },
    );
  });

  it("finds the brute-force optimum with fractional outflows and weighted rows", () => {
    fc.assert(
      fc.property(
        problemArb,
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 16, noNaN: true }),
            fc.double({ min: 0, max: 16, noNaN: true }),
            fc.double({ min: 0.01, max: 1, noNaN: true }),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        (problem, rows) => {
          const total = rows.reduce((a, r) => a + r[2], 0);
          const samples = samplesOf(
            rows.map((r) => [r[0], r[1]]),
            rows.map((r) => r[2] / total),
          );
          const solution = solveCappedPlacement(problem, samples);
          const v = expectedCost(problem, solution, samples);
          expect(solution.expectedCost).toBeCloseTo(v, 9);
          expect(v).toBeLessThanOrEqual(bruteForce(problem, samples) + 1e-9);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  const base: PlacementProblem = {
    target: 1_000,
    halfSpread: 0.02,
    takerFee: 0.003,
    impact: 0.0005,
    underfillPenalty: 0.01,
    overfillPenalty: 0.05,
    venues: [
      { queueAhead: 2_000, rebate: 0.002 },
      { queueAhead: 500, rebate: -0.001 },
    ],
  };

  it("never takes while lambda_u < h + f (a market lot costs more than a lot short), and takes all when nothing fills", () => {
    const dead = samplesOf(Array.from({ length: 40 }, () => [0, 0]));
    expect(solveCappedPlacement(base, dead).market).toBe(0);
    expect(Array.from(solveCappedPlacement(base, dead).limits)).toEqual([0, 0]);
    const urgent = solveCappedPlacement({ ...base, underfillPenalty: 0.05 }, dead);
    expect(urgent.market).toBe(1_000);
  });

  it("rests at the venue whose queue works through, up to what its outflow fills, and prefers the better rebate", () => {
    // Venue 0's queue (2,000) always works through by 1,500 more; venue 1's (500) by 3,000 more.
    const busy = samplesOf(Array.from({ length: 40 }, () => [3_500, 3_500]));
    const solution = solveCappedPlacement(base, busy);
    expect(solution.market).toBe(0);
    // Both fill surely: the whole child goes to venue 0, whose rebate is better.
    expect(Array.from(solution.limits)).toEqual([1_000, 0]);
    // Venue 0 fills only 600 surely: the rest goes to venue 1.
    const thin = samplesOf(Array.from({ length: 40 }, () => [2_600, 3_500]));
    expect(Array.from(solveCappedPlacement(base, thin).limits)).toEqual([600, 400]);
  });

  it("is no dearer than the stochastic approximation's answer trimmed to S", () => {
    const random = new Random(11);
    for (let trial = 0; trial < 30; trial++) {
      const rows = Array.from({ length: 60 }, () => [random.exponential(2_500), random.exponential(1_200)]);
      const samples = samplesOf(rows);
      const problem: PlacementProblem = {
        ...base,
        target: random.int(100, 3_000),
        underfillPenalty: random.float() * 0.06,
      };
      const sa = solvePlacement(problem, samples, { random: random.fork(), iterations: 2_000 });
      let room = problem.target;
      const market = Math.min(sa.market, room);
      room -= market;
      const limits = Array.from(sa.limits, (l) => {
        const kept = Math.min(l, room);
        room -= kept;
        return kept;
      });
      const capped = solveCappedPlacement(problem, samples);
      expect(capped.expectedCost).toBeLessThanOrEqual(expectedCost(problem, { market, limits }, samples) + 1e-9);
    }
  });

  it("gives the same answer for the same samples object (its sorted columns are kept) and checks the problem", () => {
    const samples = samplesOf([
      [2_400, 900],
      [1_800, 700],
      [2_900, 400],
    ]);
    const first = solveCappedPlacement(base, samples);
    const again = solveCappedPlacement(base, samples);
    expect(Array.from(again.limits)).toEqual(Array.from(first.limits));
    expect(again.expectedCost).toBe(first.expectedCost);
    expect(() => solveCappedPlacement({ ...base, target: -1 }, samples)).toThrow(/target/);
    expect(() => solveCappedPlacement({ ...base, venues: [] }, samples)).toThrow(/2 venues/);
  });
});
