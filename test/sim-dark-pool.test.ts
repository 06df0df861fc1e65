/**
 * Scenario tests of the simulated dark pool through the Venue port. The pool crosses midpoint pegs at the midpoint of
 * the lit NBBO, which it sees through the consolidated quote fed by the lit venues' market data: each scenario sets
 * lit quotes with a market maker on LITA (and LITB for locked and crossed markets), lets them propagate, then sends
 * dark orders and reads the reports.
 *
 * Fixture pool DRKP (test/sim-fixtures.ts): ACME only, maker fee 0.0010 and taker fee 0.0015 a share (different, so
 * the flags show in the fees), market (pure peg) and limit (capped peg) orders, DAY/IOC/FOK, no venue minimum,
 * order entry 400 µs and market data 300 µs.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { TradePrint } from "../src/model/market-data.js";
import type { SimDarkPool } from "../src/venue/sim/sim-dark-pool.js";
import {
  auditParticipants,
  config,
  executions,
  fills,
  LATENCY,
  life,
  type OrderOptions,
  Participant,
  px,
  START,
  venueInput,
  Watcher,
  world,
} from "./sim-fixtures.js";

afterEach(auditParticipants);

/** A lit market maker: keeps at most one bid and one ask on its venue, moving them by cancel and new order. */
class Quoter {
  private n = 0;
  private bid: string | null = null;
  private ask: string | null = null;

  constructor(
    private readonly mm: Participant,
    private readonly price: (text: string) => number,
  ) {}

  /** Quotes `bid`/`ask` (null: none on that side), 1000 lots each. */
  set(bid: string | null, ask: string | null): void {
    if (this.bid !== null) this.mm.cancel(`MC${++this.n}`, this.bid);
    if (this.ask !== null) this.mm.cancel(`MC${++this.n}`, this.ask);
    this.bid = bid === null ? null : `MB${++this.n}`;
    this.ask = ask === null ? null : `MA${++this.n}`;
    if (this.bid !== null && bid !== null) this.mm.buy(this.bid, 1000, this.price(bid));
    if (this.ask !== null && ask !== null) this.mm.sell(this.ask, 1000, this.price(ask));
  }
}

function pool(input = config()) {
  const w = world(input);
  const acme = w.instrument("ACME");
  const p = (text: string): number => px(acme, text);
  const settle = (): void => void w.scheduler.runUntilIdle();
  const litA = new Quoter(new Participant(w.venue("LITA"), w.scheduler, "MM-A"), p);
  const litB = new Quoter(new Participant(w.venue("LITB"), w.scheduler, "MM-B"), p);
  /** Sets the lit quotes (LITA, and optionally LITB) and lets them reach the consolidated quote. */
  const quote = (a: [string | null, string | null], b: [string | null, string | null] = [null, null]): void => {
    litA.set(...a);
    litB.set(...b);
    settle();
  };
  const dark = (account: string): Participant => new Participant(w.venue("DRKP"), w.scheduler, account);
  const drkp = w.dark[0] as SimDarkPool;
  const nbbo = (): [string | null, string | null] => {
    const q = w.quotes.nbbo("ACME");
    return [Number.isNaN(q.bid) ? null : acme.formatPrice(q.bid), Number.isNaN(q.ask) ? null : acme.formatPrice(q.ask)];
  };
  return { w, acme, p, settle, quote, dark, drkp, nbbo };
}

/** Sends one order and settles. */
function send(
  t: Participant,
  settle: () => void,
  side: "buy" | "sell",
  id: string,
  qty: number,
  price: number | null,
  o: OrderOptions = {},
): void {
  t.order(id, side, qty, price, o);
  settle();
}

