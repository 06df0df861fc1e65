/**
 * Aggregation scenarios: which orders share a parent, how the parent grows and shrinks as orders join, cancel and
 * replace while it works, and how a cancel that would uncover a working child waits (pending-cancel) until the child
 * is done. Each reads as orders in, then the parent and the orders' state out.
 */
import { describe, expect, it } from "vitest";
import { orderFromRow, px, START, table, testEngine } from "./engine-fixtures.js";

describe("grouping into parents", () => {
  it("groups by instrument, side, intent and time window; not by limit price", () => {
    const t = testEngine();
    const rows = table(`
      | cl_ord_id | symbol | side | quantity | limit_price | urgency | strategy | end_time             | parent |
      | A         | ACME   | buy  | 100      | 150.00      |         |          |                      | 1      |
      | B         | ACME   | buy  | 200      | 149.50      | medium  |          |                      | 1      |
      | C         | ACME   | buy  | 300      |             |         | auto     |                      | 1      |
      | D         | ACME   | sell | 100      | 150.00      |         |          |                      | 2      |
      | E         | ACME   | buy  | 100      | 150.00      | high    |          |                      | 3      |
      | F         | ACME   | buy  | 100      | 150.00      |         | twap     |                      | 4      |
      | G         | NRTH   | buy  | 100      | 40.00       |         |          |                      | 5      |
      | H         | ACME   | buy  | 100      | 150.00      |         |          | 2026-01-05T15:00:00Z | 6      |
      | I         | ACME   | buy  | 100      | 150.00      |         |          | 2026-01-05T15:03:00Z | 6      |
      | J         | ACME   | buy  | 100      | 150.00      |         |          | 2026-01-05T15:07:00Z | 7      |`);
    for (const row of rows) {
      const result = t.submit({ ...orderFromRow(row), limitPrice: row.limit_price ?? null });
      expect(result, row.cl_ord_id).toMatchObject({ ok: true, parentId: Number(row.parent) });
    }
    const first = t.engine.parent(1);
    expect(first?.openOrders).toBe(3);
    expect(first?.allocatable.total).toBe(600);
    // The ladder: at 150.00 only A and the market order C are eligible; at 149.50 all three.
    expect(first?.fillCapacity(px("150.00"))).toBe(400);
    expect(first?.fillCapacity(px("149.50"))).toBe(600);
    expect(first?.fillCapacity(px("150.01"))).toBe(300);
    expect(t.ofType("parent-created").map((e) => e.intent)).toEqual([
      "urgency-medium",
      "urgency-medium",
      "urgency-high",
      "twap",
      "urgency-medium",
      "urgency-medium",
      "urgency-medium",
    ]);
  });

  it("reserves a child at the least aggressive limit that allows its price, so the market can move up to it", () => {
    const t = testEngine();
    t.submit({ clOrdId: "A", quantity: "100", orderType: "limit", limitPrice: "150.00" });
    const b = t.submit({ clOrdId: "B", quantity: "200", orderType: "limit", limitPrice: "149.50" });
    if (!b.ok) throw new Error(b.message);
    const parent = t.engine.parent(b.parentId);
    if (parent === undefined) throw new Error("no parent");
    // A bid at 149.40 may be carried by both orders: their least aggressive limit, 149.50, protects it.
    expect(parent.protectionFor(px("149.40"))).toBe(px("149.50"));
    expect(parent.protectionFor(px("149.80"))).toBe(px("150.00"));
    expect(parent.protectionFor(px("150.01"))).toBeUndefined();
    expect(t.engine.reserve(b.parentId, "C1", px("149.50"), 150)).toBe(true);
    // Children share the reservation's price while it allows theirs; beyond it, the children must go first.
    expect(parent.protectionFor(px("149.45"))).toBe(px("149.50"));
    expect(parent.protectionFor(px("149.60"))).toBeUndefined();
    // A market order in the parent: a price beyond every limit is protected as market (null).
    t.engine.releaseChild("C1");
    t.submit({ clOrdId: "M", quantity: "50" });
    expect(parent.protectionFor(px("150.01"))).toBeNull();
  });

  it("grows the parent as orders join while it works, and retires it when every order is done", () => {
    const t = testEngine();
    const a = t.submit({ clOrdId: "A", quantity: "100" });
    if (!a.ok) throw new Error(a.message);
    t.engine.applyParentFill(a.parentId, 40, px("150.00"), "LITA");
    t.submit({ clOrdId: "B", quantity: "100" });
    const parent = t.engine.parent(a.parentId);
    expect({ open: parent?.allocatable.total, orders: parent?.openOrders, cum: parent?.cumQty }).toEqual({
      open: 160,
      orders: 2,
      cum: 40,
    });
    // The next fill is pro-rata to what each still has open: 60 and 100.
    t.engine.applyParentFill(a.parentId, 80, px("150.00"), "LITA");
    expect([t.engine.order("OMS", "A")?.cumQty, t.engine.order("OMS", "B")?.cumQty]).toEqual([70, 50]);
    t.engine.applyParentFill(a.parentId, 80, px("150.00"), "LITA");
    expect(t.engine.parent(a.parentId)).toBeUndefined();
    expect(t.ofType("parent-changed").at(-1)).toMatchObject({ parentId: a.parentId, change: "done", openOrders: 0 });
    const changes = t.ofType("parent-changed").map((e) => e.change);
    expect(changes).toEqual(["joined", "filled", "joined", "filled", "filled", "done"]);
  });
});

