import { describe, expect, it } from "vitest";
import type { SelfTradePrevention } from "../../model/venue-spec.js";
import { CANCELLATION, DELETION, EXECUTION, HIDDEN_EXECUTION, SUBMISSION } from "./lobster-format.js";
import { LobsterReplay } from "./lobster-replay.js";
import { type QueueListener, QueuePositionBook } from "./queue-position-book.js";

const BID = 1;
const ASK = -1;
/** Dollars to LOBSTER price units (x 10^4). */
const $ = (dollars: number): number => Math.round(dollars * 10_000);

type Event = (string | number | null)[];

/**
 * A level-N recorded book seeded from one row (ask price, ask size, bid price, bid size per level), our orders in it,
 * and every listener call as a row. `rec` applies a recorded message; `row` is the orderbook row after it (used only
 * when a level surfaces).
 */
function world(seed: number[], stp: SelfTradePrevention = "cancel-incoming") {
  const replay = new LobsterReplay(seed.length / 4, true);
  replay.seed(Float64Array.from(seed), 0);
  const events: Event[] = [];
  const listener: QueueListener = {
    onRejected: (id, reason) => events.push(["rejected", id, reason]),
    onTrade: (maker, taker, price, qty, makerLeaves, takerLeaves) =>
      events.push(["trade", maker, taker, price / 10_000, qty, makerLeaves, takerLeaves]),
    onRested: (id, price, leaves) => events.push(["rested", id, price / 10_000, leaves]),
    onCancelled: (id, leaves, reason) => events.push(["cancelled", id, leaves, reason]),
    onCancelRejected: (id) => events.push(["cancel-rejected", id]),
    onReplaced: (id, price, leaves) => events.push(["replaced", id, price / 10_000, leaves]),
    onReplaceRejected: (id, reason) => events.push(["replace-rejected", id, reason]),
  };
  const book = new QueuePositionBook(replay, listener, stp);
  return {
    replay,
    book,
    /** Listener calls since the last call. */
    take: (): Event[] => events.splice(0),
    rec(type: number, orderId: number, size: number, dollars: number, direction: number, row: number[] = seed): void {
      const surfaced = replay.step(type, orderId, size, $(dollars), direction, Float64Array.from(row), 0);
      book.onRecorded(type, size, $(dollars), direction, replay.book.lastOrderSeq);
      if (surfaced) book.onSurfaced(replay.lastSurfacedSide, replay.lastSurfacedPrice);
    },
  };
}

/** ask 10.01 x 300 | bid 10.00 x 500. */
const LEVEL1 = [$(10.01), 300, $(10.0), 500];

