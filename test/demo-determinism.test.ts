/**
 * The demo (`tributary demo`) is reproducible: the same seed gives the same execution reports, byte for byte, so the
 * same fingerprint and summary; another seed gives another session. It runs `runDemo` in process on the shipped
 * config/demo.yaml and the shared intraday profile for a few simulated minutes (virtual time: no waiting), checks the
 * market summary's contents, and what `--out` writes (the client files are tested in demo-client-orders.test.ts).
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
/** Real data, read in place from ../shared (never copied into the repository). */
const PROFILE = fileURLToPath(new URL("../../shared/data/derived/intraday_volume_profile_5min.csv", import.meta.url));
const MINUTES = 3;
const MARKET_FILLS_HEADER = "time,venue,symbol,side,cl_ord_id,account,exec_id,last_qty,last_px,liquidity,fee";

function options(seed: number, out: string | null = null, progress: (done: number) => void = () => {}): DemoOptions {
  return {
    seed,
    config: CONFIG,
    volumeProfile: PROFILE,
    profileSeries: "mean",
    start: "2026-01-05T14:30:00Z",
    minutes: MINUTES,
    out,
    progress,
    orderCount: 2_000,
  };
}

const temp = mkdtempSync(join(tmpdir(), "tributary-demo-test-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("runDemo determinism", () => {
  let first: DemoSummary;
  beforeAll(() => {
    first = runDemo(options(42));
  });

  it("does something worth fingerprinting: orders, cancels and executions on every venue", () => {
    expect(first.reports).toBeGreaterThan(1000);
    expect(first.events).toBeGreaterThan(first.reports);
    for (const venue of first.venues) {
      expect(venue.orders, venue.id).toBeGreaterThan(0);
      expect(venue.executions, venue.id).toBeGreaterThan(0);
      expect(venue.canceled, venue.id).toBeGreaterThan(0);
    }
    expect(first.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect([first.start, first.end]).toEqual(["2026-01-05T14:30:00.000000Z", "2026-01-05T14:33:00.000000Z"]);
    expect(first.volumeProfile).toBe("intraday_volume_profile_5min.csv: mean");
  });

  it("summarises the market: per venue and instrument trades, volume, VWAP and quoted spread", () => {
    expect(first.venues.map((v) => [v.id, v.instruments.map((i) => i.symbol)])).toEqual([
      ["LITA", ["ACME", "NRTH", "PNNY"]],
      ["LITB", ["ACME", "NRTH", "PNNY"]],
      ["DRKP", ["ACME"]],
    ]);
    for (const venue of first.venues) {
      expect(
        venue.instruments.reduce((n, i) => n + i.trades, 0),
        venue.id,
      ).toBe(venue.executions);
      for (const i of venue.instruments) {
        expect(i.vwap, `${venue.id} ${i.symbol}`).toMatch(/^\d+\.\d+$/);
        if (venue.kind === "lit") expect(i.averageSpreadTicks, `${venue.id} ${i.symbol}`).toBeGreaterThanOrEqual(1);
        else expect(i.averageSpreadTicks).toBeNull();
      }
    }
    for (const i of first.instruments) {
      expect(i.volumeShares, i.symbol).toBeGreaterThan(0);
      // The consolidated quote may lock for a moment across venues (the simulated market has no order protection
      // rule, and our passive children sit inside the spread), so its average is a little under a tick at worst.
      expect(i.averageSpreadTicks, i.symbol).toBeGreaterThan(0.9);
      expect(i.averageSpreadBps, i.symbol).toBeGreaterThan(0);
      // Three minutes hold no 5-minute return: no volatility estimate.
      expect(i.realisedVolatility, i.symbol).toBeNull();
    }
    expect(first.instruments.map((i) => i.configuredVolatility)).toEqual([0.25, 0.32, 0.55]);
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

  it("writes market-fills.csv: the header, then one row per execution side the background flow took (maker, taker)", () => {
    const lines = readFileSync(join(out, "market-fills.csv"), "utf8").split("\n");
    expect(lines[0]).toBe(MARKET_FILLS_HEADER);
    expect(lines.at(-1)).toBe("");
    const rows = lines.slice(1, -1).map((line) => line.split(","));
    const executions = summary.venues.reduce((n, v) => n + v.executions, 0);
    for (const row of rows) expect(row).toHaveLength(MARKET_FILLS_HEADER.split(",").length);
    const liquidity = rows.map((row) => row[9]);
    // Every execution has one maker: the background flow or one of our passive children (fills.csv, liquidity maker);
    // its taker is the background flow or one of our aggressive children.
    const ours = readFileSync(join(out, "fills.csv"), "utf8")
      .split("\n")
      .slice(1, -1)
      .map((line) => line.split(",")[7]);
    const ourMakerFills = ours.filter((l) => l === "maker").length;
    const ourTakerFills = ours.filter((l) => l === "taker").length;
    expect(liquidity.filter((l) => l === "maker").length + ourMakerFills).toBe(executions);
    expect(liquidity.filter((l) => l === "taker").length + ourTakerFills).toBe(executions);
    expect(rows[0]?.[0]).toMatch(/^2026-01-05T14:3\d:\d\d\.\d{6}Z$/);
  });

  it("writes the same files for the same seed", () => {
    const again = join(temp, "again");
    runDemo(options(42, again));
    for (const name of ["market-fills.csv", "fills.csv", "orders.csv", "allocations.csv"]) {
      expect(readFileSync(join(again, name), "utf8"), name).toBe(readFileSync(join(out, name), "utf8"));
    }
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
