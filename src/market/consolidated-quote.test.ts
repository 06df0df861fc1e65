/** The NBBO built from venues' snapshots and depth updates: best across venues, levels removed at zero, changes heard. */
import { describe, expect, it } from "vitest";
import { ConsolidatedQuote, isTradableNbbo } from "./consolidated-quote.js";

const snapshot = (venueId: string, bids: [number, number][], asks: [number, number][]) => ({
  type: "snapshot" as const,
  venueId,
  symbol: "ACME",
  bids: bids.map(([price, qty]) => ({ price, qty })),
  asks: asks.map(([price, qty]) => ({ price, qty })),
  time: 0,
});

const depth = (venueId: string, side: "buy" | "sell", price: number, qty: number) => ({
  type: "depth" as const,
  venueId,
  symbol: "ACME",
  side,
  price,
  qty,
  time: 0,
});

describe("ConsolidatedQuote", () => {
  it("takes the best bid and ask across venues and follows level updates", () => {
    const q = new ConsolidatedQuote();
    const changes: string[] = [];
    q.onChange((symbol) => changes.push(symbol));
    expect(q.nbbo("ACME").bid).toBeNaN();
    q.onMarketData(
      snapshot(
        "A",
        [
          [100, 5],
          [98, 1],
        ],
        [[104, 5]],
      ),
    );
    q.onMarketData(snapshot("B", [[101, 2]], [[103, 7]]));
    expect(q.nbbo("ACME")).toEqual({ bid: 101, ask: 103 });
    q.onMarketData(depth("B", "buy", 101, 0));
    expect(q.nbbo("ACME")).toEqual({ bid: 100, ask: 103 });
    q.onMarketData(depth("A", "sell", 102, 3));
    expect(q.nbbo("ACME")).toEqual({ bid: 100, ask: 102 });
    q.onMarketData(depth("A", "buy", 100, 0));
    expect(q.nbbo("ACME")).toEqual({ bid: 98, ask: 102 });
    q.onMarketData(depth("A", "buy", 97, 4));
    expect(q.nbbo("ACME")).toEqual({ bid: 98, ask: 102 });
    expect(changes).toEqual(["ACME", "ACME", "ACME", "ACME", "ACME"]);
  });

  it("ignores trade prints and says when a quote is unusable for a midpoint cross", () => {
    const q = new ConsolidatedQuote();
    q.onMarketData({ type: "trade", venueId: "A", symbol: "ACME", price: 100, qty: 1, aggressor: "buy", time: 0 });
    expect(isTradableNbbo(q.nbbo("ACME"))).toBe(false);
    q.onMarketData(snapshot("A", [[100, 1]], [[100, 1]]));
    expect(isTradableNbbo(q.nbbo("ACME"))).toBe(false);
    q.onMarketData(depth("A", "sell", 100, 0));
    q.onMarketData(depth("A", "sell", 102, 1));
    expect(isTradableNbbo(q.nbbo("ACME"))).toBe(true);
  });
});
