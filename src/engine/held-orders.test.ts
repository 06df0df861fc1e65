import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ClientOrder } from "../model/client-order.js";
import { HeldOrders } from "./held-orders.js";

const order = (orderId: number) => ({ orderId }) as ClientOrder;

describe("HeldOrders", () => {
  it("finds what it holds by id and yields it in id order, across compactions", () => {
    const held = new HeldOrders();
    for (let id = 1; id <= 5000; id++) held.add(order(id));
    // Release every id but the multiples of 7: the young array compacts, the survivors move to the old generation.
    for (let id = 1; id <= 5000; id++) if (id % 7 !== 0) held.delete(id);
    for (let id = 5001; id <= 6000; id++) held.add(order(id));
    expect(held.size).toBe(714 + 1000);
    expect(held.get(7)?.orderId).toBe(7);
    expect(held.get(8)).toBeUndefined();
    expect(held.get(5500)?.orderId).toBe(5500);
    expect(held.get(6001)).toBeUndefined();
    const ids = [...held.values()].map((o) => o.orderId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids.length).toBe(held.size);
  });

  it("refuses an id that is not above every id added", () => {
    const held = new HeldOrders();
    held.add(order(3));
    expect(() => held.add(order(2))).toThrow(/added after order 3/);
  });

  it("behaves as a map of the orders added and not deleted (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.nat(4000)), { maxLength: 3000 }), (ops) => {
        const held = new HeldOrders();
        const model = new Map<number, ClientOrder>();
        let next = 1;
        for (const [kind, n] of ops) {
          if (kind === 1) {
            next += n % 3; // ids may skip (orders refused in between)
            const o = order(next++);
            held.add(o);
            model.set(o.orderId, o);
          } else {
            const id = 1 + (n % Math.max(1, next));
            held.delete(id);
            model.delete(id);
          }
        }
        expect(held.size).toBe(model.size);
        expect([...held.values()]).toEqual([...model.values()]);
        for (let id = 1; id <= next; id++) expect(held.get(id)).toBe(model.get(id));
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