describe("SimDarkPool: midpoint crossing", () => {
  it("crosses two pegs at the midpoint of the lit NBBO, the resting order as maker", () => {
    const { acme, settle, quote, dark, nbbo } = pool();
    quote(["149.99", "150.01"]);
    expect(nbbo()).toEqual(["149.99", "150.01"]);
    const seller = dark("D1");
    const buyer = dark("D2");
    send(seller, settle, "sell", "S1", 300, null);
    send(buyer, settle, "buy", "B1", 200, null);
    expect(executions(acme, seller, buyer)).toEqual([
      ["S1", "sell", 200, "150.00", "maker"],
      ["B1", "buy", 200, "150.00", "taker"],
    ]);
    expect(life(seller.reports)).toEqual([
      ["S1", "new", "new", 0, 300, null],
      ["S1", "trade", "partially-filled", 200, 100, null],
    ]);
  });

  it("takes the best bid and the best offer across the lit venues", () => {
    const { acme, settle, quote, dark, nbbo } = pool();
    quote(["150.00", "150.05"], ["149.98", "150.02"]);
    expect(nbbo()).toEqual(["150.00", "150.02"]);
    const seller = dark("D1");
    const buyer = dark("D2");
    send(seller, settle, "sell", "S1", 100, null);
    send(buyer, settle, "buy", "B1", 100, null);
    expect(executions(acme, seller, buyer).map((r) => r[3])).toEqual(["150.01", "150.01"]);
  });

  it("crosses at a half-tick midpoint, exactly, in price units", () => {
    const { acme, p, settle, quote, dark } = pool();
    quote(["150.00", "150.01"]);
    const seller = dark("D1");
    const buyer = dark("D2");
    send(seller, settle, "sell", "S1", 100, null);
    send(buyer, settle, "buy", "B1", 100, null);
    const half = (p("150.00") + p("150.01")) / 2;
    expect(half).toBe(1_500_050);
    expect(fills(buyer.reports)).toEqual([["B1", 100, 1_500_050, "taker", 150_000]]);
    expect(buyer.reports.at(-1)?.avgPx).toBe(1_500_050);
    expect(acme.formatPrice(1_500_050)).toBe("150.005");
  });

  it("re-crosses resting orders when the quote changes, at the new midpoint", () => {
    const { acme, settle, quote, dark } = pool();
    const seller = dark("D1");
    const buyer = dark("D2");
    send(seller, settle, "sell", "S1", 100, null);
    send(buyer, settle, "buy", "B1", 100, null);
    expect(executions(acme, seller, buyer)).toEqual([]);
    quote(["150.10", "150.14"]);
    expect(executions(acme, seller, buyer)).toEqual([
      ["S1", "sell", 100, "150.12", "maker"],
      ["B1", "buy", 100, "150.12", "taker"],
    ]);
  });
});

