/**
 * TCA from a scripted journal: one instrument whose mid rises one tick (0.01) a second, 1,000 lots printed at the mid
 * each second, and one client order (buy 200) whose parent fills 100 at 101.00 at t = 100.5 s and is then cancelled.
 * Every figure follows from the definitions in tca-builder.ts, markouts.ts and execution-cost.ts.
 */
import { describe, expect, it } from "vitest";
import type { EngineEvent } from "../model/client-events.js";
import { Instrument } from "../model/instrument.js";
import { TcaBuilder } from "./tca-builder.js";

const S = 1_000_000;
const T0 = 1_767_623_400 * S; // 2026-01-05T14:30:00Z
const instrument = new Instrument({
  symbol: "XYZ",
  currency: "USD",
  priceIncrement: "0.01",
  lotSize: "1",
  referencePrice: "100.00",
  averageDailyVolume: 1_000_000,
  annualVolatility: 0.2,
});
/** Price units (4 decimals) of the mid at the close of second s: 100.00 + 0.01 s. */
const mid = (s: number) => 1_000_000 + 100 * s;

interface Variant {
  /** The NBBO recorded on the parent fill (price units). */
  readonly quote?: { readonly bid: number; readonly ask: number };
  /** An IS algorithm with this trajectory urgency (per second) instead of TWAP. */
  readonly kappaPerSecond?: number;
}

function journal(variant: Variant = {}): EngineEvent[] {
  const events: EngineEvent[] = [];
  let seq = 0;
  const push = (e: Record<string, unknown>) => events.push({ seq: ++seq, ...e } as unknown as EngineEvent);
  const bar = (s: number) =>
    push({
      type: "market-bar",
      time: T0 + (s + 1) * S,
      symbol: "XYZ",
      barStart: T0 + s * S,
      bid: mid(s) - 100,
      ask: mid(s) + 100,
      trades: 1,
      volume: 1000,
      notional: 1000 * mid(s),
    });
  for (let s = 0; s < 40; s++) bar(s);
  push({
    type: "parent-created",
    time: T0 + 40 * S,
    parentId: 1,
    key: "k",
    symbol: "XYZ",
    side: "buy",
    intent: "agency",
  });
  push({
    type: "order-accepted",
    time: T0 + 40 * S,
    orderId: 7,
    clOrdId: "C7",
    source: "oms",
    account: "A",
    symbol: "XYZ",
    side: "buy",
    ordType: "market",
    orderQty: 200,
    limitPrice: null,
    urgency: null,
    strategy: null,
    intent: "agency",
    startTime: null,
    endTime: null,
    maxParticipation: null,
    allowCross: true,
    arrivalMid: 1_004_000,
    parentId: 1,
  });
  for (let s = 40; s < 50; s++) bar(s);
  push({
    type: "algo-chosen",
    time: T0 + 50 * S,
    parentId: 1,
    symbol: "XYZ",
    side: "buy",
    algo: variant.kappaPerSecond === undefined ? "twap" : "is",
    urgency: "medium",
    startTime: T0 + 50 * S,
    endTime: T0 + 250 * S,
    quantity: 200,
    aggressiveness: 0.5,
    useDark: false,
    completeByEnd: true,
    maxParticipation: null,
    povRate: 0.1,
    riskAversion: 0,
    arrivalMid: 1_005_000,
    kappaPerSecond: variant.kappaPerSecond ?? null,
  });
  push({
    type: "child-order",
    time: T0 + 50 * S,
    parentId: 1,
    childId: "c1",
    venue: "LIT1",
    action: "placed",
    symbol: "XYZ",
    side: "buy",
    tactic: "aggressive",
    price: 1_010_000,
    orderQty: 100,
    leavesQty: 100,
    reason: null,
  });
  push({
    type: "routing-decision",
    time: T0 + 50 * S,
    parentId: 1,
    symbol: "XYZ",
    side: "buy",
    logic: "sequential",
    tactic: "aggressive",
    price: 1_010_000,
    qty: 100,
    venues: [],
    children: [{ childId: "c1", venue: "LIT1", tactic: "aggressive", price: 1_010_000, qty: 100 }],
    note: "",
  });
  for (let s = 50; s < 100; s++) bar(s);
  const fillTime = T0 + 100.5 * S;
  push({
    type: "parent-filled",
    time: fillTime,
    parentId: 1,
    fillId: 1,
    childId: "c1",
    qty: 100,
    price: 1_010_000,
    venue: "LIT1",
    liquidity: "taker",
    feeMicros: 300_000,
    ...(variant.quote ?? {}),
  });
  push({
    type: "fill-allocated",
    time: fillTime,
    parentId: 1,
    fillId: 1,
    policy: "pro-rata",
    qty: 100,
    price: 1_010_000,
    allocations: [{ orderId: 7, clOrdId: "C7", account: "A", qty: 100 }],
  });
  for (let s = 100; s < 200; s++) bar(s);
  push({
    type: "execution-report",
    time: T0 + 200 * S,
    orderId: 7,
    execId: "X1",
    source: "oms",
    clOrdId: "C7",
    origClOrdId: null,
    account: "A",
    symbol: "XYZ",
    side: "buy",
    ordType: "market",
    execType: "canceled",
    ordStatus: "canceled",
    orderQty: 200,
    price: null,
    lastQty: 0,
    lastPx: 0,
    lastMkt: null,
    cumQty: 100,
    leavesQty: 0,
    avgPx: 101,
    text: "requested",
  });
  for (let s = 200; s < 400; s++) bar(s);
  return events;
}

