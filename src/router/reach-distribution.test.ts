/**
 * The reach distribution: Kaplan-Meier's product-limit on a textbook case, the outflow model as the prior (with no
 * history the solve is exactly the outflow model's, whatever our own lots ahead), the mixture's weights, and what
 * survives the last lower bound put at it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type OutflowColumn, outflowColumns, solveCappedPlacement } from "./capped-placement.js";
import type { PlacementProblem } from "./optimal-placement.js";
import { productLimit, reachDistribution } from "./reach-distribution.js";
import { ReachHistory } from "./reach-history.js";

const column = (values: number[]): OutflowColumn =>
  (
    outflowColumns({ venues: 1, count: values.length, values: Float64Array.from(values) }) as OutflowColumn[]
  )[0] as OutflowColumn;

/** P(value = v) for each distinct value of a column. */
function masses(c: OutflowColumn): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < c.values.length; i++) {
    out.push([c.values[i] as number, (c.below[i + 1] as number) - (c.below[i] as number)]);
  }
  return out;
}

function historyOf(observations: [number, boolean][]): ReachHistory {
  const history = new ReachHistory(100, 1);
  for (const [reach, censored] of observations) history.add(reach, censored);
  return history;
}

describe("reachDistribution", () => {
  it("is Kaplan-Meier's product-limit over exact reaches and lower bounds (no prior)", () => {
    // Exact 1, 2, 3 and a lower bound at 2: P(1) = 1/4; at 2 three are at risk (the bound among them): 3/4 * 1/3;
    // the rest at 3.
    const history = historyOf([
      [3, false],
      [2, true],
      [1, false],
      [2, false],
    ]);
    const got = masses(productLimit(history.sorted()));
    expect(got.map(([v]) => v)).toEqual([1, 2, 3]);
    expect(got[0]?.[1]).toBeCloseTo(0.25, 12);
    expect(got[1]?.[1]).toBeCloseTo(0.25, 12);
    expect(got[2]?.[1]).toBeCloseTo(0.5, 12);
  });

  it("with no history is the outflow model's fill curve: the same solve, from our own lots ahead instead of Q", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 2, maxLength: 2 }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 2, maxLength: 2 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 2, maxLength: 2 }),
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rows, queues, own, target, pi) => {
          const samples = { venues: 2, count: rows.length, values: Float64Array.from(rows.flat()) };
          const outflow = outflowColumns(samples);
          const problem: PlacementProblem = {
            target,
            halfSpread: 0.05,
            takerFee: 0.03,
            impact: 0.001,
            underfillPenalty: 0,
            overfillPenalty: 0,
            venues: queues.map((q, k) => ({ queueAhead: q, rebate: k === 0 ? 0.003 : -0.002 })),
          };
          const empty = new ReachHistory(4, 1).estimate();
          const reach = outflow.map((c, k) => reachDistribution(empty, c, own[k] as number, queues[k] as number, 2));
          const learned = {
            ...problem,
            venues: problem.venues.map((v, k) => ({ ...v, queueAhead: own[k] as number })),
          };
          const a = solveCappedPlacement(problem, samples, 5, pi);
          const b = solveCappedPlacement(learned, reach, 5, pi);
          expect(Array.from(b.limits)).toEqual(Array.from(a.limits));
          expect(b.market).toBe(a.market);
          expect(b.expectedCost).toBeCloseTo(a.expectedCost, 9);
        },
      ),
    );
  });

  it("weighs the children's estimate against the prior's pseudo-observations: the mixture (W KM + w F0) / (W + w)", () => {
    // Two children reached exactly 5; the prior (weight 2) says 0 + (xi - 0)^+ with xi 20 or 40, evenly.
    const exact = reachDistribution(
      historyOf([
        [5, false],
        [5, false],
      ]).estimate(),
      column([20, 40]),
      0,
      0,
      2,
    );
    expect(masses(exact)).toEqual([
      [5, 0.5],
      [20, 0.25],
      [40, 0.25],
    ]);
    // Two lower bounds at 30: Kaplan-Meier keeps their mass there (nothing seen beyond them), beside the prior's.
    const bounded = reachDistribution(
      historyOf([
        [30, true],
        [30, true],
      ]).estimate(),
      column([20, 40]),
      0,
      0,
      2,
    );
    expect(masses(bounded)).toEqual([
      [20, 0.25],
      [30, 0.5],
      [40, 0.25],
    ]);
  });

  it("puts what survives the last lower bound at it: a lot deeper than any reach seen is not counted as filling", () => {
    const reach = productLimit(
      historyOf([
        [10, false],
        [50, true],
      ]).sorted(),
    );
    expect(reach.weight).toBe(2);
    expect(masses(reach)).toEqual([
      [10, 0.5],
      [50, 0.5],
    ]);
  });
});
