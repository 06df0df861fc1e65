import { describe, expect, it } from "vitest";
import type { EngineEvent } from "../model/client-events.js";
import { ServiceMetrics } from "./metrics.js";

const probes = {
  parentsWorking: () => 0,
  journalLag: () => 0,
  venues: () => [],
  streamClients: () => 0,
  fixSessionsLoggedOn: () => 0,
  ordersHeld: () => 0,
  ordersReleased: () => 0,
};

const event = (e: Record<string, unknown>) => e as unknown as EngineEvent;

describe("ServiceMetrics", () => {
  it("counts orders, rejects, child orders and fills by label, the same at every scrape until more come", async () => {
    const metrics = new ServiceMetrics(probes);
    for (const e of [
      { type: "order-accepted", source: "DESK" },
      { type: "order-accepted", source: "DESK" },
      { type: "order-accepted", source: "ROBO" },
      { type: "order-rejected", source: "DESK", reason: "kill-switch" },
      { type: "cancel-rejected", reason: "unknown-order" },
      { type: "child-order", action: "placed", venue: "LIT1" },
      { type: "child-order", action: "canceled", venue: "LIT1" },
      { type: "parent-filled", venue: "INTERNAL" },
    ])
      metrics.onEvent(event(e));
    const counts = async () =>
      (await metrics.registry.metrics())
        .split("\n")
        .filter((line) => /^tributary_(orders|order_rejects|child_orders|fills)_total\{/.test(line));
    const first = await counts();
    expect(first.sort()).toEqual([
      'tributary_child_orders_total{venue="LIT1"} 1',
      'tributary_fills_total{venue="INTERNAL"} 1',
      'tributary_order_rejects_total{reason="kill-switch"} 1',
      'tributary_order_rejects_total{reason="unknown-order"} 1',
      'tributary_orders_total{source="DESK",outcome="accepted"} 2',
      'tributary_orders_total{source="DESK",outcome="rejected"} 1',
      'tributary_orders_total{source="ROBO",outcome="accepted"} 1',
    ]);
    expect((await counts()).sort()).toEqual(first);
    metrics.onEvent(event({ type: "order-accepted", source: "DESK" }));
    expect(await counts()).toContain('tributary_orders_total{source="DESK",outcome="accepted"} 3');
  });
});
