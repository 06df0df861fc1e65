/**
 * The placement of the whole child (M + sum L_k = S, M within what the far touch shows) against a brute-force search of
 * every whole-lot allocation on small problems (whole and fractional outflows, weighted rows), its reported cost
 * against `expectedCost`, the cases the header derives (the whole child rests at the best rebate where it fills, and
 * where nothing fills; it splits where the best venue's outflow covers only part; all market when no queue ever works
 * through and lambda_u > h + f), and never dearer than sending everything to any one venue (the best-venue baseline).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { solveCappedPlacement } from "./capped-placement.js";
import { expectedCost, type OutflowSamples, type PlacementProblem } from "./optimal-placement.js";

function samplesOf(rows: number[][], weights?: number[]): OutflowSamples {
  return {
    venues: rows[0]?.length ?? 0,
    count: rows.length,
    values: Float64Array.from(rows.flat()),
    ...(weights === undefined ? {} : { weights: Float64Array.from(weights) }),
  };
}

/** The least V over every whole-lot allocation with M + sum L_k = S and M <= maxMarket (K = 2). */
function bruteForce(problem: PlacementProblem, samples: OutflowSamples, maxMarket = problem.target): number {
  const s = problem.target;
  let best = Number.POSITIVE_INFINITY;
  for (let m = 0; m <= Math.min(s, maxMarket); m++) {
    for (let a = 0; a + m <= s; a++) {
      best = Math.min(best, expectedCost(problem, { market: m, limits: [a, s - m - a] }, samples));
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
  it("finds the brute-force optimum over M + sum L_k = S, M <= what shows (whole outflows), and reports its V", () => {
    fc.assert(
      fc.property(
        problemArb,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 16 })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 12 }),
        (problem, rows, maxMarket) => {
          const samples = samplesOf(rows);
          const solution = solveCappedPlacement(problem, samples, maxMarket);
          const total = solution.market + (solution.limits[0] as number) + (solution.limits[1] as number);
          expect(total).toBe(problem.target);
          expect(solution.market).toBeLessThanOrEqual(maxMarket);
          for (const l of solution.limits) expect(Number.isInteger(l) && l >= 0).toBe(true);
          const v = expectedCost(problem, solution, samples);
          expect(solution.expectedCost).toBeCloseTo(v, 9);
          expect(v).toBeLessThanOrEqual(bruteForce(problem, samples, maxMarket) + 1e-9);
        },
      ),
      { seed: 2017, numRuns: 300 },
    );
  });

  it("is never dearer in the model than the whole child at any one venue (the best-venue baseline's answer)", () => {
    fc.assert(
      fc.property(
        problemArb,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 16 })), {
          minLength: 1,
          maxLength: 12,
        }),
        (problem, rows) => {
          const samples = samplesOf(rows);
          const v = solveCappedPlacement(problem, samples, 0).expectedCost;
          const s = problem.target;
          expect(v).toBeLessThanOrEqual(expectedCost(problem, { market: 0, limits: [s, 0] }, samples) + 1e-9);
          expect(v).toBeLessThanOrEqual(expectedCost(problem, { market: 0, limits: [0, s] }, samples) + 1e-9);
        },
      ),
      { seed: 6, numRuns: 300 },
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

  it("where no queue works through: rests the whole child at the best rebate, or takes it all if lambda_u > h + f", () => {
    const dead = samplesOf(Array.from({ length: 40 }, () => [0, 0]));
    // Nothing fills by T on either venue: the child still goes (the schedule wants it working), where a lot filled
    // later earns most, though venue 1's queue is shorter.
    const patient = solveCappedPlacement(base, dead);
    expect(patient.market).toBe(0);
    expect(Array.from(patient.limits)).toEqual([1_000, 0]);
    const urgent = solveCappedPlacement({ ...base, underfillPenalty: 0.05 }, dead);
    expect(urgent.market).toBe(1_000);
    // ... as much as the far touch shows; the rest rests.
    const shown = solveCappedPlacement({ ...base, underfillPenalty: 0.05 }, dead, 300);
    expect([shown.market, ...shown.limits]).toEqual([300, 700, 0]);
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
