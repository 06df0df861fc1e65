import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { UserError } from "../core/errors.js";
import { feeMicrosPerShare } from "../model/venue-spec.js";
import { loadReferenceData } from "./load-config.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The UserError `loadReferenceData(path)` throws, checked to be one line. */
function failure(path: string): UserError {
  try {
    loadReferenceData(path);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).not.toContain("\n");
    return error as UserError;
  }
  throw new Error(`expected loading ${path} to fail`);
}

const MINIMAL_YAML = `instruments:
  - symbol: ACME
    currency: USD
    priceIncrement: "0.01"
    lotSize: "1"
    referencePrice: "150.00"
    averageDailyVolume: 50000000
    annualVolatility: 0.25
venues:
  - id: LITA
    name: Alpha
    kind: lit
    fees:
      makerFeePerShare: "-0.0020"
      takerFeePerShare: 0.003
    orderEntryLatency: { kind: constant, micros: 200 }
    marketDataLatency: { kind: constant, micros: 100 }
    orderTypes: [limit]
    timesInForce: [day]
    supports: { postOnly: true, hidden: false, iceberg: false }
`;

describe("loadReferenceData: config/demo.yaml", () => {
  const demo = loadReferenceData("config/demo.yaml");

  it("loads the documented demo", () => {
    expect([...demo.instruments.keys()]).toEqual(["ACME", "NRTH", "PNNY"]);
    expect(demo.venues.map((v) => `${v.id}:${v.kind}`)).toEqual(["LITA:lit", "LITB:lit", "DRKP:dark"]);
  });

  it("has the scales the demo comments promise", () => {
    const acme = demo.instruments.get("ACME");
    const nrth = demo.instruments.get("NRTH");
    const pnny = demo.instruments.get("PNNY");
    expect(acme?.parsePrice("150.01")).toEqual({ ok: true, value: 1_500_100 });
    expect(nrth?.parseQuantity("250")).toEqual({ ok: false, reason: "not-a-lot-multiple" });
    expect(pnny?.parseQuantity("0.0001")).toEqual({ ok: true, value: 1 });
    expect(pnny?.quantityToShares(pnny.averageDailyVolume)).toBe(20_000_000);
  });

  it("has a maker-taker venue, an inverted one and a dark pool", () => {
    const [lita, litb, drkp] = demo.venues;
    expect(lita && feeMicrosPerShare(lita.fees.makerFeePerShare)).toBeLessThan(0);
    expect(litb && feeMicrosPerShare(litb.fees.takerFeePerShare)).toBeLessThan(0);
    expect(drkp?.minQuantity).toBe(100);
    expect(litb?.instruments).toEqual(["ACME", "NRTH", "PNNY"]);
  });
});

