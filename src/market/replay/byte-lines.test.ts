import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesText, LineSplitter, splitFields } from "./byte-lines.js";

/** Feeds `text` to a splitter cut at the given offsets; returns the lines delivered with their numbers. */
function split(text: string, cuts: number[]): [number, string][] {
  const out: [number, string][] = [];
  const splitter = new LineSplitter({
    line: (bytes, start, end, n) => out.push([n, bytesText(bytes, start, end)]),
  });
  const data = new TextEncoder().encode(text);
  let from = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < data.length)].sort((a, b) => a - b)) {
    splitter.push(data.subarray(from, cut));
    from = cut;
  }
  splitter.push(data.subarray(from));
  splitter.end();
  return out;
}

describe("LineSplitter", () => {
  it("delivers every line once, numbered from 1, without its newline", () => {
    expect(split("a,1\nb,2\n", [])).toEqual([
      [1, "a,1"],
      [2, "b,2"],
    ]);
  });

  it("delivers a last line without a newline at the end, and strips \\r", () => {
    expect(split("a\r\nb", [])).toEqual([
      [1, "a"],
      [2, "b"],
    ]);
  });

  it("keeps empty lines in the middle", () => {
    expect(split("a\n\nb\n", [])).toEqual([
      [1, "a"],
      [2, ""],
      [3, "b"],
    ]);
  });

  it("gives the same lines however the stream is cut into chunks", () => {
    const line = fc.stringMatching(/^[a-z0-9,.]{0,30}$/);
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 20 }),
        fc.boolean(),
        fc.array(fc.nat(400), { maxLength: 10 }),
        (lines, trailing, cuts) => {
          const text = lines.join("\n") + (trailing && lines.length > 0 ? "\n" : "");
          const expected = split(text, []);
          expect(split(text, cuts)).toEqual(expected);
        },
      ),
      { seed: 31, numRuns: 100 },
    );
  });
});

describe("splitFields", () => {
  it("finds the fields of a line and counts them beyond the arrays' capacity", () => {
    const line = new TextEncoder().encode("x;1,22,,333;y");
    const starts = new Int32Array(2);
    const ends = new Int32Array(2);
    expect(splitFields(line, 2, 11, starts, ends)).toBe(4);
    expect([bytesText(line, starts[0] ?? 0, ends[0] ?? 0), bytesText(line, starts[1] ?? 0, ends[1] ?? 0)]).toEqual([
      "1",
      "22",
    ]);
    expect(splitFields(line, 2, 2, starts, ends)).toBe(1);
  });
});
