/** The intraday profile: activity relative to the session mean, and the time a Poisson process needs to use up work. */
import { describe, expect, it } from "vitest";
import { VolumeProfile } from "./volume-profile.js";

describe("VolumeProfile", () => {
  const u = new VolumeProfile(300, [3, 1, 1, 3]);

  it("normalises shares and gives each bin's activity relative to the mean", () => {
    expect(u.shares).toEqual([0.375, 0.125, 0.125, 0.375]);
    expect(u.sessionSeconds).toBe(1200);
    expect([u.multiplier(0), u.multiplier(299.9), u.multiplier(300), u.multiplier(1199)]).toEqual([1.5, 1.5, 0.5, 1.5]);
    expect([u.multiplier(-1), u.multiplier(1200)]).toEqual([1, 1]);
  });

  it("advances through bins: busy bins use work up faster, quiet ones slower", () => {
    expect(u.advance(0, 150)).toBeCloseTo(100, 9);
    expect(u.advance(0, 450)).toBeCloseTo(300, 9);
    expect(u.advance(0, 500)).toBeCloseTo(400, 9);
    expect(u.advance(250, 75 + 150)).toBeCloseTo(600, 9);
    // The whole session holds as much work as its length; past it the multiplier is 1.
    expect(u.advance(0, 1200)).toBeCloseTo(1200, 9);
    expect(u.advance(1100, 250)).toBeCloseTo(1300, 9);
    expect(u.advance(-100, 250)).toBeCloseTo(100, 9);
  });

  it("skips bins with no activity", () => {
    const gap = new VolumeProfile(60, [1, 0, 1]);
    // Bins at 1.5x the mean: 45 units of work before 60 s, the empty bin skipped, the last 15 by 130 s.
    expect(gap.advance(30, 60)).toBeCloseTo(130, 9);
  });

  it("a flat profile is a homogeneous Poisson process's clock", () => {
    const flat = VolumeProfile.flat(23_400);
    expect(flat.bins).toBe(78);
    expect(flat.advance(1000, 12.5)).toBeCloseTo(1012.5, 9);
  });

  it("refuses weights it cannot normalise", () => {
    expect(() => new VolumeProfile(300, [])).toThrow();
    expect(() => new VolumeProfile(300, [0, 0])).toThrow();
    expect(() => new VolumeProfile(300, [1, -1, 2])).toThrow();
    expect(() => new VolumeProfile(0, [1])).toThrow();
  });
});

describe("VolumeProfile.generatedU", () => {
  it("is U-shaped: busier at both ends than at midday, busiest into the close, mean activity 1", () => {
    const p = VolumeProfile.generatedU(390 * 60);
    expect(p.bins).toBe(78);
    const first = p.multiplier(0);
    const midday = p.multiplier(195 * 60);
    const last = p.multiplier(389 * 60);
    expect(first).toBeGreaterThan(1.5 * midday);
    expect(last).toBeGreaterThan(first);
    expect(p.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p.label).toMatch(/generated/);
  });
});
