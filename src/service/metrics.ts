/**
 * The service's Prometheus metrics (prom-client, one registry per service, served on /metrics): orders in and rejects
 * by reason (from the engine's events, so every protocol counts), parents working, child orders and fills by venue,
 * the order acknowledgement latency (request in -> durable -> answer out) as a histogram, the journal's lag (events
 * appended but not yet durable), venue health, stream clients and FIX sessions logged on; plus Node's process metrics
 * (memory, event loop lag, GC), which is what a soak watches.
 * Gauges are read when scraped (`collect`), and so are the counts by label: the hot path adds one to a plain map
 * (`Tally`), which is added to its prom-client counter when scraped (a counter's `inc` with labels builds and looks up
 * a label string on every call: about 1% of the service's time under HTTP order load).
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

/** Counts by one label value, added to a counter (and started again) when the registry is scraped. */
class Tally {
  private readonly counts = new Map<string, number>();

  add(value: string): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }

  /** Hands each count since the last drain to `into`. */
  drain(into: (value: string, count: number) => void): void {
    for (const [value, count] of this.counts) if (count > 0) into(value, count);
    this.counts.clear();
  }
}

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly accepted = new Tally();
  private readonly rejected = new Tally();
  private readonly rejects = new Tally();
  private readonly children = new Tally();
  private readonly fills = new Tally();
  readonly ackSeconds: Histogram<"route">;

  constructor(probes: MetricsProbes) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const { accepted, rejected, rejects, children, fills } = this;
    new Counter({
      name: "tributary_orders_total",
      help: "client orders received, by source and outcome (accepted, rejected)",
      labelNames: ["source", "outcome"],
      registers,
      collect() {
        accepted.drain((source, n) => this.inc({ source, outcome: "accepted" }, n));
        rejected.drain((source, n) => this.inc({ source, outcome: "rejected" }, n));
      },
    });
    new Counter({
      name: "tributary_order_rejects_total",
      help: "client orders, cancels and replaces refused, by reason code",
      labelNames: ["reason"],
      registers,
      collect() {
        rejects.drain((reason, n) => this.inc({ reason }, n));
      },
    });
    new Counter({
      name: "tributary_child_orders_total",
      help: "child orders placed, by venue",
      labelNames: ["venue"],
      registers,
      collect() {
        children.drain((venue, n) => this.inc({ venue }, n));
      },
    });
    new Counter({
      name: "tributary_fills_total",
      help: "parent fills, by venue (INTERNAL for crosses)",
      labelNames: ["venue"],
      registers,
      collect() {
        fills.drain((venue, n) => this.inc({ venue }, n));
      },
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

  /**
   * An order or amendment refused by the HTTP layer before the engine saw it (its body's schema, another source's
   * name): counted with the engine's refusals, so a reason code counts the same whichever layer caught it.
   */
  requestRefused(source: string | null, reason: string): void {
    if (source !== null) this.rejected.add(source);
    this.rejects.add(reason);
  }

  /** Counts what an engine event says (listen with `engine.on`). */
  readonly onEvent = (event: EngineEvent): void => {
    switch (event.type) {
      case "order-accepted":
        this.accepted.add(event.source);
        break;
      case "order-rejected":
        this.rejected.add(event.source);
        this.rejects.add(event.reason);
        break;
      case "cancel-rejected":
        this.rejects.add(event.reason);
        break;
      case "child-order":
        if (event.action === "placed") this.children.add(event.venue);
        break;
      case "parent-filled":
        this.fills.add(event.venue);
        break;
    }
  };
}
