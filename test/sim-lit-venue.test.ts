/**
 * Scenario tests of the simulated lit venue, end to end through the Venue port: orders go in on sessions, execution
 * reports and market data come out, each after the venue's latency in virtual time. Each scenario reads as a table of
 * orders in and reports or executions out.
 *
 * Fixture venues (test/sim-fixtures.ts): LITA maker-taker (maker -0.0020, taker 0.0030 a share; entry 100 µs, market
 * data 50 µs; everything supported; self-trade prevention cancel-incoming) and LITB inverted (maker 0.0010, taker
 * -0.0002; no hidden, iceberg or GTC; cancel-both). Prices in the tables are decimal strings of ACME (tick 0.01).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ExecutionReport } from "../src/model/execution-report.js";
import type { BookSnapshot, DepthUpdate, MarketDataEvent, TradePrint } from "../src/model/market-data.js";
import type { SimLitVenue } from "../src/venue/sim/sim-lit-venue.js";
import {
  auditParticipants,
  config,
  type Delivered,
  executions,
  fills,
  LATENCY,
  life,
  Participant,
  px,
  START,
  venueInput,
  Watcher,
  type World,
  world,
} from "./sim-fixtures.js";

afterEach(auditParticipants);

/** A world on the fixture venues (or an edited copy), with ACME price helpers and LITA/LITB participants. */
function scene(input = config(), seed = 1) {
  const w = world(input, seed);
  const acme = w.instrument("ACME");
  const p = (text: string): number => px(acme, text);
  const on = (venueId: string, account: string, symbol = "ACME"): Participant =>
    new Participant(w.venue(venueId), w.scheduler, account, symbol);
  const settle = (): void => void w.scheduler.runUntilIdle();
  const lit = (id: string): SimLitVenue => w.lit.find((v) => v.id === id) as SimLitVenue;
  return { w, acme, p, on, settle, lit };
}

function depthOf(w: World, venueId: string, symbol = "ACME") {
  const venue = w.lit.find((v) => v.id === venueId) as SimLitVenue;
  const book = venue.book(symbol);
  if (book === undefined) throw new Error(`${venueId} does not trade ${symbol}`);
  return { bids: book.depth("buy", 10), asks: book.depth("sell", 10) };
}

