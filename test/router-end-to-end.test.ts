/**
 * The smart order router inside the executor, against the simulated venues (test/executor-fixtures.ts): where each
 * logic sends a parent's children, the sequential fallback, spray's over-fill protection when fills race the cancels,
 * dark first, a venue outage and a dropped connection routed around and recovered from. Exact times: the fixture's latencies are constant.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AlgoParameters } from "../src/algo/algo-parameters.js";
import { TAKE_MISS_REST_MICROS } from "../src/engine/algo-executor.js";
import type { ChildOrderChanged, EngineEvent, ParentFilled, RoutingDecision } from "../src/model/client-events.js";
import type { RoutingLogic } from "../src/router/routing.js";
import type { SimVenueBase } from "../src/venue/sim/sim-venue-base.js";
import type { MarketDataListener, OrderEntryListener, OrderEntrySession, Venue } from "../src/venue/venue.js";
import { market, setup } from "./executor-fixtures.js";
import { auditParticipants, Participant, px, START } from "./sim-fixtures.js";

afterEach(auditParticipants);

/** A window so short the algorithm is in its final phase at once: it takes everything at the far touch. */
const takeNow = (p: AlgoParameters): AlgoParameters => ({
  ...p,
  algo: "twap",
  startTime: START + 10_000,
  endTime: START + 3_000_000,
  useDark: false,
});

/** A slow passive TWAP (no dark children of its own): what the router adds is the router's. */
const restSlowly = (p: AlgoParameters): AlgoParameters => ({
  ...p,
  algo: "twap",
  startTime: START + 10_000,
  endTime: START + 600_000_000,
  slices: 10,
  randomisation: 0,
  aggressiveness: 0,
  useDark: false,
});

const of = <T extends EngineEvent["type"]>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);

function run(
  choose: (p: AlgoParameters) => AlgoParameters,
  logic: RoutingLogic,
  venues?: (venues: readonly Venue[]) => readonly Venue[],
) {
  const s = setup(choose, logic, venues === undefined ? {} : { venues });
  return { ...s, placed: () => s.children().filter((e) => e.action === "placed") };
}

/**
 * A simulated venue behind a connection that the test drops and restores, telling the port's connection listeners as
 * a FixVenue does (its orders stay at the venue meanwhile). Nothing may be sent to it while it is down.
 */
class Droppable implements Venue {
  private readonly listeners: ((connected: boolean) => void)[] = [];
  up = true;
  sentWhileDown = 0;
  constructor(private readonly venue: Venue) {}
  get id() {
    return this.venue.id;
  }
  get kind() {
    return this.venue.kind;
  }
  get spec() {
    return this.venue.spec;
  }
  connect(listener: OrderEntryListener): OrderEntrySession {
    const inner = this.venue.connect(listener);
    const count =
      <T>(send: (request: T) => void) =>
      (request: T) => {
        if (!this.up) this.sentWhileDown++;
        send(request);
      };
    return {
      submit: count((o) => inner.submit(o)),
      cancel: count((r) => inner.cancel(r)),
      replace: count((r) => inner.replace(r)),
    };
  }
  subscribe(listener: MarketDataListener): void {
    this.venue.subscribe(listener);
  }
  onConnectionChange(listener: (connected: boolean) => void): void {
    this.listeners.push(listener);
  }
  set(up: boolean): void {
    this.up = up;
    for (const listener of this.listeners) listener(up);
  }
}