describe("QueuePositionBook: a resting order's place in the queue", () => {
  it("joins behind the displayed size and fills when executions trade through its place", () => {
    const w = world(LEVEL1);
    w.rec(SUBMISSION, 7, 50, 10.0, BID); // ahead of us: submitted before we join
    w.book.limit(1, 1, "buy", $(10.0), 100, "day", false);
    expect(w.take()).toEqual([["rested", 1, 10.0, 100]]);
    expect(w.book.aheadOf(1)).toBe(550);
    w.rec(SUBMISSION, 8, 40, 10.0, BID); // behind us
    w.rec(CANCELLATION, 8, 40, 10.0, BID);
    expect(w.book.aheadOf(1)).toBe(550);
    w.rec(DELETION, 7, 50, 10.0, BID);
    expect(w.book.aheadOf(1)).toBe(500);
    w.rec(EXECUTION, 99, 200, 10.0, BID); // an order from before the open: ahead of us
    expect([w.book.aheadOf(1), w.take()]).toEqual([300, []]);
    w.rec(EXECUTION, 98, 340, 10.0, BID); // passes the 300 ahead, then 40 of ours
    expect(w.take()).toEqual([["trade", 1, null, 10.0, 40, 60, 0]]);
    expect(w.book.aheadOf(1)).toBe(0);
  });

  it("knows the queue passed it when an order submitted after it executes (FIFO)", () => {
    const w = world(LEVEL1);
    w.book.limit(1, 1, "buy", $(10.0), 100, "day", false);
    w.rec(SUBMISSION, 8, 40, 10.0, BID);
    w.take();
    w.rec(EXECUTION, 8, 40, 10.0, BID);
    expect(w.take()).toEqual([["trade", 1, null, 10.0, 40, 60, 0]]);
  });

  it("fills first when recorded volume trades at a worse price, or a recorded order crosses it", () => {
    const w = world([$(10.02), 300, $(10.0), 500]);
    w.book.limit(1, 1, "buy", $(10.01), 100, "day", false); // better than the recorded bid: nothing ahead
    expect(w.book.aheadOf(1)).toBe(0);
    w.rec(EXECUTION, 99, 30, 10.0, BID);
    w.rec(SUBMISSION, 5, 20, 10.01, ASK); // a seller at our price would have traded with us
    w.rec(HIDDEN_EXECUTION, 0, 5, 10.005, BID);
    expect(w.take()).toEqual([
      ["rested", 1, 10.01, 100],
      ["trade", 1, null, 10.01, 30, 70, 0],
      ["trade", 1, null, 10.01, 20, 50, 0],
      ["trade", 1, null, 10.01, 5, 45, 0],
    ]);
    expect(w.book.available("sell", $(10.01))).toBe(0); // the crossing seller's 20 went to us
  });

  it("learns its place when its level surfaces into the window", () => {
    const w = world(LEVEL1);
    w.book.limit(1, 1, "buy", $(9.98), 10, "day", false);
    expect(w.book.aheadOf(1)).toBeNaN();
    w.rec(DELETION, 99, 500, 10.0, BID, [$(10.01), 300, $(9.99), 70]);
    expect(w.book.aheadOf(1)).toBeNaN();
    w.rec(DELETION, 98, 70, 9.99, BID, [$(10.01), 300, $(9.98), 40]);
    expect(w.book.aheadOf(1)).toBe(40);
  });

  it("keeps its place on a reduction, loses it on a price change", () => {
    const w = world(LEVEL1);
    w.book.limit(1, 1, "buy", $(10.0), 100, "day", false);
    w.rec(SUBMISSION, 8, 40, 10.0, BID);
    w.book.replace(1, $(10.0), 60);
    expect(w.book.aheadOf(1)).toBe(500);
    w.book.replace(1, $(10.0), 80); // an increase: back of the queue
    expect(w.book.aheadOf(1)).toBe(540);
    expect(w.take()).toEqual([
      ["rested", 1, 10.0, 100],
      ["replaced", 1, 10.0, 60],
      ["replaced", 1, 10.0, 80],
      ["rested", 1, 10.0, 80],
    ]);
  });
});

describe("QueuePositionBook: taking", () => {
  it("takes from the recorded window, and what it took stays taken until the record shows more", () => {
    const w = world(LEVEL1);
    w.book.market(1, 1, "buy", 350, "ioc");
    w.book.market(2, 1, "buy", 10, "ioc");
    w.rec(SUBMISSION, 5, 100, 10.01, ASK);
    w.book.limit(3, 1, "buy", $(10.01), 30, "ioc", false);
    expect(w.take()).toEqual([
      ["trade", null, 1, 10.01, 300, 0, 50],
      ["cancelled", 1, 50, "ioc-unfilled"],
      ["cancelled", 2, 10, "ioc-unfilled"],
      ["trade", null, 3, 10.01, 30, 0, 0],
    ]);
  });

  it("lets our orders trade with each other, recorded liquidity first at the same price", () => {
    const w = world(LEVEL1);
    w.book.limit(1, 1, "sell", $(10.01), 10, "day", false);
    w.book.limit(2, 2, "buy", $(10.01), 310, "day", false);
    expect(w.take()).toEqual([
      ["rested", 1, 10.01, 10],
      ["trade", null, 2, 10.01, 300, 0, 10],
      ["trade", 1, 2, 10.01, 10, 0, 0],
    ]);
  });

  it("applies self-trade prevention between our own orders", () => {
    const w = world([$(10.05), 100, $(10.0), 100], "cancel-incoming");
    w.book.limit(1, 7, "sell", $(10.02), 10, "day", false);
    w.book.limit(2, 7, "buy", $(10.02), 10, "day", false);
    expect(w.take()).toEqual([
      ["rested", 1, 10.02, 10],
      ["cancelled", 2, 10, "self-trade"],
    ]);
  });

  it("refuses a post-only order that would take, and kills a FOK order it cannot fill", () => {
    const w = world(LEVEL1);
    w.book.limit(1, 1, "buy", $(10.01), 10, "day", true);
    w.book.limit(2, 1, "buy", $(10.01), 301, "fok", false);
    w.book.limit(3, 1, "buy", $(10.01), 300, "fok", false);
    w.book.limit(3, 1, "buy", $(9.9), 0, "day", false);
    expect(w.take()).toEqual([
      ["rejected", 1, "post-only-would-take"],
      ["cancelled", 2, 301, "fok-unfilled"],
      ["trade", null, 3, 10.01, 300, 0, 0],
      ["rejected", 3, "invalid-quantity"],
    ]);
  });
});
