/** The consolidated view: NBBO with size and venues at the touch, consolidated depth, tape, history, volatility. */
import { describe, expect, it } from "vitest";
import { MICROS_PER_SECOND } from "../core/clock.js";
import { Random } from "../core/random.js";
import { VirtualScheduler } from "../core/scheduler.js";
import type { MarketDataEvent } from "../model/market-data.js";
import { isTradableNbbo } from "./instrument-view.js";
import { MarketView } from "./market-view.js";
import { TRADING_SECONDS_PER_YEAR } from "./quote-history.js";

const snapshot = (venueId: string, bids: [number, number][], asks: [number, number][]): MarketDataEvent => ({
  type: "snapshot",
  venueId,
  symbol: "ACME",
  bids: bids.map(([price, qty]) => ({ price, qty })),
  asks: asks.map(([price, qty]) => ({ price, qty })),
  time: 0,
});
const depth = (venueId: string, side: "buy" | "sell", price: number, qty: number): MarketDataEvent => ({
  type: "depth",
  venueId,
  symbol: "ACME",
  side,
  price,
  qty,
  time: 0,
});
const trade = (venueId: string, price: number, qty: number): MarketDataEvent => ({
  type: "trade",
  venueId,
  symbol: "ACME",
  price,
  qty,
  aggressor: "buy",
  time: 0,
});

