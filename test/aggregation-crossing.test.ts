/**
 * Netting and internal crossing: opposing orders that allow crossing match inside the engine at the NBBO midpoint
 * before anything goes to market, never outside either limit or the NBBO; each cross is two equal fills at venue
 * INTERNAL, allocated like market fills, and its savings (half spread plus taker fee, both sides) are reported.
 */
import { describe, expect, it } from "vitest";
import { INTERNAL_VENUE } from "../src/model/client-events.js";
import { orderFromRow, px, table, testEngine } from "./engine-fixtures.js";

/** The orders of a table, each in an account of its own unless the table names one (see self-match prevention). */
function book(orders: string, options: Parameters<typeof testEngine>[0] = {}) {
  const t = testEngine(options);
  for (const row of table(orders)) {
    const result = t.submit({
      account: `acct-${row.cl_ord_id}`,
      ...orderFromRow(row),
      limitPrice: row.limit_price ?? null,
    });
    if (!result.ok) throw new Error(`${row.cl_ord_id}: ${result.message}`);
  }
  return t;
}

function state(t: ReturnType<typeof testEngine>, ids: string[]) {
  return ids.map((id) => {
    const o = t.engine.order("OMS", id);
    return { id, cum: o?.cumQty, leaves: o?.leavesQty, avgPx: o?.cumQty ? o.avgPx : null };
  });
}