function report(onlyParent: number | null = null, variant: Variant = {}) {
  const builder = new TcaBuilder(new Map([["XYZ", instrument]]), onlyParent);
  for (const e of journal(variant)) builder.add(e);
  return builder.finish();
}

describe("TCA on a scripted price path", () => {
  it("marks each fill to the mid 1 s to 5 min later, at one-second resolution, and stops where the recording does", () => {
    const [fill] = report().fills;
    expect(fill).toBeDefined();
    if (fill === undefined) return;
    // At 100.5 s the last closed bar is second 99: mid 100.99. h seconds later, second 99 + h: 100.99 + 0.01 h.
    expect(fill.mid).toBeCloseTo(100.99, 12);
    const markout = (h: number) => ((100.99 + 0.01 * h - 101) / 101) * 1e4;
    expect(fill.markout1sBps).toBeCloseTo(markout(1), 10);
    expect(fill.markout5sBps).toBeCloseTo(markout(5), 10);
    expect(fill.markout30sBps).toBeCloseTo(markout(30), 10);
    expect(fill.markout60sBps).toBeCloseTo(markout(60), 10);
    expect(fill.markout300sBps).toBeNull(); // 400.5 s is past the last bar (it ends at 400 s)
    expect(fill.effectiveSpreadBps).toBeCloseTo(((2 * (101 - 100.99)) / 100.99) * 1e4, 10);
    expect(fill.realisedSpreadBps).toBeCloseTo(((2 * (101 - 101.59)) / 100.99) * 1e4, 10);
    // Benchmark: the VWAP of seconds 50..100 (the algorithm started at 50 s), equal volumes: mean mid 100.75.
    expect(fill.benchmarkVwap).toBeCloseTo(100.75, 10);
    expect(fill.performanceBps).toBeCloseTo((-(101 - 100.75) / 100.75) * 1e4, 10);
    expect(fill).toMatchObject({
      venue: "LIT1",
      tactic: "aggressive",
      routingLogic: "sequential",
      algo: "twap",
      liquidity: "taker",
      qty: 100,
    });
    expect(fill.fee).toBeCloseTo(0.3, 12);
  });

  it("takes a fill's mid from the NBBO recorded with it when the journal has it", () => {
    const [fill] = report(null, { quote: { bid: 1_009_000, ask: 1_010_000 } }).fills;
    expect(fill?.mid).toBeCloseTo(100.95, 12);
    expect(fill?.effectiveSpreadBps).toBeCloseTo(((2 * (101 - 100.95)) / 100.95) * 1e4, 10);
    // Markouts still come from the bars: the mid h seconds after the fill.
    expect(fill?.markout1sBps).toBeCloseTo(((101 - 101) / 101) * 1e4, 10);
  });

  it("tracks an IS parent against its own Almgren-Chriss trajectory, not a straight line", () => {
    const kappa = 0.01;
    const [parent] = report(null, { kappaPerSecond: kappa }).parents;
    // Planned at 50 s to 250 s (T = 200 s): done by t = 1 - sinh(kappa (T - e)) / sinh(kappa T), e = t - 50 s. The worst
    // gap is just before the fill (second 100, none of 200 done): 1 - sinh(1.5) / sinh(2) of the quantity.
    const worst = 100 * (1 - Math.sinh(kappa * 150) / Math.sinh(kappa * 200));
    expect(parent?.algo).toBe("is");
    expect(parent?.scheduleMaxPct).toBeCloseTo(worst, 6);
    expect(worst).toBeGreaterThan(40); // a straight line would be 25% at that point
  });

  it("decomposes the order's shortfall (Perold) with the decision, start and end mids", () => {
    const [order] = report().orders;
    if (order === undefined) throw new Error("no order row");
    // Decision 100.40 (arrival), start 100.50 (algorithm), end 101.99 (mid at the cancel, second 199's close).
    expect(order).toMatchObject({ arrivalPrice: 100.4, startPrice: 100.5, orderQty: 200, executedQty: 100, fills: 1 });
    expect(order.endPrice).toBeCloseTo(101.99, 12);
    const value = 200 * 100.4;
    const bps = (x: number) => (x / value) * 1e4;
    expect(order.delayBps).toBeCloseTo(bps(100 * 0.1), 10);
    expect(order.tradingBps).toBeCloseTo(bps(100 * 0.5), 10);
    expect(order.opportunityBps).toBeCloseTo(bps(100 * (101.99 - 100.4)), 10);
    expect(order.feeBps).toBeCloseTo(bps(0.3), 10);
    const parts = (order.delayBps ?? 0) + (order.tradingBps ?? 0) + (order.opportunityBps ?? 0) + (order.feeBps ?? 0);
    expect(order.shortfallBps).toBeCloseTo(parts, 10);
    // Life: 40 s to 200 s, bars 40..200 (161 x 1,000 lots); we bought 100 of them.
    expect(order.participation).toBeCloseTo(100 / 161_000, 15);
    expect(order.intervalVwap).toBeCloseTo(101.2, 10);
    expect(order.dayVwap).toBeCloseTo(101.995, 10);
  });

  it("tracks the schedule, aggregates the venue, and agrees parent with order for a one-order parent", () => {
    const r = report();
    const [parent] = r.parents;
    const [order] = r.orders;
    if (parent === undefined || order === undefined) throw new Error("no rows");
    expect(parent.shortfallBps).toBeCloseTo(order.shortfallBps ?? Number.NaN, 12);
    expect(parent.algo).toBe("twap");
    // TWAP over 50..250 s: 100 of 200 done at 100.5 s. Worst deviation: just before the fill, 25% behind.
    expect(parent.scheduleMaxPct).toBeCloseTo(25, 6);
    // The order is the parent's only one: it arrived before the algorithm started, so its schedule is the same.
    expect(order.scheduleMaxPct).toBeCloseTo(25, 6);
    expect(order.scheduleRmsPct).toBeCloseTo(parent.scheduleRmsPct ?? Number.NaN, 12);
    const venue = r.venues.find((v) => v.key === "LIT1");
    expect(venue).toMatchObject({
      fills: 1,
      childOrders: 1,
      childQty: 100,
      executedQty: 100,
      fillRate: 1,
      shareOfVolume: 1,
    });
    expect(venue?.fees).toBeCloseTo(0.3, 12);
    expect(r.strategies.map((s) => s.key)).toEqual(["twap"]);
    expect(r.tactics.map((s) => s.key)).toEqual(["aggressive"]);
    expect(r.logics).toMatchObject([{ key: "sequential", childOrders: 1, executedQty: 100, fillRate: 1 }]);
    expect(r.totals).toMatchObject({ orders: 1, parents: 1, fills: 1, executedQty: 100 });
    expect(r.charts[0]?.fillPrices).toEqual([101]);
  });

  it("analyses one parent alone when asked: its own events, every bar", () => {
    expect(report(1)).toEqual(report());
    const other = report(2);
    expect(other.totals).toMatchObject({ orders: 0, parents: 0, fills: 0 });
    expect(other.venues).toEqual([]);
  });
});
