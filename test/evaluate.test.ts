/**
 * The algorithms' measured proof, in small: the evaluation (src/cli/evaluate.ts) on three fixed seeds, each a full
 * simulated session with impact, and `tributary evaluate` as a user runs it. The full 30-seed figures are in
 * BENCHMARKS.md and the README; these check the same claims on fewer seeds (paired by seed, so the market's own
 * randomness cancels), and that the command validates its flags.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { type EvaluationReport, evaluate, pairedDifference } from "../src/cli/evaluate.js";
import { loadReferenceData } from "../src/config/load-config.js";
import { loadVolumeProfile } from "../src/config/volume-profile-file.js";
import { isoToMicros } from "../src/core/clock.js";

const CONFIG = fileURLToPath(new URL("../config/demo.yaml", import.meta.url));
const PROFILE = fileURLToPath(new URL("../../shared/data/derived/intraday_volume_profile_5min.csv", import.meta.url));
const CLI = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");

describe("evaluation of the algorithms against the baselines (3 seeds)", () => {
  let report: EvaluationReport;
  beforeAll(() => {
    report = evaluate({
      data: loadReferenceData(CONFIG),
      profile: loadVolumeProfile(PROFILE),
      seeds: [1, 2, 3],
      startMicros: isoToMicros("2026-01-05T14:30:00Z"),
      symbol: "ACME",
      side: "buy",
      shares: "300000",
      warmupMinutes: 2,
      windowMinutes: 10,
      frontier: [],
      moderateKappaT: 2,
      povRate: 0.1,
      routing: ["best-venue", "equal-split", "optimal", "aggressive-spray"],
    });
  }, 300_000);

  const byKind = (kind: string) => report.cases.find((c) => c.kind === kind) as EvaluationReport["cases"][number];

  it("runs every case on every seed", () => {
    expect(report.cases.map((c) => c.kind)).toEqual(["market", "naive-twap", "twap", "vwap", "pov", "is"]);
    for (const c of report.cases) expect(c.runs).toHaveLength(3);
  });

  it("IS at moderate risk aversion costs less than both baselines, seed by seed on average", () => {
    expect(pairedDifference(byKind("is"), byKind("market")).mean).toBeLessThan(0);
    expect(pairedDifference(byKind("is"), byKind("naive-twap")).mean).toBeLessThan(0);
  });

  it("the algorithms that must complete do; the market order cannot (the book is not that deep)", () => {
    for (const kind of ["twap", "vwap", "is", "naive-twap"]) expect(byKind(kind).fillRate.mean, kind).toBe(1);
    expect(byKind("market").fillRate.mean).toBeLessThan(1);
  });

  it("POV's realised participation is within 10% of its target; VWAP's slippage within a few bps", () => {
    const pov = byKind("pov").participation.mean;
    expect(pov).toBeGreaterThan(0.09);
    expect(pov).toBeLessThan(0.11);
    expect(Math.abs(byKind("vwap").vwapSlippageBps.mean)).toBeLessThan(3);
  });

  it("compares routing logics on the same seeds: time to complete and dark share measured", () => {
    expect(report.routing.map((c) => c.name)).toEqual([
      "best-venue (baseline)",
      "equal-split (baseline)",
      "optimal",
      "aggressive-spray",
    ]);
    for (const c of report.routing) {
      expect(c.runs).toHaveLength(3);
      expect(c.completionMinutes.mean, c.name).toBeGreaterThan(0);
      expect(c.completionMinutes.mean, c.name).toBeLessThanOrEqual(10);
    }
    // Only an aggressive spray sends more than the child: no other logic can over-fill; its over-fill is measured.
    for (const c of report.routing.filter((c) => c.name !== "aggressive-spray")) expect(c.overFillRuns, c.name).toBe(0);
    const spray = report.routing.find((c) => c.name === "aggressive-spray");
    expect(spray?.overFillPct.mean).toBeGreaterThanOrEqual(0);
    expect(spray?.overFillPct.mean).toBeLessThan(50);
    // IS at medium urgency sends midpoint children: every logic, the baselines too, executes part of it in the dark.
    for (const c of report.routing) {
      expect(c.darkShare.mean, c.name).toBeGreaterThan(0);
      expect(c.darkShare.mean, c.name).toBeLessThan(1);
    }
  });

  it("measures schedule tracking for the algorithms, not the baselines", () => {
    for (const kind of ["twap", "vwap", "pov", "is"]) {
      expect(byKind(kind).trackingErrorPct.mean, kind).toBeGreaterThan(0);
      expect(byKind(kind).trackingErrorPct.mean, kind).toBeLessThan(25);
    }
    expect(byKind("market").trackingErrorPct.n).toBe(0);
  });
});

describe("tributary evaluate", () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, "evaluate", ...args], { encoding: "utf8" });

  it("prints the cost table and the frontier", () => {
    const r = run("--seeds", "1", "--window", "2", "--warmup", "1", "--shares", "20000", "--frontier", "1,4");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^buy 20000 ACME over 2 min, 1 seeds/);
    expect(r.stdout).toContain("naive TWAP (baseline)");
    expect(r.stdout).toContain("IS efficient frontier");
    expect(r.stdout).toContain("Routing: IS");
    expect(r.stdout).toContain("equal-split (baseline)");
    expect(r.stdout).toMatch(/aggressive-spray .* \d+\/1 +\d+\.\d\d%/);
  }, 120_000);

  it("--routing-only: the routing comparison alone, no algorithm table nor frontier", () => {
    const r = run("--seeds", "1", "--window", "2", "--warmup", "1", "--shares", "20000", "--routing-only");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^buy 20000 ACME over 2 min, 1 seeds/);
    expect(r.stdout).not.toContain("naive TWAP (baseline)");
    expect(r.stdout).not.toContain("IS efficient frontier");
    expect(r.stdout).toContain("Routing: IS");
    expect(r.stdout).toContain("optimal");
    expect(r.stdout).toContain("equal-split (baseline)");
  }, 120_000);

  it("--shares with several sizes: one table each, then the routing comparison pooled over them", () => {
    const r = run(
      ..."--seeds 2 --window 2 --warmup 1 --shares 10000,20000 --routing-only --routing optimal,best-venue,equal-split".split(
        " ",
      ),
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^buy 10000 ACME over 2 min, 2 seeds/);
    expect(r.stdout).toMatch(/\nbuy 20000 ACME over 2 min, 2 seeds/);
    expect(r.stdout).toContain("Routing pooled over 2 parent sizes (10000, 20000 ACME), 2 seeds each");
    expect(r.stdout).toMatch(/\noptimal +-?\d+\.\d\d +-?\d+\.\d\d±\d+\.\d\d +-?\d+\.\d\d±\d+\.\d\d\n/);
  }, 120_000);

  it("names a bad flag in one line and exits 2", () => {
    for (const [args, message] of [
      [["--seeds", "0"], "--seeds must be a whole number"],
      [["--symbol", "NOPE"], "--symbol: NOPE is not an instrument"],
      [["--shares", "1.5"], '--shares: "1.5" is not a whole number of lots (ACME\'s lot is 1 share)'],
      [["--shares", "-5"], '--shares: "-5" is not a positive number of shares'],
      [
        ["--symbol", "NRTH", "--shares", "150"],
        '--shares: "150" is not a whole number of lots (NRTH\'s lot is 100 shares)',
      ],
      [["--first-seed", "2147483647", "--seeds", "2"], "--first-seed 2147483647 with --seeds 2 runs past seed 2^31-1"],
      [["--pov-rate", "2"], "--pov-rate must be a number in (0, 1]"],
      [["--over-send", "0.5"], '--over-send must be a number from 1 to 10, got "0.5"'],
      [["--routing", "spray,teleport"], '--routing: "teleport" is not one of'],
      [["--volume-profile", "/nonexistent/profile.csv"], "/nonexistent/profile.csv: no such file"],
    ] as const) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
