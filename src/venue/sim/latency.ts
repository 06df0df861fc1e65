/**
 * One direction of a connection with a venue, delayed by a latency drawn per message in virtual (or wall) time.
 * Like a TCP stream it never reorders: a message is delivered no earlier than the one sent before it, so a random
 * latency can delay but never overtake.
 */
import type { Random } from "../../core/random.js";
import type { Scheduler } from "../../core/scheduler.js";
import type { LatencyDistribution } from "../../model/venue-spec.js";

export function sampleLatency(distribution: LatencyDistribution, random: Random): number {
  switch (distribution.kind) {
    case "constant":
      return distribution.micros;
    case "uniform":
      return random.int(distribution.minMicros, distribution.maxMicros);
    case "lognormal": {
      const draw = Math.round(random.lognormal(distribution.medianMicros, distribution.sigma));
      return distribution.maxMicros === undefined ? draw : Math.min(draw, distribution.maxMicros);
    }
  }
}

export class LatencyChannel {
  private lastDelivery = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly distribution: LatencyDistribution,
    private readonly random: Random,
  ) {}

  send(deliver: () => void): void {
    const at = Math.max(this.scheduler.now() + sampleLatency(this.distribution, this.random), this.lastDelivery);
    this.lastDelivery = at;
    this.scheduler.at(at, deliver);
  }
}