describe("SimDarkPool: minimum quantity", () => {
  it("does not cross with a contra smaller than the minimum, and crosses once one is big enough", () => {
    const { acme, settle, quote, dark, drkp } = pool();
    quote(["149.99", "150.01"]);
    const big = dark("BIG");
    const small = dark("SMALL");
    const other = dark("OTHER");
    send(big, settle, "buy", "B1", 500, null, { minQty: 200 });
    send(small, settle, "sell", "S1", 100, null);
    expect(drkp.restingQuantity("ACME")).toEqual({ buy: 500, sell: 100 });
    send(other, settle, "sell", "S2", 300, null);
    expect(executions(acme, big, small, other)).toEqual([
      ["B1", "buy", 300, "150.00", "maker"],
      ["S2", "sell", 300, "150.00", "taker"],
    ]);
    expect(drkp.restingQuantity("ACME")).toEqual({ buy: 200, sell: 100 });
  });

  it("an arriving order's own minimum is respected too", () => {
    const { acme, settle, quote, dark, drkp } = pool();
    quote(["149.99", "150.01"]);
    const small = dark("SMALL");
    const big = dark("BIG");
    send(small, settle, "sell", "S1", 100, null);
    send(big, settle, "buy", "B1", 500, null, { minQty: 200 });
    expect(executions(acme, small, big)).toEqual([]);
    expect(drkp.restingQuantity("ACME")).toEqual({ buy: 500, sell: 100 });
  });

  it("an order whose leaves fall below its minimum accepts its remainder", () => {
    const { acme, settle, quote, dark } = pool();
    quote(["149.99", "150.01"]);
    const big = dark("BIG");
    const s1 = dark("S1");
    const s2 = dark("S2");
    send(big, settle, "buy", "B1", 500, null, { minQty: 200 });
    send(s1, settle, "sell", "S1", 400, null);
    send(s2, settle, "sell", "S2", 100, null);
    expect(executions(acme, big, s1, s2).filter((r) => r[0] === "B1")).toEqual([
      ["B1", "buy", 400, "150.00", "maker"],
      ["B1", "buy", 100, "150.00", "maker"],
    ]);
    expect(life(big.reports).at(-1)).toEqual(["B1", "trade", "filled", 500, 0, null]);
  });

  it("crosses a resting pair as soon as a fill makes it crossable, without waiting for a quote change", () => {
    // B1 (500, min 200) cannot take S1's 100. S2's 400 brings B1's leaves to 100, below its minimum: B1 now accepts
    // 100, and S1 has been resting with exactly that. Nothing else will happen unless the lit quote moves.
    const { acme, settle, quote, dark } = pool();
    quote(["149.99", "150.01"]);
    const big = dark("BIG");
    const s1 = dark("S1");
    const s2 = dark("S2");
    send(big, settle, "buy", "B1", 500, null, { minQty: 200 });
    send(s1, settle, "sell", "S1", 100, null);
    send(s2, settle, "sell", "S2", 400, null);
    expect(executions(acme, big, s1, s2).filter((r) => r[0] === "B1")).toEqual([
      ["B1", "buy", 400, "150.00", "maker"],
      ["B1", "buy", 100, "150.00", "maker"],
    ]);
  });

  it.each([
    ["a minimum above the order quantity", 101, "invalid-quantity"],
    ["a zero minimum", 0, "invalid-quantity"],
    ["a fractional minimum", 2.5, "invalid-quantity"],
  ])("rejects %s", (_what, minQty, reason) => {
    const { settle, quote, dark } = pool();
    quote(["149.99", "150.01"]);
    const a = dark("A");
    send(a, settle, "buy", "B1", 100, null, { minQty });
    expect(life(a.reports)).toEqual([["B1", "rejected", "rejected", 0, 0, reason]]);
  });

  it("enforces the venue's own minimum order size (the demo pool's 100 lots)", () => {
    const { p, settle, dark } = pool(
      config((c) => {
        venueInput(c, "DRKP").minQuantity = 100;
      }),
    );
    const a = dark("A");
    send(a, settle, "buy", "B1", 99, p("150.00"));
    send(a, settle, "buy", "B2", 100, p("150.00"));
    expect(life(a.reports).map((r) => [r[0], r[1], r[5]])).toEqual([
      ["B1", "rejected", "below-minimum-quantity"],
      ["B2", "new", null],
    ]);
  });

  it("refuses a market peg that carries a price, or reports it as a pure peg with price null", () => {
    // A market order is a pure peg; a limit order carries the cap, and a replace refuses to cap a pure peg. A market
    // order that arrives with a price must not slip through as an unchecked cap.
    const { settle, quote, dark } = pool();
    quote(["149.99", "150.01"]);
    const a = dark("A");
    send(a, settle, "sell", "M1", 100, -100, { ordType: "market" });
    send(a, settle, "sell", "M2", 100, 7, { ordType: "market" });
    for (const id of ["M1", "M2"]) {
      const [first] = a.reportsFor(id);
      if (first?.execType === "rejected") continue;
      expect(
        a.reportsFor(id).map((r) => [r.clOrdId, r.price]),
        `${id} reported without its price`,
      ).toEqual(a.reportsFor(id).map(() => [id, null]));
    }
  });

  it("rejects lit-only instructions: post-only and displayed quantity", () => {
    const { p, settle, dark } = pool();
    const a = dark("A");
    send(a, settle, "buy", "B1", 100, p("150.00"), { postOnly: true });
    send(a, settle, "buy", "B2", 100, p("150.00"), { displayQty: 10 });
    send(a, settle, "buy", "B3", 100, p("150.00"), { displayQty: 0 });
    expect(life(a.reports).map((r) => [r[0], r[1], r[5]])).toEqual([
      ["B1", "rejected", "unsupported-instruction"],
      ["B2", "rejected", "unsupported-instruction"],
      ["B3", "new", null],
    ]);
  });
});

