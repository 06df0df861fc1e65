/**
 * `tributary pretrade` as a user runs it: the built binary in a child process (npm test builds first). With no flags it
 * is the Almgren & Chriss (2000) Table 1 example, checked against ../shared/oracles/almgren-chriss-2000.md; with
 * --adv/--annual-vol/--participation it adds Kissell's I-Star, checked against ../shared/oracles/tca.md. A bad flag
 * prints one line naming it and exits 2.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, "pretrade", ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectClose(actual: number, expected: number, rel = 1e-6): void {
  if (expected === 0) expect(Math.abs(actual)).toBeLessThan(1e-6);
  else expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(rel);
}

function expectAllClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => {
    expectClose(actual[i] as number, value);
  });
}

const PAPER = [
  "--qty",
  "1000000",
  "--price",
  "50",
  "--sigma",
  "0.95",
  "--eta",
  "2.5e-6",
  "--gamma",
  "2.5e-7",
  "--epsilon",
  "0.0625",
  "--lambda",
  "1e-6",
  "--horizon",
  "5",
  "--periods",
  "5",
];

describe("tributary pretrade", () => {
  it("--json with the paper's inputs gives the oracle's schedule, E, V and kappa, and the straight line", () => {
    const r = run(...PAPER, "--json");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout);
    expectClose(report.kappa, 0.60707616);
    expectClose(report.half_life, 1.64724);
    expectAllClose(report.holdings, [1e6, 541_955.55, 289_854.22, 147_897.49, 62_141.8, 0]);
    expectAllClose(report.trades, [458_044.45, 252_101.33, 141_956.73, 85_755.69, 62_141.8]);
    expectClose(report.expected_cost, 911_226.99);
    expectClose(report.variance, 3.641286e11);
    expectClose(report.std_dev, Math.sqrt(3.641286e11));
    expectAllClose(report.straight_line.holdings, [1e6, 8e5, 6e5, 4e5, 2e5, 0]);
    expectClose(report.straight_line.expected_cost, 662_500);
    expectClose(report.straight_line.variance, 1.083e12);
    expect(report.i_star).toBeUndefined();
  });

  it("with no flags prints the same example as a table", () => {
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("kappa 0.60707616 per time unit, half-life 1/kappa 1.6472398");
    expect(r.stdout).toMatch(/\n1\s+1\s+541,955\.55\s+458,044\.45\s+800,000\.00\s+200,000\.00\n/);
    expect(r.stdout).toMatch(/expected cost E\s+911,226\.99\s+662,500\.00/);
    expect(r.stdout).toMatch(/variance V\s+3\.641286e\+11\s+1\.083000e\+12/);
  });

  it("--lambda inf sells everything in the first period: E = 2,562,500, V = 0", () => {
    const report = JSON.parse(run("--lambda", "inf", "--json").stdout);
    expect(report.kappa).toBeNull();
    expect(report.holdings).toEqual([1e6, 0, 0, 0, 0, 0]);
    expectClose(report.expected_cost, 2_562_500);
    expect(report.variance).toBe(0);
  });

  it("adds the I-Star estimate: Q/ADV 0.10, sigma 0.25, POV 0.20 -> I* 74.5711 bp, MI 34.1737 bp", () => {
    const r = run(...PAPER, "--adv", "10000000", "--annual-vol", "0.25", "--participation", "0.2", "--json");
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout).i_star;
    expect(s.size_fraction).toBeCloseTo(0.1, 12);
    expect(s.instantaneous_bps).toBeCloseTo(74.5711, 4);
    expect(s.market_impact_bps).toBeCloseTo(34.1737, 4);
    expect(s.market_impact_cost).toBeCloseTo((34.17365656 / 1e4) * 1e6 * 50, 2);
    const text = run(...PAPER, "--adv", "10000000", "--annual-vol", "0.25", "--participation", "0.2").stdout;
    expect(text).toMatch(/instantaneous impact I\*\s+74\.5711 bp/);
    expect(text).toMatch(/market impact MI\s+34\.1737 bp/);
  });

  it.each([
    [["--qty", "lots"], /--qty must be a number, got "lots"/],
    [["--sigma", "-1"], /--sigma must be >= 0, got -1/],
    [["--periods", "2.5"], /--periods must be a whole number, got "2.5"/],
    [["--lambda", "-1e-6"], /--lambda must be >= 0/],
    [["--eta", "1e-7"], /--eta, --gamma, --horizon, --periods: eta_tilde = eta - gamma tau \/ 2 must be > 0/],
    [["--adv", "1e6"], /--adv: needs --annual-vol/],
    [["--adv", "1e6", "--annual-vol", "0.3", "--participation", "0"], /--participation must be > 0, got 0/],
    [["--i-star-params", "708,0.55"], /--i-star-params must be five numbers/],
  ])("refuses %j with one line naming the flag and exit code 2", (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
  });
});
