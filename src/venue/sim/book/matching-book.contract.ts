/**
 * The contract suite of the `MatchingBook` port: one set of domain scenarios run against every implementation
 * (`ReferenceBook`, `OrderBook`). Each scenario records every listener call, in order, as a tuple such as
 * `["trade", makerId, takerId, price, qty, makerLeaves, takerLeaves]` and compares whole sequences with `toEqual`,
 * so event order, missing events and extra events (an `onDepth` for an unchanged total, say) all fail.
 *
 * Conventions: unless a scenario says otherwise every order has its own account (account = id), so nothing
 * self-trades; limit orders default to GTC, not post-only, fully displayed. `take()` returns the events since the last
 * call and forgets them, so a scenario sets the book up, drains, then asserts the events of the command under test.
 */
import { describe, expect, it } from "vitest";
import type { Side, TimeInForce } from "../../../model/order-types.js";
import type { BookListener, MatchingBook, SelfTradePrevention } from "./matching-book.js";

export type BookEvent = readonly (string | number)[];

/** A listener that records each call as a tuple, in call order. */
export function recordingListener(events: BookEvent[]): BookListener {
  return {
    onRejected: (id, reason) => void events.push(["rejected", id, reason]),
    onTrade: (makerId, takerId, price, qty, makerLeaves, takerLeaves) =>
      void events.push(["trade", makerId, takerId, price, qty, makerLeaves, takerLeaves]),
    onRested: (id, price, leaves) => void events.push(["rested", id, price, leaves]),
    onCancelled: (id, leaves, reason) => void events.push(["cancelled", id, leaves, reason]),
    onCancelRejected: (id, reason) => void events.push(["cancelRejected", id, reason]),
    onReplaced: (id, price, leaves) => void events.push(["replaced", id, price, leaves]),
    onReplaceRejected: (id, reason) => void events.push(["replaceRejected", id, reason]),
    onDepth: (side, price, displayed) => void events.push(["depth", side, price, displayed]),
  };
}

interface OrderOptions {
  account?: number;
  tif?: TimeInForce;
  postOnly?: boolean;
  /** Displayed quantity: defaults to the whole order; 0 makes it hidden, less than qty an iceberg. */
  display?: number;
}

type MakeBook = (listener: BookListener, stp: SelfTradePrevention) => MatchingBook;

/** A book under test with terse order entry and an event recorder. */
class Desk {
  readonly book: MatchingBook;
  private readonly events: BookEvent[] = [];

  constructor(make: MakeBook, stp: SelfTradePrevention) {
    this.book = make(recordingListener(this.events), stp);
  }

  buy(id: number, price: number, qty: number, options: OrderOptions = {}): this {
    return this.limit(id, "buy", price, qty, options);
  }

  sell(id: number, price: number, qty: number, options: OrderOptions = {}): this {
    return this.limit(id, "sell", price, qty, options);
  }

  marketBuy(id: number, qty: number, tif: "ioc" | "fok" = "ioc", account = id): this {
    this.book.market(id, account, "buy", qty, tif);
    return this;
  }

  marketSell(id: number, qty: number, tif: "ioc" | "fok" = "ioc", account = id): this {
    this.book.market(id, account, "sell", qty, tif);
    return this;
  }

  /** The events recorded since the last `take()`, forgotten once returned. */
  take(): BookEvent[] {
    return this.events.splice(0);
  }

  /** Both sides' full displayed depth and best prices: for "the book did not change" assertions. */
  snapshot(): unknown {
    const b = this.book;
    return {
      bids: b.depth("buy", 1000),
      asks: b.depth("sell", 1000),
      bestBid: b.bestPrice("buy"),
      bestAsk: b.bestPrice("sell"),
      bestShownBid: b.bestDisplayedPrice("buy"),
      bestShownAsk: b.bestDisplayedPrice("sell"),
      orderCount: b.orderCount,
    };
  }

  private limit(id: number, side: Side, price: number, qty: number, o: OrderOptions): this {
    this.book.limit(id, o.account ?? id, side, price, qty, o.tif ?? "gtc", o.postOnly ?? false, o.display ?? qty);
    return this;
  }
}

