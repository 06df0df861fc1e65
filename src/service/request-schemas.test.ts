import { describe, expect, it } from "vitest";
import { ORDER_FILE_FIELDS } from "../intake/order-row.js";
import { batchBody, orderBody, orderInput, parseRequest, type RequestRefusal } from "./request-schemas.js";

const order = { cl_ord_id: "o1", account: "A1", symbol: "ACME", side: "buy", quantity: "100", order_type: "market" };

function refusal(fn: () => unknown): RequestRefusal {
  try {
    fn();
  } catch (error) {
    return error as RequestRefusal;
  }
  throw new Error("not refused");
}

describe("request schemas", () => {
  it("maps an order body to the engine's input with the order file's names, for the caller's source", () => {
    const body = parseRequest(orderBody, { ...order, quantity: 250, limit_price: null, allow_cross: "yes" });
    expect(orderInput(body, "DESK", 1_000)).toEqual({
      clOrdId: "o1",
      source: "DESK",
      account: "A1",
      symbol: "ACME",
      side: "buy",
      quantity: "250",
      orderType: "market",
      allowCross: "yes",
      endTime: 1_000,
    });
  });

  it("names every field of the order file as the JSONL reader does (ORDER_FILE_FIELDS)", () => {
    const full = {
      cl_ord_id: "o1",
      source: "DESK",
      account: "A1",
      symbol: "ACME",
      side: "buy",
      quantity: "100",
      order_type: "limit",
      limit_price: "90.5",
      urgency: "high",
      strategy: "auto",
      start_time: "2026-01-05T14:30:00Z",
      end_time: 1_767_628_800_000_000,
      max_participation: "0.1",
      allow_cross: true,
      tags: { desk: "x" },
    };
    const input = orderInput(parseRequest(orderBody, full), "DESK", 1_000) as unknown as Record<string, unknown>;
    expect(Object.keys(full).sort()).toEqual(Object.keys(ORDER_FILE_FIELDS).sort());
    for (const [field, name] of Object.entries(ORDER_FILE_FIELDS))
      expect(input[name]).toEqual(full[field as keyof typeof full]);
  });

  it.each([
    [{ ...order, quantity: 0.5 }, "quantity", "invalid-quantity"],
    [{ ...order, limit_price: true }, "limit_price", "invalid-price"],
    [{ ...order, side: 1 }, "side", "invalid-side"],
    [{ ...order, symbol: undefined }, "symbol", "missing-field"],
    [{ ...order, colour: "red" }, "colour", "unknown-field"],
    [{ ...order, tags: { a: 1 } }, "tags.a", "invalid-body"],
  ])("refuses %j naming %s", (value, field, reason) => {
    const r = refusal(() => parseRequest(orderBody, value));
    expect([r.statusCode, r.field, r.reason]).toEqual([400, field, reason]);
  });

  it("names the order of a batch at fault and caps the batch", () => {
    const batch = batchBody(2);
    expect(refusal(() => parseRequest(batch, { orders: [order, { ...order, quantity: [] }] })).field).toBe(
      "orders[1].quantity",
    );
    expect(refusal(() => parseRequest(batch, { orders: [order, order, order] })).message).toBe(
      "at most 2 orders per batch",
    );
  });
});
