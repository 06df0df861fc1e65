/**
 * Fixtures for the journal tests: a short, hand-written day of engine events with known answers (two orders in one
 * parent, a child that fills them, a child that never fills, a reject, a replace, an internal cross with a second
 * parent), and a generator of many events of the demo's mix for bulk tests. Times in µs from START.
 */
import type { EngineEvent } from "../src/model/client-events.js";

export const T0 = Date.UTC(2026, 0, 5, 14, 30) * 1000;

type Draft = Omit<EngineEvent, "seq" | "time"> & { time?: number };

function seqd(drafts: readonly Draft[]): EngineEvent[] {
  return drafts.map((d, i) => ({ ...d, seq: i + 1, time: d.time ?? T0 + i * 1_000 }) as EngineEvent);
}

const accepted = (orderId: number, clOrdId: string, parentId: number, qty: number): Draft =>
  ({
    type: "order-accepted",
    orderId,
    clOrdId,
    source: "OMS",
    account: `ACC${orderId}`,
    symbol: "ACME",
    side: "buy",
    ordType: "limit",
    orderQty: qty,
    limitPrice: 1_500_000,
    urgency: "medium",
    strategy: null,
    intent: "urgency:medium",
    startTime: null,
    endTime: null,
    maxParticipation: null,
    allowCross: true,
    arrivalMid: 1_500_000,
    parentId,
  }) as Draft;

const report = (
  orderId: number,
  clOrdId: string,
  execType: string,
  lastQty = 0,
  cumQty = 0,
  orderQty = 100,
  origClOrdId: string | null = null,
): Draft =>
  ({
    type: "execution-report",
    orderId,
    execId: `E${orderId}-${execType}-${cumQty}`,
    source: "OMS",
    clOrdId,
    origClOrdId,
    account: `ACC${orderId}`,
    symbol: "ACME",
    side: "buy",
    ordType: "limit",
    execType,
    ordStatus: cumQty === orderQty ? "filled" : cumQty > 0 ? "partially-filled" : "new",
    orderQty,
    price: 1_500_000,
    lastQty,
    lastPx: lastQty > 0 ? 1_499_900 : 0,
    lastMkt: lastQty > 0 ? "LITA" : null,
    cumQty,
    leavesQty: orderQty - cumQty,
    avgPx: lastQty > 0 ? 149.99 : 0,
    text: null,
  }) as Draft;

const child = (parentId: number, childId: string, action: string, leavesQty: number): Draft =>
  ({
    type: "child-order",
    parentId,
    childId,
    venue: "LITA",
    action,
    symbol: "ACME",
    side: "buy",
    tactic: "aggressive",
    price: 1_500_000,
    orderQty: 100,
    leavesQty,
    reason: null,
  }) as Draft;

const parentChanged = (parentId: number, change: string, cumQty: number): Draft =>
  ({
    type: "parent-changed",
    parentId,
    change,
    openOrders: 2,
    openQty: 200 - cumQty,
    workableQty: 200 - cumQty,
    reservedQty: 0,
    cumQty,
    overReservedQty: 0,
  }) as Draft;

/**
 * The day (seq: event):
 *  1 parent-created P1; 2 order-accepted A1 (order 1); 3 parent-changed; 4 report new A1;
 *  5 order-accepted A2 (order 2); 6 report new A2; 7 child C1 placed; 8 child C2 placed; 9 child C1 filled;
 * 10 parent-filled fill 1 (C1, 100); 11 fill-allocated fill 1 (A1 30, A2 70); 12 trade A1; 13 trade A2;
 * 14 order-rejected BAD; 15 child C2 cancelled; 16 parent-created P2 (sell); 17 order-accepted S1 (order 3, P2);
 * 18 parent-filled fill 2 (P1, INTERNAL, 50); 19 fill-allocated fill 2 (A1 50); 20 trade A1;
 * 21 parent-filled fill 3 (P2, INTERNAL); 22 fill-allocated fill 3 (S1 50); 23 trade S1; 24 internal-cross P1/P2;
 * 25 report replaced A1 -> A1R (order 1); 26 cancel-rejected NOPE (orig ZZZ); 27 kill-switch.
 */
