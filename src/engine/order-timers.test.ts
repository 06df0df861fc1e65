import { describe, expect, it } from "vitest";
import { VirtualScheduler } from "../core/scheduler.js";
import type { ClientOrder } from "../model/client-order.js";
import { OrderTimers } from "./order-timers.js";

/** Only what OrderTimers reads of an order: its id and whether it is done. */
function order(orderId: number): ClientOrder {
  return { orderId, done: null } as unknown as ClientOrder;
}

function setup() {
  const scheduler = new VirtualScheduler(0);
  const held = new Map<number, ClientOrder>();
  const fired: number[][] = [];
  const timers = new OrderTimers(
    scheduler,
    (id) => held.get(id),
    (orders) => fired.push(orders.map((o) => o.orderId)),
  );
  const add = (id: number, time: number) => {
    const o = order(id);
    held.set(id, o);
    timers.add(time, o);
    return o;
  };
  return { scheduler, held, fired, timers, add };
}

describe("OrderTimers", () => {
  it("fires once per time with the held orders due then, in the order added", () => {
    const { scheduler, held, fired, add } = setup();
    add(1, 100);
    add(2, 50);
    add(3, 100);
    held.delete(3); // released before its time
    scheduler.runUntilIdle();
    expect(fired).toEqual([[2], [1]]);
  });

  it("cancels the timer of a done order that was alone on it, so the scheduler keeps nothing for it", () => {
    const { scheduler, fired, timers, add } = setup();
    for (let id = 1; id <= 10_000; id++) {
      const o = add(id, 3_600_000_000 + id); // each its own end time, an hour away
      timers.drop(3_600_000_000 + id, o.orderId);
    }
    expect(scheduler.pending).toBeLessThan(200);
    scheduler.runUntilIdle();
    expect(fired).toEqual([]);
  });

  it("keeps a shared timer when one of its orders is done", () => {
    const { scheduler, fired, timers, add } = setup();
    add(1, 100);
    add(2, 100);
    timers.drop(100, 1);
    timers.drop(100, 3); // not on it: nothing
    scheduler.runUntilIdle();
    expect(fired).toEqual([[1, 2]]);
  });

  it("sweeps done orders out of a long shared list as it grows, and never one that is not done", () => {
    const { held, add, scheduler, fired } = setup();
    for (let id = 1; id <= 4097; id++) {
      add(id, 100);
      if (id % 2 === 0) (held.get(id) as { done: unknown }).done = "filled";
    }
    scheduler.runUntilIdle();
    const ids = fired[0] ?? [];
    expect(ids.filter((id) => id % 2 === 1)).toEqual(Array.from({ length: 2049 }, (_, i) => 2 * i + 1));
    expect(ids.length).toBeLessThan(2049 + 1024); // without the sweeps: 4,097
  });
});
