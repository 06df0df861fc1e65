/**
 * The one source of randomness in the domain: a seeded generator (pure-rand's xoroshiro128+), so a simulation with the
 * same seed makes the same draws in the same order. `fork()` seeds an independent stream for a component from one draw
 * of its parent, so that adding draws in one component does not shift the draws of another.
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

type Generator = ReturnType<typeof xoroshiro128plus>;

export class Random {
  private readonly gen: Generator;

  constructor(seed: number | Generator) {
    this.gen = typeof seed === "number" ? xoroshiro128plus(seed) : seed;
  }

  /** An independent stream for a component, seeded from one draw of this one. */
  fork(): Random {
    return new Random(this.gen.next());
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return uniformInt(this.gen, min, max);
  }

  bool(probability: number): boolean {
    return this.float() < probability;
  }

  /** Exponential with the given mean (inter-arrival times of a Poisson process). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Standard normal by Box-Muller (one draw of the pair is discarded to keep the stream stateless). */
  normal(mean = 0, stdDev = 1): number {
    const u = 1 - this.float();
    const v = this.float();
    return mean + stdDev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal parameterised by the median and the log-space standard deviation. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[this.int(0, items.length - 1)] as T;
  }
}
