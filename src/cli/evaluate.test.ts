import { describe, expect, it } from "vitest";
import { summarise } from "../tca/execution-cost.js";
import { type CaseReport, type EvaluationReport, pooledDifference, type RunResult } from "./evaluate.js";

/** A routing case whose runs cost `costs` bps, seed by seed (the other measures do not enter the differences). */
function routingCase(name: string, costs: number[]): CaseReport {
  const runs: RunResult[] = costs.map((shortfallBps) => ({
    shortfallBps,
    fillRate: 1,
    vwapSlippageBps: 0,
    participation: 0.1,
    trackingErrorPct: 0,
    completionMinutes: 10,
    darkShare: 0,
    overFillPct: 0,
  }));
  const s = summarise(costs);
  return {
    name,
    kind: "is",
    kappaT: 2,
    shortfallBps: s,
    fillRate: s,
    vwapSlippageBps: s,
    participation: s,
    trackingErrorPct: s,
    completionMinutes: s,
    darkShare: s,
    overFillPct: s,
    overFillRuns: 0,
    runs,
  };
}

const report = (shares: string, optimal: number[], best: number[]): EvaluationReport => ({
  symbol: "ACME",
  side: "buy",
  shares,
  windowMinutes: 10,
  seeds: optimal.length,
  cases: [],
  frontier: [],
  routing: [routingCase("optimal", optimal), routingCase("best-venue (baseline)", best)],
});

describe("the routing comparison pooled over parent sizes", () => {
  it("averages the sizes' paired differences, each size weighing the same, with their standard errors combined", () => {
    // Size 1: differences 0, 0, 0 (a tie: standard error 0); size 2: -2, -4, -6 (mean -4, std 2, standard error
    // 2 / sqrt 3). Pooled: mean -2, standard error sqrt(0 + 4 / 3) / 2 = 0.57735.
    const reports = [report("300000", [1, 2, 3], [1, 2, 3]), report("1500000", [0, 0, 0], [2, 4, 6])];
    const d = pooledDifference(reports, "optimal", "best-venue (baseline)");
    expect(d?.mean).toBeCloseTo(-2, 12);
    expect(d?.stdError).toBeCloseTo(Math.sqrt(4 / 3) / 2, 12);
  });

  it("is null when a size lacks either case", () => {
    const reports = [report("300000", [1, 2], [1, 2])];
    expect(pooledDifference(reports, "optimal", "equal-split (baseline)")).toBeNull();
  });
});
