/**
 * Reading the intraday volume profile: the real shared file (read in place from ../shared, never copied), and one-line
 * errors naming the file and line for a bad one.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { UserError } from "../core/errors.js";
import { loadVolumeProfile, parseVolumeProfileCsv } from "./volume-profile-file.js";

const SHARED = fileURLToPath(new URL("../../../shared/data/derived/intraday_volume_profile_5min.csv", import.meta.url));

function errorOf(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).not.toContain("\n");
    return error as UserError;
  }
  throw new Error("expected a UserError");
}

describe("loadVolumeProfile on the shared data", () => {
  it("reads 78 five-minute bins from 09:30 with the U-shape: busy open and close, quiet lunch", () => {
    const profile = loadVolumeProfile(SHARED);
    expect(profile.bins).toBe(78);
    expect(profile.binSeconds).toBe(300);
    expect(profile.label).toBe("intraday_volume_profile_5min.csv: mean");
    const shares = profile.shares;
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const lunch = shares.slice(30, 50).reduce((a, b) => a + b, 0) / 20;
    expect(shares[0]).toBeGreaterThan(2 * lunch);
    expect(shares[77]).toBeGreaterThan(4 * lunch);
  });

  it("picks one series by name", () => {
    const spy = loadVolumeProfile(SHARED, "lean_spy_6d_mean");
    expect(spy.label).toBe("intraday_volume_profile_5min.csv: lean_spy_6d_mean");
    expect(spy.shares[0]).toBeCloseTo(0.027957 / 1, 2);
  });

  it("names the file when it is missing, and an unknown series with the ones there are", () => {
    expect(errorOf(() => loadVolumeProfile("/no/such/profile.csv")).message).toBe(
      "/no/such/profile.csv: no such file (the intraday volume profile; pass --volume-profile FILE)",
    );
    expect(errorOf(() => loadVolumeProfile(SHARED, "tsla")).message).toMatch(
      /intraday_volume_profile_5min\.csv:1: no series "tsla" \(the series are: mean, lean_spy_6d_mean, /,
    );
  });
});

describe("parseVolumeProfileCsv", () => {
  const header = "bin_start_et,a,b";

  it("averages the series by default", () => {
    const p = parseVolumeProfileCsv(`${header}\n09:30,0.6,0.2\n09:35,0.4,0.8\n`, "p.csv");
    expect(p.shares[0]).toBeCloseTo(0.4, 12);
    expect(p.shares[1]).toBeCloseTo(0.6, 12);
    expect(p.binSeconds).toBe(300);
  });

  it.each([
    ["time,a\n09:30,1\n", "p.csv:1: expected a header"],
    [`${header}\n09:30,0.5\n`, "p.csv:2: expected 3 columns, got 2"],
    [`${header}\n9h30,0.5,0.5\n`, 'p.csv:2: expected a bin start like "09:30", got "9h30"'],
    [`${header}\n09:30,0.5,x\n`, 'p.csv:2: b: expected a share >= 0, got "x"'],
    [`${header}\n09:30,0.5,0.5\n09:35,1,1\n09:45,1,1\n`, "p.csv:4: bins must be consecutive and evenly spaced"],
    [`${header}\n`, "p.csv:2: no bins"],
  ])("refuses %j with one line naming the line", (text, message) => {
    expect(errorOf(() => parseVolumeProfileCsv(text, "p.csv")).message).toContain(message);
  });

  it("refuses a bad file through the loader with the path in the message", () => {
    const dir = mkdtempSync(join(tmpdir(), "tributary-profile-"));
    const file = join(dir, "bad.csv");
    writeFileSync(file, `${header}\n09:30,-1,0\n`);
    expect(errorOf(() => loadVolumeProfile(file)).message).toBe(`${file}:2: a: expected a share >= 0, got "-1"`);
  });
});
