/**
 * The placement of the whole child (M + sum L_k = S, M within what the far touch shows, a share pi of the lots short at
 * T taken then) against a brute-force search of every whole-lot allocation on small problems (whole and fractional
 * outflows, weighted rows, any pi), its reported cost against `restingPlacementCost`, which at pi = 1 is the paper's V
 * (`expectedCost`, lambda_u = h + f), the cases the header derives (the whole child at the best rebate where it fills,
 * and for a parent that loses nothing by waiting; a split where the best venue's outflow covers only part and lots
 * short are taken; all market when no queue works through and they are), and never dearer than sending everything to
 * any one venue (the best-venue baseline).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { restingPlacementCost, solveCappedPlacement } from "./capped-placement.js";
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
function bruteForce(problem: PlacementProblem, samples: OutflowSamples, maxMarket: number, pi: number): number {
  const s = problem.target;
  let best = Number.POSITIVE_INFINITY;
  for (let m = 0; m <= Math.min(s, maxMarket); m++) {
    for (let a = 0; a + m <= s; a++) {
      best = Math.min(best, restingPlacementCost(problem, { market: m, limits: [a, s - m - a] }, samples, pi));
    }
  }
  return best;
}

const problemArb = fc
  .record({
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
  })
  // A venue worse than taking even when filled (credit below -(h + f + theta)) is outside the model's convex range.
  .filter((p) => p.venues.every((v) => 2 * p.halfSpread + p.takerFee + p.impact + v.rebate >= 0));
const piArb = fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true }));

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
        piArb,
        (problem, rows, maxMarket, pi) => {
          const samples = samplesOf(rows);
          const solution = solveCappedPlacement(problem, samples, maxMarket, pi);
          const total = solution.market + (solution.limits[0] as number) + (solution.limits[1] as number);
          expect(total).toBe(problem.target);
          expect(solution.market).toBeLessThanOrEqual(maxMarket);
          for (const l of solution.limits) expect(Number.isInteger(l) && l >= 0).toBe(true);
          const v = restingPlacementCost(problem, solution, samples, pi);
          expect(solution.expectedCost).toBeCloseTo(v, 9);
          expect(v).toBeLessThanOrEqual(bruteForce(problem, samples, maxMarket, pi) + 1e-9);
          // All taken at T (pi = 1): the paper's V with lambda_u = h + f.
          if (pi === 1) {
            const paper = { ...problem, underfillPenalty: problem.halfSpread + problem.takerFee };
            expect(v).toBeCloseTo(expectedCost(paper, solution, samples), 9);
          }
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
        piArb,
        (problem, rows, pi) => {
          const samples = samplesOf(rows);
          const v = solveCappedPlacement(problem, samples, 0, pi).expectedCost;
          const s = problem.target;
          const at = (limits: number[]) => restingPlacementCost(problem, { market: 0, limits }, samples, pi);
          expect(v).toBeLessThanOrEqual(at([s, 0]) + 1e-9);
          expect(v).toBeLessThanOrEqual(at([0, s]) + 1e-9);
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
          const solution = solveCappedPlacement(problem, samples, problem.target, 0.5);
          const v = restingPlacementCost(problem, solution, samples, 0.5);
          expect(solution.expectedCost).toBeCloseTo(v, 9);
          expect(v).toBeLessThanOrEqual(bruteForce(problem, samples, problem.target, 0.5) + 1e-9);
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

  it("where no queue works through: rests the whole child at the best rebate unless what is short is taken", () => {
    const dead = samplesOf(Array.from({ length: 40 }, () => [0, 0]));
    // Nothing fills by T on either venue: the lots rest on and fill later, where they earn most (venue 0's rebate),
    // though venue 1's queue is shorter; the parent takes a quarter of what is short.
    const patient = solveCappedPlacement(base, dead, 1_000, 0.25);
    expect(patient.market).toBe(0);
    expect(Array.from(patient.limits)).toEqual([1_000, 0]);
    // Everything short taken at T (the paper's case): taking now saves theta.
    const urgent = solveCappedPlacement(base, dead, 1_000, 1);
    expect(urgent.market).toBe(1_000);
    // ... as much as the far touch shows; the rest rests.
    const shown = solveCappedPlacement(base, dead, 300, 1);
    expect([shown.market, ...shown.limits]).toEqual([300, 700, 0]);
  });

  it("rests at the venue whose queue works through, up to what its outflow fills, and prefers the better rebate", () => {
    // Venue 0's queue (2,000) always works through by 1,500 more; venue 1's (500) by 3,000 more.
    const busy = samplesOf(Array.from({ length: 40 }, () => [3_500, 3_500]));
    const solution = solveCappedPlacement(base, busy, 1_000, 1);
    expect(solution.market).toBe(0);
    // Both fill surely: the whole child goes to venue 0, whose rebate is better.
    expect(Array.from(solution.limits)).toEqual([1_000, 0]);
    // Venue 0 fills only 600 by T: the rest goes to venue 1 when what is short is taken ...
    const thin = samplesOf(Array.from({ length: 40 }, () => [2_600, 3_500]));
    expect(Array.from(solveCappedPlacement(base, thin, 1_000, 1).limits)).toEqual([600, 400]);
    // ... and stays at venue 0, to fill after T, when the parent can wait.
    expect(Array.from(solveCappedPlacement(base, thin, 1_000, 0).limits)).toEqual([1_000, 0]);
  });

  it("gives the same answer for the same samples object (its sorted columns are kept) and checks the problem", () => {
    const samples = samplesOf([
      [2_400, 900],
      [1_800, 700],
      [2_900, 400],
    ]);
    const first = solveCappedPlacement(base, samples, 1_000, 0.5);
    const again = solveCappedPlacement(base, samples, 1_000, 0.5);
    expect(Array.from(again.limits)).toEqual(Array.from(first.limits));
    expect(again.expectedCost).toBe(first.expectedCost);
    expect(() => solveCappedPlacement({ ...base, target: -1 }, samples)).toThrow(/target/);
    expect(() => solveCappedPlacement({ ...base, venues: [] }, samples)).toThrow(/2 venues/);
  });
});
