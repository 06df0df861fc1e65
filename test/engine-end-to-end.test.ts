/**
 * End to end against the simulated venues: client orders in, the interim slicer sending IOC children to the lit
 * venues, execution reports back as child fills, allocation to the client orders, and the kill switch stopping the
 * flow. Liquidity comes from resting participant orders on LITA and LITB; the NBBO is the venues' consolidated quote.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Engine } from "../src/engine/engine.js";
import { InterimSlicer } from "../src/engine/interim-slicer.js";
import type { EngineEvent } from "../src/model/client-events.js";
import { auditParticipants, Participant, px, START, world } from "./sim-fixtures.js";

afterEach(auditParticipants);

function setup() {
  const w = world();
  const acme = w.instrument("ACME");
  const lpA = new Participant(w.venue("LITA"), w.scheduler, "LP-A");
  const lpB = new Participant(w.venue("LITB"), w.scheduler, "LP-B");
  lpA.sell("a1", 150, px(acme, "150.01")).sell("a2", 400, px(acme, "150.02")).buy("b1", 500, px(acme, "149.99"));
  lpB.sell("a3", 200, px(acme, "150.01")).buy("b2", 300, px(acme, "149.98"));
  w.scheduler.runUntil(START + 10_000); // orders rest, quotes reach the consolidated view
  const engine = new Engine({
    instruments: w.data.instruments,
    scheduler: w.scheduler,
    quotes: w.quotes,
    sources: [{ id: "OMS", kind: "api" }],
    crossing: { takerFeeMicrosPerShare: 3000 },
    audit: true,
  });
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  const slicer = new InterimSlicer(engine, w.venues, w.scheduler, w.quotes, {
    intervalMicros: 1_000_000,
    sliceShares: "100",
  });
  return { w, acme, engine, slicer, events };
}

describe("engine + interim slicer + simulated venues", () => {
  it("works a parent to completion in slices and allocates every venue fill", () => {
    const { w, acme, engine, slicer, events } = setup();
    const order = (id: string, account: string, qty: string, limit: string | null) =>
      engine.submit({
        clOrdId: id,
        source: "OMS",
        account,
        symbol: "ACME",
        side: "buy",
        quantity: qty,
        orderType: limit === null ? "market" : "limit",
        limitPrice: limit,
      });
    expect(order("A", "A1", "100", "150.02")).toMatchObject({ ok: true, parentId: 1 });
    expect(order("B", "A2", "200", null)).toMatchObject({ ok: true, parentId: 1 });
    expect(order("C", "A3", "150", "150.01")).toMatchObject({ ok: true, parentId: 1 });
    slicer.start(START + 30_000_000);
    w.scheduler.runUntil(START + 30_000_000);
    w.scheduler.runUntilIdle();
    const state = ["A", "B", "C"].map((id) => {
      const o = engine.order("OMS", id);
      return { id, status: o?.ordStatus, cum: o?.cumQty };
    });
    // 350 shares were offered at 150.01 and 400 at 150.02: A and B fill; C (limit 150.01) got its pro-rata part of the
    // 150.01 offers and waits for the rest, which the interim slicer will not chase past the touch.
    const c = engine.order("OMS", "C");
    expect(state.slice(0, 2)).toEqual([
      { id: "A", status: "filled", cum: 100 },
      { id: "B", status: "filled", cum: 200 },
    ]);
    expect(c?.ordStatus).toBe("partially-filled");
    expect(c?.cumQty).toBeGreaterThan(0);
    expect(c?.cumQty).toBeLessThan(150);
    const fills = events.filter((e) => e.type === "parent-filled");
    expect(fills.reduce((a, f) => a + f.qty, 0)).toBe(300 + (c?.cumQty ?? 0));
    expect(new Set(fills.map((f) => f.venue))).toEqual(new Set(["LITA", "LITB"]));
    for (const f of fills) expect(f.childId).toMatch(/^S\d+$/);
    // C (limit 150.01) never traded at 150.02.
    const cTrades = events.filter((e) => e.type === "execution-report" && e.clOrdId === "C" && e.execType === "trade");
    for (const r of cTrades) expect(r.type === "execution-report" && r.lastPx <= px(acme, "150.01")).toBe(true);
    expect(slicer.lotsFilled).toBe(300 + (c?.cumQty ?? 0));
    expect(engine.parent(1)?.workable.total).toBe(150 - (c?.cumQty ?? 0));
  });

  it("joins an order that arrives while the parent works, and stops on the kill switch", () => {
    const { w, engine, slicer } = setup();
    engine.submit({
      clOrdId: "A",
      source: "OMS",
      account: "A1",
      symbol: "ACME",
      side: "buy",
      quantity: "300",
      orderType: "market",
    });
    slicer.start(START + 60_000_000);
    w.scheduler.runUntil(START + 1_500_000);
    engine.submit({
      clOrdId: "B",
      source: "OMS",
      account: "A2",
      symbol: "ACME",
      side: "buy",
      quantity: "300",
      orderType: "market",
    });
    expect(engine.parent(1)?.openOrders).toBe(2);
    w.scheduler.runUntil(START + 2_500_000);
    engine.kill({ scope: "global" }, "test");
    const cum = engine.orders.reduce((a, o) => a + o.cumQty, 0);
    const sent = slicer.childrenSent;
    w.scheduler.runUntil(START + 20_000_000);
    expect(slicer.childrenSent).toBe(sent);
    // In-flight children may still fill after the switch; nothing new is sent.
    expect(engine.orders.reduce((a, o) => a + o.cumQty, 0)).toBeGreaterThanOrEqual(cum);
    expect(engine.parent(1)?.reservedQty).toBe(0);
    engine.revive({ scope: "global" });
    w.scheduler.runUntil(START + 60_000_000);
    w.scheduler.runUntilIdle();
    // 750 lots of offers were resting: 600 fill, both orders complete.
    expect(engine.orders.map((o) => [o.clOrdId, o.ordStatus, o.cumQty])).toEqual([
      ["A", "filled", 300],
      ["B", "filled", 300],
    ]);
  });

  it("crosses opposing client orders internally instead of sending both to market", () => {
    const { w, engine, slicer, events } = setup();
    engine.submit({
      clOrdId: "B1",
      source: "OMS",
      account: "A1",
      symbol: "ACME",
      side: "buy",
      quantity: "100",
      orderType: "market",
      allowCross: true,
    });
    engine.submit({
      clOrdId: "S1",
      source: "OMS",
      account: "A2",
      symbol: "ACME",
      side: "sell",
      quantity: "100",
      orderType: "market",
      allowCross: true,
    });
    slicer.start(START + 5_000_000);
    w.scheduler.runUntil(START + 5_000_000);
    expect(
      events.filter((e) => e.type === "internal-cross").map((e) => e.type === "internal-cross" && [e.qty, e.price]),
    ).toEqual([[100, 1_500_000]]);
    expect(slicer.childrenSent).toBe(0);
    expect(engine.crossingStats().get("ACME")?.saving).toBeCloseTo(2 * 100 * (0.01 + 0.003), 9);
  });
});