describe("SimLitVenue: fees and liquidity flags", () => {
  /** A maker sell rests, a taker buy of the same size meets it; returns [maker fee, taker fee] in micros. */
  function feesFor(venueId: string, symbol: string, lots: number, price: string): [number, number] {
    const { w, on, settle } = scene();
    const instrument = w.instrument(symbol);
    const maker = on(venueId, "M", symbol).sell("S1", lots, px(instrument, price));
    settle();
    const taker = on(venueId, "T", symbol).buy("B1", lots, px(instrument, price));
    settle();
    const [m] = fills(maker.reports);
    const [t] = fills(taker.reports);
    expect(m?.[3]).toBe("maker");
    expect(t?.[3]).toBe("taker");
    return [m?.[4] as number, t?.[4] as number];
  }

  it.each([
    // venue, symbol, lots, shares,  maker fee, taker fee (micros)
    ["LITA", "ACME", 100, "100 sh", -200_000, 300_000],
    ["LITB", "ACME", 100, "100 sh", 100_000, -20_000],
    ["LITA", "NRTH", 3, "300 sh (round lots)", -600_000, 900_000],
    ["LITB", "NRTH", 3, "300 sh (round lots)", 300_000, -60_000],
    ["LITA", "PNNY", 10_000, "1 sh (fractional lots)", -2_000, 3_000],
    ["LITA", "PNNY", 12_345, "1.2345 sh", -2_469, 3_704],
  ])("%s %s %i lots (%s): maker %i, taker %i micros", (venueId, symbol, lots, _shares, maker, taker) => {
    const price = symbol === "ACME" ? "150.00" : symbol === "NRTH" ? "40.00" : "5.00";
    expect(feesFor(venueId, symbol, lots, price)).toEqual([maker, taker]);
  });

  it("rounds the fee of a fraction of a share half away from zero, to the micro", () => {
    // Exact values: 0.0045 sh x 0.0030 = 13.5 micros -> 14; 0.0005 sh x -0.0002 = -0.1 micros -> 0 (not -0).
    const rows = [
      ["LITA", 45, -9, 14],
      ["LITA", 5, -1, 2],
      ["LITA", 1, 0, 0],
      ["LITB", 5, 1, 0],
      ["LITB", 25, 3, -1],
    ] as const;
    const got = rows.map(([venueId, lots]) => [venueId, lots, ...feesFor(venueId, "PNNY", lots, "5.00")]);
    // toStrictEqual tells 0 from -0.
    expect(got).toStrictEqual(rows.map((r) => [...r]));
  });

  it("charges each execution of a sweep separately, with the maker's price and the taker's rate", () => {
    const { acme, p, on, settle } = scene();
    const m1 = on("LITA", "M1").sell("S1", 100, p("150.00"));
    const m2 = on("LITA", "M2").sell("S2", 50, p("150.01"));
    settle();
    const t = on("LITA", "T").buy("B1", 150, p("150.01"));
    settle();
    expect(fills(t.reports)).toEqual([
      ["B1", 100, p("150.00"), "taker", 300_000],
      ["B1", 50, p("150.01"), "taker", 150_000],
    ]);
    expect(fills([...m1.reports, ...m2.reports])).toEqual([
      ["S1", 100, p("150.00"), "maker", -200_000],
      ["S2", 50, p("150.01"), "maker", -100_000],
    ]);
    const last = t.reports.at(-1) as ExecutionReport;
    expect(last.avgPx).toBeCloseTo((100 * p("150.00") + 50 * p("150.01")) / 150, 9);
    expect(acme.formatPrice(Math.round(last.avgPx))).toBe("150.0033");
  });
});

describe("SimLitVenue: price-time priority across sessions", () => {
  it("fills the better price first, then the older order at a price, whoever's session it came on", () => {
    const { acme, p, on, settle } = scene();
    const one = on("LITA", "P1");
    const two = on("LITA", "P2");
    const three = on("LITA", "P3");
    // Orders in, each settled before the next:
    one.sell("S1", 100, p("150.01"));
    settle();
    two.sell("S2", 100, p("150.01"));
    settle();
    one.sell("S3", 100, p("150.00"));
    settle();
    three.buy("B1", 250, p("150.01"));
    settle();
    expect(executions(acme, one, two, three)).toEqual([
      ["S3", "sell", 100, "150.00", "maker"],
      ["B1", "buy", 100, "150.00", "taker"],
      ["S1", "sell", 100, "150.01", "maker"],
      ["B1", "buy", 100, "150.01", "taker"],
      ["S2", "sell", 50, "150.01", "maker"],
      ["B1", "buy", 50, "150.01", "taker"],
    ]);
    expect(life(two.reports)).toEqual([
      ["S2", "new", "new", 0, 100, null],
      ["S2", "trade", "partially-filled", 50, 50, null],
    ]);
  });
});

