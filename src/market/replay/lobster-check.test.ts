import { describe, expect, it } from "vitest";
import { LineSplitter } from "./byte-lines.js";
import { checkLobster } from "./lobster-check.js";
import type { LobsterBookRows, LobsterMessages } from "./lobster-format.js";
import { LobsterBookParser, LobsterMessageParser } from "./lobster-parser.js";
import { replayLobster } from "./lobster-run.js";
import { RowProblems } from "./row-problems.js";

const FILES = { messages: "M.csv", orderbook: "B.csv" };

/** Parses in-memory file text the way the reader does (small batches, to cross batch boundaries). */
function parse(messageLines: string[], rowLines: string[], batchRows = 2): [LobsterMessages[], LobsterBookRows[]] {
  const problems = new RowProblems(false);
  const m = new LobsterMessageParser(FILES.messages, problems, batchRows);
  const b = new LobsterBookParser(FILES.orderbook, problems, batchRows);
  for (const [parser, lines] of [
    [m, messageLines],
    [b, rowLines],
  ] as const) {
    const splitter = new LineSplitter(parser);
    splitter.push(new TextEncoder().encode(`${lines.join("\n")}\n`));
    splitter.end();
  }
  const lastM = m.finish();
  const lastB = b.finish();
  return [lastM === null ? m.ready : [...m.ready, lastM], lastB === null ? b.ready : [...b.ready, lastB]];
}

function check(messageLines: string[], rowLines: string[]) {
  const [messages, rows] = parse(messageLines, rowLines);
  return checkLobster(messages, rows, { files: FILES, maxShown: 10 });
}

describe("checkLobster on a level-1 file", () => {
  // Row k is the book after message k: ask price, ask size, bid price, bid size. Prices are dollars x 10^4.
  const messages = [
    "34200.1,1,1,50,100000,1", // submission: bid 10.00 +50 (the seed row already shows it)
    "34200.2,4,1,50,100000,1", // execution of order 1: bid 10.00 -> 150
    "34200.3,3,9,150,100000,1", // deletion of an order placed before the open (unknown id): 10.00 empties
    "34200.4,2,8,20,99800,1", // partial cancel of an unknown order at 9.98, the level that surfaced
  ];
  const rows = [
    "100100,100,100000,200",
    "100100,100,100000,150",
    "100100,100,99800,70", // 9.98 x 70 entered from below: no message ever described it
    "100100,100,99800,50",
  ];

  it("matches every row with the resync rule and says how much the messages alone explain", () => {
    const report = check(messages, rows);
    expect(report).toMatchObject({
      levels: 1,
      messages: 4,
      rowsCompared: 3,
      withResync: { rowsMatched: 3, share: 1, levelsSurfaced: 1, mismatches: 0 },
      messagesOnly: { rowsMatched: 1, missingLevels: 1 },
      unknownOrderReductions: 2,
    });
    expect(report.messagesOnly.share).toBeCloseTo(1 / 3, 12);
    expect(report.messagesByType).toMatchObject({ submission: 1, cancellation: 1, deletion: 1, execution: 1 });
  });

  it("reports a row the rule cannot explain as a mismatch, with the message and the differing levels", () => {
    const bad = [...rows];
    bad[1] = "100100,100,100000,140"; // the row says 140 where the messages say 150
    const report = check(messages, bad);
    expect(report.withResync.mismatches).toBe(1);
    expect(report.withResync.shown).toEqual([
      { line: 2, message: "34200.2,4,1,50,100000,1", differences: ["bid 1: row 10.00 x 140, rebuilt 10.00 x 150"] },
    ]);
  });

  it("refuses files of different lengths, naming where one ends", () => {
    const [m, b] = parse(messages, rows.slice(0, 3));
    expect(() => checkLobster(m, b, { files: FILES, maxShown: 1 })).toThrow(
      "M.csv:4: row: message 4 has no orderbook row (B.csv ends at row 3)",
    );
    const [m2, b2] = parse(messages.slice(0, 3), rows);
    expect(() => checkLobster(m2, b2, { files: FILES, maxShown: 1 })).toThrow(
      "B.csv:4: row: orderbook row 4 has no message (M.csv ends at message 3; the orderbook file has 4 rows)",
    );
  });
});

describe("checkLobster on a level-2 file", () => {
  const messages = [
    "34200.1,1,1,100,101000,-1", // ask 10.10 (in the seed row)
    "34200.2,1,2,10,100500,-1", // a better ask, 10.05: 10.20 drops out of the window and goes stale
    "34200.3,3,2,10,100500,-1", // deleted again: a level enters the window from below
  ];
  const rows = [
    "101000,100,100000,100,102000,100,99000,100",
    "100500,10,100000,100,101000,100,99000,100",
    // 10.20 was cancelled while outside the window (no message): 10.25 x 40 is the new second level.
    "101000,100,100000,100,102500,40,99000,100",
  ];

  it("drops the stale level and takes the surfacing one from the row", () => {
    const report = check(messages, rows);
    expect(report.withResync).toMatchObject({
      rowsMatched: 2,
      levelsSurfaced: 1,
      staleLevelsRemoved: 1,
      mismatches: 0,
    });
    expect(report.messagesOnly.rowsMatched).toBe(1);
  });

  it("replays without --check and ends on the visible window", () => {
    const [m, b] = parse(messages, rows);
    const summary = replayLobster(m, b, FILES);
    expect(summary.finalBook).toEqual({ bids: ["10.00 x 100", "9.90 x 100"], asks: ["10.10 x 100", "10.25 x 40"] });
    expect(summary.levelsSurfaced).toBe(1);
  });
});