describe("internal crossing", () => {
  it("crosses opposing orders at the NBBO mid; only the net goes to market", () => {
    const t = book(`
      | cl_ord_id | side | quantity | limit_price | allow_cross |
      | A         | buy  | 100      | 150.02      | true        |
      | B         | sell | 60       |             | true        |`);
    const mid = px("150.00");
    expect(state(t, ["A", "B"])).toEqual([
      { id: "A", cum: 60, leaves: 40, avgPx: mid },
      { id: "B", cum: 60, leaves: 0, avgPx: mid },
    ]);
    const cross = t.ofType("internal-cross");
    expect(cross).toHaveLength(1);
    expect(cross[0]).toMatchObject({ symbol: "ACME", qty: 60, price: mid, bid: px("149.99"), ask: px("150.01") });
    const fills = t.ofType("parent-filled");
    expect(fills.map((f) => [f.parentId, f.qty, f.price, f.venue])).toEqual([
      [1, 60, mid, INTERNAL_VENUE],
      [2, 60, mid, INTERNAL_VENUE],
    ]);
    expect(t.reports("B").at(-1)).toMatchObject({
      execType: "trade",
      lastMkt: INTERNAL_VENUE,
      lastQty: 60,
      lastPx: mid,
      ordStatus: "filled",
    });
    expect(t.engine.netQuantity("ACME")).toBe(40);
    // The spread is 0.02: each side avoided half of it, a cent a share, on 60 shares: 2 x 60 x 0.01 = 1.20.
    expect(cross[0]?.saving).toBeCloseTo(1.2, 10);
  });

  it("reports the taker fee avoided in the savings", () => {
    const t = book(
      `
      | cl_ord_id | side | quantity | allow_cross |
      | A         | buy  | 100      | true        |
      | B         | sell | 100      | true        |`,
      { crossing: { takerFeeMicrosPerShare: 3000 } },
    );
    // 2 x 100 x (0.01 + 0.003) = 2.60
    expect(t.engine.crossingStats().get("ACME")).toMatchObject({ crosses: 1, qty: 100, shares: 100 });
    expect(t.engine.crossingStats().get("ACME")?.saving).toBeCloseTo(2.6, 10);
  });

  it("never crosses outside a limit, with orders that do not allow it, or without a tradable NBBO", () => {
    const t = book(`
      | cl_ord_id | side | quantity | limit_price | allow_cross |
      | A         | buy  | 100      | 149.99      | true        |
      | B         | sell | 100      | 150.01      | true        |
      | C         | buy  | 100      |             | false       |
      | D         | sell | 100      |             |             |`);
    expect(t.ofType("internal-cross")).toHaveLength(0);
    // The quote moves up: the mid 150.01 now satisfies B's limit but not A's; C and D never cross.
    t.quotes.set("ACME", "150.00", "150.02");
    expect(t.ofType("internal-cross")).toHaveLength(0);
    // A locked market has no tradable mid.
    t.quotes.set("ACME", "149.99", "149.99");
    expect(t.ofType("internal-cross")).toHaveLength(0);
    // A buy at 150.01 joins: it crosses with B at the mid of 150.00 / 150.02.
    t.quotes.set("ACME", "150.00", "150.02");
    t.submit({ clOrdId: "E", side: "buy", quantity: "30", limitPrice: "150.01", allowCross: "yes" });
    expect(t.ofType("internal-cross").map((c) => [c.qty, c.price])).toEqual([[30, px("150.01")]]);
    expect(state(t, ["E", "B"]).map((s) => s.cum)).toEqual([30, 30]);
  });

  it("crosses when a quote change brings the mid inside both limits", () => {
    const t = book(`
      | cl_ord_id | side | quantity | limit_price | allow_cross |
      | A         | buy  | 50       | 150.02      | true        |
      | B         | sell | 80       | 150.02      | true        |`);
    expect(t.ofType("internal-cross")).toHaveLength(0);
    t.quotes.set("ACME", "150.01", "150.03");
    expect(t.ofType("internal-cross").map((c) => [c.qty, c.price])).toEqual([[50, px("150.02")]]);
    expect(t.engine.netQuantity("ACME")).toBe(-30);
  });

  it("allocates a cross pro-rata among the crossing orders of each parent only", () => {
    const t = book(`
      | cl_ord_id | side | quantity | allow_cross |
      | A         | buy  | 100      | true        |
      | B         | buy  | 300      | true        |
      | C         | buy  | 500      | false       |
      | S         | sell | 200      | true        |`);
    expect(state(t, ["A", "B", "C", "S"]).map((s) => s.cum)).toEqual([50, 150, 0, 200]);
    const allocated = t.ofType("fill-allocated");
    expect(allocated.map((a) => a.allocations.map((x) => `${x.clOrdId}:${x.qty}`).join(" "))).toEqual([
      "A:50 B:150",
      "S:200",
    ]);
  });

  it("crosses only what is not reserved by a working child", () => {
    const t = book(`
      | cl_ord_id | side | quantity | allow_cross |
      | A         | buy  | 100      | true        |`);
    t.engine.reserve(1, "C1", null, 70);
    t.submit({ clOrdId: "S", side: "sell", quantity: "100", allowCross: true });
    expect(t.ofType("internal-cross").map((c) => c.qty)).toEqual([30]);
    t.engine.childFill("C1", 70, px("150.01"), "LITA", "taker", 0);
    expect(state(t, ["A", "S"]).map((s) => s.cum)).toEqual([100, 30]);
  });

  it.each([
    ["fifo", "A:20 B:30"],
    ["pro-rata", "A:8 B:42"],
  ] as const)(
    "gives an order no more of a cross than it may cross: a pending reduction narrows it (%s)",
    (policy, split) => {
      const t = book(
        `
      | cl_ord_id | side | quantity | allow_cross |
      | A         | buy  | 100      | true        |
      | B         | buy  | 100      | true        |`,
        { allocation: { policy } },
      );
      // A working child holds 150 lots, so A's reduction to 20 waits for it; meanwhile A may cross 20 lots at most.
      t.engine.reserve(1, "C1", null, 150);
      expect(t.engine.replace({ source: "OMS", origClOrdId: "A", clOrdId: "A2", quantity: "20" })).toMatchObject({
        ok: true,
        pending: true,
      });
      t.submit({ clOrdId: "S", side: "sell", quantity: "50", allowCross: true });
      const allocated = t.ofType("fill-allocated");
      expect(allocated.map((a) => a.allocations.map((x) => `${x.clOrdId}:${x.qty}`).join(" "))).toEqual([
        split,
        "S:50",
      ]);
      // The market fill that follows is allocated on the orders' open quantities (a new pro-rata epoch).
      t.engine.childFill("C1", 100, px("150.01"), "LITA", "taker", 0);
      const cum = state(t, ["A", "B"]).reduce((sum, s) => sum + (s.cum ?? 0), 0);
      expect(cum).toBe(150);
    },
  );

  it("crosses the orders a revived kill switch puts back to work", () => {
    const t = book(`
      | cl_ord_id | side | quantity | account | allow_cross |
      | A         | buy  | 100      | A1      | true        |`);
    t.engine.kill({ scope: "account", id: "A1" });
    expect(t.submit({ clOrdId: "K", account: "A1", quantity: "10" })).toMatchObject({
      ok: false,
      reason: "kill-switch",
      message: "the kill switch on account A1 covers this order",
    });
    t.submit({ clOrdId: "S", side: "sell", account: "A2", quantity: "60", allowCross: true });
    expect(t.ofType("internal-cross")).toHaveLength(0);
    t.engine.revive({ scope: "account", id: "A1" });
    expect(t.ofType("internal-cross").map((c) => c.qty)).toEqual([60]);
    expect(state(t, ["A", "S"]).map((s) => s.cum)).toEqual([60, 60]);
  });
  describe("self-match prevention: no account on both sides of one cross", () => {
    const crossed = (t: ReturnType<typeof testEngine>) =>
      t.ofType("fill-allocated").map((a) => a.allocations.map((x) => `${x.clOrdId}:${x.qty}`).join(" "));

    it.each([
      {
        name: "an account on both sides takes part on its larger side only",
        orders: `
          | cl_ord_id | side | quantity | account | allow_cross |
          | XB        | buy  | 100      | X       | true        |
          | XS        | sell | 60       | X       | true        |
          | YS        | sell | 50       | Y       | true        |`,
        // X's sell sits out: X's buy crosses with Y's sell only, and X's sell is left for the market.
        allocations: ["XB:50", "YS:50"],
        open: { XB: 50, XS: 60, YS: 0 },
      },
      {
        name: "on a tie it takes part on its buy side",
        orders: `
          | cl_ord_id | side | quantity | account | allow_cross |
          | XB        | buy  | 50       | X       | true        |
          | XS        | sell | 50       | X       | true        |
          | YS        | sell | 50       | Y       | true        |`,
        allocations: ["XB:50", "YS:50"],
        open: { XB: 0, XS: 50, YS: 0 },
      },
      {
        name: "its smaller side sits out even when that leaves the larger side's orders alone",
        orders: `
          | cl_ord_id | side | quantity | account | allow_cross |
          | XB        | buy  | 30       | X       | true        |
          | YB        | buy  | 40       | Y       | true        |
          | XS        | sell | 100      | X       | true        |`,
        // X sells more than it buys: its buy sits out, and Y's buy crosses with X's sell.
        allocations: ["XS:40", "YB:40"],
        open: { XB: 30, YB: 0, XS: 60 },
      },
      {
        name: "lots count at any price: a limit that cannot cross at the mid still decides the side",
        orders: `
          | cl_ord_id | side | quantity | limit_price | account | allow_cross |
          | XB        | buy  | 100      | 149.00      | X       | true        |
          | YB        | buy  | 50       |             | Y       | true        |
          | XS        | sell | 50       |             | X       | true        |`,
        // X's buy is larger, so its sell sits out, though X's buy could not cross at 150.00: no cross (without the
        // rule, Y's buy would have crossed X's sell). Smaller than it could be, never a wash.
        allocations: [],
        open: { XB: 100, YB: 50, XS: 50 },
      },
      {
        name: "an account's orders that cannot cross at the mid take nothing from the others' cross",
        orders: `
          | cl_ord_id | side | quantity | limit_price | account | allow_cross |
          | XB        | buy  | 1000     | 140.00      | X       | true        |
          | XS        | sell | 1001     | 170.00      | X       | true        |
          | YB        | buy  | 500      |             | Y       | true        |
          | ZS        | sell | 500      |             | Z       | true        |`,
        // X sits out of its buy side (1000 < 1001), but none of X's lots could cross at 150.00 anyway: Y and Z cross.
        allocations: ["YB:500", "ZS:500"],
        open: { XB: 1000, XS: 1001, YB: 0, ZS: 0 },
      },
      {
        name: "an account alone on both sides does not cross at all",
        orders: `
          | cl_ord_id | side | quantity | account | allow_cross |
          | XB        | buy  | 100      | X       | true        |
          | XS        | sell | 100      | X       | true        |`,
        allocations: [],
        open: { XB: 100, XS: 100 },
      },
    ])("$name", ({ orders, allocations, open }) => {
      const t = book(orders);
      expect(crossed(t).sort()).toEqual([...allocations].sort());
      const ids = Object.keys(open);
      expect(Object.fromEntries(state(t, ids).map((s) => [s.id, s.leaves]))).toEqual(open);
    });

    it("crosses a blocked pair once another account joins, and not on quote changes before", () => {
      const t = book(`
        | cl_ord_id | side | quantity | account | allow_cross |
        | XB        | buy  | 100      | X       | true        |
        | XS        | sell | 100      | X       | true        |`);
      t.quotes.set("ACME", "149.98", "150.02");
      t.quotes.set("ACME", "149.99", "150.01");
      expect(t.ofType("internal-cross")).toHaveLength(0);
      t.submit({ clOrdId: "YS", account: "Y", side: "sell", quantity: "30", allowCross: true });
      expect(crossed(t)).toEqual(["XB:30", "YS:30"]);
    });

    it("lets an account cross itself with selfMatch: allow", () => {
      const t = book(
        `
        | cl_ord_id | side | quantity | account | allow_cross |
        | XB        | buy  | 100      | X       | true        |
        | XS        | sell | 100      | X       | true        |`,
        { crossing: { selfMatch: "allow" } },
      );
      expect(crossed(t)).toEqual(["XB:100", "XS:100"]);
    });
  });
});