describe("SimLitVenue: time in force and order instructions", () => {
  it("IOC: trades what it can now and cancels the rest", () => {
    const { p, on, settle } = scene();
    on("LITA", "M").sell("S1", 100, p("150.00"));
    settle();
    const t = on("LITA", "T").buy("I1", 150, p("150.00"), { timeInForce: "ioc" });
    settle();
    expect(life(t.reports)).toEqual([
      ["I1", "new", "new", 0, 150, null],
      ["I1", "trade", "partially-filled", 100, 50, null],
      ["I1", "canceled", "canceled", 100, 0, "ioc-unfilled"],
    ]);
  });

  it("FOK: all or nothing, and the book is untouched when it cannot fill", () => {
    const { w, p, on, settle } = scene();
    const m = on("LITA", "M").sell("S1", 100, p("150.00"));
    settle();
    const t = on("LITA", "T").buy("F1", 150, p("150.00"), { timeInForce: "fok" });
    settle();
    expect(life(t.take())).toEqual([
      ["F1", "new", "new", 0, 150, null],
      ["F1", "canceled", "canceled", 0, 0, "fok-unfilled"],
    ]);
    expect(depthOf(w, "LITA").asks).toEqual([{ price: p("150.00"), qty: 100 }]);
    t.buy("F2", 100, p("150.00"), { timeInForce: "fok" });
    settle();
    expect(life(t.take())).toEqual([
      ["F2", "new", "new", 0, 100, null],
      ["F2", "trade", "filled", 100, 0, null],
    ]);
    expect(life(m.reports).at(-1)).toEqual(["S1", "trade", "filled", 100, 0, null]);
  });

  it("post-only: rejected when it would take, rests and earns the maker rebate otherwise", () => {
    const { p, on, settle } = scene();
    on("LITA", "M").sell("S1", 100, p("150.01"));
    settle();
    const po = on("LITA", "PO").buy("PO1", 100, p("150.01"), { postOnly: true });
    settle();
    po.buy("PO2", 100, p("150.00"), { postOnly: true });
    settle();
    on("LITA", "T").sell("S2", 100, p("150.00"));
    settle();
    expect(life(po.reports)).toEqual([
      ["PO1", "rejected", "rejected", 0, 0, "post-only-would-take"],
      ["PO2", "new", "new", 0, 100, null],
      ["PO2", "trade", "filled", 100, 0, null],
    ]);
    expect(fills(po.reports)).toEqual([["PO2", 100, p("150.00"), "maker", -200_000]]);
  });

  it("hidden: fills as a maker but after the displayed orders at its price, even older", () => {
    const { w, acme, p, on, settle } = scene();
    const h = on("LITA", "H").sell("H1", 100, p("150.00"), { displayQty: 0 });
    settle();
    const d = on("LITA", "D").sell("D1", 100, p("150.00"));
    settle();
    expect(depthOf(w, "LITA").asks).toEqual([{ price: p("150.00"), qty: 100 }]);
    const t = on("LITA", "T").buy("B1", 150, p("150.00"));
    settle();
    expect(executions(acme, h, d, t)).toEqual([
      ["D1", "sell", 100, "150.00", "maker"],
      ["B1", "buy", 100, "150.00", "taker"],
      ["H1", "sell", 50, "150.00", "maker"],
      ["B1", "buy", 50, "150.00", "taker"],
    ]);
  });

  it("iceberg: shows one slice at a time and a refreshed slice queues behind later orders", () => {
    const { w, acme, p, on, settle } = scene();
    const ice = on("LITA", "I").sell("I1", 500, p("150.00"), { displayQty: 100 });
    settle();
    expect(depthOf(w, "LITA").asks).toEqual([{ price: p("150.00"), qty: 100 }]);
    const d = on("LITA", "D").sell("D1", 100, p("150.00"));
    settle();
    const t = on("LITA", "T").buy("B1", 250, p("150.00"));
    settle();
    expect(executions(acme, ice, d, t)).toEqual([
      ["I1", "sell", 100, "150.00", "maker"],
      ["B1", "buy", 100, "150.00", "taker"],
      ["D1", "sell", 100, "150.00", "maker"],
      ["B1", "buy", 100, "150.00", "taker"],
      ["I1", "sell", 50, "150.00", "maker"],
      ["B1", "buy", 50, "150.00", "taker"],
    ]);
    expect(life(ice.reports).at(-1)).toEqual(["I1", "trade", "partially-filled", 150, 350, null]);
    expect(depthOf(w, "LITA").asks).toEqual([{ price: p("150.00"), qty: 50 }]);
  });

  it("market order: sweeps the book and cancels what is left, even as DAY", () => {
    const { acme, p, on, settle } = scene();
    const m = on("LITA", "M").sell("S1", 100, p("150.00")).sell("S2", 100, p("150.01"));
    settle();
    const t = on("LITA", "T").buy("MKT", 250, null);
    settle();
    expect(executions(acme, m, t).filter((r) => r[0] === "MKT")).toEqual([
      ["MKT", "buy", 100, "150.00", "taker"],
      ["MKT", "buy", 100, "150.01", "taker"],
    ]);
    expect(life(t.reports).at(-1)).toEqual(["MKT", "canceled", "canceled", 200, 0, "ioc-unfilled"]);
    expect(t.reports[0]).toMatchObject({ ordType: "market", timeInForce: "day", price: null });
    const empty = on("LITA", "E").sell("MKT2", 10, null);
    settle();
    expect(life(empty.reports)).toEqual([
      ["MKT2", "new", "new", 0, 10, null],
      ["MKT2", "canceled", "canceled", 0, 0, "ioc-unfilled"],
    ]);
  });
});

