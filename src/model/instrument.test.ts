import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvariantError } from "../core/errors.js";
import { Instrument, type InstrumentSpec, instrumentSpecIssues } from "./instrument.js";

const base: InstrumentSpec = {
  symbol: "ACME",
  currency: "USD",
  priceIncrement: "0.01",
  lotSize: "1",
  referencePrice: "150.00",
  averageDailyVolume: 50_000_000,
  annualVolatility: 0.25,
};

const acme = new Instrument(base);
const roundLot = new Instrument({ ...base, symbol: "NRTH", lotSize: "100", referencePrice: "40.00" });
const fractional = new Instrument({ ...base, symbol: "PNNY", lotSize: "0.0001", referencePrice: "5.00" });
const micro = new Instrument({ ...base, symbol: "MICRO", lotSize: "0.000001" });

describe("Instrument scales", () => {
  it("defaults pricePrecision to the tick's decimals + 2, giving an even tick", () => {
    expect(acme.pricePrecision).toBe(4);
    expect(acme.tickUnits).toBe(100);
    expect(acme.referencePriceUnits).toBe(1_500_000);
    expect(new Instrument({ ...base, priceIncrement: "0.005", referencePrice: "1.005" }).tickUnits).toBe(500);
    expect(new Instrument({ ...base, priceIncrement: "0.25", referencePrice: "4500.25" }).tickUnits).toBe(2500);
    expect(new Instrument({ ...base, priceIncrement: "5", referencePrice: "3000" }).tickUnits).toBe(500);
  });

  it("ignores trailing zeros in the tick and lot", () => {
    const i = new Instrument({ ...base, priceIncrement: "0.0100", lotSize: "1.000" });
    expect(i.pricePrecision).toBe(4);
    expect(i.lotDecimals).toBe(0);
    expect(i.formatQuantity(3)).toBe("3");
  });

  it("accepts an explicit pricePrecision that keeps the tick even", () => {
    const i = new Instrument({ ...base, pricePrecision: 3 });
    expect(i.tickUnits).toBe(10);
    expect(i.parsePrice("150.01")).toEqual({ ok: true, value: 150_010 });
  });
});

describe("Instrument.parsePrice", () => {
  it("parses exact prices on tick to integer units", () => {
    expect(acme.parsePrice("150.25")).toEqual({ ok: true, value: 1_502_500 });
    expect(acme.parsePrice("150.2500")).toEqual({ ok: true, value: 1_502_500 });
    expect(acme.parsePrice("0.01")).toEqual({ ok: true, value: 100 });
    expect(acme.parsePrice("7")).toEqual({ ok: true, value: 70_000 });
    // 0.1 + 0.2 is not 0.3 in floating point; it is here.
    expect(acme.parsePrice("0.30")).toEqual({ ok: true, value: 3000 });
  });

  it("refuses prices between ticks", () => {
    expect(acme.parsePrice("150.005")).toEqual({ ok: false, reason: "off-tick" });
    expect(acme.parsePrice("150.0001")).toEqual({ ok: false, reason: "off-tick" });
  });

  it("refuses more decimals than the price unit has", () => {
    expect(acme.parsePrice("150.00001")).toEqual({ ok: false, reason: "too-many-decimals" });
    expect(acme.parsePrice("150.000000")).toEqual({ ok: true, value: 1_500_000 });
  });

  it("refuses what is not a decimal", () => {
    for (const text of ["", "abc", "1e3", "1.", ".5", "1,5", "0x10", "NaN", "Infinity"]) {
      expect(acme.parsePrice(text)).toEqual({ ok: false, reason: "not-a-decimal" });
    }
  });

  it("refuses zero, negative and huge prices as out of range", () => {
    expect(acme.parsePrice("0")).toEqual({ ok: false, reason: "out-of-range" });
    expect(acme.parsePrice("-150.00")).toEqual({ ok: false, reason: "out-of-range" });
    expect(acme.parsePrice("900719925474.10")).toEqual({ ok: false, reason: "out-of-range" });
    expect(acme.parsePrice("1000000000000000000")).toEqual({ ok: false, reason: "out-of-range" });
    expect(acme.parsePrice("900719925474.09")).toEqual({ ok: true, value: 9_007_199_254_740_900 });
  });
});

