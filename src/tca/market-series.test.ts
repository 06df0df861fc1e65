/**
 * MarketSeries at its edges: the mid known at t is the close of the last bar ended by t and carries over gaps and
 * past the last bar (which `covers` tells apart); an interval takes every bar whose second it overlaps.
 */
import { describe, expect, it } from "vitest";
import type { MarketBar } from "../model/market-bar.js";
import { MarketSeries } from "./market-series.js";

const S = 1_000_000;

function bar(second: number, bid: number | null, ask: number | null, volume: number, price: number): MarketBar {
  return {
    type: "market-bar",
    seq: second,
    time: (second + 1) * S,
    symbol: "XYZ",
    barStart: second * S,
    bid,
    ask,
    trades: volume > 0 ? 1 : 0,
    volume,
    notional: volume * price,
  };
}

describe("MarketSeries", () => {
  const series = new MarketSeries("XYZ");
  series.add(bar(10, 99, 101, 100, 100));
  series.add(bar(11, null, 103, 0, 0));
  series.add(bar(15, 104, 106, 300, 105));

  it("gives the close of the last bar ended at or before t, NaN for a missing side or before the first bar", () => {
    expect(series.midAt(10.5 * S)).toBeNaN(); // second 10 has not closed yet
    expect(series.midAt(11 * S)).toBe(100);
    expect(series.midAt(11.9 * S)).toBe(100);
    expect(series.midAt(12 * S)).toBeNaN(); // second 11 closed with no bid
    expect(series.midAt(15.99 * S)).toBeNaN(); // the gap carries second 11's close
    expect(series.midAt(16 * S)).toBe(105);
    expect(series.midAt(100 * S)).toBe(105);
    expect([series.covers(16 * S), series.covers(16 * S + 1)]).toEqual([true, false]);
  });

  it("sums volume and notional over the bars whose second overlaps [from, to]", () => {
    expect(series.volume(10.5 * S, 10.6 * S)).toBe(100);
    expect(series.volume(11 * S, 14 * S)).toBe(0);
    expect(series.vwap(11 * S, 14 * S)).toBeNaN();
    expect(series.vwap(10 * S, 15 * S)).toBeCloseTo((100 * 100 + 300 * 105) / 400, 12);
    expect(series.dayVwap()).toBeCloseTo((100 * 100 + 300 * 105) / 400, 12);
  });

  it("refuses bars out of order", () => {
    expect(() => series.add(bar(12, 1, 2, 0, 0))).toThrow(/out of order/);
  });
});