describe("SimLitVenue: what each venue accepts", () => {
  it.each([
    // venue, what, order options, reason
    ["LITB", "a hidden order (hidden unsupported)", { displayQty: 0 }, "unsupported-instruction"],
    ["LITB", "an iceberg (iceberg unsupported)", { displayQty: 10 }, "unsupported-instruction"],
    ["LITB", "GTC (not in its times in force)", { timeInForce: "gtc" }, "unsupported-time-in-force"],
    ["LITA", "a minimum quantity (a dark-pool instruction)", { minQty: 10 }, "unsupported-instruction"],
    ["LITA", "a display larger than the order", { displayQty: 101 }, "invalid-quantity"],
    ["LITA", "a negative display", { displayQty: -1 }, "invalid-quantity"],
    ["LITA", "a fractional display", { displayQty: 2.5 }, "invalid-quantity"],
  ] as const)("%s rejects %s", (venueId, _what, options, reason) => {
    const { p, on, settle } = scene();
    const a = on(venueId, "A").buy("X1", 100, p("150.00"), options);
    settle();
    expect(life(a.reports)).toEqual([["X1", "rejected", "rejected", 0, 0, reason]]);
  });

  it("rejects a post-only market order", () => {
    const { on, settle } = scene();
    const a = on("LITA", "A").buy("X1", 100, null, { postOnly: true });
    settle();
    expect(a.reports).toMatchObject([{ execType: "rejected", reason: "unsupported-instruction" }]);
  });

  it("rejects what a venue's reference data leaves out: market orders, post-only", () => {
    const { p, on, settle } = scene(
      config((c) => {
        const b = venueInput(c, "LITB");
        b.orderTypes = ["limit"];
        b.supports = { postOnly: false, hidden: false, iceberg: false };
      }),
    );
    const a = on("LITB", "A").buy("X1", 100, null).buy("X2", 100, p("150.00"), { postOnly: true });
    a.buy("OK", 100, p("150.00"));
    settle();
    expect(life(a.reports)).toEqual([
      ["X1", "rejected", "rejected", 0, 0, "unsupported-order-type"],
      ["X2", "rejected", "rejected", 0, 0, "unsupported-instruction"],
      ["OK", "new", "new", 0, 100, null],
    ]);
  });

  it("enforces the venue's minimum quantity in lots of each instrument", () => {
    const { w, p, on, settle } = scene(
      config((c) => {
        venueInput(c, "LITA").minQuantity = 100;
      }),
    );
    const a = on("LITA", "A").buy("A99", 99, p("150.00")).buy("A100", 100, p("150.00"));
    // NRTH lots are 100 shares: one lot is 100 shares but still below a minimum of 100 lots.
    a.buy("N1", 1, px(w.instrument("NRTH"), "40.00"), { symbol: "NRTH" });
    a.buy("N100", 100, px(w.instrument("NRTH"), "40.00"), { symbol: "NRTH" });
    settle();
    expect(life(a.reports)).toEqual([
      ["A99", "rejected", "rejected", 0, 0, "below-minimum-quantity"],
      ["A100", "new", "new", 0, 100, null],
      ["N1", "rejected", "rejected", 0, 0, "below-minimum-quantity"],
      ["N100", "new", "new", 0, 100, null],
    ]);
  });
});