describe("cancels and replaces while the parent works", () => {
  it("a cancel mid-way keeps what was filled and shrinks the parent", () => {
    const t = testEngine();
    const a = t.submit({ clOrdId: "A", quantity: "100" });
    t.submit({ clOrdId: "B", quantity: "100" });
    if (!a.ok) throw new Error(a.message);
    t.engine.applyParentFill(a.parentId, 50, px("150.00"), "LITA");
    expect(t.engine.cancel({ source: "OMS", origClOrdId: "A", clOrdId: "A-cxl" })).toMatchObject({
      ok: true,
      pending: false,
    });
    t.engine.applyParentFill(a.parentId, 75, px("150.01"), "LITA");
    const rows = ["A", "B"].map((id) => {
      const o = t.engine.order("OMS", id);
      return { id, cum: o?.cumQty, leaves: o?.leavesQty, status: o?.ordStatus };
    });
    expect(rows).toEqual([
      { id: "A", cum: 25, leaves: 0, status: "canceled" },
      { id: "B", cum: 100, leaves: 0, status: "filled" },
    ]);
    const cancel = t.reports("A-cxl")[0];
    expect(cancel).toMatchObject({
      execType: "canceled",
      ordStatus: "canceled",
      origClOrdId: "A",
      cumQty: 25,
      leavesQty: 0,
      text: "requested",
    });
    expect(t.engine.cancel({ source: "OMS", origClOrdId: "A" })).toMatchObject({
      ok: false,
      reason: "too-late-to-cancel",
    });
  });

  it("a replace changes quantity up and down (above what is done) and the limit, keeping cumQty", () => {
    const t = testEngine();
    const a = t.submit({ clOrdId: "A", quantity: "100", limitPrice: "150.00" });
    if (!a.ok) throw new Error(a.message);
    expect(t.engine.replace({ source: "OMS", origClOrdId: "A", clOrdId: "A2", quantity: "150" })).toMatchObject({
      ok: true,
    });
    t.engine.applyParentFill(a.parentId, 30, px("150.00"), "LITA");
    expect(
      t.engine.replace({ source: "OMS", origClOrdId: "A2", clOrdId: "A3", quantity: "40", limitPrice: "150.02" }),
    ).toMatchObject({ ok: true });
    const order = t.engine.order("OMS", "A3");
    expect({ qty: order?.orderQty, cum: order?.cumQty, leaves: order?.leavesQty, limit: order?.limitPrice }).toEqual({
      qty: 40,
      cum: 30,
      leaves: 10,
      limit: px("150.02"),
    });
    expect(t.engine.parent(a.parentId)?.fillCapacity(px("150.02"))).toBe(10);
    expect(t.engine.replace({ source: "OMS", origClOrdId: "A3", clOrdId: "A4", quantity: "30" })).toMatchObject({
      ok: false,
      reason: "quantity-below-cum-qty",
      field: "quantity",
    });
    expect(t.engine.replace({ source: "OMS", origClOrdId: "A3", clOrdId: "A2", quantity: "50" })).toMatchObject({
      ok: false,
      reason: "duplicate-cl-ord-id",
    });
    expect(t.engine.replace({ source: "OMS", origClOrdId: "A3", clOrdId: "A5", limitPrice: "150.005" })).toMatchObject({
      ok: false,
      reason: "price-off-tick",
    });
    const replaced = t
      .reports()
      .filter((r) => r.execType === "replaced")
      .map((r) => [r.origClOrdId, r.clOrdId, r.orderQty, r.leavesQty]);
    expect(replaced).toEqual([
      ["A", "A2", 150, 150],
      ["A2", "A3", 40, 10],
    ]);
  });

  it("a cancel that would uncover a working child waits as pending-cancel until the child is done", () => {
    const t = testEngine();
    const a = t.submit({ clOrdId: "A", quantity: "100" });
    t.submit({ clOrdId: "B", quantity: "100" });
    if (!a.ok) throw new Error(a.message);
    expect(t.engine.reserve(a.parentId, "C1", px("150.01"), 150)).toBe(true);
    expect(t.engine.cancel({ source: "OMS", origClOrdId: "A" })).toMatchObject({ ok: true, pending: true });
    expect(t.engine.order("OMS", "A")?.ordStatus).toBe("pending-cancel");
    // Over-reserved: the workable orders (B) carry 100 of the 150 reserved.
    expect(t.ofType("parent-changed").at(-1)).toMatchObject({
      reservedQty: 150,
      workableQty: 100,
      overReservedQty: 50,
    });
    // The child fills 60 before its cancel lands: A still shares it (it is still open).
    t.engine.childFill("C1", 60, px("150.01"), "LITA", "taker", 180_000);
    expect(t.engine.order("OMS", "A")?.cumQty).toBe(30);
    expect(t.engine.order("OMS", "A")?.ordStatus).toBe("pending-cancel");
    t.engine.releaseChild("C1");
    const a1 = t.engine.order("OMS", "A");
    expect({ status: a1?.ordStatus, cum: a1?.cumQty, leaves: a1?.leavesQty }).toEqual({
      status: "canceled",
      cum: 30,
      leaves: 0,
    });
    expect(t.reports("A").map((r) => r.execType)).toEqual(["new", "pending-cancel", "trade", "canceled"]);
  });

  it("an order with a future start joins but is not worked or filled until its start", () => {
    const t = testEngine();
    const a = t.submit({ clOrdId: "A", quantity: "100", startTime: START + 60_000_000 });
    if (!a.ok) throw new Error(a.message);
    const parent = t.engine.parent(a.parentId);
    expect({ open: parent?.allocatable.total, workable: parent?.workable.total }).toEqual({ open: 0, workable: 0 });
    t.scheduler.runUntil(START + 60_000_000);
    expect(t.engine.parent(a.parentId)?.workable.total).toBe(100);
    expect(t.ofType("parent-changed").at(-1)?.change).toBe("started");
  });

  it("an order still open at its end time expires", () => {
    const t = testEngine();
    const a = t.submit({ clOrdId: "A", quantity: "100", endTime: "2026-01-05T14:31:00Z" });
    if (!a.ok) throw new Error(a.message);
    t.engine.applyParentFill(a.parentId, 10, px("150.00"), "LITA");
    t.scheduler.runUntil(START + 60_000_000);
    expect(t.reports("A").at(-1)).toMatchObject({
      execType: "expired",
      ordStatus: "expired",
      cumQty: 10,
      leavesQty: 0,
      text: "end-time",
    });
  });
});

