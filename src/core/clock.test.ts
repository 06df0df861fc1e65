import { describe, expect, it } from "vitest";
import { isoToMicros, microsToIso } from "./clock.js";

describe("clock conversions", () => {
  it("parses ISO-8601 UTC to microseconds and back", () => {
    const micros = isoToMicros("2026-01-05T14:30:00.123456Z");
    expect(micros).toBe(Date.UTC(2026, 0, 5, 14, 30, 0) * 1000 + 123456);
    expect(microsToIso(micros)).toBe("2026-01-05T14:30:00.123456Z");
  });

  it("accepts offsets and whole seconds, refuses what is not a timestamp", () => {
    expect(isoToMicros("2026-01-05T09:30:00-05:00")).toBe(isoToMicros("2026-01-05T14:30:00Z"));
    expect(isoToMicros("2026-01-05")).toBeNaN();
    expect(isoToMicros("yesterday")).toBeNaN();
  });
});