describe("SimLitVenue: replace and priority", () => {
  /** Two 100-lot sells at 150.01, P1's first; `amend` replaces P1's; then a buy of `take` lots arrives. */
  function race(amend: (one: Participant, p: (text: string) => number) => void, take: number) {
    const { acme, p, on, settle } = scene();
    const one = on("LITA", "P1").sell("S1", 100, p("150.01"));
    settle();
    const two = on("LITA", "P2").sell("S2", 100, p("150.01"));
    settle();
    amend(one, p);
    settle();
    on("LITA", "T").buy("B1", take, p("150.01"));
    settle();
    return { rows: executions(acme, one, two).map((r) => [r[0], r[2]]), one };
  }

  it("a smaller quantity at the same price keeps the order's place", () => {
    const { rows, one } = race((o, p) => o.replace("R1", "S1", 60, p("150.01")), 60);
    expect(rows).toEqual([["R1", 60]]);
    expect(life(one.reports)).toEqual([
      ["S1", "new", "new", 0, 100, null],
      ["R1", "replaced", "new", 0, 60, null],
      ["R1", "trade", "filled", 60, 0, null],
    ]);
  });

  it("a larger quantity loses the order's place", () => {
    const { rows } = race((o) => o.replace("R1", "S1", 150, null), 100);
    expect(rows).toEqual([["S2", 100]]);
  });

  it("a price change loses the place, even when the price comes back", () => {
    const { rows, one } = race(
      (o, p) => o.replace("R1", "S1", 100, p("150.02")).replace("R2", "R1", 100, p("150.01")),
      150,
    );
    expect(rows).toEqual([
      ["S2", 100],
      ["R2", 50],
    ]);
    expect(life(one.reports).map((r) => [r[0], r[1]])).toEqual([
      ["S1", "new"],
      ["R1", "replaced"],
      ["R2", "replaced"],
      ["R2", "trade"],
    ]);
  });

  it("a replace that crosses the book trades at once, after the replaced report", () => {
    const { p, on, settle } = scene();
    on("LITA", "M").sell("S1", 100, p("150.02"));
    settle();
    const a = on("LITA", "A").buy("B1", 100, p("150.00"));
    settle();
    a.replace("R1", "B1", 100, p("150.02"));
    settle();
    expect(life(a.reports)).toEqual([
      ["B1", "new", "new", 0, 100, null],
      ["R1", "replaced", "new", 0, 100, null],
      ["R1", "trade", "filled", 100, 0, null],
    ]);
    expect(fills(a.reports)).toEqual([["R1", 100, p("150.02"), "taker", 300_000]]);
  });

  it("a post-only order may not be replaced to a price that would take", () => {
    const { p, on, settle } = scene();
    on("LITA", "M").sell("S1", 100, p("150.02"));
    settle();
    const a = on("LITA", "A").buy("B1", 100, p("150.00"), { postOnly: true });
    settle();
    a.replace("R1", "B1", 100, p("150.02"));
    settle();
    expect(a.cancelRejects.map((d) => [d.msg.clOrdId, d.msg.responseTo, d.msg.reason])).toEqual([
      ["R1", "replace", "post-only-would-take"],
    ]);
    a.cancel("C1", "B1");
    settle();
    expect(life(a.reports).at(-1)).toEqual(["C1", "canceled", "canceled", 0, 0, "requested"]);
  });
});

