/**
 * `tributary replay ...` as a user runs it: the built binary in a child process (npm test builds first), on the real
 * files in ../shared/data and on bad files written to a temp dir. A check that passes exits 0; one that finds
 * mismatches or gaps exits 1 after its report; a user mistake prints one line naming file, line and field and exits 2.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");
const DATA = join(import.meta.dirname, "..", "..", "shared", "data");
const AMZN = join(DATA, "lobster", "AMZN_2012-06-21_34200000_57600000");
const AAPL = join(DATA, "lobster", "AAPL_2012-06-21_34200000_57600000");
/** A directory named like a capture: reading it must fail with one line, not crash the stream. */
const GZ_DIRECTORY = join(mkdtempSync(join(tmpdir(), "tributary-replay-")), "capture.gz");
mkdirSync(GZ_DIRECTORY);

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, "replay", ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLineError(r: ReturnType<typeof run>, message: string | RegExp): void {
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("tributary replay lobster", () => {
  it("--check on AMZN level 1 reports 100% with resync and the message-only share beside it", () => {
    const r = run(
      "lobster",
      "--messages",
      `${AMZN}_message_1.csv`,
      "--orderbook",
      `${AMZN}_orderbook_1.csv`,
      "--check",
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/with resync\s+57,514 of 57,514 rows match \(100\.000%\)/);
    expect(r.stdout).toMatch(/messages only\s+52 of 57,514 rows match \(0\.090%\)/);
    expect(r.stderr).toBe("");
  });

  it("--check --json on AAPL level 10 prints the report as JSON, the same every run", () => {
    const args = [
      "lobster",
      "--messages",
      `${AAPL}_message_10.first999.csv`,
      "--orderbook",
      `${AAPL}_orderbook_10.first999.csv`,
      "--check",
      "--json",
    ];
    const r = run(...args);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      levels: 10,
      withResync: { share: 1, mismatches: 0 },
      messagesOnly: { rowsMatched: 112 },
    });
    expect(run(...args).stdout).toBe(r.stdout);
  });

  it("exits 1 and prints each mismatching row when the rule cannot explain the orderbook file", () => {
    const dir = mkdtempSync(join(tmpdir(), "tributary-replay-cli-"));
    const m = join(dir, "m.csv");
    const b = join(dir, "b.csv");
    writeFileSync(m, "34200.1,1,1,50,100000,1\n34200.2,4,1,50,100000,1\n");
    writeFileSync(b, "100100,100,100000,200\n100100,100,100000,140\n");
    const r = run("lobster", "--messages", m, "--orderbook", b, "--check");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("line 2: message 34200.2,4,1,50,100000,1: bid 1: row 10.00 x 140, rebuilt 10.00 x 150");
  });

  it("refuses a bad row with one line naming file, line and field; --lenient skips and counts it", () => {
    const dir = mkdtempSync(join(tmpdir(), "tributary-replay-cli-"));
    const m = join(dir, "m.csv");
    const b = join(dir, "b.csv");
    writeFileSync(m, "34200.1,1,1,50,100000,1\n34200.2,4,1,50,100000,2\n");
    writeFileSync(b, "100100,100,100000,200\n100100,100,100000,150\n");
    expectOneLineError(
      run("lobster", "--messages", m, "--orderbook", b, "--check"),
      `${m}:2: direction: expected 1 (buy) or -1 (sell), got "2"`,
    );
    const lenient = run("lobster", "--messages", m, "--orderbook", b, "--check", "--lenient");
    expect(lenient.status).toBe(0);
    expect(lenient.stdout).toContain("skipped       1 bad rows (--lenient)");
  });

  it.each([
    [["lobster", "--messages", "/no/such.csv", "--orderbook", "/no/such-b.csv"], "/no/such.csv: no such file"],
    [["lobster", "--messages", "x.csv"], "required option '--orderbook <file>' not specified"],
    [["binance", "--file", "/no/such.gz", "--check"], "/no/such.gz: no such file"],
    [["tardis", "--file", "/no/such.csv"], "/no/such.csv: no such file"],
    [["binance", "--file", GZ_DIRECTORY], `${GZ_DIRECTORY}: is a directory, not a file`],
    [["tardis", "--file", GZ_DIRECTORY], `${GZ_DIRECTORY}: is a directory, not a file`],
    [
      ["lobster", "--messages", "a", "--orderbook", "b", "--max-shown", "x"],
      '--max-shown must be a whole number, got "x"',
    ],
  ])("refuses %j with one clear line and exit code 2", (args, message) => {
    expectOneLineError(run(...args), message);
  });
});

describe("tributary replay binance and tardis", () => {
  it.each(["spot_btcusdt_20240808.gz", "usdm_btcusdt_20240808.gz"])("%s --check: 0 gaps, 0 mismatches", (file) => {
    const r = run("binance", "--file", join(DATA, "crypto", "binance", file), "--check", "--json");
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.gaps).toBe(0);
    expect(report.check.mismatches).toBe(0);
    expect(report.check.tickersCompared).toBeGreaterThan(500);
  });

  it("reads a Tardis incremental_book_L2 sample", () => {
    const r = run("tardis", "--file", join(DATA, "crypto", "tardis", "deribit_incremental_book_L2_BTC-PERPETUAL.csv"));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("incremental_book_L2 (deribit BTC-PERPETUAL)");
  });
});
