/**
 * Allocation scenarios as tables: orders in, fills applied to their parent, allocations out (lots per order per fill),
 * then each order's cumQty / leavesQty / avgPx / status. Covers pro-rata with its remainder rotation, limit ladders,
 * fractional lots, FIFO and by-account priority.
 */
import { describe, expect, it } from "vitest";
import type { AllocationPolicyConfig } from "../src/allocation/allocation-policy.js";
import { orderFromRow, px, table, testEngine } from "./engine-fixtures.js";

interface Case {
  policy?: AllocationPolicyConfig;
  symbol?: string;
  orders: string;
  /** `qty @ price` per fill, all applied to the parent of the first order. */
  fills: string[];
  /** One row per fill: allocated lots per cl_ord_id (blank = 0). */
  allocations: string;
  /** Final state per order. */
  final?: string;
}

function run(c: Case): void {
  const symbol = c.symbol ?? "ACME";
  const t = testEngine({ allocation: c.policy, crossing: { enabled: false } });
  const rows = table(c.orders);
  let parentId = 0;
  for (const row of rows) {
    const result = t.submit({ symbol, ...orderFromRow(row) });
    if (!result.ok) throw new Error(`order ${row.cl_ord_id} refused: ${result.reason} ${result.message}`);
    parentId = parentId || result.parentId;
    expect(result.parentId).toBe(parentId);
  }
  const ids = rows.map((r) => r.cl_ord_id as string);
  const expected = table(c.allocations);
  c.fills.forEach((fill, i) => {
    const [qty, price] = fill.split("@").map((s) => s.trim()) as [string, string];
    const fillId = t.engine.applyParentFill(parentId, Number(qty), px(price, symbol), "LITA");
    const event = t.ofType("fill-allocated").find((e) => e.fillId === fillId);
    const got = Object.fromEntries(ids.map((id) => [id, event?.allocations.find((a) => a.clOrdId === id)?.qty ?? 0]));
    const want = Object.fromEntries(ids.map((id) => [id, Number(expected[i]?.[id] ?? 0)]));
    expect({ fill: i + 1, ...got }).toEqual({ fill: i + 1, ...want });
  });
  if (c.final !== undefined) {
    for (const row of table(c.final)) {
      const order = t.engine.order("OMS", row.cl_ord_id as string);
      expect({
        cl_ord_id: row.cl_ord_id,
        cum_qty: String(order?.cumQty),
        leaves_qty: String(order?.leavesQty),
        avg_px: order?.cumQty ? t.engine.instruments.get(symbol)?.formatPrice(Math.round(order.avgPx)) : undefined,
        status: order?.ordStatus,
      }).toEqual({
        cl_ord_id: row.cl_ord_id,
        cum_qty: row.cum_qty,
        leaves_qty: row.leaves_qty,
        avg_px: row.avg_px,
        status: row.status,
      });
    }
  }
}

describe("pro-rata allocation", () => {
  it("splits a fill in proportion to the orders' quantities", () =>
    run({
      orders: `
        | cl_ord_id | quantity |
        | A         | 100      |
        | B         | 200      |
        | C         | 300      |`,
      fills: ["60 @ 150.00", "540 @ 150.01"],
      allocations: `
        | A  | B   | C   |
        | 10 | 20  | 30  |
        | 90 | 180 | 270 |`,
      final: `
        | cl_ord_id | cum_qty | leaves_qty | avg_px  | status |
        | A         | 100     | 0          | 150.009 | filled |
        | C         | 300     | 0          | 150.009 | filled |`,
    }));

  it("rotates the remainder lot among equal orders, so none is favoured", () =>
    run({
      orders: `
        | cl_ord_id | quantity |
        | A         | 10       |
        | B         | 10       |
        | C         | 10       |`,
      fills: ["1 @ 150.00", "1 @ 150.00", "1 @ 150.00", "1 @ 150.00", "2 @ 150.00", "1 @ 150.00"],
      allocations: `
        | A | B | C |
        | 1 |   |   |
        |   | 1 |   |
        |   |   | 1 |
        | 1 |   |   |
        |   | 1 | 1 |
        | 1 |   |   |`,
    }));

  it("keeps each order within one lot of its exact share after every fill (7 into 3:2:2)", () =>
    run({
      orders: `
        | cl_ord_id | quantity |
        | A         | 30       |
        | B         | 20       |
        | C         | 20       |`,
      // exact shares after each fill: 1.29/0.86/0.86, 2.57/1.71/1.71, 4.29/2.86/2.86, 30/20/20
      fills: ["3 @ 150.00", "3 @ 150.00", "4 @ 150.00", "60 @ 150.00"],
      allocations: `
        | A  | B  | C  |
        | 1  | 1  | 1  |
        | 2  | 1  |    |
        | 1  | 1  | 2  |
        | 26 | 17 | 17 |`,
    }));

  it("allocates a fill only to the orders whose limits allow its price (a limit ladder)", () =>
    run({
      orders: `
        | cl_ord_id | quantity | limit_price |
        | A         | 100      | 150.02      |
        | B         | 100      | 150.00      |
        | C         | 200      |             |`,
      // At 150.01 B's limit refuses: A and C share 40 by open quantity (13.3 / 26.7). At 150.00 all three share 260
      // by what each still has open (87 / 100 / 173: exact 62.8 / 72.2 / 124.9).
      fills: ["40 @ 150.01", "260 @ 150.00"],
      allocations: `
        | A  | B  | C   |
        | 13 |    | 27  |
        | 63 | 72 | 125 |`,
      final: `
        | cl_ord_id | cum_qty | leaves_qty | avg_px   | status           |
        | A         | 76      | 24         | 150.0017 | partially-filled |
        | B         | 72      | 28         | 150.00   | partially-filled |`,
    }));

  it("allocates fractional lots (PNNY, lots of 0.0001 share) and rotates ties", () =>
    run({
      symbol: "PNNY",
      orders: `
        | cl_ord_id | quantity | limit_price |
        | A         | 0.5      | 5.01        |
        | B         | 0.25     | 5.01        |
        | C         | 0.25     | 5.01        |`,
      // 3 lots: exact 1.5 / 0.75 / 0.75; the last two lots tie on priority and go A, B; the next lot to C.
      fills: ["3 @ 5.00", "1 @ 5.00", "9996 @ 5.01"],
      allocations: `
        | A    | B    | C    |
        | 2    | 1    |      |
        |      |      | 1    |
        | 4998 | 2499 | 2499 |`,
    }));
});

describe("other policies", () => {
  it("FIFO fills in time priority", () =>
    run({
      policy: { policy: "fifo" },
      orders: `
        | cl_ord_id | quantity |
        | A         | 50       |
        | B         | 50       |
        | C         | 50       |`,
      fills: ["70 @ 150.00", "50 @ 150.00"],
      allocations: `
        | A  | B  | C  |
        | 50 | 20 |    |
        |    | 30 | 20 |`,
    }));

  it("by-account serves the listed accounts first, in the listed order", () =>
    run({
      policy: { policy: "by-account", accounts: ["VIP", "A2"] },
      orders: `
        | cl_ord_id | account | quantity |
        | A         | A1      | 50       |
        | B         | A2      | 50       |
        | C         | VIP     | 50       |`,
      fills: ["70 @ 150.00", "60 @ 150.00"],
      allocations: `
        | A  | B  | C  |
        |    | 20 | 50 |
        | 30 | 30 |    |`,
    }));
});
