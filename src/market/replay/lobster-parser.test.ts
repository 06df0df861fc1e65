import { describe, expect, it } from "vitest";
import { LineSplitter } from "./byte-lines.js";
import { type LobsterBookRows, type LobsterMessages, SKIPPED } from "./lobster-format.js";
import { bookFieldName, LobsterBookParser, LobsterMessageParser } from "./lobster-parser.js";
import { RowProblems } from "./row-problems.js";

function messages(text: string, problems = new RowProblems(false), batchRows = 4): LobsterMessages[] {
  const parser = new LobsterMessageParser("M.csv", problems, batchRows);
  const lines = new LineSplitter(parser);
  lines.push(new TextEncoder().encode(text));
  lines.end();
  const last = parser.finish();
  return last === null ? parser.ready : [...parser.ready, last];
}

function rows(text: string, problems = new RowProblems(false)): LobsterBookRows[] {
  const parser = new LobsterBookParser("B.csv", problems, 4);
  const lines = new LineSplitter(parser);
  lines.push(new TextEncoder().encode(text));
  lines.end();
  const last = parser.finish();
  return last === null ? parser.ready : [...parser.ready, last];
}

describe("LobsterMessageParser", () => {
  it("parses messages into column batches, exactly", () => {
    const text = [
      "34200.017459617,5,0,1,2238200,-1",
      "34200.18960767,1,11885113,21,2238100,1",
      "34200.190226476,4,11885113,21,2238100,1",
      "34200.190226476,3,11534792,26,2237500,1",
      "36023,7,0,0,-1,-1",
    ].join("\n");
    const batches = messages(text);
    expect(batches.map((b) => [b.firstLine, b.count])).toEqual([
      [1, 4],
      [5, 1],
    ]);
    const [first] = batches as [LobsterMessages];
    expect([...first.timeNs]).toEqual([34200017459617, 34200189607670, 34200190226476, 34200190226476]);
    expect([...first.type]).toEqual([5, 1, 4, 3]);
    expect([...first.orderId]).toEqual([0, 11885113, 11885113, 11534792]);
    expect([...first.size]).toEqual([1, 21, 21, 26]);
    expect([...first.price]).toEqual([2238200, 2238100, 2238100, 2237500]);
    expect([...first.direction]).toEqual([-1, 1, 1, 1]);
    expect(batches[1]?.type[0]).toBe(7);
  });

  it.each([
    [
      "34200.1,1,5,100,2238100",
      "M.csv:2: row: expected 6 comma-separated fields (time,type,order id,size,price,direction), got 5 fields",
    ],
    [
      "",
      "M.csv:2: row: expected 6 comma-separated fields (time,type,order id,size,price,direction), got an empty line",
    ],
    ["x,1,5,100,2238100,1", 'M.csv:2: time: expected seconds after midnight, at most 9 decimals, got "x"'],
    [
      "34200.0000000001,1,5,100,2238100,1",
      'M.csv:2: time: expected seconds after midnight, at most 9 decimals, got "34200.0000000001"',
    ],
    ["34199,1,5,100,2238100,1", "M.csv:2: time: 34199 is earlier than the previous message's time"],
    ["34200.1,8,5,100,2238100,1", 'M.csv:2: type: expected 1 to 7, got "8"'],
    ["34200.1,1,-5,100,2238100,1", 'M.csv:2: order id: expected a whole number >= 0, got "-5"'],
    ["34200.1,1,5,0,2238100,1", 'M.csv:2: size: expected a whole number of shares > 0, got "0"'],
    ["34200.1,1,5,100,223.81,1", 'M.csv:2: price: expected dollars x 10000, a whole number > 0, got "223.81"'],
    ["34200.1,1,5,100,2238100,0", 'M.csv:2: direction: expected 1 (buy) or -1 (sell), got "0"'],
  ])("refuses %j naming file, line and field", (line, message) => {
    expect(() => messages(`34200,1,1,1,2238100,1\n${line}\n`)).toThrow(message);
  });

  it("keeps a skipped line's place when lenient, and counts it", () => {
    const problems = new RowProblems(true);
    const [batch] = messages("34200,1,1,1,2238100,1\nbad\n34201,3,1,1,2238100,1\n", problems) as [LobsterMessages];
    expect(batch.count).toBe(3);
    expect([...batch.type.subarray(0, 3)]).toEqual([1, SKIPPED, 3]);
    expect(problems.skipped).toBe(1);
    expect(problems.first[0]).toMatchObject({ file: "M.csv", line: 2, field: "row" });
  });
});

describe("LobsterBookParser", () => {
  it("takes the number of levels from the first row and keeps missing levels as LOBSTER writes them", () => {
    const [batch] = rows(
      "2239500,100,2231800,100,9999999999,0,-9999999999,0\n2239500,100,2238100,21,2239600,5,2231800,100\n",
    ) as [LobsterBookRows];
    expect(batch.levels).toBe(2);
    expect(batch.count).toBe(2);
    expect([...batch.data.subarray(0, 8)]).toEqual([2239500, 100, 2231800, 100, 9999999999, 0, -9999999999, 0]);
  });

  it.each([
    ["2239500,100,2231800", "B.csv:2: row: expected 4 fields (1 level x 4), got 3"],
    ["2239500,100,2231800,x", 'B.csv:2: bid size 1: expected a whole number, got "x"'],
    ["2239500,0,2231800,100", "B.csv:2: ask size 1: 0 at price 2239500: a present level has a size > 0"],
    ["9999999999,5,2231800,100", "B.csv:2: ask size 1: 5 at a missing level (price 9999999999): expected 0"],
    ["2239500,10,-5,100", "B.csv:2: bid price 1: price -5 is neither > 0 nor the missing-level value -9999999999"],
  ])("refuses %j naming file, line and field", (line, message) => {
    expect(() => rows(`2239500,100,2231800,100\n${line}\n`)).toThrow(message);
  });

  it("refuses a first row that is not whole levels, even when lenient", () => {
    expect(() => rows("1,2,3\n", new RowProblems(true))).toThrow("B.csv:1: row: expected 4 fields per level");
  });

  it("names columns as LOBSTER does", () => {
    expect([bookFieldName(0), bookFieldName(3), bookFieldName(37)]).toEqual([
      "ask price 1",
      "bid size 1",
      "ask size 10",
    ]);
  });
});