describe("SimDarkPool: limit-capped pegs", () => {
  it.each([
    // side with the cap, cap, quotes that put the mid outside, then inside; the price it trades at
    ["buy", "149.99", ["149.99", "150.01"], ["149.98", "150.00"], "149.99"],
    ["sell", "150.01", ["149.99", "150.01"], ["150.00", "150.02"], "150.01"],
  ] as const)("a %s capped at %s trades only once the mid is within its limit", (side, cap, outside, inside, at) => {
    const { acme, p, settle, quote, dark, drkp } = pool();
    quote([...outside]);
    const capped = dark("CAP");
    const peg = dark("PEG");
    send(capped, settle, side, "L1", 100, p(cap));
    send(peg, settle, side === "buy" ? "sell" : "buy", "P1", 100, null);
    expect(drkp.restingQuantity("ACME")).toEqual({ buy: 100, sell: 100 });
    quote([...inside]);
    expect(executions(acme, capped, peg)).toEqual([
      ["L1", side, 100, at, "maker"],
      ["P1", side === "buy" ? "sell" : "buy", 100, at, "taker"],
    ]);
  });

  it("a cap exactly at the mid trades", () => {
    const { acme, p, settle, quote, dark } = pool();
    quote(["149.99", "150.01"]);
    const a = dark("A");
    const b = dark("B");
    send(a, settle, "buy", "L1", 100, p("150.00"));
    send(b, settle, "sell", "L2", 100, p("150.00"));
    expect(executions(acme, a, b).map((r) => [r[0], r[3]])).toEqual([
      ["L1", "150.00"],
      ["L2", "150.00"],
    ]);
  });
});

describe("SimDarkPool: protected quotes", () => {
  it.each([
    ["no lit quote at all", [null, null], [null, null], [null, null]],
    ["a one-sided market (bid only)", ["150.00", null], [null, null], ["150.00", null]],
    ["a one-sided market (ask only)", [null, "150.02"], [null, null], [null, "150.02"]],
    ["a locked market", ["150.00", null], [null, "150.00"], ["150.00", "150.00"]],
    ["a crossed market", ["150.01", null], [null, "150.00"], ["150.01", "150.00"]],
  ] as const)("does not cross with %s, and crosses once the market is normal again", (_what, a, b, expected) => {
    const { acme, settle, quote, dark, drkp, nbbo } = pool();
    quote([...a], [...b]);
    expect(nbbo()).toEqual(expected);
    const seller = dark("D1");
    const buyer = dark("D2");
    const pinger = dark("D3");
    send(seller, settle, "sell", "S1", 100, null);
    send(buyer, settle, "buy", "B1", 100, null);
    send(pinger, settle, "buy", "IOC1", 100, null, { timeInForce: "ioc" });
    expect(executions(acme, seller, buyer, pinger)).toEqual([]);
    expect(life(pinger.reports).at(-1)).toEqual(["IOC1", "canceled", "canceled", 0, 0, "ioc-unfilled"]);
    expect(drkp.restingQuantity("ACME")).toEqual({ buy: 100, sell: 100 });
    quote(["150.00", null], [null, "150.02"]);
    expect(nbbo()).toEqual(["150.00", "150.02"]);
    expect(executions(acme, seller, buyer)).toEqual([
      ["S1", "sell", 100, "150.01", "maker"],
      ["B1", "buy", 100, "150.01", "taker"],
    ]);
  });
});