describe("Instrument.parseQuantity", () => {
  it("parses whole shares for a one-share lot", () => {
    expect(acme.parseQuantity("250")).toEqual({ ok: true, value: 250 });
    expect(acme.parseQuantity("250.000")).toEqual({ ok: true, value: 250 });
    expect(acme.parseQuantity("0.5")).toEqual({ ok: false, reason: "not-a-lot-multiple" });
  });

  it("parses round lots and refuses odd lots", () => {
    expect(roundLot.parseQuantity("300")).toEqual({ ok: true, value: 3 });
    expect(roundLot.parseQuantity("250")).toEqual({ ok: false, reason: "not-a-lot-multiple" });
    expect(roundLot.parseQuantity("100.5")).toEqual({ ok: false, reason: "not-a-lot-multiple" });
  });

  it("parses fractional shares to integer lots", () => {
    expect(fractional.parseQuantity("12.3456")).toEqual({ ok: true, value: 123_456 });
    expect(fractional.parseQuantity("0.0001")).toEqual({ ok: true, value: 1 });
    expect(fractional.parseQuantity("3")).toEqual({ ok: true, value: 30_000 });
    expect(fractional.parseQuantity("0.00005")).toEqual({ ok: false, reason: "not-a-lot-multiple" });
    expect(micro.parseQuantity("0.000001")).toEqual({ ok: true, value: 1 });
    expect(micro.parseQuantity("1.5")).toEqual({ ok: true, value: 1_500_000 });
  });

  it("refuses zero and negative quantities", () => {
    expect(acme.parseQuantity("0")).toEqual({ ok: false, reason: "not-positive" });
    expect(acme.parseQuantity("-100")).toEqual({ ok: false, reason: "not-positive" });
    expect(fractional.parseQuantity("-0.0001")).toEqual({ ok: false, reason: "not-positive" });
  });

  it("refuses huge quantities and non-decimals", () => {
    expect(micro.parseQuantity("10000000000")).toEqual({ ok: false, reason: "out-of-range" });
    expect(acme.parseQuantity("99999999999999999")).toEqual({ ok: false, reason: "out-of-range" });
    expect(acme.parseQuantity("1e6")).toEqual({ ok: false, reason: "not-a-decimal" });
    expect(acme.parseQuantity("")).toEqual({ ok: false, reason: "not-a-decimal" });
  });
});

describe("Instrument formatting", () => {
  it("formats prices with the tick's decimals, more only for a midpoint", () => {
    expect(acme.formatPrice(1_500_000)).toBe("150.00");
    expect(acme.formatPrice(1_502_500)).toBe("150.25");
    expect(acme.formatPrice(1_500_050)).toBe("150.005");
    expect(acme.formatPrice(100)).toBe("0.01");
    expect(new Instrument({ ...base, priceIncrement: "1", referencePrice: "150" }).formatPrice(15_000)).toBe("150");
  });

  it("formats quantities as shares without trailing zeros", () => {
    expect(acme.formatQuantity(250)).toBe("250");
    expect(roundLot.formatQuantity(3)).toBe("300");
    expect(fractional.formatQuantity(123_456)).toBe("12.3456");
    expect(fractional.formatQuantity(30_000)).toBe("3");
    expect(micro.formatQuantity(1)).toBe("0.000001");
    // A round lot times a large count passes 2^53 shares; the string stays exact.
    expect(roundLot.formatQuantity(Number.MAX_SAFE_INTEGER)).toBe("900719925474099100");
  });

  it("refuses non-integers as a bug", () => {
    expect(() => acme.formatPrice(1.5)).toThrow(InvariantError);
    expect(() => acme.formatQuantity(Number.NaN)).toThrow(InvariantError);
  });

  it("converts to floats for analytics", () => {
    expect(acme.priceToNumber(1_502_500)).toBe(150.25);
    expect(fractional.quantityToShares(123_456)).toBe(12.3456);
    expect(roundLot.quantityToShares(3)).toBe(300);
  });

  it("knows which prices are on tick", () => {
    expect(acme.isOnTick(1_502_500)).toBe(true);
    expect(acme.isOnTick(1_500_050)).toBe(false);
    expect(acme.isOnTick(1.5)).toBe(false);
  });
});

describe("instrumentSpecIssues", () => {
  const issue = (spec: Partial<InstrumentSpec>) => instrumentSpecIssues({ ...base, ...spec })[0];

  it("finds nothing wrong with a good spec", () => {
    expect(instrumentSpecIssues(base)).toEqual([]);
  });

  it("refuses ticks that are not 1, 2, 2.5 or 5 times a power of ten", () => {
    expect(issue({ priceIncrement: "0.013" })).toEqual({
      path: ["priceIncrement"],
      message: expect.stringContaining('"0.013" is not 1, 2, 2.5 or 5 times a power of ten'),
    });
    expect(issue({ priceIncrement: "0" })?.message).toContain("greater than zero");
    expect(issue({ priceIncrement: "-0.01" })?.message).toContain("positive decimal string");
  });

  it("refuses a pricePrecision below the tick's decimals or making the tick odd", () => {
    expect(issue({ pricePrecision: 1 })).toEqual({
      path: ["pricePrecision"],
      message: '1 is below the 2 decimals of priceIncrement "0.01"',
    });
    expect(issue({ pricePrecision: 2 })?.message).toContain("an odd number");
    expect(issue({ priceIncrement: "0.005", pricePrecision: 3, referencePrice: "1.005" })?.message).toContain("odd");
    expect(issue({ pricePrecision: 2.5 })?.path).toEqual(["pricePrecision"]);
  });

  it("refuses a reference price off tick", () => {
    expect(issue({ referencePrice: "150.005" })).toEqual({
      path: ["referencePrice"],
      message: '"150.005" is not a multiple of priceIncrement "0.01"',
    });
    expect(issue({ referencePrice: "0" })?.message).toContain("greater than zero");
  });

  it("refuses bad lots, volumes and volatilities", () => {
    expect(issue({ lotSize: "0" })?.path).toEqual(["lotSize"]);
    expect(issue({ lotSize: "0.0000000001" })?.message).toContain("more than 9 decimals");
    expect(issue({ averageDailyVolume: 1.5 })?.path).toEqual(["averageDailyVolume"]);
    expect(issue({ annualVolatility: 25 })?.message).toContain("0.25 (= 25%)");
    expect(issue({ currency: "usd" })?.path).toEqual(["currency"]);
  });

  it("makes the constructor throw on unvalidated data", () => {
    expect(() => new Instrument({ ...base, priceIncrement: "0.013" })).toThrow(InvariantError);
  });
});

