/**
 * The recorder against a scripted market view: prints and NBBO changes become one bar per second with activity,
 * closed by the first event of a later second or by `finish`, with the quote at the close and every print's volume.
 */
import { describe, expect, it } from "vitest";
import type { MarketBar } from "../model/market-bar.js";
import { MarketBarRecorder, type RecordableMarket } from "./market-bar-recorder.js";

const S = 1_000_000;

class ScriptedMarket implements RecordableMarket {
  now = 0;
  private readonly listeners: ((symbol: string) => void)[] = [];
  private readonly prints: { time: number; price: number; qty: number }[] = [];
  private readonly nbbo = { bid: Number.NaN, ask: Number.NaN };

  onChange(listener: (symbol: string) => void): void {
    this.listeners.push(listener);
  }

  instrument() {
    const prints = this.prints;
    return {
      nbbo: this.nbbo,
      tape: { length: prints.length, at: (i: number) => prints[i] as (typeof prints)[number] },
    };
  }

  print(time: number, price: number, qty: number): void {
    this.now = time;
    this.prints.push({ time, price, qty });
  }

  quote(time: number, bid: number, ask: number): void {
    this.now = time;
    this.nbbo.bid = bid;
    this.nbbo.ask = ask;
    for (const l of this.listeners) l("XYZ");
  }
}

describe("MarketBarRecorder", () => {
  it("cuts prints and quotes into one-second bars, closing each when a later second starts", () => {
    const market = new ScriptedMarket();
    const bars: MarketBar[] = [];
    const recorder = new MarketBarRecorder(market, { now: () => market.now }, (bar) => bars.push(bar));
    market.quote(10 * S + 100, 990, 1010);
    market.print(10 * S + 200, 1000, 5);
    market.print(10 * S + 900_000, 1010, 3);
    market.quote(10 * S + 950_000, 1000, 1020);
    expect(bars).toEqual([]); // second 10 still open
    market.print(12 * S + 5, 1020, 2); // read at the next quote change, in its own second
    market.quote(13 * S, 1010, 1030);
    expect(bars).toHaveLength(2);
    expect(bars[0]).toEqual({
      type: "market-bar",
      seq: 0,
      time: 0,
      symbol: "XYZ",
      barStart: 10 * S,
      bid: 1000,
      ask: 1020,
      trades: 2,
      volume: 8,
      notional: 5 * 1000 + 3 * 1010,
    });
    expect(bars[1]).toMatchObject({ barStart: 12 * S, bid: 1000, ask: 1020, trades: 1, volume: 2, notional: 2040 });
    market.print(13 * S + 1, 1020, 1);
    recorder.finish();
    expect(bars[2]).toMatchObject({ barStart: 13 * S, bid: 1010, ask: 1030, trades: 1, volume: 1 });
    expect(recorder.bars).toBe(3);
  });

  it("records a missing side as null", () => {
    const market = new ScriptedMarket();
    const bars: MarketBar[] = [];
    const recorder = new MarketBarRecorder(market, { now: () => market.now }, (bar) => bars.push(bar));
    market.quote(S, Number.NaN, 1010);
    recorder.finish();
    expect(bars[0]).toMatchObject({ bid: null, ask: 1010, volume: 0, trades: 0 });
  });
});
