/**
 * The demo (`tributary demo`) is reproducible: the same seed gives the same execution reports, byte for byte, so the
 * same fingerprint and summary; another seed gives another session. It runs `runDemo` in process on the shipped
 * config/demo.yaml for a few simulated minutes (virtual time: no waiting), and checks what `--out` writes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoOptions, runDemo } from "../src/cli/demo.js";
import type { DemoSummary } from "../src/cli/demo-summary.js";
import { UserError } from "../src/core/errors.js";

const CONFIG = fileURLToPath(new URL("../config/demo.yaml", import.meta.url));
const MINUTES = 3;
const FILLS_HEADER = "time,venue,symbol,side,cl_ord_id,account,exec_id,last_qty,last_px,liquidity,fee";

function options(seed: number, out: string | null = null, progress: (done: number) => void = () => {}): DemoOptions {
  return { seed, config: CONFIG, start: "2026-01-05T14:30:00Z", minutes: MINUTES, rate: 2, out, progress };
}

const temp = mkdtempSync(join(tmpdir(), "tributary-demo-test-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("runDemo determinism", () => {
  let first: DemoSummary;
  beforeAll(() => {
    first = runDemo(options(42));
  });

  it("does something worth fingerprinting: orders, rejects, cancels and executions on every venue", () => {
    expect(first.reports).toBeGreaterThan(1000);
    for (const venue of first.venues) {
      expect(venue.orders, venue.id).toBeGreaterThan(0);
      expect(venue.executions, venue.id).toBeGreaterThan(0);
    }
    expect(first.venues.some((v) => v.rejected > 0)).toBe(true);
    expect(first.venues.some((v) => v.canceled > 0)).toBe(true);
    expect(first.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect([first.start, first.end]).toEqual(["2026-01-05T14:30:00.000000Z", "2026-01-05T14:33:00.000000Z"]);
  });

  it("gives the same fingerprint and summary for the same seed", () => {
    const again = runDemo(options(42));
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again).toEqual(first);
  });

  it("gives a different session for a different seed", () => {
    const other = runDemo(options(43));
    expect(other.seed).toBe(43);
    expect(other.fingerprint).not.toBe(first.fingerprint);
  });

  it("reports progress once per simulated minute", () => {
    const done: number[] = [];
    runDemo(options(1, null, (minutes) => done.push(minutes)));
    expect(done).toEqual([1, 2, 3]);
  });
});

describe("runDemo --out", () => {
  const out = join(temp, "run", "nested");
  let summary: DemoSummary;
  beforeAll(() => {
    summary = runDemo(options(42, out));
  });

  it("writes summary.json: the summary it returns", () => {
    const written = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as unknown;
    expect(written).toEqual(summary);
  });

  it("writes fills.csv: the header, then one row per execution side (maker and taker)", () => {
    const lines = readFileSync(join(out, "fills.csv"), "utf8").split("\n");
    expect(lines[0]).toBe(FILLS_HEADER);
    expect(lines.at(-1)).toBe("");
    const rows = lines.slice(1, -1).map((line) => line.split(","));
    const executions = summary.venues.reduce((n, v) => n + v.executions, 0);
    expect(rows).toHaveLength(2 * executions);
    for (const row of rows) expect(row).toHaveLength(FILLS_HEADER.split(",").length);
    const liquidity = rows.map((row) => row[9]);
    expect(liquidity.filter((l) => l === "maker")).toHaveLength(executions);
    expect(liquidity.filter((l) => l === "taker")).toHaveLength(executions);
    expect(rows[0]?.[0]).toMatch(/^2026-01-05T14:3\d:\d\d\.\d{6}Z$/);
  });

  it("writes the same fills.csv for the same seed", () => {
    const again = join(temp, "again");
    runDemo(options(42, again));
    expect(readFileSync(join(again, "fills.csv"), "utf8")).toBe(readFileSync(join(out, "fills.csv"), "utf8"));
  });

  it("refuses an --out that is not a directory with a one-line user error", () => {
    const file = join(temp, "a-file");
    writeFileSync(file, "");
    expect(() => runDemo(options(42, file))).toThrow(UserError);
    try {
      runDemo(options(42, file));
    } catch (error) {
      expect((error as UserError).code).toBe("bad-out-dir");
      expect((error as UserError).message).not.toContain("\n");
    }
  });
});