describe("SimLitVenue: self-trade prevention by account", () => {
  /** Account X rests S1 and then (on another session) buys into it; account Y rests S2 behind S1. */
  function selfTrade(stp: "none" | "cancel-resting" | "cancel-incoming" | "cancel-both") {
    const { p, on, settle } = scene(
      config((c) => {
        venueInput(c, "LITA").selfTradePrevention = stp;
      }),
    );
    const seller = on("LITA", "X").sell("S1", 100, p("150.00"));
    settle();
    const other = on("LITA", "Y").sell("S2", 100, p("150.00"));
    settle();
    const buyer = on("LITA", "X").buy("B1", 100, p("150.00"));
    settle();
    return { seller: life(seller.reports), other: life(other.reports), buyer: life(buyer.reports) };
  }

  it("cancel-incoming: the incoming order is canceled, the resting one stays first in line", () => {
    expect(selfTrade("cancel-incoming")).toEqual({
      seller: [["S1", "new", "new", 0, 100, null]],
      other: [["S2", "new", "new", 0, 100, null]],
      buyer: [
        ["B1", "new", "new", 0, 100, null],
        ["B1", "canceled", "canceled", 0, 0, "self-trade"],
      ],
    });
  });

  it("cancel-resting: the resting order is canceled and the incoming one trades with the next", () => {
    expect(selfTrade("cancel-resting")).toEqual({
      seller: [
        ["S1", "new", "new", 0, 100, null],
        ["S1", "canceled", "canceled", 0, 0, "self-trade"],
      ],
      other: [
        ["S2", "new", "new", 0, 100, null],
        ["S2", "trade", "filled", 100, 0, null],
      ],
      buyer: [
        ["B1", "new", "new", 0, 100, null],
        ["B1", "trade", "filled", 100, 0, null],
      ],
    });
  });

  it("cancel-both: both are canceled", () => {
    expect(selfTrade("cancel-both")).toEqual({
      seller: [
        ["S1", "new", "new", 0, 100, null],
        ["S1", "canceled", "canceled", 0, 0, "self-trade"],
      ],
      other: [["S2", "new", "new", 0, 100, null]],
      buyer: [
        ["B1", "new", "new", 0, 100, null],
        ["B1", "canceled", "canceled", 0, 0, "self-trade"],
      ],
    });
  });

  it("none: the account trades with itself", () => {
    expect(selfTrade("none")).toEqual({
      seller: [
        ["S1", "new", "new", 0, 100, null],
        ["S1", "trade", "filled", 100, 0, null],
      ],
      other: [["S2", "new", "new", 0, 100, null]],
      buyer: [
        ["B1", "new", "new", 0, 100, null],
        ["B1", "trade", "filled", 100, 0, null],
      ],
    });
  });

  it("the fixture venues: LITB cancels both, so an account's own bid and offer never meet", () => {
    const { p, on, settle } = scene();
    const x = on("LITB", "X").sell("S1", 100, p("150.00")).buy("B1", 100, p("150.00"));
    settle();
    // Each order's own story. Across the two, S1's self-trade cancel reaches the session before B1's acknowledgement:
    // the venue acknowledges an incoming order before the trades it causes, but not before the STP cancels it causes.
    expect([life(x.reportsFor("S1")), life(x.reportsFor("B1"))]).toEqual([
      [
        ["S1", "new", "new", 0, 100, null],
        ["S1", "canceled", "canceled", 0, 0, "self-trade"],
      ],
      [
        ["B1", "new", "new", 0, 100, null],
        ["B1", "canceled", "canceled", 0, 0, "self-trade"],
      ],
    ]);
  });
});

