/**
 * The `tributary` command as a user runs it: the built binary in a child process. Bad flags and bad files print one
 * line naming the problem and exit 2, with no stack trace; a good run prints its summary. A bad row of an order file is
 * not a failure: it is named on stderr with its line and reason, and the good rows run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VenueScorecard } from "../src/router/venue-scorecard.js";

const CLI = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("tributary CLI", () => {
  it("prints help", () => {
    const r = run("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("demo");
  });

  it("runs a short demo and prints the summary as JSON with --json: the same seed, the same bytes", () => {
    const r = run("demo", "--minutes", "2", "--seed", "3", "--json");
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.seed).toBe(3);
    expect(summary.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.venues.map((v: { id: string }) => v.id)).toEqual(["LITA", "LITB", "DRKP"]);
    expect(summary.instruments.map((i: { symbol: string }) => i.symbol)).toEqual(["ACME", "NRTH", "PNNY"]);
    expect(r.stderr).toBe("");
    expect(run("demo", "--minutes", "2", "--seed", "3", "--json").stdout).toBe(r.stdout);
  });

  it("keeps the router's venue scorecard across runs with --scorecard: learned in one run, read and grown by the next", () => {
    const file = join(mkdtempSync(join(tmpdir(), "tributary-scorecard-")), "scorecard.json");
    expect(run("demo", "--minutes", "2", "--seed", "3", "--no-journal", "--scorecard", file).status).toBe(0);
    const first = VenueScorecard.load(file);
    // Learned from the run: no longer the prior (0.5) where children rested at LITA's touch in ACME.
    expect(first.fillProbability("LITA", "ACME", "passive", "touch")).not.toBe(0.5);
    const before = first.snapshot("LITA", "ACME");
    expect(run("demo", "--minutes", "2", "--seed", "4", "--no-journal", "--scorecard", file).status).toBe(0);
    const after = VenueScorecard.load(file).snapshot("LITA", "ACME");
    expect(after.childrenSent).toBeGreaterThan(before.childrenSent);
    writeFileSync(file, '{"version": 1, "venues": 3}');
    const bad = run("demo", "--minutes", "1", "--scorecard", file);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(file);
  });

  it("routes every parent by one logic with --routing, and prints the aggressive spray's over-fill positions", () => {
    const args = ["demo", "--minutes", "15", "--order-count", "1000", "--seed", "1", "--no-journal"];
    const r = run(...args, "--routing", "aggressive-spray");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/over-fill positions \(the firm's, to unwind\): [1-9]\d* parents, [\d,.]+ sh/);
    // Routed by urgency, nothing is ever sent beyond a parent's orders: no position, no line.
    const json = JSON.parse(run(...args, "--json").stdout);
    expect(json.clientOrders.overFills).toEqual({ parents: 0, shares: 0, notional: 0 });
    const bad = run("demo", "--routing", "teleport");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--routing");
  });

  it("prints the market summary as a table: venues, venue x instrument, instruments", () => {
    const r = run("demo", "--minutes", "1", "--seed", "3");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("volume profile: intraday_volume_profile_5min.csv: mean");
    expect(r.stdout).toMatch(/venue\s+symbol\s+trades\s+volume \(sh\)\s+vwap\s+spread \(tk\)\s+spread \(bp\)/);
    expect(r.stdout).toMatch(/\n\s+LITA\s+ACME\s+\d+/);
    expect(r.stdout).toMatch(/fingerprint [0-9a-f]{64}/);
  });

  it.each([
    [["demo", "--seed", "x"], /--seed must be a whole number, got "x"/],
    [["demo", "--minutes", "0"], /--minutes must be between 1 and 1440, got 0/],
    [["demo", "--volume-profile", "/no/such/profile.csv"], /\/no\/such\/profile\.csv: no such file \(the intraday/],
    [["demo", "--profile-series", "tsla"], /intraday_volume_profile_5min\.csv:1: no series "tsla"/],
    [["demo", "--start", "tomorrow"], /--start: "tomorrow" is not an ISO-8601 UTC time/],
    [["demo", "--bogus"], /unknown option '--bogus'/],
    [["demo", "--config", "/no/such/file.yaml"], /\/no\/such\/file.yaml: no such file/],
    [["demo", "--order-count", "many"], /--order-count must be a whole number, got "many"/],
    [["demo", "--order-count", "2000000"], /--order-count must be between 0 and 1000000, got 2000000/],
    [["demo", "--orders", "/no/such/orders.csv"], /--orders: \/no\/such\/orders\.csv: no such file/],
    [["demo", "--orders", "/no/such/orders.txt"], /orders\.txt: unsupported order file type ".txt"/],
  ])("refuses %j with one clear line and exit code 2", (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("runs an order file: bad rows on stderr with line and reason, good rows run, the files reconcile", () => {
    const dir = mkdtempSync(join(tmpdir(), "tributary-cli-"));
    const file = join(dir, "orders.csv");
    writeFileSync(
      file,
      [
        "cl_ord_id,source,account,symbol,side,quantity,order_type,limit_price",
        "o1,FILE,A1,ACME,buy,100,market,",
        "o2,FILE,A2,ACME,buy,-5,market,",
        "o3,FILE,A3,ZZZZ,sell,10,market,",
        "o4,FILE,A4,PNNY,sell,1.25,limit,4.00",
        "",
      ].join("\n"),
    );
    const r = run("demo", "--minutes", "1", "--orders", file, "--out", join(dir, "out"));
    expect(r.status).toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/orders\.csv:3: quantity: .*\[quantity-not-positive\] \(cl_ord_id o2\)$/);
    expect(lines[1]).toMatch(/orders\.csv:4: symbol: .*\[unknown-symbol\] \(cl_ord_id o3\)$/);
    expect(r.stdout).toMatch(/client orders \(.*orders\.csv\): 4 sent, 2 accepted, 2 rejected/);
    expect(r.stdout).toMatch(/reconciled: 4 orders, \d+ fills, \d+ allocations/);
    const orders = readFileSync(join(dir, "out", "orders.csv"), "utf8").split("\n");
    expect(orders[0]).toBe(
      "cl_ord_id,source,account,symbol,side,quantity,filled,avg_price,status,parent_id,crossed_qty,reject_reason",
    );
    expect(orders[1]).toMatch(/^o1,FILE,A1,ACME,buy,100,100,[\d.]+,filled,/);
    expect(orders[2]).toMatch(/^o2,FILE,A2,ACME,buy,-5,0,,rejected,,0,.*line 3: quantity: .*\[quantity-not-positive\]/);
    expect(orders[4]).toMatch(/^o4,FILE,A4,PNNY,sell,1\.25,1\.25,[\d.]+,filled,/);
  });

  it("applies pre-trade risk limits from --risk to the demo's orders, and names a bad risk file", () => {
    const dir = mkdtempSync(join(tmpdir(), "tributary-cli-"));
    const file = join(dir, "orders.csv");
    writeFileSync(
      file,
      [
        "cl_ord_id,source,account,symbol,side,quantity,order_type",
        "r1,FILE,A1,ACME,buy,100,market",
        "r2,FILE,A1,ACME,buy,200,market",
        "r3,FILE,A1,NRTH,buy,100,market",
      ].join("\n"),
    );
    const risk = join(dir, "risk.yaml");
    writeFileSync(risk, 'maxOrderQuantity: "150"\nrestrictedSymbols: [NRTH]\n');
    const r = run("demo", "--minutes", "1", "--orders", file, "--risk", risk, "--no-journal");
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split("\n")).toEqual([
      `${file}:3: quantity: 200 shares is above the maximum order quantity of 150 for ACME [max-order-quantity] (cl_ord_id r2)`,
      `${file}:4: symbol: NRTH is restricted [restricted-symbol] (cl_ord_id r3)`,
    ]);
    writeFileSync(risk, "restrictedSymbols: [ACMEE]\n");
    const typo = run("demo", "--minutes", "1", "--orders", file, "--risk", risk, "--no-journal");
    expect(typo.status).toBe(2);
    expect(typo.stderr.trim()).toMatch(/^tributary: --risk: restrictedSymbols: "ACMEE" is not an instrument of /);
    writeFileSync(risk, 'priceCollar: "2"\n');
    const bad = run("demo", "--minutes", "1", "--orders", file, "--risk", risk, "--no-journal");
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toMatch(/risk\.yaml: priceCollar: /);
  });

  it("serves the priority accounts first with --allocation by-account --priority-accounts", () => {
    const dir = mkdtempSync(join(tmpdir(), "tributary-cli-"));
    const file = join(dir, "orders.csv");
    writeFileSync(
      file,
      [
        "cl_ord_id,source,account,symbol,side,quantity,order_type",
        "b1,FILE,SMALL,ACME,buy,100,market",
        "b2,FILE,BIG,ACME,buy,100,market",
      ].join("\n"),
    );
    const out = join(dir, "out");
    const r = run(
      "demo",
      "--minutes",
      "1",
      "--orders",
      file,
      "--allocation",
      "by-account",
      "--priority-accounts",
      "BIG",
      "--out",
      out,
      "--no-journal",
    );
    expect(r.status).toBe(0);
    // BIG's order takes every fill until it is filled; SMALL's gets lots only from then on.
    const rows = readFileSync(join(out, "allocations.csv"), "utf8").trim().split("\n").slice(1);
    let big = 0;
    const fills = new Map<string, { big: number; small: number }>();
    for (const [fill, owner, qty] of rows.map((l) => l.split(","))) {
      const f = fills.get(fill as string) ?? { big: 0, small: 0 };
      if (owner === "b2") f.big += Number(qty);
      else f.small += Number(qty);
      fills.set(fill as string, f);
    }
    expect(fills.size).toBeGreaterThan(1);
    for (const f of fills.values()) {
      big += f.big;
      if (f.small > 0) expect(big).toBe(100);
    }
    const missing = run("demo", "--minutes", "1", "--orders", file, "--allocation", "by-account");
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe(
      "tributary: --allocation by-account: give the accounts served first with --priority-accounts A,B",
    );
  });

  it("names the file, line and field of a bad config value", () => {
    const dir = mkdtempSync(join(tmpdir(), "tributary-cli-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      [
        "instruments:",
        "  - symbol: ACME",
        "    currency: USD",
        '    priceIncrement: "0.01"',
        '    lotSize: "1"',
        '    referencePrice: "150.005"',
        "    averageDailyVolume: 1000000",
        "    annualVolatility: 0.2",
        "venues: []",
        "",
      ].join("\n"),
    );
    const r = run("demo", "--config", file, "--minutes", "1");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+: /);
    expect(r.stderr).toMatch(/referencePrice|venues/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