export function sampleDay(): EngineEvent[] {
  return seqd([
    {
      type: "parent-created",
      parentId: 1,
      key: "ACME|buy|u:medium",
      symbol: "ACME",
      side: "buy",
      intent: "u",
    } as Draft,
    accepted(1, "A1", 1, 100),
    parentChanged(1, "joined", 0),
    report(1, "A1", "new"),
    accepted(2, "A2", 1, 100),
    report(2, "A2", "new"),
    child(1, "C1", "placed", 100),
    child(1, "C2", "placed", 100),
    child(1, "C1", "filled", 0),
    {
      type: "parent-filled",
      parentId: 1,
      fillId: 1,
      childId: "C1",
      qty: 100,
      price: 1_499_900,
      venue: "LITA",
      liquidity: "taker",
      feeMicros: 300,
    } as Draft,
    {
      type: "fill-allocated",
      parentId: 1,
      fillId: 1,
      policy: "pro-rata",
      qty: 100,
      price: 1_499_900,
      allocations: [
        { orderId: 1, clOrdId: "A1", account: "ACC1", qty: 30 },
        { orderId: 2, clOrdId: "A2", account: "ACC2", qty: 70 },
      ],
    } as Draft,
    report(1, "A1", "trade", 30, 30),
    report(2, "A2", "trade", 70, 70),
    {
      type: "order-rejected",
      source: "OMS",
      clOrdId: "BAD",
      account: "ACC9",
      symbol: "ZZZZ",
      category: "validation",
      reason: "unknown-symbol",
      field: "symbol",
      message: 'unknown symbol "ZZZZ"',
    } as Draft,
    child(1, "C2", "cancelled", 0),
    {
      type: "parent-created",
      parentId: 2,
      key: "ACME|sell|u:medium",
      symbol: "ACME",
      side: "sell",
      intent: "u",
    } as Draft,
    { ...accepted(3, "S1", 2, 100), side: "sell" } as Draft,
    {
      type: "parent-filled",
      parentId: 1,
      fillId: 2,
      childId: null,
      qty: 50,
      price: 1_500_000,
      venue: "INTERNAL",
      liquidity: null,
      feeMicros: 0,
    } as Draft,
    {
      type: "fill-allocated",
      parentId: 1,
      fillId: 2,
      policy: "pro-rata",
      qty: 50,
      price: 1_500_000,
      allocations: [{ orderId: 1, clOrdId: "A1", account: "ACC1", qty: 50 }],
    } as Draft,
    report(1, "A1", "trade", 50, 80),
    {
      type: "parent-filled",
      parentId: 2,
      fillId: 3,
      childId: null,
      qty: 50,
      price: 1_500_000,
      venue: "INTERNAL",
      liquidity: null,
      feeMicros: 0,
    } as Draft,
    {
      type: "fill-allocated",
      parentId: 2,
      fillId: 3,
      policy: "pro-rata",
      qty: 50,
      price: 1_500_000,
      allocations: [{ orderId: 3, clOrdId: "S1", account: "ACC3", qty: 50 }],
    } as Draft,
    report(3, "S1", "trade", 50, 50),
    {
      type: "internal-cross",
      crossId: 1,
      symbol: "ACME",
      qty: 50,
      price: 1_500_000,
      bid: 1_499_900,
      ask: 1_500_100,
      buyParentId: 1,
      sellParentId: 2,
      buyFillId: 2,
      sellFillId: 3,
      saving: 10.5,
    } as Draft,
    report(1, "A1R", "replaced", 0, 80, 120, "A1"),
    {
      type: "cancel-rejected",
      source: "OMS",
      clOrdId: "NOPE",
      origClOrdId: "ZZZ",
      responseTo: "cancel",
      reason: "unknown-order",
      field: "orig_cl_ord_id",
      message: "no such order",
    } as Draft,
    { type: "kill-switch", scope: "global", active: true, reason: "test \\ \t tab\nline" } as Draft,
  ]);
}

/**
 * `count` events in the demo's mix (per order: accepted, report new, parent-changed, then a fill of its parent,
 * its allocation to 1-3 orders and their trade reports), seqs from `firstSeq`. Deterministic.
 */
export function* manyEvents(count: number, firstSeq = 1): Generator<EngineEvent> {
  let seq = firstSeq;
  let order = 0;
  let fill = 0;
  const end = firstSeq + count;
  const next = (d: Draft): EngineEvent => ({ ...d, seq, time: d.time ?? T0 + seq * 10 }) as EngineEvent;
  while (seq < end) {
    order++;
    const parentId = 1 + (order % 997);
    const queue: Draft[] = [accepted(order, `O${order}`, parentId, 100), report(order, `O${order}`, "new")];
    queue.push(parentChanged(parentId, "joined", 0));
    if (order % 3 === 0) {
      fill++;
      const orders = [order, order - 1, order - 2].slice(0, 1 + (order % 3));
      queue.push({
        type: "parent-filled",
        parentId,
        fillId: fill,
        childId: `K${fill}`,
        qty: 30 * orders.length,
        price: 1_500_000,
        venue: "LITA",
        liquidity: "taker",
        feeMicros: 90,
      } as Draft);
      queue.push({
        type: "fill-allocated",
        parentId,
        fillId: fill,
        policy: "fifo",
        qty: 30 * orders.length,
        price: 1_500_000,
        allocations: orders.map((o) => ({ orderId: o, clOrdId: `O${o}`, account: `ACC${o}`, qty: 30 })),
      } as Draft);
      for (const o of orders) queue.push(report(o, `O${o}`, "trade", 30, 30));
    }
    for (const d of queue) {
      if (seq >= end) break;
      yield next(d);
      seq++;
    }
  }
}
