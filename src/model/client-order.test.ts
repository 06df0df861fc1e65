import { describe, expect, it } from "vitest";
import {
  aggressiveness,
  ClientOrder,
  type ClientOrderTerms,
  clientOrdStatus,
  INTENTS,
  intentOf,
  NO_INSTRUCTIONS,
  orderIntentOf,
  STRATEGIES,
  type Strategy,
  URGENCIES,
  type Urgency,
} from "./client-order.js";

/** An order's terms: a limit sell of 10 ACME at 100 with nothing else given, and `changes`. */
function terms(changes: Partial<ClientOrderTerms> = {}): ClientOrderTerms {
  return {
    clOrdId: "c",
    source: "S",
    account: "A",
    symbol: "ACME",
    side: "sell",
    orderQty: 10,
    ordType: "limit",
    limitPrice: 100,
    urgency: null,
    strategy: null,
    startTime: null,
    endTime: null,
    maxParticipation: null,
    allowCross: false,
    tags: {},
    ...changes,
  };
}

describe("client order", () => {
  it("derives the intent from an explicit strategy or the urgency bucket", () => {
    expect([intentOf(null, null), intentOf("high", null), intentOf("low", "auto"), intentOf(null, "vwap")]).toEqual([
      "urgency-medium",
      "urgency-high",
      "urgency-low",
      "vwap",
    ]);
  });

  it("shares one intent record per urgency and strategy pair, with the intent and its index", () => {
    for (const urgency of [null, ...URGENCIES]) {
      for (const strategy of [null, ...STRATEGIES]) {
        const record = orderIntentOf(urgency, strategy);
        expect(orderIntentOf(urgency, strategy)).toBe(record);
        expect(record).toEqual({
          urgency,
          strategy,
          intent: intentOf(urgency, strategy),
          intentIndex: INTENTS.indexOf(intentOf(urgency, strategy)),
        });
      }
    }
    expect(() => orderIntentOf("urgent" as Urgency, null)).toThrow(/no intent/);
    expect(() => orderIntentOf(null, "sniper" as Strategy)).toThrow(/no intent/);
  });

  it("gives OrdStatus as a pure function of done, pending and cumQty", () => {
    const pending = { kind: "cancel", clOrdId: "x", orderQty: 0, limitPrice: null } as const;
    expect(clientOrdStatus(null, null, 0)).toBe("new");
    expect(clientOrdStatus(null, null, 3)).toBe("partially-filled");
    expect(clientOrdStatus(null, pending, 3)).toBe("pending-cancel");
    expect(clientOrdStatus(null, { ...pending, kind: "replace" }, 0)).toBe("pending-replace");
    expect(clientOrdStatus("filled", pending, 3)).toBe("filled");
  });

  it("orders prices by aggressiveness on both sides, market first", () => {
    expect(aggressiveness("buy", 101) > aggressiveness("buy", 100)).toBe(true);
    expect(aggressiveness("sell", 99) > aggressiveness("sell", 100)).toBe(true);
    expect(aggressiveness("sell", null)).toBe(Number.POSITIVE_INFINITY);
  });

  it("creates orders whose getters and limit checks work (literal with the class prototype)", () => {
    const order = ClientOrder.create(7, terms({ limitPrice: 1_500_000, startTime: 5 }), 4, null, {});
    expect(order).toBeInstanceOf(ClientOrder);
    expect({ leaves: order.leavesQty, status: order.ordStatus, started: order.started, avgPx: order.avgPx }).toEqual({
      leaves: 10,
      status: "new",
      started: false,
      avgPx: 0,
    });
    expect([order.allows(1_500_100), order.allows(1_499_900)]).toEqual([true, false]);
    order.cumQty = 4;
    order.cumNotional = 4 * 1_500_100;
    expect([order.leavesQty, order.avgPx, order.ordStatus]).toEqual([6, 1_500_100, "partially-filled"]);
  });

  it("shares one instructions record among orders that give none, and derives ordType, intent and crossQty", () => {
    const market = terms({ side: "buy", ordType: "market", limitPrice: null, urgency: "high" });
    const plain = ClientOrder.create(1, market, 4, null, {});
    expect(plain.instructions).toBe(NO_INSTRUCTIONS);
    expect([plain.ordType, plain.intent, plain.tags, plain.endTime]).toEqual(["market", "urgency-high", {}, null]);
    const windowed = ClientOrder.create(
      2,
      { ...market, ordType: "limit", limitPrice: 100, endTime: 9, allowCross: true, tags: { desk: "x" } },
      4,
      null,
      {},
    );
    expect(windowed.instructions).not.toBe(NO_INSTRUCTIONS);
    expect([windowed.ordType, windowed.endTime, windowed.allowCross, windowed.tags]).toEqual([
      "limit",
      9,
      true,
      { desk: "x" },
    ]);
    windowed.workQty = 6;
    plain.workQty = 6;
    expect([windowed.crossQty, plain.crossQty]).toEqual([6, 0]);
  });

  it("keeps the ClOrdIDs of replaces and of requests apart, in a record made at the first", () => {
    const order = ClientOrder.create(1, terms({ strategy: "twap" }), 4, null, {});
    expect([order.previousClOrdIds, order.requestClOrdIds, order.clOrdIdHistory]).toEqual([null, null, null]);
    expect([order.urgency, order.strategy, order.intent]).toEqual([null, "twap", "twap"]);
    order.requestClOrdIds = ["r1"];
    order.requestClOrdIds.push("r2");
    expect([order.previousClOrdIds, order.requestClOrdIds]).toEqual([null, ["r1", "r2"]]);
    order.previousClOrdIds = ["c"];
    expect([order.previousClOrdIds, order.requestClOrdIds]).toEqual([["c"], ["r1", "r2"]]);
    order.requestClOrdIds = null;
    expect([order.previousClOrdIds, order.requestClOrdIds]).toEqual([["c"], null]);
  });
});
