import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimalUnits, parseDecimal } from "../../core/fixed-point.js";
import { numberProblem, parseAsciiFixed, parseAsciiInt, significantDecimals } from "./ascii-number.js";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const fixed = (text: string, decimals: number): number => parseAsciiFixed(bytes(text), 0, text.length, decimals);

describe("parseAsciiFixed, and decimalUnits for the strings of JSON messages", () => {
  it.each([
    ["34200.017459617", 9, 34200017459617],
    ["34200.0174", 9, 34200017400000],
    ["34200", 9, 34200000000000],
    ["2238200", 0, 2238200],
    ["-9999999999", 0, -9999999999],
    ["+3", 0, 3],
    ["61837.63000000", 4, 618376300],
    ["0.00100000", 8, 100000],
    ["1.500", 2, 150],
    ["-0", 0, 0],
  ])("%s at %i decimals is %i", (text, decimals, value) => {
    expect(fixed(text, decimals)).toBe(value);
    expect(decimalUnits(text, decimals)).toBe(value);
  });

  it.each([
    ["", 0],
    ["-", 0],
    ["1.", 2],
    [".5", 2],
    ["1.001", 2],
    ["1e5", 0],
    ["12a", 0],
    ["1,5", 0],
    ["99999999999999999", 0],
    ["9007199254740.992", 3],
    ["22.5", 0],
  ])("refuses %j at %i decimals", (text, decimals) => {
    expect(fixed(text, decimals)).toBeNaN();
    expect(decimalUnits(text, decimals)).toBeNaN();
  });

  it("takes no white space in a file field, where the string parser (like parseDecimal) trims it", () => {
    expect(fixed(" 1", 0)).toBeNaN();
    expect(decimalUnits(" 1", 0)).toBe(1);
  });

  it("reads a field inside a longer line", () => {
    const line = bytes("34200.1,5,0,1,2238200,-1");
    expect(parseAsciiInt(line, 22, 24)).toBe(-1);
    expect(parseAsciiInt(line, 12, 19)).toBeNaN();
    expect(parseAsciiFixed(line, 0, 7, 9)).toBe(34200100000000);
  });

  it("agrees with parseDecimal, the reference, on any decimal string", () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^\d{1,18}$/), fc.option(fc.stringMatching(/^\d{1,12}$/)))
      .map(([negative, whole, frac]) => `${negative ? "-" : ""}${whole}${frac === null ? "" : `.${frac}`}`);
    fc.assert(
      fc.property(decimal, fc.integer({ min: 0, max: 12 }), (text, decimals) => {
        const reference = parseDecimal(text, decimals);
        const value = decimalUnits(text, decimals);
        expect(value).toBe(reference.ok ? reference.value : Number.NaN);
        expect(fixed(text, decimals)).toBe(value);
      }),
      { seed: 5, numRuns: 2000 },
    );
  });
});

describe("significantDecimals and numberProblem", () => {
  it("counts the decimals that carry a digit", () => {
    expect(significantDecimals("61837.63000000")).toBe(2);
    expect(significantDecimals("0.00100000")).toBe(3);
    expect(significantDecimals("5")).toBe(0);
    expect(significantDecimals("5.000")).toBe(0);
  });

  it("explains a refused number in words", () => {
    expect(numberProblem("22.5", 0)).toBe('expected a whole number, got "22.5"');
    expect(numberProblem("1.001", 2)).toBe('"1.001" has more than 2 decimal places');
    expect(numberProblem("abc", 2)).toBe('expected a decimal number, got "abc"');
    expect(numberProblem("", 0)).toBe("empty, expected a number");
  });
});