describe("SimLitVenue: market data", () => {
  const md = LATENCY.LITA.marketData;
  const oe = LATENCY.LITA.orderEntry;

  type Row = [number, string, ...unknown[]];
  /** `[delivered - START, type, ...]` rows for ACME: snapshots as their levels, depth as side/price/qty, trades. */
  function rows(events: readonly Delivered<MarketDataEvent>[]): Row[] {
    return events
      .filter((e) => e.msg.symbol === "ACME")
      .map(({ at, msg }) => {
        const t = at - START;
        if (msg.type === "snapshot") return [t, "snapshot", msg.bids, msg.asks];
        if (msg.type === "depth") return [t, "depth", msg.side, msg.price, msg.qty];
        return [t, "trade", msg.price, msg.qty, msg.aggressor];
      });
  }

  it("a subscriber gets a snapshot first, then depth updates and trade prints, each after the latency", () => {
    const { w, p, on } = scene();
    const watcher = new Watcher(w.venue("LITA"), w.scheduler);
    const seller = on("LITA", "S").sell("S1", 100, p("150.01"));
    w.scheduler.runUntil(START + 1000);
    on("LITA", "B").buy("B1", 40, p("150.01"));
    w.scheduler.runUntilIdle();
    expect(rows(watcher.events)).toEqual([
      [md, "snapshot", [], []],
      [oe + md, "depth", "sell", p("150.01"), 100],
      [1000 + oe + md, "trade", p("150.01"), 40, "buy"],
      [1000 + oe + md, "depth", "sell", p("150.01"), 60],
    ]);
    for (const { at, msg } of watcher.events) expect(at - msg.time).toBe(md);
    expect(seller.reports.length).toBe(2);
    // The venue's snapshot covers every instrument it trades, before anything else.
    const snapshots = watcher.events.slice(0, 3).map((e) => [e.msg.type, e.msg.symbol]);
    expect(snapshots).toEqual([
      ["snapshot", "ACME"],
      ["snapshot", "NRTH"],
      ["snapshot", "PNNY"],
    ]);
  });

  it("a late subscriber's snapshot shows the book as it is when it subscribes", () => {
    const { w, p, on, settle } = scene();
    on("LITA", "A").sell("S1", 100, p("150.01")).sell("S2", 50, p("150.02")).buy("B1", 70, p("149.99"));
    settle();
    const at = w.scheduler.now();
    const watcher = new Watcher(w.venue("LITA"), w.scheduler);
    settle();
    const [first] = watcher.events;
    expect(first?.at).toBe(at + md);
    expect(first?.msg).toMatchObject({
      type: "snapshot",
      symbol: "ACME",
      bids: [{ price: p("149.99"), qty: 70 }],
      asks: [
        { price: p("150.01"), qty: 100 },
        { price: p("150.02"), qty: 50 },
      ],
    } satisfies Partial<BookSnapshot>);
  });

  it("hidden orders never appear in depth; their executions print as trades", () => {
    const { w, p, on, settle } = scene();
    const watcher = new Watcher(w.venue("LITA"), w.scheduler);
    on("LITA", "H").sell("H1", 100, p("150.00"), { displayQty: 0 });
    settle();
    on("LITA", "I").sell("I1", 300, p("150.01"), { displayQty: 50 });
    settle();
    const late = new Watcher(w.venue("LITA"), w.scheduler);
    on("LITA", "T").buy("B1", 60, p("150.00"));
    settle();
    const depth = watcher.events.filter((e) => e.msg.type === "depth").map((e) => e.msg as DepthUpdate);
    expect(depth.map((d) => [d.side, d.price, d.qty])).toEqual([["sell", p("150.01"), 50]]);
    const trades = watcher.events.filter((e) => e.msg.type === "trade").map((e) => e.msg as TradePrint);
    expect(trades.map((t) => [t.price, t.qty, t.aggressor])).toEqual([[p("150.00"), 60, "buy"]]);
    expect(late.events[0]?.msg).toMatchObject({ type: "snapshot", bids: [], asks: [{ price: p("150.01"), qty: 50 }] });
  });
});