describe("kill switch", () => {
  it("refuses new orders in scope, suspends open ones (over-reserving their children) and resumes on revive", () => {
    const t = testEngine();
    const a = t.submit({ clOrdId: "A", account: "A1", quantity: "100" });
    t.submit({ clOrdId: "B", account: "A2", quantity: "100" });
    if (!a.ok) throw new Error(a.message);
    t.engine.reserve(a.parentId, "C1", null, 200);
    t.engine.kill({ scope: "account", id: "A1" }, "desk call");
    expect(t.ofType("kill-switch")[0]).toMatchObject({ active: true, reason: "desk call" });
    expect(t.ofType("parent-changed").at(-1)).toMatchObject({
      change: "suspended",
      workableQty: 100,
      overReservedQty: 100,
    });
    expect(t.submit({ clOrdId: "C", account: "A1" })).toMatchObject({ ok: false, reason: "kill-switch" });
    expect(t.ofType("order-rejected").at(-1)).toMatchObject({ category: "risk", reason: "kill-switch", clOrdId: "C" });
    expect(t.submit({ clOrdId: "D", account: "A2" })).toMatchObject({ ok: true });
    t.engine.releaseChild("C1");
    expect(t.engine.reserve(a.parentId, "C2", null, 201)).toBe(false);
    expect(t.engine.reserve(a.parentId, "C2", null, 200)).toBe(true);
    t.engine.releaseChild("C2");
    t.engine.kill({ scope: "global" });
    expect(t.engine.parent(a.parentId)?.available(null)).toBe(0);
    t.engine.revive({ scope: "global" });
    t.engine.revive({ scope: "account", id: "A1" });
    expect(t.engine.parent(a.parentId)?.available(null)).toBe(300);
  });
});