describe("smart order router in the executor", () => {
  it("sequential: takes at the cheapest venue first, and what it leaves moves to the next venue at once", () => {
    const { w, acme, engine, events, placed } = run(takeNow, "sequential");
    engine.submit(market("A", "A1", "300"));
    w.scheduler.runUntil(START + 1_000_000);
    // LITB pays a taker rebate: all 300 go there; it shows 200 at 150.01, so 100 come back unfilled and go to LITA.
    expect(placed().map((e) => [e.venue, e.orderQty, e.price])).toEqual([
      ["LITB", 300, px(acme, "150.01")],
      ["LITA", 100, px(acme, "150.01")],
    ]);
    const fills = of(events, "parent-filled");
    expect(fills.map((f) => [f.venue, f.qty])).toEqual([
      ["LITB", 200],
      ["LITA", 100],
    ]);
    expect(engine.order("OMS", "A")?.ordStatus).toBe("filled");
    const decision = of(events, "routing-decision")[0] as RoutingDecision;
    expect(decision).toMatchObject({ logic: "sequential", tactic: "aggressive", qty: 300 });
    expect(decision.note).toMatch(/LITB > LITA/);
    expect(decision.venues.map((v) => v.venue)).toEqual(["LITA", "LITB", "DRKP"]);
  });

  it("a venue that did not show the price and filled nothing gets no taking child for a while; a lost race does", () => {
    // The equal split sends half of every taking child to each lit venue, whatever it shows. Once LITB's 200 at 150.01
    // are gone it shows no ask at all, so each half sent there came back unfilled, and the parent, still behind,
    // decided again on that report and sent the next half there, about every millisecond for as long as it stayed
    // behind.
    const { w, engine, events } = run(takeNow, "equal-split");
    engine.submit(market("A", "A1", "1000"));
    w.scheduler.runUntil(START + 1_000_000);
    // Each taking child, and whether its venue showed its price when it was routed (the decision records the quotes).
    const blind = new Map<string, boolean>();
    for (const d of of(events, "routing-decision")) {
      for (const c of d.children) {
        const seen = d.venues.find((v) => v.venue === c.venue);
        blind.set(c.childId, !(seen !== undefined && seen.ask !== null && seen.ask <= c.price && seen.askQty > 0));
      }
    }
    const filledChildren = new Set(of(events, "parent-filled").map((f) => f.childId));
    const restUntil = new Map<string, number>();
    const racedAt = new Map<string, number>();
    let blindMisses = 0;
    let racedRetries = 0;
    for (const e of of(events, "child-order")) {
      if (e.tactic !== "aggressive") continue;
      if ((e.action === "cancelled" || e.action === "expired") && !filledChildren.has(e.childId)) {
        if (blind.get(e.childId)) {
          restUntil.set(e.venue, e.time + TAKE_MISS_REST_MICROS);
          blindMisses++;
        } else racedAt.set(e.venue, e.time);
      } else if (e.action === "placed") {
        expect(e.time).toBeGreaterThanOrEqual(restUntil.get(e.venue) ?? 0);
        const raced = racedAt.get(e.venue);
        if (raced !== undefined && e.time - raced < TAKE_MISS_REST_MICROS) racedRetries++;
      }
    }
    expect(blindMisses).toBeGreaterThan(0);
    // The child that followed a blind miss at LITB went whole to LITA.
    expect(of(events, "routing-decision").some((d) => d.note === "equal parts to LITA")).toBe(true);
    // A child sent while LITB still showed the 200 it raced for missed too, and LITB got the next child at once.
    expect(racedRetries).toBeGreaterThan(0);
    // LITA's offers (150 at 150.01, 400 at 150.02) were taken whole, and LITB's 200 before its ask emptied.
    const filled = (venue: string) =>
      of(events, "parent-filled")
        .filter((f) => f.venue === venue)
        .reduce((a, f) => a + f.qty, 0);
    expect(filled("LITA")).toBe(550);
    expect(filled("LITB")).toBe(200);
  });

  it("spray: splits by displayed size, never more than the child, and fills racing the cancels stay within it", () => {
    const { w, acme, engine, events, placed } = run(restSlowly, "spray");
    engine.submit(market("A", "A1", "400"));
    w.scheduler.runUntil(START + 1_000_000);
    const resting = placed();
    expect(new Set(resting.map((e) => e.venue))).toEqual(new Set(["LITA", "LITB"]));
    const working = resting.reduce((a, e) => a + e.orderQty, 0);
    expect(working).toBeLessThanOrEqual(400);
    // Sellers hit both bids at the instant the kill switch sends the cancels: the trades arrive after the cancels
    // were sent (adversarial timing), and none may take the parent beyond what it reserved.
    const sellerA = new Participant(w.venue("LITA"), w.scheduler, "SA");
    const sellerB = new Participant(w.venue("LITB"), w.scheduler, "SB");
    const at = START + 2_000_000;
    w.scheduler.at(at, () => {
      // The sellers' orders are on their way first; the cancels follow them on the same links.
      sellerA.sell("s1", 2_000, px(acme, "149.98"), { timeInForce: "ioc" });
      sellerB.sell("s2", 2_000, px(acme, "149.98"), { timeInForce: "ioc" });
      engine.kill({ scope: "global" }, "race");
    });
    w.scheduler.runUntil(START + 3_000_000);
    const cancels = events.filter((e) => e.type === "child-order" && e.action === "cancel-requested");
    const fills = of(events, "parent-filled").filter((f) => f.time >= at);
    expect(cancels.length).toBeGreaterThan(0);
    expect(fills.length).toBeGreaterThan(0);
    const firstCancel = (cancels[0] as ChildOrderChanged).seq;
    expect(fills.some((f) => f.seq > firstCancel)).toBe(true);
    const total = of(events, "parent-filled").reduce((a, f) => a + f.qty, 0);
    expect(total).toBeLessThanOrEqual(working);
    const order = engine.order("OMS", "A");
    expect(order?.cumQty).toBe(total);
    expect(order?.cumQty).toBeLessThanOrEqual(400);
    for (const child of resting) {
      const filled = of(events, "parent-filled")
        .filter((f: ParentFilled) => f.childId === child.childId)
        .reduce((a, f) => a + f.qty, 0);
      expect(filled).toBeLessThanOrEqual(child.orderQty);
    }
    expect(engine.parent(1)?.reservedQty ?? 0).toBe(0);
  });

  it("optimal: our own lots resting at a venue count in its queue as the outflow the trades that take them bring", () => {
    const { w, acme, engine, events, lpA } = run(
      (p) => ({ ...restSlowly(p), endTime: START + 200_000_000, slices: 20 }),
      "optimal",
    );
    engine.submit(market("A", "A1", "400"));
    // Outflow windows are 10 s from the session's open. In the second, a seller takes 100 of LP-A's 500 lots at LITA's
    // bid, ahead of ours, and LP-A cancels the other 400: an outflow of 500 for 100 traded. In the fourth, a seller
    // takes 10 of ours there: 10 for 10.
    const seller = new Participant(w.venue("LITA"), w.scheduler, "S");
    w.scheduler.at(START + 12_000_000, () => seller.sell("s1", 100, px(acme, "149.99"), { timeInForce: "ioc" }));
    w.scheduler.at(START + 13_000_000, () => lpA.cancel("c1", "b1"));
    w.scheduler.at(START + 30_000_000, () => seller.sell("s2", 10, px(acme, "149.99"), { timeInForce: "ioc" }));
    w.scheduler.runUntil(START + 50_000_000);
    const passive = of(events, "routing-decision").filter((d) => d.logic === "optimal" && d.tactic === "passive");
    // Before the first window closes there is nothing to solve on: those children are sprayed.
    expect(passive[0]?.note).toMatch(/^no outflow history yet/);
    const solved = passive.filter((d) => d.time >= START + 40_000_000);
    expect(solved.length).toBeGreaterThan(0);
    for (const d of solved) {
      // Only our own lots are left at LITA's bid: what it shows. Each weighs the 510 / 110 lots of outflow per trade.
      const shown = d.venues.find((v) => v.venue === "LITA")?.bidQty ?? 0;
      expect(shown).toBeGreaterThan(0);
      const q = Number(/L LITA \d+ \(Q ([\d.]+)\)/.exec(d.note)?.[1]);
      expect(q).toBeCloseTo((shown * 510) / 110, 1); // the note gives it to one decimal
    }
  });

  it("liquidity-seeking: goes to the dark pool first, and finds the liquidity resting there", () => {
    const { w, acme, engine, events, placed } = run(restSlowly, "liquidity-seeking");
    const darkSeller = new Participant(w.venue("DRKP"), w.scheduler, "DS");
    darkSeller.sell("d1", 1_000, px(acme, "149.90"));
    w.scheduler.runUntil(START + 20_000);
    engine.submit(market("A", "A1", "400"));
    w.scheduler.runUntil(START + 1_000_000);
    const first = placed()[0] as ChildOrderChanged;
    expect(first).toMatchObject({ venue: "DRKP", tactic: "midpoint" });
    const dark = of(events, "parent-filled").filter((f) => f.venue === "DRKP");
    expect(dark.reduce((a, f) => a + f.qty, 0)).toBe(first.orderQty);
    // At the midpoint of 149.99 / 150.01.
    expect(dark.every((f) => f.price === px(acme, "150.00"))).toBe(true);
  });

  it("routes around a venue that is down, and back to it once it is up and its backoff has passed", () => {
    const { w, engine, executor, events, placed } = run(takeNow, "sequential");
    const litb = w.venue("LITB") as unknown as SimVenueBase;
    litb.setOutage(true);
    const lp = new Participant(w.venue("LITB"), w.scheduler, "LP-B2");
    const acme = w.instrument("ACME");
    // Three parents (three strategies): each first tries LITB, is refused, and moves on to LITA at once.
    ["twap", "vwap", "is"].forEach((strategy, i) => {
      w.scheduler.at(START + 20_000 + i * 10_000, () => engine.submit(market(`A${i}`, "A1", "10", { strategy })));
    });
    w.scheduler.runUntil(START + 100_000);
    const rejected = events.filter((e) => e.type === "child-order" && e.action === "rejected");
    expect(rejected.map((e) => (e as ChildOrderChanged).venue)).toEqual(["LITB", "LITB", "LITB"]);
    expect(["A0", "A1", "A2"].map((id) => engine.order("OMS", id)?.ordStatus)).toEqual(["filled", "filled", "filled"]);
    expect(executor.health.state("LITB", w.scheduler.now()).status).toBe("tripped");
    // A fourth parent does not even try LITB.
    const before = placed().length;
    engine.submit(market("A3", "A1", "10", { strategy: "pov" }));
    w.scheduler.runUntil(START + 200_000);
    expect(
      placed()
        .slice(before)
        .map((e) => e.venue),
    ).toEqual(["LITA"]);
    // The outage ends; after the backoff LITB is tried again (half-open), acknowledges, and is healthy.
    litb.setOutage(false);
    lp.sell("a9", 100, px(acme, "150.01"));
    w.scheduler.runUntil(START + 2_500_000);
    const again = placed().length;
    engine.submit({ ...market("A4", "A2", "10", { urgency: "high" }) });
    w.scheduler.runUntil(START + 2_900_000);
    expect(placed().slice(again)[0]?.venue).toBe("LITB");
    expect(executor.health.state("LITB", w.scheduler.now()).status).toBe("healthy");
  });

  it("a dropped connection trips its venue at once; back and past its backoff, a probe makes it healthy", () => {
    const wrapped: Droppable[] = [];
    const wrap = (venues: readonly Venue[]) =>
      venues.map((v) => {
        if (v.id !== "LITB") return v;
        const droppable = new Droppable(v);
        wrapped.push(droppable);
        return droppable;
      });
    const { w, engine, executor, placed } = run(takeNow, "sequential", wrap);
    const down = wrapped[0] as Droppable;
    w.scheduler.at(START + 15_000, () => down.set(false));
    ["twap", "vwap", "is"].forEach((strategy, i) => {
      w.scheduler.at(START + 20_000 + i * 10_000, () => engine.submit(market(`D${i}`, "A1", "10", { strategy })));
    });
    w.scheduler.runUntil(START + 500_000);
    // LITB (the sequential ranking's first) is never tried: no reject, no timeout, nothing sent into the dropped link.
    expect(placed().map((e) => e.venue)).toEqual(["LITA", "LITA", "LITA"]);
    expect(["D0", "D1", "D2"].map((id) => engine.order("OMS", id)?.ordStatus)).toEqual(["filled", "filled", "filled"]);
    expect(down.sentWhileDown).toBe(0);
    expect(executor.health.state("LITB", w.scheduler.now()).status).toBe("disconnected");
    // Long past the backoff, still down: still nothing goes there.
    w.scheduler.runUntil(START + 3_000_000);
    const before = placed().length;
    engine.submit(market("D3", "A1", "10", { strategy: "pov" }));
    w.scheduler.runUntil(START + 3_200_000);
    expect(
      placed()
        .slice(before)
        .map((e) => e.venue),
    ).toEqual(["LITA"]);
    // Back: its backoff has passed, so it is half-open; the next parent probes it, the acknowledgement closes it.
    down.set(true);
    expect(executor.health.state("LITB", w.scheduler.now()).status).toBe("half-open");
    const again = placed().length;
    engine.submit(market("D4", "A2", "10", { urgency: "high" }));
    w.scheduler.runUntil(START + 3_600_000);
    expect(placed().slice(again)[0]?.venue).toBe("LITB");
    expect(executor.health.state("LITB", w.scheduler.now()).status).toBe("healthy");
  });

  it("times out a venue that stops answering: its children are cancelled and counted, and it is routed around", () => {
    const { w, engine, executor, events, placed } = run(takeNow, "sequential");
    const litb = w.venue("LITB") as unknown as SimVenueBase;
    litb.setHung(true);
    // Three parents each first try LITB (the sequential ranking's first), which never answers.
    ["twap", "vwap", "is"].forEach((strategy, i) => {
      w.scheduler.at(START + 20_000 + i * 10_000, () => engine.submit(market(`H${i}`, "A1", "10", { strategy })));
    });
    w.scheduler.runUntil(START + 1_000_000);
    expect(placed().map((e) => e.venue)).toEqual(["LITB", "LITB", "LITB"]);
    expect(events.some((e) => e.type === "child-order" && e.reason === "ack-timeout")).toBe(false);
    // Past the acknowledgement timeout each parent's next decision sees its child overdue.
    w.scheduler.runUntil(START + 2_600_000);
    const timedOut = events.filter(
      (e): e is ChildOrderChanged =>
        e.type === "child-order" && e.action === "cancel-requested" && e.reason === "ack-timeout",
    );
    expect(timedOut.map((e) => e.venue)).toEqual(["LITB", "LITB", "LITB"]);
    expect(executor.health.state("LITB", w.scheduler.now()).status).toBe("tripped");
    // The children stay reserved (the venue may still hold them); a new parent goes to LITA.
    expect(executor.workingChildren).toBe(3);
    const before = placed().length;
    engine.submit(market("H3", "A1", "10", { strategy: "pov" }));
    w.scheduler.runUntil(START + 2_800_000);
    expect(placed().slice(before)[0]?.venue).toBe("LITA");
  });
});