export function matchingBookContract(name: string, make: MakeBook): void {
  const open = (stp: SelfTradePrevention = "none"): Desk => new Desk(make, stp);

  describe(name, () => {
    describe("resting", () => {
      it("a limit order that crosses nothing rests and publishes its level", () => {
        const d = open();
        d.buy(1, 99, 10, { tif: "day" });
        expect(d.take()).toEqual([
          ["rested", 1, 99, 10],
          ["depth", "buy", 99, 10],
        ]);
        d.sell(2, 101, 4);
        expect(d.take()).toEqual([
          ["rested", 2, 101, 4],
          ["depth", "sell", 101, 4],
        ]);
        expect(d.book.orderCount).toBe(2);
        expect(d.book.leaves(1)).toBe(10);
        expect(d.book.bestPrice("buy")).toBe(99);
        expect(d.book.bestDisplayedPrice("sell")).toBe(101);
      });

      it("a second order at the same price adds to the level's displayed total", () => {
        const d = open();
        d.sell(1, 101, 4).take();
        d.sell(2, 101, 6);
        expect(d.take()).toEqual([
          ["rested", 2, 101, 6],
          ["depth", "sell", 101, 10],
        ]);
        expect(d.book.depth("sell", 5)).toEqual([{ price: 101, qty: 10 }]);
      });
    });

    describe("price-time priority", () => {
      it("a buy sweeps the asks cheapest first and, within a price, oldest first", () => {
        const d = open();
        d.sell(1, 101, 5).sell(2, 100, 5).sell(3, 100, 5).sell(4, 102, 5).take();
        d.buy(10, 101, 12);
        expect(d.take()).toEqual([
          ["trade", 2, 10, 100, 5, 0, 7],
          ["depth", "sell", 100, 5],
          ["trade", 3, 10, 100, 5, 0, 2],
          ["depth", "sell", 100, 0],
          ["trade", 1, 10, 101, 2, 3, 0],
          ["depth", "sell", 101, 3],
        ]);
        expect(d.book.depth("sell", 10)).toEqual([
          { price: 101, qty: 3 },
          { price: 102, qty: 5 },
        ]);
        expect(d.book.orderCount).toBe(2);
      });

      it("a sell hits the bids highest first, at each bid's own price", () => {
        const d = open();
        d.buy(1, 98, 5).buy(2, 100, 5).buy(3, 99, 5).take();
        d.sell(10, 97, 12, { tif: "ioc" });
        expect(d.take()).toEqual([
          ["trade", 2, 10, 100, 5, 0, 7],
          ["depth", "buy", 100, 0],
          ["trade", 3, 10, 99, 5, 0, 2],
          ["depth", "buy", 99, 0],
          ["trade", 1, 10, 98, 2, 3, 0],
          ["depth", "buy", 98, 3],
        ]);
      });

      it("the earlier order at a price fills first even when a later one is larger", () => {
        const d = open();
        d.buy(1, 100, 2).buy(2, 100, 50).buy(3, 100, 3).take();
        d.sell(10, 100, 4);
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 2, 0, 2],
          ["depth", "buy", 100, 53],
          ["trade", 2, 10, 100, 2, 48, 0],
          ["depth", "buy", 100, 51],
        ]);
        expect([d.book.leaves(1), d.book.leaves(2), d.book.leaves(3)]).toEqual([0, 48, 3]);
      });

      it("a taker does not trade beyond its limit price", () => {
        const d = open();
        d.sell(1, 100, 5).sell(2, 101, 5).take();
        d.buy(10, 100, 8);
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 5, 0, 3],
          ["depth", "sell", 100, 0],
          ["rested", 10, 100, 3],
          ["depth", "buy", 100, 3],
        ]);
        expect(d.book.bestPrice("buy")).toBe(100);
        expect(d.book.bestPrice("sell")).toBe(101);
      });
    });

    describe("partial fills", () => {
      it("a small taker leaves the maker resting with its remainder and its place in the queue", () => {
        const d = open();
        d.sell(1, 100, 10).sell(2, 100, 10).take();
        d.buy(10, 100, 3);
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 3, 7, 0],
          ["depth", "sell", 100, 17],
        ]);
        d.buy(11, 100, 8);
        expect(d.take()).toEqual([
          ["trade", 1, 11, 100, 7, 0, 1],
          ["depth", "sell", 100, 10],
          ["trade", 2, 11, 100, 1, 9, 0],
          ["depth", "sell", 100, 9],
        ]);
      });

      it("a large day order takes what crosses and rests the remainder at its limit", () => {
        const d = open();
        d.sell(1, 100, 4).take();
        d.buy(10, 101, 10, { tif: "day" });
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 4, 0, 6],
          ["depth", "sell", 100, 0],
          ["rested", 10, 101, 6],
          ["depth", "buy", 101, 6],
        ]);
        expect(d.book.leaves(10)).toBe(6);
        expect(d.book.bestPrice("sell")).toBeNaN();
      });
    });

    describe("time in force", () => {
      it("an IOC order's unfilled remainder is cancelled, not rested", () => {
        const d = open();
        d.sell(1, 100, 4).sell(2, 102, 4).take();
        d.buy(10, 101, 10, { tif: "ioc" });
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 4, 0, 6],
          ["depth", "sell", 100, 0],
          ["cancelled", 10, 6, "ioc-unfilled"],
        ]);
        expect(d.book.leaves(10)).toBe(0);
        expect(d.book.bestPrice("buy")).toBeNaN();
        expect(d.book.orderCount).toBe(1);
      });

      it("an IOC order that crosses nothing is cancelled whole", () => {
        const d = open();
        d.sell(1, 105, 4).take();
        d.buy(10, 101, 10, { tif: "ioc" });
        expect(d.take()).toEqual([["cancelled", 10, 10, "ioc-unfilled"]]);
      });

      it("a FOK order that the crossing levels can fill trades in full across them", () => {
        const d = open();
        d.sell(1, 100, 4).sell(2, 101, 4).sell(3, 102, 4).take();
        d.buy(10, 101, 8, { tif: "fok" });
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 4, 0, 4],
          ["depth", "sell", 100, 0],
          ["trade", 2, 10, 101, 4, 0, 0],
          ["depth", "sell", 101, 0],
        ]);
      });

      it("a FOK order too big for the crossing levels is cancelled whole and leaves the book untouched", () => {
        const d = open();
        d.sell(1, 100, 4).sell(2, 101, 4).sell(3, 102, 40).take();
        const before = d.snapshot();
        d.buy(10, 101, 9, { tif: "fok" });
        expect(d.take()).toEqual([["cancelled", 10, 9, "fok-unfilled"]]);
        expect(d.snapshot()).toEqual(before);
        expect([d.book.leaves(1), d.book.leaves(2), d.book.leaves(10)]).toEqual([4, 4, 0]);
      });

      it("a FOK order counts hidden orders and iceberg reserve as executable", () => {
        const d = open();
        d.sell(1, 100, 10, { display: 2 }).sell(2, 101, 5, { display: 0 }).take();
        d.buy(10, 101, 15, { tif: "fok" });
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 2, 8, 13],
          ["trade", 1, 10, 100, 2, 6, 11],
          ["trade", 1, 10, 100, 2, 4, 9],
          ["trade", 1, 10, 100, 2, 2, 7],
          ["trade", 1, 10, 100, 2, 0, 5],
          ["depth", "sell", 100, 0],
          ["trade", 2, 10, 101, 5, 0, 0],
        ]);
        expect(d.book.orderCount).toBe(0);
      });

      it("a FOK sell that crosses nothing is cancelled whole", () => {
        const d = open();
        d.buy(1, 99, 50).take();
        d.sell(10, 100, 5, { tif: "fok" });
        expect(d.take()).toEqual([["cancelled", 10, 5, "fok-unfilled"]]);
      });
    });

    describe("market orders", () => {
      it("a market buy sweeps every ask level and cancels what the book cannot fill", () => {
        const d = open();
        d.sell(1, 100, 3).sell(2, 150, 3).take();
        d.marketBuy(10, 10);
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 3, 0, 7],
          ["depth", "sell", 100, 0],
          ["trade", 2, 10, 150, 3, 0, 4],
          ["depth", "sell", 150, 0],
          ["cancelled", 10, 4, "ioc-unfilled"],
        ]);
        expect(d.book.orderCount).toBe(0);
      });

      it("a market sell into an empty book is cancelled whole", () => {
        const d = open();
        d.sell(1, 100, 3).take();
        d.marketSell(10, 5);
        expect(d.take()).toEqual([["cancelled", 10, 5, "ioc-unfilled"]]);
        expect(d.book.leaves(1)).toBe(3);
      });

      it("a FOK market order fills in full when the book holds enough", () => {
        const d = open();
        d.buy(1, 100, 3).buy(2, 90, 3).take();
        d.marketSell(10, 5, "fok");
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 3, 0, 2],
          ["depth", "buy", 100, 0],
          ["trade", 2, 10, 90, 2, 1, 0],
          ["depth", "buy", 90, 1],
        ]);
      });

      it("a FOK market order larger than the whole book is cancelled whole, book untouched", () => {
        const d = open();
        d.buy(1, 100, 3).buy(2, 90, 3).take();
        const before = d.snapshot();
        d.marketSell(10, 7, "fok");
        expect(d.take()).toEqual([["cancelled", 10, 7, "fok-unfilled"]]);
        expect(d.snapshot()).toEqual(before);
      });

      it("a FOK market order into an empty book is cancelled fok-unfilled", () => {
        const d = open();
        d.marketBuy(10, 1, "fok");
        expect(d.take()).toEqual([["cancelled", 10, 1, "fok-unfilled"]]);
      });
    });

    describe("post-only", () => {
      it("a post-only order that crosses nothing rests like any other", () => {
        const d = open();
        d.sell(1, 101, 5).take();
        d.buy(10, 100, 5, { postOnly: true });
        expect(d.take()).toEqual([
          ["rested", 10, 100, 5],
          ["depth", "buy", 100, 5],
        ]);
      });

      it("a post-only order that would take is rejected and changes nothing", () => {
        const d = open();
        d.sell(1, 101, 5).take();
        const before = d.snapshot();
        d.buy(10, 101, 5, { postOnly: true });
        expect(d.take()).toEqual([["rejected", 10, "post-only-would-take"]]);
        expect(d.snapshot()).toEqual(before);
        expect(d.book.leaves(10)).toBe(0);
      });

      it("a post-only order is rejected even when the only liquidity it would take is hidden", () => {
        const d = open();
        d.buy(1, 100, 5, { display: 0 }).take();
        expect(d.book.bestDisplayedPrice("buy")).toBeNaN();
        d.sell(10, 99, 5, { postOnly: true });
        expect(d.take()).toEqual([["rejected", 10, "post-only-would-take"]]);
        expect(d.book.leaves(1)).toBe(5);
      });
    });

    describe("hidden orders", () => {
      it("a hidden order rests without publishing depth and shows only in bestPrice", () => {
        const d = open();
        d.sell(1, 100, 7, { display: 0 });
        expect(d.take()).toEqual([["rested", 1, 100, 7]]);
        expect(d.book.depth("sell", 5)).toEqual([]);
        expect(d.book.bestDisplayedPrice("sell")).toBeNaN();
        expect(d.book.bestPrice("sell")).toBe(100);
        expect(d.book.orderCount).toBe(1);
        expect(d.book.leaves(1)).toBe(7);
      });

      it("a hidden order behind a worse displayed level is still the best price", () => {
        const d = open();
        d.sell(1, 101, 5).sell(2, 100, 5, { display: 0 }).take();
        expect(d.book.bestPrice("sell")).toBe(100);
        expect(d.book.bestDisplayedPrice("sell")).toBe(101);
        expect(d.book.depth("sell", 5)).toEqual([{ price: 101, qty: 5 }]);
      });

      it("at one price a hidden order fills after displayed orders that arrived later", () => {
        const d = open();
        d.sell(1, 100, 5, { display: 0 }).sell(2, 100, 3).sell(3, 100, 2, { display: 1 }).take();
        d.buy(10, 100, 8);
        expect(d.take()).toEqual([
          ["trade", 2, 10, 100, 3, 0, 5],
          ["depth", "sell", 100, 1],
          ["trade", 3, 10, 100, 1, 1, 4],
          ["trade", 3, 10, 100, 1, 0, 3],
          ["depth", "sell", 100, 0],
          ["trade", 1, 10, 100, 3, 2, 0],
        ]);
      });

      it("a hidden order trades its whole leaves in one execution and a hidden fill publishes no depth", () => {
        const d = open();
        d.buy(1, 100, 9, { display: 0 }).take();
        d.sell(10, 100, 4);
        expect(d.take()).toEqual([["trade", 1, 10, 100, 4, 5, 0]]);
        d.sell(11, 99, 9);
        expect(d.take()).toEqual([
          ["trade", 1, 11, 100, 5, 0, 4],
          ["rested", 11, 99, 4],
          ["depth", "sell", 99, 4],
        ]);
      });
    });

    describe("iceberg orders", () => {
      it("an iceberg rests with all its leaves but publishes only its slice", () => {
        const d = open();
        d.sell(1, 100, 10, { display: 3 });
        expect(d.take()).toEqual([
          ["rested", 1, 100, 10],
          ["depth", "sell", 100, 3],
        ]);
        expect(d.book.depth("sell", 1)).toEqual([{ price: 100, qty: 3 }]);
        expect(d.book.leaves(1)).toBe(10);
        expect(d.book.bestDisplayedPrice("sell")).toBe(100);
      });

      it("a partly taken slice is not refreshed", () => {
        const d = open();
        d.sell(1, 100, 10, { display: 3 }).take();
        d.buy(10, 100, 2);
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 2, 8, 0],
          ["depth", "sell", 100, 1],
        ]);
      });

      it("a refreshed slice goes behind an order that arrived after the iceberg", () => {
        const d = open();
        d.sell(1, 100, 10, { display: 3 }).sell(2, 100, 4).take();
        d.buy(10, 100, 3);
        // The slice is used up and refreshed to 3 again: the displayed total is unchanged, so no depth update.
        expect(d.take()).toEqual([["trade", 1, 10, 100, 3, 7, 0]]);
        d.buy(11, 100, 5);
        expect(d.take()).toEqual([
          ["trade", 2, 11, 100, 4, 0, 1],
          ["depth", "sell", 100, 3],
          ["trade", 1, 11, 100, 1, 6, 0],
          ["depth", "sell", 100, 2],
        ]);
      });

      it("a large taker sweeps an iceberg's reserve slice by slice and rests the rest", () => {
        const d = open();
        d.sell(1, 100, 10, { display: 4 }).take();
        d.buy(10, 100, 12);
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 4, 6, 8],
          ["trade", 1, 10, 100, 4, 2, 4],
          ["depth", "sell", 100, 2],
          ["trade", 1, 10, 100, 2, 0, 2],
          ["depth", "sell", 100, 0],
          ["rested", 10, 100, 2],
          ["depth", "buy", 100, 2],
        ]);
      });

      it("an iceberg taker's remainder rests showing only a slice", () => {
        const d = open();
        d.sell(1, 100, 3).take();
        d.buy(10, 100, 20, { display: 5 });
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 3, 0, 17],
          ["depth", "sell", 100, 0],
          ["rested", 10, 100, 17],
          ["depth", "buy", 100, 5],
        ]);
      });
    });

    describe("cancel", () => {
      it("cancelling a resting order reports its leaves, then the level's new total", () => {
        const d = open();
        d.buy(1, 100, 5).buy(2, 100, 7).take();
        d.book.cancel(1);
        expect(d.take()).toEqual([
          ["cancelled", 1, 5, "requested"],
          ["depth", "buy", 100, 7],
        ]);
        d.book.cancel(2);
        expect(d.take()).toEqual([
          ["cancelled", 2, 7, "requested"],
          ["depth", "buy", 100, 0],
        ]);
        expect(d.book.orderCount).toBe(0);
        expect(d.book.bestPrice("buy")).toBeNaN();
      });

      it("cancelling an iceberg reports all its leaves and takes its slice off the level", () => {
        const d = open();
        d.sell(1, 100, 10, { display: 2 }).sell(2, 100, 3).take();
        d.book.cancel(1);
        expect(d.take()).toEqual([
          ["cancelled", 1, 10, "requested"],
          ["depth", "sell", 100, 3],
        ]);
      });

      it("cancelling a hidden order publishes no depth", () => {
        const d = open();
        d.sell(1, 100, 10, { display: 0 }).take();
        d.book.cancel(1);
        expect(d.take()).toEqual([["cancelled", 1, 10, "requested"]]);
      });

      it("cancelling an unknown, filled or already cancelled order is rejected", () => {
        const d = open();
        d.sell(1, 100, 5).buy(2, 100, 5).sell(3, 101, 5).take();
        d.book.cancel(3);
        d.take();
        const before = d.snapshot();
        d.book.cancel(99);
        d.book.cancel(1);
        d.book.cancel(3);
        expect(d.take()).toEqual([
          ["cancelRejected", 99, "unknown-order"],
          ["cancelRejected", 1, "unknown-order"],
          ["cancelRejected", 3, "unknown-order"],
        ]);
        expect(d.snapshot()).toEqual(before);
      });
    });

    describe("replace", () => {
      it("reducing quantity at the same price keeps time priority", () => {
        const d = open();
        d.sell(1, 100, 10).sell(2, 100, 10).take();
        d.book.replace(1, 100, 4);
        expect(d.take()).toEqual([
          ["replaced", 1, 100, 4],
          ["depth", "sell", 100, 14],
        ]);
        d.buy(10, 100, 5);
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 4, 0, 1],
          ["depth", "sell", 100, 10],
          ["trade", 2, 10, 100, 1, 9, 0],
          ["depth", "sell", 100, 9],
        ]);
      });

      it("replacing with the same price and quantity changes nothing but is acknowledged", () => {
        const d = open();
        d.sell(1, 100, 10).sell(2, 100, 10).take();
        d.book.replace(1, 100, 10);
        expect(d.take()).toEqual([["replaced", 1, 100, 10]]);
        d.buy(10, 100, 1);
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 1, 9, 0],
          ["depth", "sell", 100, 19],
        ]);
      });

      it("increasing quantity loses time priority: the order leaves and re-enters its level", () => {
        const d = open();
        d.sell(1, 100, 10).sell(2, 100, 10).take();
        d.book.replace(1, 100, 12);
        expect(d.take()).toEqual([
          ["depth", "sell", 100, 10],
          ["replaced", 1, 100, 12],
          ["rested", 1, 100, 12],
          ["depth", "sell", 100, 22],
        ]);
        d.buy(10, 100, 11);
        expect(d.take()).toEqual([
          ["trade", 2, 10, 100, 10, 0, 1],
          ["depth", "sell", 100, 12],
          ["trade", 1, 10, 100, 1, 11, 0],
          ["depth", "sell", 100, 11],
        ]);
      });

      it("changing price loses priority and moves the order to its new level", () => {
        const d = open();
        d.buy(1, 99, 5).buy(2, 100, 5).take();
        d.book.replace(1, 100, 5);
        expect(d.take()).toEqual([
          ["depth", "buy", 99, 0],
          ["replaced", 1, 100, 5],
          ["rested", 1, 100, 5],
          ["depth", "buy", 100, 10],
        ]);
        d.sell(10, 100, 6);
        expect(d.take()).toEqual([
          ["trade", 2, 10, 100, 5, 0, 1],
          ["depth", "buy", 100, 5],
          ["trade", 1, 10, 100, 1, 4, 0],
          ["depth", "buy", 100, 4],
        ]);
      });

      it("a price change that crosses trades at once and rests the remainder", () => {
        const d = open();
        d.buy(1, 99, 5).sell(2, 101, 3).take();
        d.book.replace(1, 101, 5);
        expect(d.take()).toEqual([
          ["depth", "buy", 99, 0],
          ["replaced", 1, 101, 5],
          ["trade", 2, 1, 101, 3, 0, 2],
          ["depth", "sell", 101, 0],
          ["rested", 1, 101, 2],
          ["depth", "buy", 101, 2],
        ]);
        expect(d.book.leaves(1)).toBe(2);
      });

      it("a price change that crosses can fill the order completely, leaving nothing to rest", () => {
        const d = open();
        d.sell(1, 102, 4).buy(2, 100, 6).take();
        d.book.replace(1, 100, 4);
        expect(d.take()).toEqual([
          ["depth", "sell", 102, 0],
          ["replaced", 1, 100, 4],
          ["trade", 2, 1, 100, 4, 2, 0],
          ["depth", "buy", 100, 2],
        ]);
        expect(d.book.leaves(1)).toBe(0);
        expect(d.book.orderCount).toBe(1);
      });

      it("an iceberg reduced below its slice shows the reduced quantity", () => {
        const d = open();
        d.sell(1, 100, 10, { display: 4 }).take();
        d.book.replace(1, 100, 6);
        expect(d.take()).toEqual([["replaced", 1, 100, 6]]);
        d.book.replace(1, 100, 3);
        expect(d.take()).toEqual([
          ["replaced", 1, 100, 3],
          ["depth", "sell", 100, 3],
        ]);
        expect(d.book.leaves(1)).toBe(3);
      });

      it("an iceberg that re-enters keeps its display quantity", () => {
        const d = open();
        d.sell(1, 100, 10, { display: 4 }).take();
        d.book.replace(1, 101, 20);
        expect(d.take()).toEqual([
          ["depth", "sell", 100, 0],
          ["replaced", 1, 101, 20],
          ["rested", 1, 101, 20],
          ["depth", "sell", 101, 4],
        ]);
      });

      it("a hidden order that re-enters stays hidden", () => {
        const d = open();
        d.buy(1, 100, 10, { display: 0 }).take();
        d.book.replace(1, 101, 12);
        expect(d.take()).toEqual([
          ["replaced", 1, 101, 12],
          ["rested", 1, 101, 12],
        ]);
        expect(d.book.depth("buy", 5)).toEqual([]);
        expect(d.book.bestPrice("buy")).toBe(101);
      });

      it("replacing an unknown order or to a non-positive quantity is rejected and changes nothing", () => {
        const d = open();
        d.sell(1, 100, 10).take();
        const before = d.snapshot();
        d.book.replace(99, 100, 5);
        d.book.replace(1, 100, 0);
        d.book.replace(1, 101, -3);
        expect(d.take()).toEqual([
          ["replaceRejected", 99, "unknown-order"],
          ["replaceRejected", 1, "invalid-quantity"],
          ["replaceRejected", 1, "invalid-quantity"],
        ]);
        expect(d.snapshot()).toEqual(before);
        expect(d.book.leaves(1)).toBe(10);
      });

      it("a post-only order whose new price would cross is refused and keeps its price, size and priority", () => {
        const d = open();
        d.buy(1, 99, 5, { postOnly: true }).buy(2, 99, 5).sell(3, 101, 5).take();
        const before = d.snapshot();
        d.book.replace(1, 101, 5);
        expect(d.take()).toEqual([["replaceRejected", 1, "post-only-would-take"]]);
        expect(d.snapshot()).toEqual(before);
        d.sell(10, 99, 1);
        expect(d.take()).toEqual([
          ["trade", 1, 10, 99, 1, 4, 0],
          ["depth", "buy", 99, 9],
        ]);
      });

      it("a post-only order may move to a price that does not cross", () => {
        const d = open();
        d.buy(1, 99, 5, { postOnly: true }).sell(3, 101, 5).take();
        d.book.replace(1, 100, 5);
        expect(d.take()).toEqual([
          ["depth", "buy", 99, 0],
          ["replaced", 1, 100, 5],
          ["rested", 1, 100, 5],
          ["depth", "buy", 100, 5],
        ]);
      });
    });

    describe("self-trade prevention", () => {
      it("with none, orders of one account trade with each other", () => {
        const d = open("none");
        d.sell(1, 100, 5, { account: 7 }).take();
        d.buy(2, 100, 3, { account: 7 });
        expect(d.take()).toEqual([
          ["trade", 1, 2, 100, 3, 2, 0],
          ["depth", "sell", 100, 2],
        ]);
      });

      it("cancel-resting cancels the account's own maker and goes on matching behind it", () => {
        const d = open("cancel-resting");
        d.sell(1, 100, 4, { account: 8 })
          .sell(2, 100, 5, { account: 7 })
          .sell(3, 100, 6, { account: 9 })
          .sell(4, 101, 5, { account: 9 })
          .take();
        d.buy(10, 100, 12, { account: 7 });
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 4, 0, 8],
          ["depth", "sell", 100, 11],
          ["cancelled", 2, 5, "self-trade"],
          ["depth", "sell", 100, 6],
          ["trade", 3, 10, 100, 6, 0, 2],
          ["depth", "sell", 100, 0],
          ["rested", 10, 100, 2],
          ["depth", "buy", 100, 2],
        ]);
        expect(d.book.leaves(4)).toBe(5);
      });

      it("cancel-incoming cancels the taker's remainder and leaves the own resting order alone", () => {
        const d = open("cancel-incoming");
        d.sell(1, 100, 4, { account: 8 }).sell(2, 100, 5, { account: 7 }).sell(3, 100, 6, { account: 9 }).take();
        d.buy(10, 100, 12, { account: 7 });
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 4, 0, 8],
          ["depth", "sell", 100, 11],
          ["cancelled", 10, 8, "self-trade"],
        ]);
        expect([d.book.leaves(2), d.book.leaves(3), d.book.leaves(10)]).toEqual([5, 6, 0]);
      });

      it("cancel-both cancels the own maker, then the taker's remainder", () => {
        const d = open("cancel-both");
        d.sell(1, 100, 4, { account: 8 }).sell(2, 100, 5, { account: 7 }).sell(3, 100, 6, { account: 9 }).take();
        d.buy(10, 100, 12, { account: 7 });
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 4, 0, 8],
          ["depth", "sell", 100, 11],
          ["cancelled", 2, 5, "self-trade"],
          ["depth", "sell", 100, 6],
          ["cancelled", 10, 8, "self-trade"],
        ]);
        expect([d.book.leaves(2), d.book.leaves(3)]).toEqual([0, 6]);
      });

      it("cancel-resting cancels a hidden own maker without a depth update", () => {
        const d = open("cancel-resting");
        d.buy(1, 100, 5, { account: 7, display: 0 }).buy(2, 99, 5, { account: 8 }).take();
        d.marketSell(10, 3, "ioc", 7);
        expect(d.take()).toEqual([
          ["cancelled", 1, 5, "self-trade"],
          ["trade", 2, 10, 99, 3, 2, 0],
          ["depth", "buy", 99, 2],
        ]);
      });

      it("a FOK order under none counts the account's own orders, since it may trade with them", () => {
        const d = open("none");
        d.sell(1, 100, 5, { account: 7 }).sell(2, 100, 5, { account: 8 }).take();
        d.buy(10, 100, 8, { account: 7, tif: "fok" });
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 5, 0, 3],
          ["depth", "sell", 100, 5],
          ["trade", 2, 10, 100, 3, 2, 0],
          ["depth", "sell", 100, 2],
        ]);
      });

      it("a FOK order under cancel-resting does not count the account's own orders", () => {
        const d = open("cancel-resting");
        d.sell(1, 100, 5, { account: 7 }).sell(2, 100, 5, { account: 8 }).take();
        d.buy(10, 100, 6, { account: 7, tif: "fok" });
        expect(d.take()).toEqual([["cancelled", 10, 6, "fok-unfilled"]]);
        d.buy(11, 100, 5, { account: 7, tif: "fok" });
        expect(d.take()).toEqual([
          ["cancelled", 1, 5, "self-trade"],
          ["depth", "sell", 100, 5],
          ["trade", 2, 11, 100, 5, 0, 0],
          ["depth", "sell", 100, 0],
        ]);
      });

      it("a FOK order under cancel-incoming counts no level from the first one holding its own account", () => {
        const d = open("cancel-incoming");
        d.sell(1, 100, 3, { account: 8 })
          .sell(2, 101, 3, { account: 8 })
          .sell(3, 101, 1, { account: 7 })
          .sell(4, 102, 9, { account: 9 })
          .take();
        const before = d.snapshot();
        // Level 101 holds account 7, so only level 100 counts: 3 lots, although 3 more of account 8 sit ahead at 101.
        d.buy(10, 102, 4, { account: 7, tif: "fok" });
        expect(d.take()).toEqual([["cancelled", 10, 4, "fok-unfilled"]]);
        expect(d.snapshot()).toEqual(before);
        d.buy(11, 102, 3, { account: 7, tif: "fok" });
        expect(d.take()).toEqual([
          ["trade", 1, 11, 100, 3, 0, 0],
          ["depth", "sell", 100, 0],
        ]);
      });

      it("a FOK market order under cancel-both stops counting at its own account's level", () => {
        const d = open("cancel-both");
        d.buy(1, 100, 3, { account: 8 }).buy(2, 99, 3, { account: 7, display: 0 }).take();
        d.marketSell(10, 4, "fok", 7);
        expect(d.take()).toEqual([["cancelled", 10, 4, "fok-unfilled"]]);
        expect(d.book.orderCount).toBe(2);
      });

      it("post-only rejects a would-take order even when the resting order is its own account's", () => {
        const d = open("cancel-resting");
        d.sell(1, 100, 5, { account: 7 }).take();
        d.buy(2, 100, 5, { account: 7, postOnly: true });
        expect(d.take()).toEqual([["rejected", 2, "post-only-would-take"]]);
        expect(d.book.leaves(1)).toBe(5);
      });

      it("a replace that crosses its own account's order follows the prevention mode", () => {
        const d = open("cancel-incoming");
        d.buy(1, 99, 5, { account: 7 }).sell(2, 100, 5, { account: 7 }).take();
        d.book.replace(1, 100, 5);
        expect(d.take()).toEqual([
          ["depth", "buy", 99, 0],
          ["replaced", 1, 100, 5],
          ["cancelled", 1, 5, "self-trade"],
        ]);
        expect(d.book.leaves(1)).toBe(0);
        expect(d.book.leaves(2)).toBe(5);
      });
    });

    describe("validation", () => {
      it("an order whose id is live is rejected and the live order is untouched", () => {
        const d = open();
        d.buy(1, 100, 5).take();
        const before = d.snapshot();
        d.sell(1, 100, 5);
        d.buy(1, 99, 0);
        d.marketSell(1, 2);
        expect(d.take()).toEqual([
          ["rejected", 1, "duplicate-order-id"],
          ["rejected", 1, "duplicate-order-id"],
          ["rejected", 1, "duplicate-order-id"],
        ]);
        expect(d.snapshot()).toEqual(before);
        expect(d.book.leaves(1)).toBe(5);
      });

      it("the id of an order that is no longer live may be used again", () => {
        const d = open();
        d.buy(1, 100, 5).sell(2, 100, 5).take();
        d.sell(1, 101, 3);
        expect(d.take()).toEqual([
          ["rested", 1, 101, 3],
          ["depth", "sell", 101, 3],
        ]);
      });

      it("non-positive quantities and display quantities outside 0..qty are rejected", () => {
        const d = open();
        d.buy(1, 100, 0);
        d.buy(2, 100, -5);
        d.buy(3, 100, 5, { display: 6 });
        d.buy(4, 100, 5, { display: -1 });
        d.marketBuy(5, 0);
        d.marketSell(6, -1, "fok");
        expect(d.take()).toEqual([
          ["rejected", 1, "invalid-quantity"],
          ["rejected", 2, "invalid-quantity"],
          ["rejected", 3, "invalid-quantity"],
          ["rejected", 4, "invalid-quantity"],
          ["rejected", 5, "invalid-quantity"],
          ["rejected", 6, "invalid-quantity"],
        ]);
        expect(d.book.orderCount).toBe(0);
      });

      it("a quantity that is not a whole number of lots is rejected", () => {
        const d = open();
        d.buy(1, 100, 2.5);
        d.buy(2, 100, Number.NaN);
        d.sell(3, 100, 5, { display: 1.5 });
        expect(d.take()).toEqual([
          ["rejected", 1, "invalid-quantity"],
          ["rejected", 2, "invalid-quantity"],
          ["rejected", 3, "invalid-quantity"],
        ]);
      });

      it("a bad quantity is reported before a post-only cross", () => {
        const d = open();
        d.sell(1, 100, 5).take();
        d.buy(2, 100, 0, { postOnly: true });
        expect(d.take()).toEqual([["rejected", 2, "invalid-quantity"]]);
      });
    });

    describe("depth and queries", () => {
      it("depth lists displayed levels best first, sums each level and omits hidden-only levels", () => {
        const d = open();
        d.buy(1, 98, 4)
          .buy(2, 100, 2)
          .buy(3, 100, 10, { display: 3 })
          .buy(4, 101, 9, { display: 0 })
          .buy(5, 99, 1)
          .buy(6, 99, 6, { display: 0 })
          .sell(7, 103, 5)
          .sell(8, 102, 1);
        expect(d.book.depth("buy", 10)).toEqual([
          { price: 100, qty: 5 },
          { price: 99, qty: 1 },
          { price: 98, qty: 4 },
        ]);
        expect(d.book.depth("buy", 2)).toEqual([
          { price: 100, qty: 5 },
          { price: 99, qty: 1 },
        ]);
        expect(d.book.depth("sell", 10)).toEqual([
          { price: 102, qty: 1 },
          { price: 103, qty: 5 },
        ]);
        expect(d.book.depth("sell", 0)).toEqual([]);
        expect(d.book.bestPrice("buy")).toBe(101);
        expect(d.book.bestDisplayedPrice("buy")).toBe(100);
        expect(d.book.bestPrice("sell")).toBe(102);
        expect(d.book.bestDisplayedPrice("sell")).toBe(102);
        expect(d.book.orderCount).toBe(8);
      });

      it("an empty book has no best prices, no depth and no orders", () => {
        const d = open();
        for (const side of ["buy", "sell"] as const) {
          expect(d.book.bestPrice(side)).toBeNaN();
          expect(d.book.bestDisplayedPrice(side)).toBeNaN();
          expect(d.book.depth(side, 5)).toEqual([]);
        }
        expect(d.book.orderCount).toBe(0);
        expect(d.book.leaves(1)).toBe(0);
      });

      it("orderCount and leaves follow fills, cancels and replaces", () => {
        const d = open();
        d.buy(1, 100, 5).buy(2, 99, 5).sell(3, 101, 5);
        expect(d.book.orderCount).toBe(3);
        d.sell(4, 100, 2);
        expect([d.book.orderCount, d.book.leaves(1), d.book.leaves(4)]).toEqual([3, 3, 0]);
        d.sell(5, 100, 3);
        expect([d.book.orderCount, d.book.leaves(1)]).toEqual([2, 0]);
        d.book.cancel(2);
        expect([d.book.orderCount, d.book.leaves(2)]).toEqual([1, 0]);
        d.book.replace(3, 102, 8);
        expect([d.book.orderCount, d.book.leaves(3)]).toEqual([1, 8]);
      });

      it("onDepth is published only when a level's displayed total changes", () => {
        const d = open();
        d.sell(1, 100, 6, { display: 2 }).sell(2, 100, 5, { display: 0 }).take();
        d.buy(10, 100, 2); // slice used and refreshed to 2: total still 2
        d.buy(11, 100, 1); // slice 2 -> 1
        d.buy(12, 100, 1); // slice 1 -> 0, refreshed to 2 (reserve 2): total 1 -> 2
        d.buy(13, 100, 7); // iceberg's last 2, then hidden 5: total 2 -> 0, then unchanged
        expect(d.take()).toEqual([
          ["trade", 1, 10, 100, 2, 4, 0],
          ["trade", 1, 11, 100, 1, 3, 0],
          ["depth", "sell", 100, 1],
          ["trade", 1, 12, 100, 1, 2, 0],
          ["depth", "sell", 100, 2],
          ["trade", 1, 13, 100, 2, 0, 5],
          ["depth", "sell", 100, 0],
          ["trade", 2, 13, 100, 5, 0, 0],
        ]);
        expect(d.book.orderCount).toBe(0);
      });
    });
  });
}