describe("properties", () => {
  /** A price as a client might type it: up to 13 integer digits, up to 7 decimals, maybe a sign. */
  const priceText = fc
    .tuple(
      fc.constantFrom("", "", "", "-", "+"),
      fc.stringMatching(/^[0-9]{1,13}$/),
      fc.option(fc.stringMatching(/^[0-9]{1,7}$/), { nil: undefined }),
    )
    .map(([sign, whole, frac]) => (frac === undefined ? `${sign}${whole}` : `${sign}${whole}.${frac}`));
  const instruments = fc.constantFrom(
    acme,
    new Instrument({ ...base, priceIncrement: "0.005", referencePrice: "1.005" }),
    new Instrument({ ...base, priceIncrement: "0.25", referencePrice: "4500.25" }),
    new Instrument({ ...base, priceIncrement: "0.0001", referencePrice: "0.5" }),
    new Instrument({ ...base, priceIncrement: "5", referencePrice: "3000" }),
    new Instrument({ ...base, pricePrecision: 3 }),
  );

  /** The oracle: the same rules in exact BigInt arithmetic, written independently of parseDecimal. */
  function expected(instrument: Instrument, text: string): ReturnType<Instrument["parsePrice"]> {
    const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text);
    if (!m) return { ok: false, reason: "not-a-decimal" };
    const frac = m[3] ?? "";
    const p = instrument.pricePrecision;
    if (/[1-9]/.test(frac.slice(p))) return { ok: false, reason: "too-many-decimals" };
    let units = BigInt((m[2] ?? "") + frac.slice(0, p).padEnd(p, "0"));
    if (m[1] === "-") units = -units;
    if (units <= 0n || units > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: "out-of-range" };
    if (units % BigInt(instrument.tickUnits) !== 0n) return { ok: false, reason: "off-tick" };
    return { ok: true, value: Number(units) };
  }

  it("parsePrice agrees with exact BigInt arithmetic", () => {
    fc.assert(
      fc.property(instruments, priceText, (instrument, text) => {
        expect(instrument.parsePrice(text)).toEqual(expected(instrument, text));
      }),
      { seed: 23, numRuns: 2000 },
    );
  });

  it("formatPrice(parsePrice(x)) round-trips to the same value", () => {
    fc.assert(
      fc.property(instruments, fc.integer({ min: 1, max: Math.floor(Number.MAX_SAFE_INTEGER / 2500) }), (i, ticks) => {
        const units = ticks * i.tickUnits;
        const text = i.formatPrice(units);
        expect(i.parsePrice(text)).toEqual({ ok: true, value: units });
        // Shown with exactly the tick's decimals.
        expect(text.split(".")[1]?.length ?? 0).toBe(i.priceDecimals);
      }),
      { seed: 23, numRuns: 2000 },
    );
    fc.assert(
      fc.property(instruments, priceText, (i, text) => {
        const parsed = i.parsePrice(text);
        if (parsed.ok) expect(i.parsePrice(i.formatPrice(parsed.value))).toEqual(parsed);
      }),
      { seed: 23, numRuns: 2000 },
    );
  });

  it("formatQuantity(parseQuantity(x)) round-trips for fractional and round lots", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(acme, roundLot, fractional, micro),
        fc.integer({ min: 1, max: 2 ** 40 }),
        (i, lots) => {
          expect(i.parseQuantity(i.formatQuantity(lots))).toEqual({ ok: true, value: lots });
        },
      ),
      { seed: 23, numRuns: 2000 },
    );
  });
});

describe("Instrument: the simulated market's parameters", () => {
  it("defaults them from the ADV and exposes the impact an algorithm reads", () => {
    expect(acme.market.depthPerLevel).toBe(5_000);
    expect(acme.impact.depthPerLevel).toBe(5_000);
    expect(acme.impact.dailyVolatility).toBeCloseTo(0.25 / Math.sqrt(252), 12);
    const custom = new Instrument({ ...base, market: { permanentImpact: 2, levels: 5 } });
    expect(custom.impact.permanentPerLot).toBeCloseTo(2 * acme.impact.permanentPerLot, 18);
    expect(custom.market.levels).toBe(5);
  });

  it("reports a bad market field under market.<field>", () => {
    expect(instrumentSpecIssues({ ...base, market: { levels: 0 } })).toEqual([
      { path: ["market", "levels"], message: "expected a whole number >= 1 and at most 100, got 0" },
    ]);
    expect(() => new Instrument({ ...base, market: { levels: 0 } })).toThrow(InvariantError);
  });
});