describe("SimLitVenue: latency in virtual time", () => {
  it("reports come back one round trip after the order was sent, stamped with the venue's time", () => {
    const { w, p, on, settle } = scene();
    w.scheduler.runUntil(START + 1234);
    const a = on("LITB", "A").buy("B1", 10, p("150.00"));
    settle();
    const oe = LATENCY.LITB.orderEntry;
    expect(a.delivered.map((d) => [d.at - START, d.msg.transactTime - START])).toEqual([[1234 + 2 * oe, 1234 + oe]]);
  });

  it("priority goes to the order that reaches the venue first, not the one sent first", () => {
    // Uniform entry latency 100..1000 µs: P1 sends at t, P2 at t + 50 µs. Across seeds both orders of arrival occur;
    // in every one the first to arrive (its acknowledgement's transactTime) is the first to fill.
    let laterSenderWon = 0;
    let earlierSenderWon = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const input = config((c) => {
        venueInput(c, "LITA").orderEntryLatency = { kind: "uniform", minMicros: 100, maxMicros: 1000 };
      });
      const { w, p, on, settle } = scene(input, seed);
      const one = on("LITA", "P1");
      const two = on("LITA", "P2");
      one.sell("S1", 100, p("150.00"));
      w.scheduler.runUntil(START + 50);
      two.sell("S2", 100, p("150.00"));
      settle();
      const arrival1 = (one.reports[0] as ExecutionReport).transactTime;
      const arrival2 = (two.reports[0] as ExecutionReport).transactTime;
      if (arrival1 === arrival2) continue;
      on("LITA", "T").buy("B1", 100, p("150.00"));
      settle();
      const filled = [...one.reports, ...two.reports].find((r) => r.execType === "trade")?.clOrdId;
      expect(filled, `seed ${seed}`).toBe(arrival1 < arrival2 ? "S1" : "S2");
      if (filled === "S2") laterSenderWon++;
      else earlierSenderWon++;
    }
    expect(laterSenderWon).toBeGreaterThan(0);
    expect(earlierSenderWon).toBeGreaterThan(0);
  });

  it.each([
    ["lognormal", { kind: "lognormal", medianMicros: 200, sigma: 1.5, maxMicros: 100_000 }],
    ["uniform", { kind: "uniform", minMicros: 10, maxMicros: 5_000 }],
  ] as const)("a %s latency never reorders the messages of one session", (_kind, latency) => {
    const { w, p, on, settle } = scene(
      config((c) => {
        venueInput(c, "LITA").orderEntryLatency = latency;
      }),
      3,
    );
    const a = on("LITA", "A");
    const sentAt: number[] = [];
    for (let i = 0; i < 100; i++) {
      w.scheduler.runUntil(START + i * 20);
      sentAt.push(w.scheduler.now());
      a.sell(`S${i}`, 10, p("150.00"));
      // A cancel sent right behind its order can never overtake it.
      if (i % 2 === 1) a.cancel(`C${i}`, `S${i}`);
    }
    settle();
    const acks = a.reports.filter((r) => r.execType === "new");
    expect(acks.map((r) => r.clOrdId)).toEqual(sentAt.map((_t, i) => `S${i}`));
    const arrivals = acks.map((r) => r.transactTime);
    expect(arrivals).toEqual([...arrivals].sort((x, y) => x - y));
    const deliveries = a.delivered.map((d) => d.at);
    expect(deliveries).toEqual([...deliveries].sort((x, y) => x - y));
    expect(a.cancelRejects).toEqual([]);
    expect(a.reports.filter((r) => r.execType === "canceled")).toHaveLength(50);
    // The draws did vary enough that, without in-order delivery, later messages would have overtaken earlier ones.
    const oneWay = arrivals.map((t, i) => t - (sentAt[i] as number));
    expect(Math.max(...oneWay) - Math.min(...oneWay)).toBeGreaterThan(100);
  });
});
