import { describe, expect, it } from "vitest";
import { Random } from "./random.js";

function draws(r: Random, n: number): number[] {
  return Array.from({ length: n }, () => r.float());
}

describe("Random", () => {
  it("gives the same draws for the same seed and different draws for another", () => {
    expect(draws(new Random(42), 20)).toEqual(draws(new Random(42), 20));
    expect(draws(new Random(42), 20)).not.toEqual(draws(new Random(43), 20));
  });

  it("forks independent streams: drawing more from one does not shift the other", () => {
    const a = new Random(9);
    const b = new Random(9);
    const forkA = a.fork();
    const forkB = b.fork();
    draws(forkA, 100);
    expect(draws(a, 10)).toEqual(draws(b, 10));
    expect(draws(forkB, 5)).not.toEqual(draws(b, 5));
  });

  it("draws integers within bounds, inclusive", () => {
    const r = new Random(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const v = r.int(3, 7);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(7);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it("has distributions with the requested moments (large seeded samples)", () => {
    const r = new Random(5);
    const n = 100_000;
    let sumExp = 0;
    let sumN = 0;
    let sumN2 = 0;
    const logs: number[] = [];
    for (let i = 0; i < n; i++) {
      sumExp += r.exponential(250);
      const x = r.normal(10, 2);
      sumN += x;
      sumN2 += x * x;
      logs.push(r.lognormal(200, 0.5));
    }
    expect(sumExp / n).toBeCloseTo(250, -1);
    const mean = sumN / n;
    expect(mean).toBeCloseTo(10, 1);
    expect(Math.sqrt(sumN2 / n - mean * mean)).toBeCloseTo(2, 1);
    logs.sort((x, y) => x - y);
    expect(logs[n / 2]).toBeGreaterThan(195);
    expect(logs[n / 2]).toBeLessThan(205);
  });
});
