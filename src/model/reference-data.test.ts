import { describe, expect, it } from "vitest";
import { UserError } from "../core/errors.js";
import { formatPath, parseReferenceData, type ReferenceDataInput } from "./reference-data.js";
import { feeMicrosPerShare, venueFeeMicros } from "./venue-spec.js";

function valid(): ReferenceDataInput {
  return {
    instruments: [
      {
        symbol: "ACME",
        currency: "USD",
        priceIncrement: "0.01",
        lotSize: "1",
        referencePrice: "150.00",
        averageDailyVolume: 50_000_000,
        annualVolatility: 0.25,
      },
      {
        symbol: "PNNY",
        currency: "USD",
        priceIncrement: "0.01",
        pricePrecision: 3,
        lotSize: "0.0001",
        referencePrice: "5.00",
        averageDailyVolume: 200_000_000_000,
        annualVolatility: 0.55,
      },
    ],
    venues: [
      {
        id: "LITA",
        name: "Alpha",
        kind: "lit",
        fees: { makerFeePerShare: "-0.0020", takerFeePerShare: "0.0030" },
        orderEntryLatency: { kind: "lognormal", medianMicros: 180, sigma: 0.3, maxMicros: 1500 },
        marketDataLatency: { kind: "constant", micros: 120 },
        orderTypes: ["market", "limit"],
        timesInForce: ["day", "ioc"],
        supports: { postOnly: true, hidden: true, iceberg: true },
      },
      {
        id: "DRKP",
        name: "Dark",
        kind: "dark",
        fees: { makerFeePerShare: "0.0010", takerFeePerShare: "0.0010" },
        orderEntryLatency: { kind: "uniform", minMicros: 250, maxMicros: 600 },
        marketDataLatency: { kind: "lognormal", medianMicros: 300, sigma: 0.5 },
        orderTypes: ["limit"],
        timesInForce: ["day"],
        supports: { postOnly: false, hidden: false, iceberg: false },
        minQuantity: 100,
        selfTradePrevention: "cancel-both",
        instruments: ["ACME"],
      },
    ],
  };
}

