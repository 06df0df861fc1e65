/**
 * POV (percentage of volume): execute a target share of the market's volume as it prints, between a minimum and a
 * maximum rate. The target is `rate x` the market volume since the plan (ours included, so the realised participation
 * ours / market is what the client asked for). Catch-up rules: falling below `minRate x volume` makes the tactics take
 * liquidity (the floor); trading never goes beyond `maxRate x volume` (the ceiling), so a burst of catch-up cannot turn
 * into an outsized footprint. It stops at the parent's quantity; it does not force completion at the end time unless
 * the parameters say so (POV trades with the market, not against the clock).
 * Limits: the volume observed is the consolidated tape of the venues we see (lit prints and dark prints).
 */
import type { PlanPoint, Schedule } from "./schedule.js";

export class PovSchedule implements Schedule {
  private executed0 = 0;
  private remaining0 = 0;
  private volume0 = 0;
  private from = 0;

  constructor(
    private readonly startTime: number,
    private readonly rate: number,
    private readonly minRate: number,
    private readonly maxRate: number,
  ) {}

  plan(point: PlanPoint): void {
    this.from = Math.max(point.time, this.startTime);
    this.executed0 = point.executed;
    this.remaining0 = point.remaining;
    this.volume0 = point.marketVolume;
  }

  observe(): void {}

  target(time: number, marketVolume: number): number {
    return this.at(time, marketVolume, this.rate);
  }

  floor(time: number, marketVolume: number): number {
    return this.at(time, marketVolume, this.minRate);
  }

  ceiling(_time: number, marketVolume: number): number {
    return this.executed0 + Math.max(0, marketVolume - this.volume0) * this.maxRate;
  }

  nextStep(): number {
    return Number.POSITIVE_INFINITY;
  }

  wantsReplan(): boolean {
    return false;
  }

  private at(time: number, marketVolume: number, rate: number): number {
    if (time < this.from) return this.executed0;
    return this.executed0 + Math.min(this.remaining0, Math.max(0, marketVolume - this.volume0) * rate);
  }
}