describe("MarketView", () => {
  it("keeps the NBBO with its size and the venues at the touch, and says when it changes", () => {
    const clock = new VirtualScheduler(0);
    const view = new MarketView(clock);
    const changes: string[] = [];
    view.onChange((s) => changes.push(s));
    view.onMarketData(snapshot("A", [[100, 5]], [[104, 5]]));
    view.onMarketData(snapshot("B", [[100, 3]], [[103, 7]]));
    expect(view.nbbo("ACME")).toEqual({
      bid: 100,
      ask: 103,
      bidQty: 8,
      askQty: 7,
      bidVenues: ["A", "B"],
      askVenues: ["B"],
    });
    view.onMarketData(depth("A", "buy", 100, 2));
    expect(view.nbbo("ACME").bidQty).toBe(5);
    view.onMarketData(depth("A", "buy", 101, 1));
    expect(view.nbbo("ACME")).toMatchObject({ bid: 101, bidQty: 1, bidVenues: ["A"] });
    view.onMarketData(depth("B", "sell", 103, 0));
    expect(view.nbbo("ACME")).toMatchObject({ ask: 104, askQty: 5, askVenues: ["A"] });
    view.onMarketData(depth("A", "buy", 99, 4));
    expect(changes).toHaveLength(5);
    expect(view.nbbo("XYZ").bid).toBeNaN();
  });

  it("consolidates depth across venues, best first, with each venue's share", () => {
    const view = new MarketView(new VirtualScheduler(0));
    view.onMarketData(
      snapshot(
        "A",
        [
          [100, 5],
          [99, 1],
        ],
        [[104, 5]],
      ),
    );
    view.onMarketData(
      snapshot(
        "B",
        [
          [100, 3],
          [98, 2],
        ],
        [
          [103, 7],
          [104, 1],
        ],
      ),
    );
    const instrument = view.instrument("ACME");
    expect(instrument.depth("buy", 2)).toEqual([
      {
        price: 100,
        qty: 8,
        venues: [
          { venueId: "A", qty: 5 },
          { venueId: "B", qty: 3 },
        ],
      },
      { price: 99, qty: 1, venues: [{ venueId: "A", qty: 1 }] },
    ]);
    expect(instrument.depth("sell", 5).map((l) => [l.price, l.qty])).toEqual([
      [103, 7],
      [104, 6],
    ]);
    expect(instrument.venueQuote("B")).toEqual({ bid: 100, bidQty: 3, ask: 103, askQty: 7 });
    expect(instrument.venueQty("A", "buy", 99)).toBe(1);
  });

  it("keeps the tape: volume, volume by venue and the VWAP of any interval", () => {
    const clock = new VirtualScheduler(0);
    const view = new MarketView(clock);
    const at = (t: number, e: MarketDataEvent): void => {
      clock.runUntil(t);
      view.onMarketData(e);
    };
    at(10, trade("A", 100, 10));
    at(20, trade("B", 102, 30));
    at(30, trade("A", 104, 60));
    const tape = view.instrument("ACME").tape;
    expect(tape.volume).toBe(100);
    expect(tape.vwapBetween(0, 100)).toBeCloseTo((100 * 10 + 102 * 30 + 104 * 60) / 100, 12);
    expect(tape.vwapBetween(15, 30)).toBe(102);
    expect(tape.volumeBetween(20, 31)).toBe(90);
    expect(tape.vwapBetween(40, 50)).toBeNaN();
    expect(tape.volumeByVenue()).toEqual(
      new Map([
        ["A", 70],
        ["B", 30],
      ]),
    );
    expect(tape.recent(2).map((t) => t.price)).toEqual([102, 104]);
  });

  it("keeps the quote history: mid at any time and the time-weighted spread", () => {
    const clock = new VirtualScheduler(0);
    const view = new MarketView(clock);
    view.onMarketData(snapshot("A", [[100, 1]], [[102, 1]]));
    clock.runUntil(30);
    view.onMarketData(depth("A", "sell", 104, 1));
    view.onMarketData(depth("A", "sell", 102, 0));
    const quotes = view.instrument("ACME").quotes;
    expect(quotes.midAt(10)).toBe(101);
    expect(quotes.midAt(40)).toBe(102);
    expect(quotes.midAt(-1)).toBeNaN();
    // spread 2 for 30 µs, then 4 for 10 µs
    expect(quotes.averageSpread(0, 40)).toBeCloseTo((2 * 30 + 4 * 10) / 40, 12);
  });

  it("keeps the mid of the last two-sided quote once a side of the book empties", () => {
    const clock = new VirtualScheduler(0);
    const view = new MarketView(clock);
    view.onMarketData(snapshot("A", [[100, 1]], [[102, 1]]));
    clock.runUntil(10);
    view.onMarketData(depth("A", "buy", 101, 1)); // mid 101.5
    clock.runUntil(20);
    view.onMarketData(depth("A", "sell", 102, 0)); // no ask: one-sided
    clock.runUntil(30);
    view.onMarketData(depth("A", "buy", 100, 0));
    const quotes = view.instrument("ACME").quotes;
    expect(quotes.midAt(25)).toBeNaN();
    expect(quotes.lastTwoSidedMidAt(25)).toBe(101.5);
    expect(quotes.lastTwoSidedMidAt(35)).toBe(101.5);
    expect(quotes.lastTwoSidedMidAt(5)).toBe(101);
    expect(quotes.lastTwoSidedMidAt(-1)).toBeNaN();
    view.onMarketData(depth("A", "sell", 105, 1)); // two-sided again at 30
    expect(quotes.lastTwoSidedMidAt(30)).toBe(103);
  });

  it("measures realised volatility near the volatility of a known random walk", () => {
    const clock = new VirtualScheduler(0);
    const view = new MarketView(clock);
    const random = new Random(8);
    const annualVol = 0.3;
    const step = MICROS_PER_SECOND;
    const sigma = annualVol * Math.sqrt(1 / TRADING_SECONDS_PER_YEAR);
    let logMid = Math.log(1_000_000);
    const day = 23_400;
    for (let s = 0; s < day; s++) {
      clock.runUntil(s * step);
      logMid += random.normal(0, sigma);
      const mid = Math.round(Math.exp(logMid) / 2) * 2;
      view.onMarketData(snapshot("A", [[mid - 2, 1]], [[mid + 2, 1]]));
    }
    const vol = view.instrument("ACME").quotes.realisedVolatility(0, day * step, 60 * step);
    expect(vol).toBeGreaterThan(annualVol * 0.85);
    expect(vol).toBeLessThan(annualVol * 1.15);
  });

  it("knows a locked or crossed quote is not tradable", () => {
    expect(isTradableNbbo({ bid: 100, ask: 101 })).toBe(true);
    expect(isTradableNbbo({ bid: 100, ask: 100 })).toBe(false);
    expect(isTradableNbbo({ bid: 101, ask: 100 })).toBe(false);
    expect(isTradableNbbo({ bid: Number.NaN, ask: 100 })).toBe(false);
  });
});
