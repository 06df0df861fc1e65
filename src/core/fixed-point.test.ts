import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimalPlaces, decimalUnits, formatDecimal, parseDecimal } from "./fixed-point.js";

describe("parseDecimal", () => {
  it.each([
    ["150.25", 4, 1502500],
    ["0.0001", 4, 1],
    ["-12.5", 2, -1250],
    ["+3", 0, 3],
    ["1.500", 2, 150],
    ["0", 6, 0],
    ["-0.00", 2, 0],
  ])("%s at %i decimals is %i", (text, decimals, value) => {
    expect(parseDecimal(text, decimals)).toEqual({ ok: true, value });
  });

  it.each([
    ["1.001", 2, "too-many-decimals"],
    ["abc", 2, "not-a-decimal"],
    ["1e5", 2, "not-a-decimal"],
    ["", 2, "not-a-decimal"],
    [".5", 2, "not-a-decimal"],
    ["1.", 2, "not-a-decimal"],
    ["99999999999999999", 0, "out-of-range"],
    ["9007199254740.992", 3, "out-of-range"],
  ])("%s at %i decimals is refused: %s", (text, decimals, reason) => {
    expect(parseDecimal(text, decimals)).toEqual({ ok: false, reason });
  });

  it("agrees with exact BigInt arithmetic and round-trips through formatDecimal", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.integer({ min: 0, max: 8 }),
        (units, decimals) => {
          const text = formatDecimal(Number(units), decimals);
          const parsed = parseDecimal(text, decimals);
          expect(parsed).toEqual({ ok: true, value: Number(units) });
          const [whole, frac = ""] = text.replace("-", "").split(".");
          const exact = BigInt(`${whole}${frac}`) * (text.startsWith("-") ? -1n : 1n);
          expect(exact).toBe(units);
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe("formatDecimal", () => {
  it("pads and places the point", () => {
    expect(formatDecimal(5, 4)).toBe("0.0005");
    expect(formatDecimal(-1502500, 4)).toBe("-150.2500");
    expect(formatDecimal(42, 0)).toBe("42");
  });

  it("counts decimal places", () => {
    expect(decimalPlaces("0.0100")).toBe(4);
    expect(decimalPlaces("5")).toBe(0);
  });
});

describe("decimalUnits (the char-code walk)", () => {
  // The previous regex implementation, kept here as the reference the walk must agree with on any text.
  function reference(text: string, decimals: number): number {
    const m = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!m) return Number.NaN;
    let frac = m[3] ?? "";
    if (frac.length > decimals) {
      if (/[^0]/.test(frac.slice(decimals))) return Number.NaN;
      frac = frac.slice(0, decimals);
    }
    const digits = (m[2] ?? "0") + frac.padEnd(decimals, "0");
    const value = Number(digits);
    if (!Number.isSafeInteger(value) || digits.replace(/^0+/, "").length > 16) return Number.NaN;
    return value === 0 ? 0 : (m[1] === "-" ? -1 : 1) * value;
  }

  it("agrees with the regex reference on arbitrary short texts", () => {
    const text = fc
      .array(fc.constantFrom("0", "1", "5", "9", ".", "-", "+", " ", "e", "\t"), { maxLength: 22 })
      .map((chars) => chars.join(""));
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 20 }), (t, decimals) => {
        expect(Object.is(decimalUnits(t, decimals), reference(t, decimals))).toBe(true);
      }),
      { seed: 11, numRuns: 20_000 },
    );
  });

  it("agrees with the reference at the edge of the safe range", () => {
    for (const t of ["9007199254740991", "9007199254740992", "900719925474099.1", "90071992547409.92", "0.0", " 7 "]) {
      for (const decimals of [0, 1, 2, 3, 16, 17]) {
        expect(Object.is(decimalUnits(t, decimals), reference(t, decimals))).toBe(true);
      }
    }
  });
});