describe("SimDarkPool: accounts, IOC, FOK", () => {
  it("never crosses two orders of one account, even from two sessions", () => {
    const { acme, settle, quote, dark, drkp } = pool();
    quote(["149.99", "150.01"]);
    const x1 = dark("X");
    const x2 = dark("X");
    send(x1, settle, "buy", "B1", 100, null);
    send(x2, settle, "sell", "S1", 100, null);
    expect(drkp.restingQuantity("ACME")).toEqual({ buy: 100, sell: 100 });
    quote(["149.98", "150.02"]);
    expect(executions(acme, x1, x2)).toEqual([]);
    const y = dark("Y");
    send(y, settle, "sell", "S2", 100, null);
    expect(executions(acme, x1, x2, y)).toEqual([
      ["B1", "buy", 100, "150.00", "maker"],
      ["S2", "sell", 100, "150.00", "taker"],
    ]);
  });

  it("an IOC ping is canceled when nothing crosses, and cancels only its rest when something does", () => {
    const { settle, quote, dark } = pool();
    quote(["149.99", "150.01"]);
    const ping = dark("PING");
    send(ping, settle, "buy", "I1", 100, null, { timeInForce: "ioc" });
    send(dark("R"), settle, "sell", "S1", 60, null);
    send(ping, settle, "buy", "I2", 100, null, { timeInForce: "ioc" });
    expect(life(ping.reports)).toEqual([
      ["I1", "new", "new", 0, 100, null],
      ["I1", "canceled", "canceled", 0, 0, "ioc-unfilled"],
      ["I2", "new", "new", 0, 100, null],
      ["I2", "trade", "partially-filled", 60, 40, null],
      ["I2", "canceled", "canceled", 60, 0, "ioc-unfilled"],
    ]);
  });

  it("a FOK that cannot fill whole is canceled and leaves the contra untouched", () => {
    const { settle, quote, dark, drkp } = pool();
    quote(["149.99", "150.01"]);
    send(dark("R"), settle, "sell", "S1", 60, null);
    const f = dark("F");
    send(f, settle, "buy", "F1", 100, null, { timeInForce: "fok" });
    send(f, settle, "buy", "F2", 60, null, { timeInForce: "fok" });
    expect(life(f.reports)).toEqual([
      ["F1", "new", "new", 0, 100, null],
      ["F1", "canceled", "canceled", 0, 0, "fok-unfilled"],
      ["F2", "new", "new", 0, 60, null],
      ["F2", "trade", "filled", 60, 0, null],
    ]);
    expect(drkp.restingQuantity("ACME")).toEqual({ buy: 0, sell: 0 });
  });
});

