/**
 * Fans a venue's market data out to its subscribers, each through its own latency channel, so every subscriber sees
 * events in the venue's order, each after the venue's market-data latency.
 */
import type { Random } from "../../core/random.js";
import type { Scheduler } from "../../core/scheduler.js";
import type { MarketDataEvent } from "../../model/market-data.js";
import type { LatencyDistribution } from "../../model/venue-spec.js";
import type { MarketDataListener } from "../venue.js";
import { LatencyChannel } from "./latency.js";

export class MarketDataPublisher {
  private readonly subscribers: { listener: MarketDataListener; channel: LatencyChannel }[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly latency: LatencyDistribution,
    private readonly random: Random,
  ) {}

  /** Adds a subscriber and sends it `initial` (its snapshots) before any later event. */
  add(listener: MarketDataListener, initial: readonly MarketDataEvent[]): void {
    const channel = new LatencyChannel(this.scheduler, this.latency, this.random.fork());
    this.subscribers.push({ listener, channel });
    for (const event of initial) channel.send(() => listener.onMarketData(event));
  }

  publish(event: MarketDataEvent): void {
    for (const { listener, channel } of this.subscribers) channel.send(() => listener.onMarketData(event));
  }

  get hasSubscribers(): boolean {
    return this.subscribers.length > 0;
  }
}