/** The one-line message `parseReferenceData` throws for `raw`. */
function errorFor(raw: unknown, file = "config/test.yaml"): string {
  try {
    parseReferenceData(raw, file);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe("config-invalid");
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected parseReferenceData to throw");
}

/** A valid config changed by `edit` (which mutates a fresh copy as plain data). */
// biome-ignore lint/suspicious/noExplicitAny: tests reach into raw config data of any shape
function edited(edit: (raw: any) => void): unknown {
  const raw = structuredClone(valid());
  edit(raw);
  return raw;
}

describe("parseReferenceData: valid input", () => {
  it("builds instruments by symbol and fully defaulted venues", () => {
    const data = parseReferenceData(valid(), "config/test.yaml");
    expect([...data.instruments.keys()]).toEqual(["ACME", "PNNY"]);
    expect(data.instruments.get("ACME")?.tickUnits).toBe(100);
    expect(data.instruments.get("PNNY")?.pricePrecision).toBe(3);
    const [lit, dark] = data.venues;
    expect(lit?.minQuantity).toBe(1);
    expect(lit?.selfTradePrevention).toBe("cancel-incoming");
    expect(lit?.instruments).toEqual(["ACME", "PNNY"]);
    expect(dark?.instruments).toEqual(["ACME"]);
    expect(dark?.marketDataLatency).toEqual({ kind: "lognormal", medianMicros: 300, sigma: 0.5 });
    expect(dark?.minQuantity).toBe(100);
  });

  it("turns fees into exact micro-currency per share", () => {
    expect(feeMicrosPerShare("-0.0020")).toBe(-2000);
    expect(feeMicrosPerShare("0.003")).toBe(3000);
    expect(feeMicrosPerShare("0.000001")).toBe(1);
    expect(venueFeeMicros({ makerFeePerShare: "0.0010", takerFeePerShare: "-0.0002" })).toEqual({
      makerMicrosPerShare: 1000,
      takerMicrosPerShare: -200,
    });
    expect(() => feeMicrosPerShare("0.0000001")).toThrow();
  });
});

describe("parseReferenceData: shape errors name the file and field path", () => {
  it("refuses a number where a decimal string is expected", () => {
    expect(
      errorFor(
        edited((r) => (r.venues[1].fees.takerFeePerShare = 0.003)),
        "config/demo.yaml",
      ),
    ).toBe('config/demo.yaml: venues[1].fees.takerFeePerShare: expected a decimal string like "0.0030", got 0.003');
    expect(errorFor(edited((r) => (r.instruments[0].priceIncrement = "one cent")))).toBe(
      'config/test.yaml: instruments[0].priceIncrement: expected a decimal string like "0.01", got "one cent"',
    );
  });

  it("refuses wrong types", () => {
    expect(errorFor(edited((r) => (r.instruments[1].averageDailyVolume = "lots")))).toBe(
      'config/test.yaml: instruments[1].averageDailyVolume: expected a number, got "lots"',
    );
    expect(errorFor(edited((r) => (r.venues[0].supports.hidden = "yes")))).toBe(
      'config/test.yaml: venues[0].supports.hidden: expected true or false, got "yes"',
    );
    expect(errorFor(edited((r) => (r.venues[0].orderTypes = "limit")))).toBe(
      'config/test.yaml: venues[0].orderTypes: expected a list, got "limit"',
    );
    expect(errorFor(edited((r) => (r.venues[0].orderEntryLatency = 300)))).toBe(
      "config/test.yaml: venues[0].orderEntryLatency: expected a mapping, got 300",
    );
  });

  it("refuses values outside an enumeration", () => {
    expect(errorFor(edited((r) => (r.venues[0].kind = "grey")))).toBe(
      'config/test.yaml: venues[0].kind: expected one of "lit" or "dark", got "grey"',
    );
    expect(errorFor(edited((r) => (r.venues[0].timesInForce = ["day", "gtd"])))).toContain(
      'venues[0].timesInForce[1]: expected one of "day", "gtc", "ioc" or "fok", got "gtd"',
    );
    expect(errorFor(edited((r) => (r.venues[0].orderEntryLatency = { kind: "normal", micros: 3 })))).toContain(
      'venues[0].orderEntryLatency.kind: expected one of "constant", "uniform" or "lognormal", got "normal"',
    );
  });

  it("refuses unknown keys, naming the key and the allowed ones", () => {
    const message = errorFor(edited((r) => (r.instruments[0].tickSize = "0.01")));
    expect(message).toMatch(/^config\/test\.yaml: instruments\[0\]\.tickSize: unknown field \(the fields here are: /);
    expect(message).toContain("priceIncrement");
    expect(errorFor(edited((r) => (r.venues[1].fees.rebate = "0.001")))).toContain("venues[1].fees.rebate: unknown");
    expect(errorFor(edited((r) => (r.venues[0].orderEntryLatency.micros = 3)))).toContain(
      "venues[0].orderEntryLatency.micros: unknown field",
    );
    expect(errorFor(edited((r) => (r.routes = [])))).toContain("config/test.yaml: routes: unknown field");
  });

  it("refuses missing fields and sections", () => {
    expect(errorFor(edited((r) => delete r.instruments[0].currency))).toBe(
      "config/test.yaml: instruments[0].currency: missing: expected a string",
    );
    expect(errorFor({ instruments: valid().instruments })).toBe("config/test.yaml: venues: missing: expected a list");
    expect(errorFor({})).toBe("config/test.yaml: instruments: missing: expected a list (and 1 more problem)");
    expect(errorFor(null)).toBe(
      'config/test.yaml: expected a mapping with "instruments" and "venues", got an empty value',
    );
    expect(errorFor([])).toBe('config/test.yaml: expected a mapping with "instruments" and "venues", got a list');
  });

  it("refuses empty sections", () => {
    expect(errorFor(edited((r) => (r.instruments = [])))).toContain("instruments: must list at least 1 entry");
    expect(errorFor(edited((r) => (r.venues = [])))).toContain("venues: must list at least 1 entry");
    expect(errorFor(edited((r) => (r.venues[0].orderTypes = [])))).toContain(
      "venues[0].orderTypes: must list at least 1 entry",
    );
  });
});

describe("parseReferenceData: meaning errors name the field path", () => {
  it("refuses a tick that is not a power-of-ten multiple of 1, 2, 2.5 or 5", () => {
    expect(errorFor(edited((r) => (r.instruments[0].priceIncrement = "0.013")))).toMatch(
      /^config\/test\.yaml: instruments\[0\]\.priceIncrement: "0\.013" is not 1, 2, 2\.5 or 5 times a power of ten/,
    );
  });

  it("refuses a pricePrecision below the tick's decimals or one that makes the tick odd", () => {
    expect(errorFor(edited((r) => (r.instruments[1].pricePrecision = 1)))).toBe(
      'config/test.yaml: instruments[1].pricePrecision: 1 is below the 2 decimals of priceIncrement "0.01"',
    );
    expect(errorFor(edited((r) => (r.instruments[1].pricePrecision = 2)))).toContain(
      'instruments[1].pricePrecision: priceIncrement "0.01" is 1 unit at pricePrecision 2, an odd number',
    );
  });

  it("refuses a reference price off tick or with too many decimals", () => {
    expect(errorFor(edited((r) => (r.instruments[0].referencePrice = "150.005")))).toBe(
      'config/test.yaml: instruments[0].referencePrice: "150.005" is not a multiple of priceIncrement "0.01"',
    );
    expect(errorFor(edited((r) => (r.instruments[1].referencePrice = "5.0001")))).toContain(
      'instruments[1].referencePrice: "5.0001" has more decimals than priceIncrement "0.01" allows (at most 3)',
    );
  });

  it("refuses bad lots and fees", () => {
    expect(errorFor(edited((r) => (r.instruments[0].lotSize = "-1")))).toContain(
      'instruments[0].lotSize: expected a positive decimal string of shares like "1", "100" or "0.0001", got "-1"',
    );
    expect(errorFor(edited((r) => (r.venues[0].fees.makerFeePerShare = "-0.0020001")))).toBe(
      'config/test.yaml: venues[0].fees.makerFeePerShare: "-0.0020001" has more than 6 decimals',
    );
  });

  it("refuses duplicate symbols and venue ids", () => {
    expect(errorFor(edited((r) => (r.instruments[1].symbol = "ACME")))).toContain(
      'instruments[1].symbol: duplicate symbol "ACME" (already used by instruments[0])',
    );
    expect(errorFor(edited((r) => (r.venues[1].id = "LITA")))).toContain(
      'venues[1].id: duplicate venue id "LITA" (already used by venues[0])',
    );
  });

  it("refuses venues naming unknown instruments, or a value twice", () => {
    expect(errorFor(edited((r) => (r.venues[1].instruments = ["ACME", "XYZ"])))).toBe(
      'config/test.yaml: venues[1].instruments[1]: unknown symbol "XYZ" (the instruments are: ACME, PNNY)',
    );
    expect(errorFor(edited((r) => (r.venues[0].orderTypes = ["limit", "limit"])))).toContain(
      'venues[0].orderTypes[1]: "limit" is listed twice',
    );
  });

  it("refuses latency bounds the wrong way round or not whole microseconds", () => {
    expect(errorFor(edited((r) => (r.venues[1].orderEntryLatency.minMicros = 700)))).toBe(
      "config/test.yaml: venues[1].orderEntryLatency.maxMicros: 600 is below minMicros 700",
    );
    expect(errorFor(edited((r) => (r.venues[0].orderEntryLatency.maxMicros = 100)))).toContain(
      "venues[0].orderEntryLatency.maxMicros: 100 is below medianMicros 180",
    );
    expect(errorFor(edited((r) => (r.venues[0].marketDataLatency.micros = -5)))).toContain(
      "venues[0].marketDataLatency.micros: expected a whole number of microseconds >= 0, got -5",
    );
    expect(errorFor(edited((r) => (r.venues[1].minQuantity = 0)))).toContain(
      "venues[1].minQuantity: expected a whole number of lots >= 1, got 0",
    );
  });

  it("counts the other problems on the same line", () => {
    const message = errorFor(
      edited((r) => {
        r.instruments[0].referencePrice = "150.005";
        r.venues[1].id = "LITA";
      }),
    );
    expect(message).toMatch(/instruments\[0\]\.referencePrice: .* \(and 1 more problem\)$/);
  });

  it("adds the line when the caller can locate the field", () => {
    expect(() =>
      parseReferenceData(
        edited((r) => (r.venues[0].kind = "grey")),
        "x.yaml",
        { lineOf: (path) => (path.join("/") === "venues/0/kind" ? 42 : undefined) },
      ),
    ).toThrow(/^x\.yaml:42: venues\[0\]\.kind: /);
  });
});

describe("parseReferenceData: market sections", () => {
  it("are optional: without them every instrument and venue gets the defaults derived from its ADV", () => {
    const data = parseReferenceData(valid(), "config/test.yaml");
    const acme = data.instruments.get("ACME");
    expect(acme?.market).toMatchObject({ depthPerLevel: 5_000, marketOrderSize: 2_500, resilienceSeconds: 15 });
    expect(acme?.impact.permanentPerLot).toBeGreaterThan(0);
    expect(data.venues[0]?.market).toMatchObject({ activityShare: 1, depthScale: 1, spreadTicks: null });
    expect(data.venues[1]?.market).toMatchObject({ volumeRatio: 0.25, minQtyProbability: 0.3 });
  });

  it("are read and defaulted field by field", () => {
    const data = parseReferenceData(
      edited((r) => {
        r.instruments[0].market = { spreadTicks: 2, depthPerLevel: 800, permanentImpact: 0.5 };
        r.venues[0].market = { activityShare: 3, spreadTicks: 2 };
        r.venues[1].market = { volumeRatio: 0.1, lifetimeSeconds: 30 };
      }),
      "config/test.yaml",
    );
    expect(data.instruments.get("ACME")?.market).toMatchObject({
      spreadTicks: 2,
      depthPerLevel: 800,
      limitOrderSize: 400,
      permanentImpact: 0.5,
      transientImpact: 4,
    });
    expect(data.venues[0]?.market).toMatchObject({ activityShare: 3, depthScale: 1, spreadTicks: 2 });
    expect(data.venues[1]?.market).toMatchObject({ volumeRatio: 0.1, lifetimeSeconds: 30, capTicks: 2 });
  });

  it("refuses unknown fields, wrong types and values out of range, naming the field", () => {
    expect(errorFor(edited((r) => (r.instruments[0].market = { spread: 1 })))).toMatch(
      /^config\/test\.yaml: instruments\[0\]\.market\.spread: unknown field \(the fields here are: spreadTicks, levels,/,
    );
    expect(errorFor(edited((r) => (r.instruments[0].market = { levels: "ten" })))).toBe(
      'config/test.yaml: instruments[0].market.levels: expected a number, got "ten"',
    );
    expect(errorFor(edited((r) => (r.instruments[1].market = { resilienceSeconds: -3 })))).toBe(
      "config/test.yaml: instruments[1].market.resilienceSeconds: expected a number from 0.1 to 86400, got -3",
    );
    expect(errorFor(edited((r) => (r.venues[0].market = { depthScale: 0 })))).toBe(
      "config/test.yaml: venues[0].market.depthScale: expected a number above 0 and at most 1000, got 0",
    );
  });

  it("refuses a lit field on a dark pool and a dark field on a lit venue", () => {
    expect(errorFor(edited((r) => (r.venues[1].market = { activityShare: 2 })))).toBe(
      "config/test.yaml: venues[1].market.activityShare: applies to lit venues only; this venue is dark",
    );
    expect(errorFor(edited((r) => (r.venues[0].market = { minQtyFraction: 0.5 })))).toBe(
      "config/test.yaml: venues[0].market.minQtyFraction: applies to dark venues only; this venue is lit",
    );
  });
});

describe("formatPath", () => {
  it("writes keys with dots, indexes and odd keys in brackets", () => {
    expect(formatPath(["venues", 1, "fees", "takerFeePerShare"])).toBe("venues[1].fees.takerFeePerShare");
    expect(formatPath(["a b", 0])).toBe('["a b"][0]');
    expect(formatPath([])).toBe("");
  });
});
