import { describe, expect, it } from "vitest";
import { parseCaptureLine } from "./binance-capture.js";
import { replayBinanceCapture } from "./binance-replay.js";
import { RowProblems } from "./row-problems.js";

const T = "1723161253937085768";
const depth = (U: number, u: number, b: string[][], a: string[][], pu?: number): string =>
  `${T} ${JSON.stringify({ stream: "btcusdt@depth@100ms", data: { e: "depthUpdate", E: 1, s: "BTCUSDT", U, u, ...(pu === undefined ? {} : { pu }), b, a } })}`;
const ticker = (u: number, b: string, B: string, a: string, A: string): string =>
  `${T} ${JSON.stringify({ stream: "btcusdt@bookTicker", data: { u, s: "BTCUSDT", b, B, a, A } })}`;
const snapshot = (lastUpdateId: number, bids: string[][], asks: string[][]): string =>
  `${T} ${JSON.stringify({ lastUpdateId, bids, asks })}`;
const trade = `${T} {"stream":"btcusdt@trade","data":{"e":"trade","p":"100.00","q":"1.0"}}`;

async function replay(lines: string[], lenient = false) {
  const problems = new RowProblems(lenient);
  const report = await replayBinanceCapture([new TextEncoder().encode(`${lines.join("\n")}\n`)], {
    file: "cap.gz",
    problems,
    maxShown: 5,
  });
  return { report, problems };
}

describe("parseCaptureLine", () => {
  it("recognises depth diffs, tickers, trades and the snapshot", () => {
    expect(parseCaptureLine(depth(1, 2, [["1.00", "2.0"]], [], 0))).toMatchObject({
      kind: "depth",
      localMicros: 1723161253937085,
      firstUpdateId: 1,
      lastUpdateId: 2,
      previousUpdateId: 0,
      symbol: "BTCUSDT",
    });
    expect(parseCaptureLine(ticker(7, "1.00", "1", "1.01", "2"))).toMatchObject({ kind: "bookTicker", updateId: 7 });
    expect(parseCaptureLine(trade)).toMatchObject({ kind: "trade" });
    expect(parseCaptureLine(snapshot(5, [], []))).toMatchObject({ kind: "snapshot", lastUpdateId: 5 });
  });

  it.each([
    ["no-timestamp", "row"],
    ["12x {}", "timestamp"],
    [`${T} {"stream":`, "json"],
    [`${T} {"stream":"s@depth","data":{"e":"depthUpdate","U":1.5,"u":2,"b":[],"a":[]}}`, "data.U"],
    [`${T} {"stream":"s@depth","data":{"e":"depthUpdate","U":1,"u":2,"b":[[1,2]],"a":[]}}`, "data.b[0]"],
    [`${T} {"stream":"s@bookTicker","data":{"u":3,"b":"1","B":"1","a":null,"A":"1"}}`, "data.a"],
  ])("names the bad field of %j", (line, field) => {
    expect(parseCaptureLine(line)).toMatchObject({ kind: "problem", field });
  });
});

describe("replayBinanceCapture", () => {
  const snap = snapshot(
    100,
    [
      ["99.00000000", "1.00000000"],
      ["98.50000000", "2.00000000"],
    ],
    [
      ["101.00000000", "3.00000000"],
      ["102.00000000", "4.00000000"],
    ],
  );

  it("buffers diffs until the snapshot, applies them by the spot rules and checks tickers of the same update id", async () => {
    const { report } = await replay([
      depth(90, 99, [["99.00000000", "9.00000000"]], []), // covered by the snapshot: dropped
      ticker(105, "99.50000000", "0.50000000", "101.00000000", "3.00000000"), // before its diff arrives
      depth(100, 105, [["99.50000000", "0.50000000"]], []), // straddles 101
      snap,
      trade,
      depth(106, 110, [["99.50000000", "0.00000000"]], [["100.50000000", "0.25000000"]]),
      ticker(110, "99.00000000", "1.00000000", "100.50000000", "0.25000000"), // after its diff
      ticker(108, "99.00000000", "1.00000000", "100.50000000", "0.25000000"), // inside a batch: not comparable
    ]);
    expect(report).toMatchObject({
      rules: "spot",
      symbol: "BTCUSDT",
      tick: "0.1",
      lot: "0.00000001",
      snapshot: { line: 4, lastUpdateId: 100, bids: 2, asks: 2 },
      diffsBufferedBeforeSnapshot: 2,
      diffsDropped: 1,
      diffsApplied: 2,
      gaps: 0,
      trades: 1,
      check: { tickersCompared: 2, tickersMatched: 2, mismatches: 0, tickersWithoutDiff: 1 },
      finalBbo: { bid: "99.0", bidQty: "1", ask: "100.5", askQty: "0.25" },
    });
  });

  it("counts sequence gaps and best bid/offer mismatches, with their lines", async () => {
    const { report } = await replay([
      snap,
      depth(101, 102, [], []),
      depth(104, 106, [["99.00000000", "5.00000000"]], []), // U should be 103
      ticker(106, "99.00000000", "4.00000000", "101.00000000", "3.00000000"), // the book says 5
    ]);
    expect(report.gaps).toBe(1);
    expect(report.gapLines).toEqual([3]);
    expect(report.check).toMatchObject({ tickersCompared: 1, mismatches: 1 });
    expect(report.check.shown[0]).toEqual({
      line: 4,
      updateId: 106,
      ticker: "bid 99.00000000 x 4.00000000, ask 101.00000000 x 3.00000000",
      rebuilt: "bid 99.0 x 5, ask 101.0 x 3",
    });
  });

  it("follows USD-M futures rules when diffs carry pu", async () => {
    const { report } = await replay([
      snap,
      depth(95, 100, [], [], 94),
      depth(103, 107, [["99.00000000", "2.00000000"]], [], 100),
      depth(110, 111, [], [], 108),
    ]);
    expect(report).toMatchObject({ rules: "usdm", diffsApplied: 3, gaps: 1 });
  });

  it("refuses a price off the snapshot's tick, naming file, line and field", async () => {
    await expect(replay([snap, depth(101, 102, [["99.25000000", "1.00000000"]], [])])).rejects.toThrow(
      'cap.gz:2: data.b[0][0]: "99.25000000" has more decimals than the price step 0.1 seen in the snapshot',
    );
  });

  it("skips and counts bad lines when lenient", async () => {
    const { report, problems } = await replay([snap, "garbage", "", depth(101, 102, [], [])], true);
    expect(report.diffsApplied).toBe(1);
    expect(problems.skipped).toBe(2);
    expect(problems.first.map((p) => [p.line, p.field])).toEqual([
      [2, "row"],
      [3, "row"],
    ]);
  });
});
