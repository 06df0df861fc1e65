/**
 * End to end against the simulated venues: client orders in, the algorithm executor working each parent (schedule,
 * tactics, venue choice), execution reports back as child fills, allocation to the client orders, and the kill
 * switch stopping the flow. Liquidity comes from resting participant orders on LITA and LITB (and a dark pool
 * participant where a test says so); the NBBO is the venues' consolidated quote.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ChildOrderChanged } from "../src/model/client-events.js";
import { market, SESSION_END, setup } from "./executor-fixtures.js";
import { auditParticipants, Participant, px, START } from "./sim-fixtures.js";

afterEach(auditParticipants);

describe("engine + algorithm executor + simulated venues", () => {
  it("works a high-urgency parent to completion and allocates every venue fill within each order's limit", () => {
    const { w, acme, engine, executor, events, children } = setup();
    const order = (id: string, account: string, qty: string, limit: string | null) =>
      engine.submit({
        ...market(id, account, qty, { urgency: "high" }),
        orderType: limit === null ? "market" : "limit",
        limitPrice: limit,
      });
    expect(order("A", "A1", "100", "150.02")).toMatchObject({ ok: true, parentId: 1 });
    expect(order("B", "A2", "200", null)).toMatchObject({ ok: true, parentId: 1 });
    expect(order("C", "A3", "150", "150.01")).toMatchObject({ ok: true, parentId: 1 });
    w.scheduler.runUntil(START + 6 * 60_000_000);
    const algo = events.find((e) => e.type === "algo-chosen");
    expect(algo).toMatchObject({ algo: "is", urgency: "high", quantity: 450 });
    // 350 shares were offered at 150.01 and 400 at 150.02: A and B fill; C (limit 150.01) gets part of the 150.01
    // offers and rests at its limit for the rest (it is never taken beyond it).
    expect(["A", "B"].map((id) => engine.order("OMS", id)?.ordStatus)).toEqual(["filled", "filled"]);
    const c = engine.order("OMS", "C");
    expect(c?.cumQty).toBeGreaterThan(0);
    expect(c?.cumQty).toBeLessThan(150);
    const fills = events.filter((e) => e.type === "parent-filled");
    expect(fills.reduce((a, f) => a + f.qty, 0)).toBe(300 + (c?.cumQty ?? 0));
    for (const f of fills) expect(f.childId).toMatch(/^C\d+$/);
    const cTrades = events.filter((e) => e.type === "execution-report" && e.clOrdId === "C" && e.execType === "trade");
    for (const r of cTrades) expect(r.type === "execution-report" && r.lastPx <= px(acme, "150.01")).toBe(true);
    expect(executor.stats.lotsFilled).toBe(300 + (c?.cumQty ?? 0));
    // Every child placed was acknowledged or rejected, and every one placed reached a final state or still works.
    const placed = new Set(
      children()
        .filter((e) => e.action === "placed")
        .map((e) => e.childId),
    );
    const final = children().filter((e) => ["filled", "cancelled", "expired", "rejected"].includes(e.action));
    expect(final.length + executor.workingChildren).toBe(placed.size);
    // What still works is C's remainder, resting passively at its limit.
    const resting = children().filter((e) => e.action === "placed" && !final.some((f) => f.childId === e.childId));
    for (const r of resting) expect(r).toMatchObject({ tactic: "passive", price: px(acme, "150.01") });
  });

  it("posts passively at the bid first when not in a hurry, and takes when it falls behind", () => {
    const { w, acme, engine, children } = setup((p) => ({
      ...p,
      algo: "twap",
      startTime: START + 10_000,
      endTime: START + 60_000_000,
      slices: 6,
      randomisation: 0,
      aggressiveness: 0,
      useDark: false,
    }));
    engine.submit(market("A", "A1", "120"));
    w.scheduler.runUntil(START + 1_000_000);
    const first = children().find((e) => e.action === "placed");
    // Slice one of six (20 lots) plus the look-ahead of one slice: passive at the bid.
    expect(first).toMatchObject({ tactic: "passive", price: px(acme, "149.99") });
    w.scheduler.runUntil(START + 61_000_000);
    const tactics = new Set(
      children()
        .filter((e) => e.action === "placed")
        .map((e) => e.tactic),
    );
    // Nobody sold into the bid: the algorithm fell behind and escalated to taking, and completed in the final phase.
    expect(tactics).toEqual(new Set(["passive", "aggressive"]));
    expect(engine.order("OMS", "A")?.ordStatus).toBe("filled");
    expect(children().some((e) => e.action === "cancel-requested")).toBe(true);
  });

  it("re-pegs a resting child with one replace when the bid moves up, and its later fills are still the child's", () => {
    const { w, acme, engine, events, lpA, children } = setup(
      (p) => ({
        ...p,
        algo: "twap",
        startTime: START + 10_000,
        endTime: START + 60_000_000,
        slices: 6,
        randomisation: 0,
        aggressiveness: 0,
        useDark: false,
      }),
      "best-venue",
    );
    engine.submit(market("A", "A1", "120"));
    w.scheduler.runUntil(START + 1_000_000);
    const placed = children().filter((e) => e.action === "placed");
    expect(placed).toHaveLength(1);
    const childId = (placed[0] as ChildOrderChanged).childId;
    // The market bids a cent higher: the child rests a moment at its price, then follows with a replace.
    w.scheduler.at(START + 2_000_000, () => lpA.buy("b3", 100, px(acme, "150.00")));
    w.scheduler.runUntil(START + 2_500_000);
    expect(children().some((e) => e.action === "replace-requested")).toBe(false);
    w.scheduler.runUntil(START + 6_000_000);
    const mine = children().filter((e) => e.childId === childId);
    expect(mine.map((e) => e.action)).toEqual(["placed", "acknowledged", "replace-requested", "replaced"]);
    expect(mine[3]).toMatchObject({ price: px(acme, "150.00"), reason: null });
    expect(children().some((e) => e.action === "cancel-requested")).toBe(false);
    // A seller on the child's venue hits the bids at 150.00 there: the re-pegged child trades.
    const venue = (placed[0] as ChildOrderChanged).venue;
    const seller = new Participant(w.venue(venue), w.scheduler, "SELLER");
    // Enough to take every bid at 150.00 there (LP-A's, the child's, any child placed since); nothing below.
    w.scheduler.at(START + 6_500_000, () => seller.sell("s1", 1_000, px(acme, "150.00"), { timeInForce: "ioc" }));
    w.scheduler.runUntil(START + 7_500_000);
    const fills = events.filter((e) => e.type === "parent-filled");
    expect(fills.every((e) => e.type === "parent-filled" && e.price === px(acme, "150.00"))).toBe(true);
    const childFilled = fills.reduce(
      (sum, e) => sum + (e.type === "parent-filled" && e.childId === childId ? e.qty : 0),
      0,
    );
    expect(childFilled).toBe((placed[0] as ChildOrderChanged).orderQty);
    expect(
      children()
        .filter((e) => e.childId === childId)
        .at(-1)?.action,
    ).toBe("filled");
  });

  it("joins an order that arrives while the parent works, and stops on the kill switch", () => {
    const { w, engine, executor } = setup();
    engine.submit(market("A", "A1", "300", { urgency: "high" }));
    w.scheduler.runUntil(START + 1_500_000);
    engine.submit(market("B", "A2", "300", { urgency: "high" }));
    expect(engine.parent(1)?.openOrders).toBe(2);
    w.scheduler.runUntil(START + 2_500_000);
    engine.kill({ scope: "global" }, "test");
    const sent = executor.stats.childrenSent;
    w.scheduler.runUntil(START + 20_000_000);
    // In-flight children may still fill after the switch; nothing new is sent, and what worked was cancelled.
    expect(executor.stats.childrenSent).toBe(sent);
    expect(executor.workingChildren).toBe(0);
    expect(engine.parent(1)?.reservedQty).toBe(0);
    engine.revive({ scope: "global" });
    w.scheduler.runUntil(START + 6 * 60_000_000);
    // 750 lots of offers were resting: 600 fill, both orders complete.
    expect(engine.orders.map((o) => [o.clOrdId, o.ordStatus, o.cumQty])).toEqual([
      ["A", "filled", 300],
      ["B", "filled", 300],
    ]);
  });

  it("crosses opposing client orders internally instead of sending both to market", () => {
    const { w, engine, executor, events } = setup();
    engine.submit(market("B1", "A1", "100", { allowCross: true }));
    engine.submit({ ...market("S1", "A2", "100", { allowCross: true }), side: "sell" });
    w.scheduler.runUntil(START + 5_000_000);
    expect(
      events.filter((e) => e.type === "internal-cross").map((e) => e.type === "internal-cross" && [e.qty, e.price]),
    ).toEqual([[100, 1_500_000]]);
    expect(executor.stats.childrenSent).toBe(0);
    expect(engine.crossingStats().get("ACME")?.saving).toBeCloseTo(2 * 100 * (0.01 + 0.003), 9);
  });

  it("delivers every event to every listener in sequence order, also those the executor emits while reacting", () => {
    const { w, engine } = setup();
    // A listener registered after the executor: the executor's own events (child orders, cancels on a kill switch)
    // are emitted while it handles an engine event, yet this listener must still see them after that event.
    const seqs: number[] = [];
    engine.on((e) => seqs.push(e.seq));
    engine.submit(market("A", "A1", "300", { urgency: "high" }));
    w.scheduler.runUntil(START + 1_500_000);
    engine.kill({ scope: "global" }, "test");
    w.scheduler.runUntil(START + 3_000_000);
    expect(seqs.length).toBeGreaterThan(10);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] as number) + i));
  });

  it("cancels everything still working at the session's end", () => {
    const { w, engine, executor, children } = setup((p) => ({
      ...p,
      algo: "twap",
      endTime: SESSION_END + 600_000_000,
      aggressiveness: 0,
    }));
    engine.submit(market("A", "A1", "1000", { urgency: "low" }));
    w.scheduler.runUntil(SESSION_END + 1_000_000);
    expect(executor.workingChildren).toBe(0);
    expect(engine.parent(1)?.reservedQty ?? 0).toBe(0);
    expect(children().some((e) => e.reason === "session-end")).toBe(true);
  });
});