describe("loadReferenceData: user mistakes are one line naming the file", () => {
  it("reports a missing file", () => {
    const path = join(dir, "nope.yaml");
    const error = failure(path);
    expect(error.code).toBe("config-not-found");
    expect(error.message).toBe(`${path}: no such file`);
  });

  it("reports a directory and an unreadable file", () => {
    const sub = join(dir, "sub.yaml");
    mkdirSync(sub);
    expect(failure(sub).message).toBe(`${sub}: is a directory, not a file`);
    const locked = write("locked.yaml", MINIMAL_YAML);
    chmodSync(locked, 0o000);
    // root reads anything; the check only means something for other users.
    if (process.getuid?.() !== 0) expect(failure(locked).code).toBe("config-unreadable");
  });

  it("reports an unsupported extension", () => {
    expect(failure(write("config.toml", "")).message).toMatch(/config\.toml: unsupported config file type "\.toml"/);
  });

  it("reports a YAML syntax error with its line and column", () => {
    const path = write("bad.yaml", "instruments:\n  - symbol: ACME\n    currency: [USD\nvenues: []\n");
    const error = failure(path);
    expect(error.code).toBe("config-syntax");
    expect(error.message).toMatch(new RegExp(`^${escapeRegExp(path)}:4:\\d+: invalid YAML: `));
  });

  it("reports a duplicate YAML key", () => {
    const path = write("dup.yaml", "instruments: []\ninstruments: []\n");
    expect(failure(path).message).toBe(`${path}:2:1: invalid YAML: Map keys must be unique`);
  });

  it("reports a JSON syntax error with its line and column", () => {
    const path = write("bad.json", '{\n  "instruments": [],\n  "venues": [,]\n}\n');
    const error = failure(path);
    expect(error.code).toBe("config-syntax");
    expect(error.message).toMatch(new RegExp(`^${escapeRegExp(path)}:3:\\d+: invalid JSON: `));
  });

  it("reports an invalid field with the file, its line and its path", () => {
    const path = write("fees.yaml", MINIMAL_YAML);
    const error = failure(path);
    expect(error.code).toBe("config-invalid");
    expect(error.message).toBe(
      `${path}:15: venues[0].fees.takerFeePerShare: expected a decimal string like "0.0030", got 0.003`,
    );
  });

  it("reports an unknown key at the key's own line", () => {
    const path = write(
      "unknown.yaml",
      MINIMAL_YAML.replace('    lotSize: "1"\n', '    lotSize: "1"\n    tickSize: "0.01"\n'),
    );
    expect(failure(path).message).toMatch(
      new RegExp(`^${escapeRegExp(path)}:6: instruments\\[0\\]\\.tickSize: unknown field`),
    );
  });

  it("locates errors in JSON files too", () => {
    const data = parse(MINIMAL_YAML.replace("takerFeePerShare: 0.003", 'takerFeePerShare: "0.0030"'));
    data.instruments[0].referencePrice = "150.005";
    const text = JSON.stringify(data, null, 2);
    const line = text.split("\n").findIndex((l) => l.includes("150.005")) + 1;
    const path = write("ref.json", text);
    expect(failure(path).message).toBe(
      `${path}:${line}: instruments[0].referencePrice: "150.005" is not a multiple of priceIncrement "0.01"`,
    );
  });

  it("reports where JSON syntax goes wrong, whatever V8 says", () => {
    const cases: [string, string][] = [
      ['{\n  "a": 1,\n}', ':3:1: invalid JSON: unexpected "}"'],
      ['{"a": [1, 2}', ':1:12: invalid JSON: unexpected "}"'],
      ['{"a": "b', ":1:9: invalid JSON: unterminated string"],
      ["{\n", ":2:1: invalid JSON: unexpected end of file"],
      ["{'a': 1}", ':1:2: invalid JSON: unexpected "\'"'],
      ['{"a": tru}', ':1:7: invalid JSON: unexpected "t"'],
      ['{"a": 01}', ':1:8: invalid JSON: unexpected "1"'],
      ["{} {}", ':1:4: invalid JSON: unexpected "{"'],
    ];
    for (const [text, suffix] of cases) {
      const path = write("case.json", text);
      expect(failure(path).message).toBe(path + suffix);
    }
  });

  it("reports an empty file", () => {
    const path = write("empty.yml", "");
    expect(failure(path).message).toBe(
      `${path}: expected a mapping with "instruments" and "venues", got an empty value`,
    );
  });

  it("reports empty sections in JSON", () => {
    const path = write("empty-sections.json", JSON.stringify({ instruments: [], venues: [] }));
    expect(failure(path).message).toBe(`${path}:1: instruments: must list at least 1 entry (and 1 more problem)`);
  });

  it("loads a valid JSON file like its YAML twin", () => {
    const data = parse(MINIMAL_YAML.replace("takerFeePerShare: 0.003", 'takerFeePerShare: "0.0030"'));
    const path = write("ok.json", `\uFEFF${JSON.stringify(data)}`);
    const loaded = loadReferenceData(path);
    expect(loaded.instruments.get("ACME")?.referencePriceUnits).toBe(1_500_000);
    expect(loaded.venues[0]?.fees.takerFeePerShare).toBe("0.0030");
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