describe("SimDarkPool: replace", () => {
  /** Two resting buy pegs, A's first; `amend` replaces A's; then a sell of `qty` arrives. Returns who filled. */
  function race(amend: (a: Participant) => void, qty: number): [string, number][] {
    const { acme, settle, quote, dark } = pool();
    quote(["149.99", "150.01"]);
    const a = dark("A");
    const b = dark("B");
    send(a, settle, "buy", "A1", 100, null);
    send(b, settle, "buy", "B1", 100, null);
    amend(a);
    settle();
    send(dark("C"), settle, "sell", "C1", qty, null);
    return executions(acme, a, b)
      .filter((r) => r[0] !== "C1")
      .map((r) => [r[0], r[2]]);
  }

  it("a smaller quantity keeps the order's time priority", () => {
    expect(race((a) => a.replace("A2", "A1", 60, null), 60)).toEqual([["A2", 60]]);
  });

  it("a larger quantity loses it", () => {
    expect(race((a) => a.replace("A2", "A1", 150, null), 100)).toEqual([["B1", 100]]);
  });

  it("a new cap that brings the midpoint within the limit crosses at once, the replaced order taking", () => {
    const { p, settle, quote, dark } = pool();
    quote(["149.99", "150.01"]);
    const a = dark("A");
    send(a, settle, "buy", "A1", 100, p("149.99"));
    send(dark("B"), settle, "sell", "B1", 100, null);
    a.replace("A2", "A1", 100, p("150.00"));
    settle();
    expect(life(a.reports)).toEqual([
      ["A1", "new", "new", 0, 100, null],
      ["A2", "replaced", "new", 0, 100, null],
      ["A2", "trade", "filled", 100, 0, null],
    ]);
    expect(fills(a.reports)).toEqual([["A2", 100, p("150.00"), "taker", 150_000]]);
  });

  it("refuses to give a pure midpoint peg a cap (not-supported)", () => {
    const { p, settle, dark } = pool();
    const a = dark("A");
    send(a, settle, "buy", "A1", 100, null);
    a.replace("A2", "A1", 100, p("150.00"));
    settle();
    expect(a.cancelRejects.map((d) => [d.msg.clOrdId, d.msg.responseTo, d.msg.reason])).toEqual([
      ["A2", "replace", "not-supported"],
    ]);
  });
});

describe("SimDarkPool: transparency, fees and flags", () => {
  it("publishes no book: a subscriber gets no snapshot and no depth, only trade prints without aggressor", () => {
    const { w, p, settle, quote, dark } = pool();
    quote(["149.99", "150.01"]);
    const watcher = new Watcher(w.venue("DRKP"), w.scheduler);
    send(dark("D1"), settle, "sell", "S1", 300, null);
    const sent = w.scheduler.now();
    send(dark("D2"), settle, "buy", "B1", 100, p("150.00"));
    const crossedAt = sent + LATENCY.DRKP.orderEntry;
    expect(watcher.events).toEqual([
      {
        at: crossedAt + LATENCY.DRKP.marketData,
        msg: {
          type: "trade",
          venueId: "DRKP",
          symbol: "ACME",
          price: p("150.00"),
          qty: 100,
          aggressor: null,
          time: crossedAt,
        } satisfies TradePrint,
      },
    ]);
  });

  it("reports the cross at the venue's time: the taker's arrival", () => {
    const { w, settle, quote, dark } = pool();
    quote(["149.99", "150.01"]);
    send(dark("D1"), settle, "sell", "S1", 100, null);
    const sent = w.scheduler.now();
    const buyer = dark("D2");
    send(buyer, settle, "buy", "B1", 100, null);
    const oe = LATENCY.DRKP.orderEntry;
    expect(buyer.delivered.map((d) => [d.msg.execType, d.msg.transactTime - sent, d.at - sent])).toEqual([
      ["new", oe, 2 * oe],
      ["trade", oe, 2 * oe],
    ]);
    expect(sent).toBeGreaterThan(START);
  });

  it.each([
    ["the buy rests first", "buy"],
    ["the sell rests first", "sell"],
  ] as const)("on a re-cross the older order is the maker: %s", (_what, first) => {
    const { acme, settle, quote, dark } = pool();
    const older = dark("OLD");
    const newer = dark("NEW");
    const second = first === "buy" ? "sell" : "buy";
    send(older, settle, first, "O1", 100, null);
    send(newer, settle, second, "N1", 100, null);
    quote(["149.99", "150.01"]);
    expect(fills(older.reports)).toEqual([["O1", 100, 1_500_000, "maker", 100_000]]);
    expect(fills(newer.reports)).toEqual([["N1", 100, 1_500_000, "taker", 150_000]]);
    expect(executions(acme, older, newer).map((r) => r[4])).toEqual(["maker", "taker"]);
  });
});
