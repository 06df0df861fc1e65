/**
 * The service's Prometheus metrics (prom-client, one registry per service, served on /metrics): orders in and rejects
 * by reason (from the engine's events, so every protocol counts), parents working, child orders and fills by venue,
 * the order acknowledgement latency (request in -> durable -> answer out) as a histogram, the journal's lag (events
 * appended but not yet durable), venue health, stream clients and FIX sessions logged on; plus Node's process metrics
 * (memory, event loop lag, GC), which is what a soak watches.
 * Gauges are read when scraped (`collect`), so the hot path only increments counters.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { EngineEvent } from "../model/client-events.js";

/** What the gauges read when scraped. */
export interface MetricsProbes {
  parentsWorking(): number;
  journalLag(): number;
  venues(): readonly { readonly id: string; readonly up: boolean }[];
  streamClients(): number;
  fixSessionsLoggedOn(): number;
  /** Client orders in the engine's memory, and released from it (to the journal) so far. */
  ordersHeld(): number;
  ordersReleased(): number;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly orders: Counter<"source" | "outcome">;
  private readonly rejects: Counter<"reason">;
  private readonly children: Counter<"venue">;
  private readonly fills: Counter<"venue">;
  readonly ackSeconds: Histogram<"route">;

  constructor(probes: MetricsProbes) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.orders = new Counter({
      name: "tributary_orders_total",
      help: "client orders received, by source and outcome (accepted, rejected)",
      labelNames: ["source", "outcome"],
      registers,
    });
    this.rejects = new Counter({
      name: "tributary_order_rejects_total",
      help: "client orders, cancels and replaces refused, by reason code",
      labelNames: ["reason"],
      registers,
    });
    this.children = new Counter({
      name: "tributary_child_orders_total",
      help: "child orders placed, by venue",
      labelNames: ["venue"],
      registers,
    });
    this.fills = new Counter({
      name: "tributary_fills_total",
      help: "parent fills, by venue (INTERNAL for crosses)",
      labelNames: ["venue"],
      registers,
    });
    this.ackSeconds = new Histogram({
      name: "tributary_order_ack_seconds",
      help: "HTTP request received to acknowledgement sent (after the journal made it durable)",
      labelNames: ["route"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    new Gauge({
      name: "tributary_parents_working",
      help: "parent orders with open client orders",
      registers,
      collect() {
        this.set(probes.parentsWorking());
      },
    });
    new Gauge({
      name: "tributary_journal_lag_events",
      help: "engine events appended to the journal but not yet durable",
      registers,
      collect() {
        this.set(probes.journalLag());
      },
    });
    new Gauge({
      name: "tributary_venue_up",
      help: "1 when the venue is connected and trading, else 0",
      labelNames: ["venue"],
      registers,
      collect() {
        for (const v of probes.venues()) this.set({ venue: v.id }, v.up ? 1 : 0);
      },
    });
    new Gauge({
      name: "tributary_stream_clients",
      help: "WebSocket event stream clients connected",
      registers,
      collect() {
        this.set(probes.streamClients());
      },
    });
    new Gauge({
      name: "tributary_orders_held",
      help: "client orders in the engine's memory (open ones, and done ones until released)",
      registers,
      collect() {
        this.set(probes.ordersHeld());
      },
    });
    new Gauge({
      name: "tributary_orders_released",
      help: "done client orders released from the engine's memory so far (the journal keeps them)",
      registers,
      collect() {
        this.set(probes.ordersReleased());
      },
    });
    new Gauge({
      name: "tributary_fix_sessions_logged_on",
      help: "FIX order sessions logged on",
      registers,
      collect() {
        this.set(probes.fixSessionsLoggedOn());
      },
    });
  }

  /** Counts what an engine event says (listen with `engine.on`). */
  readonly onEvent = (event: EngineEvent): void => {
    switch (event.type) {
      case "order-accepted":
        this.orders.inc({ source: event.source, outcome: "accepted" });
        break;
      case "order-rejected":
        this.orders.inc({ source: event.source, outcome: "rejected" });
        this.rejects.inc({ reason: event.reason });
        break;
      case "cancel-rejected":
        this.rejects.inc({ reason: event.reason });
        break;
      case "child-order":
        if (event.action === "placed") this.children.inc({ venue: event.venue });
        break;
      case "parent-filled":
        this.fills.inc({ venue: event.venue });
        break;
    }
  };
}
