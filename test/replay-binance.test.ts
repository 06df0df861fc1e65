/**
 * Binance replay against the real captures in ../shared/data/crypto/binance (spot and USD-M BTCUSDT, 2024-08-08
 * 23:54-24:00 UTC; read in place, streamed through gunzip): the depth snapshot plus diffs by Binance's sequencing rules
 * must give 0 sequence gaps, and the rebuilt best bid/offer must equal every bookTicker that carries an applied diff's
 * update id. Bad input written to a temp dir: a one-line error naming file, line and field, or a counted skip.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { replayBinanceFile } from "../src/market/replay/binance-reader.js";
import { RowProblems } from "../src/market/replay/row-problems.js";

const BINANCE = join(import.meta.dirname, "..", "..", "shared", "data", "crypto", "binance");

describe("Binance captures", () => {
  it.each([
    ["spot_btcusdt_20240808.gz", "spot", "0.01", 3_451, 564],
    ["usdm_btcusdt_20240808.gz", "usdm", "0.1", 6_551, 629],
  ])("%s: 0 sequence gaps, 0 best bid/offer mismatches", async (file, rules, tick, diffs, compared) => {
    const report = await replayBinanceFile(join(BINANCE, file), { problems: new RowProblems(false), maxShown: 10 });
    expect(report).toMatchObject({ rules, tick, symbol: "BTCUSDT", depthDiffs: diffs, gaps: 0 });
    expect(report.check).toMatchObject({ mismatches: 0, crossedAfterDiff: 0, tickersCompared: compared });
    expect(report.check.tickersMatched).toBe(report.check.tickersCompared);
    expect(report.diffsApplied + report.diffsDropped).toBe(report.depthDiffs);
  });
});

describe("Binance bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "tributary-binance-"));
  const T = "1723161253937085768";
  const snapshot = `${T} {"lastUpdateId":100,"bids":[["99.00","1.0"]],"asks":[["101.00","1.0"]]}`;
  const write = (name: string, lines: string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, gzipSync(`${lines.join("\n")}\n`));
    return path;
  };

  it("names file, line and field of a bad line", async () => {
    const path = write("bad.gz", [
      snapshot,
      `${T} {"stream":"x@depth","data":{"e":"depthUpdate","U":101,"u":"x","b":[],"a":[]}}`,
    ]);
    await expect(replayBinanceFile(path, { problems: new RowProblems(false), maxShown: 1 })).rejects.toThrow(
      `${path}:2: data.u: expected an update id (a whole number >= 0), got "x"`,
    );
  });

  it("skips and counts bad lines with --lenient", async () => {
    const problems = new RowProblems(true);
    const path = write("lenient.gz", [snapshot, "not json at all", `${T} [1,2]`]);
    const report = await replayBinanceFile(path, { problems, maxShown: 1 });
    expect(problems.skipped).toBe(2);
    expect(report.snapshot?.lastUpdateId).toBe(100);
  });

  it("refuses a file that is not gzip, and a missing file", async () => {
    const plain = join(dir, "plain.gz");
    writeFileSync(plain, "not gzip\n");
    await expect(replayBinanceFile(plain, { problems: new RowProblems(false), maxShown: 1 })).rejects.toThrow(
      `${plain}: not a valid gzip file`,
    );
    await expect(
      replayBinanceFile(join(dir, "nope.gz"), { problems: new RowProblems(false), maxShown: 1 }),
    ).rejects.toThrow("nope.gz: no such file");
  });
});
