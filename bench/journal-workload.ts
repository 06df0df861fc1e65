/**
 * The journal benchmark's events: the mix of a demo run (measured on `demo --minutes 5 --order-count 100000
 * --allocation fifo`: per 100 orders about 100 order-accepted, 237 execution reports, 231 parent-changed, 23
 * parent-created, 92 parent-filled, 92 fill-allocated, 44 internal-cross; about 285 bytes of JSON an event),
 * generated deterministically: per order an order-accepted, its report new and a parent-changed; every order a parent
 * fill with its allocation to 1-2 orders and their trade reports and a parent-changed; every other order an internal
 * cross; a new parent every 4 orders. Order ids and client ids (`B<n>`) count up from 1; parents cycle over 5,000.
 */
import type { EngineEvent } from "../src/model/client-events.js";

const T0 = Date.UTC(2026, 0, 5, 14, 30) * 1000;

export function journalEvents(count: number): EngineEvent[] {
  const out: EngineEvent[] = [];
  let seq = 0;
  let fill = 0;
  const push = (e: Record<string, unknown>): void => {
    if (out.length < count) out.push({ ...e, seq: ++seq, time: T0 + seq * 7 } as unknown as EngineEvent);
  };
  for (let order = 1; out.length < count; order++) {
    const parentId = 1 + ((order >> 2) % 5_000);
    const clOrdId = `B${order}`;
    const base = {
      source: "RETAIL",
      account: `ACC${order % 7_919}`,
      symbol: "ACME",
      side: order % 2 === 0 ? "buy" : "sell",
      ordType: "limit",
    };
    if (order % 4 === 0)
      push({
        type: "parent-created",
        parentId,
        key: `ACME|buy|u:${parentId}`,
        symbol: "ACME",
        side: "buy",
        intent: "u",
      });
    push({
      type: "order-accepted",
      orderId: order,
      clOrdId,
      ...base,
      orderQty: 100 + (order % 900),
      limitPrice: 1_500_000 + (order % 50) * 100,
      urgency: "medium",
      strategy: null,
      intent: "urgency:medium",
      startTime: null,
      endTime: null,
      maxParticipation: null,
      allowCross: true,
      arrivalMid: 1_500_050,
      parentId,
    });
    const report = (execType: string, lastQty: number, cumQty: number, o = order) => ({
      type: "execution-report",
      orderId: o,
      execId: `X${seq + 1}`,
      clOrdId: `B${o}`,
      origClOrdId: null,
      ...base,
      execType,
      ordStatus: cumQty > 0 ? "partially-filled" : "new",
      orderQty: 100 + (o % 900),
      price: 1_500_000,
      lastQty,
      lastPx: lastQty > 0 ? 1_500_100 : 0,
      lastMkt: lastQty > 0 ? "LITA" : null,
      cumQty,
      leavesQty: 100 + (o % 900) - cumQty,
      avgPx: lastQty > 0 ? 150.01 : 0,
      text: null,
    });
    push(report("new", 0, 0));
    const changed = (change: string) => ({
      type: "parent-changed",
      parentId,
      change,
      openOrders: 4,
      openQty: 2_000,
      workableQty: 2_000,
      reservedQty: 500,
      cumQty: 300,
      overReservedQty: 0,
    });
    push(changed("joined"));
    fill++;
    const orders = order % 3 === 0 && order > 1 ? [order - 1, order] : [order];
    const internal = order % 2 === 0;
    push({
      type: "parent-filled",
      parentId,
      fillId: fill,
      childId: internal ? null : `C${fill}`,
      qty: 50 * orders.length,
      price: 1_500_100,
      venue: internal ? "INTERNAL" : "LITA",
      liquidity: internal ? null : "taker",
      feeMicros: internal ? 0 : 150 * orders.length,
    });
    push({
      type: "fill-allocated",
      parentId,
      fillId: fill,
      policy: "fifo",
      qty: 50 * orders.length,
      price: 1_500_100,
      allocations: orders.map((o) => ({ orderId: o, clOrdId: `B${o}`, account: `ACC${o % 7_919}`, qty: 50 })),
    });
    for (const o of orders) push(report("trade", 50, 50, o));
    push(changed("filled"));
    if (internal)
      push({
        type: "internal-cross",
        crossId: fill,
        symbol: "ACME",
        qty: 50,
        price: 1_500_050,
        bid: 1_500_000,
        ask: 1_500_100,
        buyParentId: parentId,
        sellParentId: 1 + ((parentId + 2_500) % 5_000),
        buyFillId: fill,
        sellFillId: fill + 1,
        saving: 5.25,
      });
  }
  return out;
}
