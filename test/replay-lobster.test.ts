/**
 * LOBSTER replay against the real sample files in ../shared/data/lobster (read in place, never copied): the AMZN
 * 2012-06-21 level-1 file (57,515 messages, the full day: the whole check takes well under a second) and the first 999
 * messages of the AAPL level-10 file. With the resync rule every orderbook row must match; the messages alone explain
 * only a small share, which the report gives beside it. Bad input (written to a temp dir) is a one-line error naming
 * file, line and field, or a counted skip when lenient.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLobster } from "../src/market/replay/lobster-check.js";
import { readLobsterBook, readLobsterMessages } from "../src/market/replay/lobster-reader.js";
import { RowProblems } from "../src/market/replay/row-problems.js";

const LOBSTER = join(import.meta.dirname, "..", "..", "shared", "data", "lobster");
const AMZN = "AMZN_2012-06-21_34200000_57600000";
const AAPL = "AAPL_2012-06-21_34200000_57600000";

function check(messages: string, orderbook: string, lenient = false) {
  const problems = new RowProblems(lenient);
  const report = checkLobster(readLobsterMessages(messages, problems), readLobsterBook(orderbook, problems), {
    files: { messages, orderbook },
    maxShown: 20,
  });
  return { report, problems };
}

describe("LOBSTER --check on the real sample files", () => {
  it("AMZN level 1, the full day: every row matches with the resync rule", () => {
    const { report } = check(join(LOBSTER, `${AMZN}_message_1.csv`), join(LOBSTER, `${AMZN}_orderbook_1.csv`));
    expect(report.withResync.shown).toEqual([]);
    expect(report).toMatchObject({
      levels: 1,
      messages: 57_515,
      rowsCompared: 57_514,
      withResync: { rowsMatched: 57_514, share: 1, mismatches: 0, levelsSurfaced: 13_953 },
      messagesOnly: { rowsMatched: 52 },
      messagesByType: {
        submission: 27_845,
        cancellation: 16,
        deletion: 18_235,
        execution: 8_974,
        "hidden-execution": 2_445,
      },
    });
    expect(report.messagesOnly.share).toBeLessThan(0.01);
  });

  it("AAPL level 10, first 999 messages: every level of every row matches with the resync rule", () => {
    const { report } = check(
      join(LOBSTER, `${AAPL}_message_10.first999.csv`),
      join(LOBSTER, `${AAPL}_orderbook_10.first999.csv`),
    );
    expect(report.withResync.shown).toEqual([]);
    expect(report).toMatchObject({
      levels: 10,
      messages: 999,
      rowsCompared: 998,
      withResync: { rowsMatched: 998, share: 1, mismatches: 0, levelsSurfaced: 318 },
      messagesOnly: { rowsMatched: 112 },
    });
  });
});

describe("LOBSTER bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "tributary-lobster-"));
  const write = (name: string, lines: string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join("\n")}\n`);
    return path;
  };
  const messages = ["34200.1,1,1,50,100000,1", "34200.2,4,1,50,100000,1", "34200.3,3,9,150,100000,1"];
  const rows = ["100100,100,100000,200", "100100,100,100000,150", "100100,100,99800,70"];

  it("names file, line and field of a bad message", () => {
    const m = write("m1.csv", [messages[0] as string, "34200.2,4,1,fifty,100000,1", messages[2] as string]);
    const b = write("b1.csv", rows);
    expect(() => check(m, b)).toThrow(`${m}:2: size: expected a whole number of shares > 0, got "fifty"`);
  });

  it("names file, line and field of a bad orderbook row", () => {
    const m = write("m2.csv", messages);
    const b = write("b2.csv", [rows[0] as string, rows[1] as string, "100100,100,99800"]);
    expect(() => check(m, b)).toThrow(`${b}:3: row: expected 4 fields (1 level x 4), got 3`);
  });

  it("skips and counts bad rows with --lenient, keeping messages and rows aligned", () => {
    const m = write("m3.csv", [messages[0] as string, "garbage", messages[2] as string]);
    const b = write("b3.csv", rows);
    const { report, problems } = check(m, b, true);
    expect(problems.skipped).toBe(1);
    expect(problems.first[0]).toMatchObject({ file: m, line: 2, field: "row" });
    expect(report).toMatchObject({ messages: 3, rowsCompared: 1, skippedMessages: 1 });
  });

  it("says which file is missing", () => {
    expect(() => check(join(dir, "nope.csv"), join(dir, "b3.csv"))).toThrow(`${join(dir, "nope.csv")}: no such file`);
  });
});
