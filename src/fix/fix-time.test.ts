/** UTCTimestamp parsing and formatting. */
import { describe, expect, it } from "vitest";
import { formatUtcTimestamp, isUtcDateOnly, isUtcTimeOnly, parseUtcTimestamp } from "./fix-time.js";

const T = Date.UTC(2026, 0, 5, 14, 30, 7) * 1000;

describe("UTCTimestamp", () => {
  it.each([
    ["20260105-14:30:07", T],
    ["20260105-14:30:07.123", T + 123_000],
    ["20260105-14:30:07.123456", T + 123_456],
    ["20260105-14:30:07.123456789", T + 123_456],
  ])("parses %s", (text, micros) => {
    expect(parseUtcTimestamp(text)).toBe(micros);
  });

  it.each([
    "20260105",
    "20260105-14:30",
    "20261305-14:30:07",
    "20260105-24:00:00",
    "20260105-14:30:07.12",
    "20260105 14:30:07",
    "2026010x-14:30:07",
    "+0260105-14:30:07",
  ])("refuses %s", (text) => {
    expect(parseUtcTimestamp(text)).toBeNaN();
  });

  it("formats with milliseconds and round-trips", () => {
    expect(formatUtcTimestamp(T + 5_999)).toBe("20260105-14:30:07.005");
    expect(parseUtcTimestamp(formatUtcTimestamp(T + 42_000))).toBe(T + 42_000);
  });

  it("checks dates and times of day", () => {
    expect(isUtcDateOnly("20040415")).toBe(true);
    expect(isUtcDateOnly("20041315")).toBe(false);
    expect(isUtcTimeOnly("14:30:07.123")).toBe(true);
    expect(isUtcTimeOnly("25:30:07")).toBe(false);
  });
});
