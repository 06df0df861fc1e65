import { describe, expect, it } from "vitest";
import { InvariantError } from "../core/errors.js";
import { ClientOrder } from "../model/client-order.js";
import { ParentOrder } from "./parent-order.js";

/** A started market buy of `qty` lots in ACME, joined to `parent`. */
function join(parent: ParentOrder, orderId: number, qty: number): ClientOrder {
  const order = ClientOrder.create(
    orderId,
    {
      clOrdId: `O${orderId}`,
      source: "OMS",
      account: "A1",
      symbol: "ACME",
      side: "buy",
      ordType: "market",
      orderQty: qty,
      limitPrice: null,
      urgency: null,
      strategy: null,
      startTime: null,
      endTime: null,
      maxParticipation: null,
      allowCross: false,
      tags: {},
    },
    0,
    null,
    {},
  );
  parent.join(order);
  return order;
}

describe("parent order: over-sent reservations", () => {
  it("reserves beyond its orders only as declared over-sent lots, which cancels give back first", () => {
    const parent = new ParentOrder(1, "k", "ACME", "buy", "twap");
    join(parent, 1, 200);
    parent.reserve("C1", null, 171);
    // 29 lots are still available: a slice of 129 needs 100 of them over-sent, no fewer.
    expect(() => parent.reserve("C2", null, 129, 99)).toThrow(InvariantError);
    parent.reserve("C2", null, 129, 100);
    expect([parent.reservedQty, parent.overSentQty, parent.coveredQty, parent.available(null)]).toEqual([
      300, 100, 200, 0,
    ]);
    expect(parent.overReservedQty).toBe(0);
    parent.audit();
    // C1 is reduced to 71 at its venue: the 100 lots it gives back are the over-sent ones.
    parent.shrinkTo("C1", 71);
    expect([parent.reservedQty, parent.overSentQty]).toEqual([200, 0]);
    parent.audit();
  });

  it("lets fills beyond the orders take over-sent lots only, and never more than were over-sent", () => {
    const parent = new ParentOrder(1, "k", "ACME", "buy", "twap");
    join(parent, 1, 200);
    parent.reserve("C1", null, 171);
    parent.reserve("C2", null, 129, 100);
    // C2 fills 129, allocated to the order: the over-sent lots stay over-sent while reservations remain for them.
    parent.release("C2", 129);
    expect([parent.reservedQty, parent.overSentQty]).toEqual([171, 100]);
    // C1 fills 171: 71 to the order, 100 beyond it.
    parent.release("C1", 71);
    expect(() => parent.overFill("C1", 101)).toThrow(InvariantError);
    parent.overFill("C1", 100);
    expect([parent.reservedQty, parent.overSentQty, parent.reservations.size]).toEqual([0, 0, 0]);
  });
});
