/**
 * The queue outflow estimator on scripted quote and trade sequences: what counts as outflow (decreases at the same
 * price, trades, hidden additions, a price moving through the level, a price improving), the window grid (partial
 * first window, quiet windows, the ring's bound), joint samples across venues, the empirical and exponential
 * distributions, and its use by the placement solver.
 */
import { describe, expect, it } from "vitest";
import { Random } from "../core/random.js";
import { singleVenuePlacement, solvePlacement } from "./optimal-placement.js";
import { empiricalOutflow, exponentialOutflow, QueueOutflowEstimator } from "./queue-outflow.js";

const SECOND = 1_000_000;

function estimator(venues = 1, capacity = 16, minSamples = 1): QueueOutflowEstimator {
  return new QueueOutflowEstimator({ venues, horizon: SECOND, capacity, minSamples });
}

describe("what counts as outflow", () => {
  it("decreases at the same price, trades, and lots added between quotes", () => {
    const q = estimator();
    q.onQuote(0, "buy", 500_000, 100, 1000); // the stream starts in window 0: partial, not recorded
    q.onQuote(0, "buy", 1_100_000, 100, 800); // -200: cancels or trades, 200
    q.onTrade(0, "buy", 1_200_000, 100, 150); // 150 traded
    q.onQuote(0, "buy", 1_300_000, 100, 700); // -100, fully explained by the trade: 0 more
    q.onTrade(0, "buy", 1_400_000, 100, 50); // 50 traded
    q.onQuote(0, "buy", 1_500_000, 100, 900); // +200: lots added, nothing more
    q.onQuote(0, "buy", 1_600_000, 100, 600); // -300
    q.advanceTo(2 * SECOND);
    expect(Array.from(q.samplesOf(0, "buy"))).toEqual([200 + 150 + 50 + 300]);
  });

  it("bid side: a price moving down through the level counts the whole queue; an improvement counts nothing", () => {
    const q = estimator();
    q.onQuote(0, "buy", 999_999, 100, 500);
    q.onQuote(0, "buy", 1_000_000, 100, 400); // -100
    q.onTrade(0, "buy", 1_100_000, 100, 50); // 50
    q.onQuote(0, "buy", 1_200_000, 99, 800); // through: the 350 of the 400 the trade has not counted
    q.onQuote(0, "buy", 1_300_000, 99, 700); // -100 at the new level
    q.onQuote(0, "buy", 1_400_000, 100, 300); // improvement: a new queue, nothing counted
    q.onTrade(0, "buy", 1_500_000, 99, 500); // not at the touch: ignored
    q.onQuote(0, "buy", 1_600_000, 100, 250); // -50
    q.advanceTo(2 * SECOND);
    expect(Array.from(q.samplesOf(0, "buy"))).toEqual([100 + 50 + 350 + 100 + 50]);
  });

  it("an order left behind: once the bid improves past the window's anchor nothing counts until it comes back", () => {
    const q = estimator();
    q.onQuote(0, "buy", 500_000, 100, 1000); // window 0 (partial)
    q.onQuote(0, "buy", 1_000_000, 100, 900); // window 1 opens anchored at 100: -100
    q.onQuote(0, "buy", 1_100_000, 101, 400); // the bid moves up: an order at 100 is behind it
    q.onTrade(0, "buy", 1_150_000, 101, 300); // at the new touch: not its queue
    q.onQuote(0, "buy", 1_200_000, 101, 100); // -300 there: nothing
    q.onQuote(0, "buy", 1_300_000, 100, 800); // back at 100: counting resumes from 800
    q.onQuote(0, "buy", 1_400_000, 100, 700); // -100
    q.onQuote(0, "buy", 1_500_000, 102, 50); // behind again, the anchor's 700 last seen
    q.onQuote(0, "buy", 1_600_000, 99, 500); // through the anchor: its 700 are gone
    q.onQuote(0, "buy", 1_700_000, 99, 450); // -50 below it
    q.onQuote(0, "buy", 2_100_000, 99, 450); // window 2 opens anchored at 99
    q.onQuote(0, "buy", 2_200_000, 100, 600); // left behind at once
    q.onQuote(0, "buy", 2_300_000, 100, 100); // nothing
    q.advanceTo(3 * SECOND);
    expect(Array.from(q.samplesOf(0, "buy"))).toEqual([100 + 100 + 700 + 50, 0]);
  });

  it("ask side: the mirror image (up is through, down is an improvement)", () => {
    const q = estimator();
    q.onQuote(0, "sell", 999_999, 101, 500);
    q.onQuote(0, "sell", 1_000_000, 102, 300); // through: 500
    q.onQuote(0, "sell", 1_100_000, 101, 900); // improvement: nothing
    q.onQuote(0, "sell", 1_200_000, 101, 850); // -50
    q.advanceTo(2 * SECOND);
    expect(Array.from(q.samplesOf(0, "sell"))).toEqual([550]);
    expect(q.sampleCount(0, "buy")).toBe(0);
  });

  it("trades before the first quote are ignored", () => {
    const q = estimator();
    q.onTrade(0, "buy", 100, 100, 10);
    q.onQuote(0, "buy", 200, 100, 100);
    q.onTrade(0, "buy", 1_100_000, 100, 30);
    q.advanceTo(2 * SECOND);
    expect(Array.from(q.samplesOf(0, "buy"))).toEqual([30]);
  });
});

describe("outflow per traded lot", () => {
  it("the held windows' outflow over their trades at the touch; null before any trade has counted", () => {
    const q = estimator(1, 2);
    q.onQuote(0, "buy", 500_000, 100, 1000); // window 0: partial
    q.onQuote(0, "buy", 1_100_000, 100, 800); // window 1: -200 (cancels: no trade explains it)
    expect(q.outflowPerTrade(0, "buy")).toBeNull(); // window 1 is still open
    q.advanceTo(2 * SECOND);
    expect(q.outflowPerTrade(0, "buy")).toBeNull(); // an outflow of 200 with nothing traded: not measured yet
    q.onTrade(0, "buy", 2_100_000, 100, 100); // window 2: 100 traded
    q.onQuote(0, "buy", 2_200_000, 100, 500); // -300: 100 explained by the trade, 200 cancelled
    q.onTrade(0, "buy", 2_300_000, 99, 400); // not at the touch: neither outflow nor traded
    q.advanceTo(3 * SECOND);
    // Windows 1 and 2: outflow 200 + 300 over 100 traded.
    expect(q.outflowPerTrade(0, "buy")).toBe(5);
    expect(q.outflowPerTrade(0, "sell")).toBeNull();
    q.onTrade(0, "buy", 3_100_000, 100, 300); // window 3: 300 traded, nothing else
    q.onQuote(0, "buy", 3_200_000, 100, 200);
    q.advanceTo(4 * SECOND);
    // The ring keeps windows 2 and 3: (300 + 300) / (100 + 300).
    expect(q.outflowPerTrade(0, "buy")).toBe(1.5);
    // Quiet windows push them out: nothing traded in the windows held.
    q.advanceTo(40 * SECOND);
    expect(q.outflowPerTrade(0, "buy")).toBeNull();
    q.onTrade(0, "buy", 40_100_000, 100, 50);
    q.onQuote(0, "buy", 40_200_000, 100, 100); // -100: 50 traded, 50 cancelled
    q.advanceTo(41 * SECOND);
    expect(q.outflowPerTrade(0, "buy")).toBe(2);
  });
});

describe("the window grid", () => {
  it("an event counts in the window of its time; quiet windows close with 0; the ring keeps the newest", () => {
    const q = estimator(1, 4);
    q.onQuote(0, "buy", 500_000, 100, 1000);
    q.onQuote(0, "buy", 1_500_000, 100, 990); // window 1: 10
    q.onQuote(0, "buy", 2_999_999, 100, 970); // window 2: 20
    q.onQuote(0, "buy", 3_000_000, 100, 940); // window 3: 30
    q.advanceTo(3_999_999);
    expect(Array.from(q.samplesOf(0, "buy"))).toEqual([10, 20]);
    q.advanceTo(4_000_000);
    expect(Array.from(q.samplesOf(0, "buy"))).toEqual([10, 20, 30]);
    q.advanceTo(6_000_000); // windows 4 and 5 were quiet
    expect(Array.from(q.samplesOf(0, "buy"))).toEqual([20, 30, 0, 0]);
    q.advanceTo(1_000 * SECOND);
    expect(Array.from(q.samplesOf(0, "buy"))).toEqual([0, 0, 0, 0]);
    expect(q.sampleCount(0, "buy")).toBe(4);
  });

  it("an origin shifts the grid", () => {
    const q = new QueueOutflowEstimator({ venues: 1, horizon: SECOND, capacity: 4, origin: 250_000, minSamples: 1 });
    q.onQuote(0, "buy", 1_200_000, 100, 100); // window 0 is [250,000, 1,250,000)
    q.onQuote(0, "buy", 1_300_000, 100, 90); // window 1
    q.advanceTo(2_249_999);
    expect(q.sampleCount(0, "buy")).toBe(0);
    q.advanceTo(2_250_000);
    expect(Array.from(q.samplesOf(0, "buy"))).toEqual([10]);
  });

  it("time going backwards on a venue and side is a bug", () => {
    const q = estimator(2);
    q.onQuote(0, "buy", 1_000, 100, 100);
    q.onQuote(1, "buy", 500, 100, 100); // another venue: its own stream
    expect(() => q.onQuote(0, "buy", 999, 100, 100)).toThrow(/before/);
    expect(() => q.advanceTo(900)).toThrow(/before/);
    expect(() => q.onQuote(2, "buy", 2_000, 100, 100)).toThrow(/venue 2/);
    expect(() => q.onQuote(0, "buy", 2_000.5, 100, 100)).toThrow(/whole/);
    expect(() => q.onTrade(0, "buy", 2_000, 100, -1)).toThrow(/trade quantity/);
  });
});

describe("joint samples across venues", () => {
  /** Venue 0 from window 0, venue 1 from window 2; in window w venue v's queue falls by 10 w + v. */
  function twoVenues(minSamples: number): QueueOutflowEstimator {
    const q = estimator(2, 16, minSamples);
    q.onQuote(0, "buy", 100, 100, 10_000);
    q.onQuote(1, "buy", 2 * SECOND + 100, 200, 10_000);
    const size = [10_000, 10_000];
    for (let w = 1; w <= 5; w++) {
      for (let v = 0; v < 2; v++) {
        if (v === 1 && w <= 2) continue;
        size[v] = (size[v] as number) - (10 * w + v);
        q.onQuote(v, "buy", w * SECOND + 500, v === 0 ? 100 : 200, size[v] as number);
      }
    }
    q.advanceTo(6 * SECOND);
    return q;
  }

  it("rows are the windows every venue holds, aligned by window, in the order asked", () => {
    const q = twoVenues(3);
    expect(Array.from(q.samplesOf(0, "buy"))).toEqual([10, 20, 30, 40, 50]);
    expect(Array.from(q.samplesOf(1, "buy"))).toEqual([31, 41, 51]);
    const joint = q.jointSamples([1, 0], "buy", new Random(1));
    expect(joint?.venues).toBe(2);
    expect(joint?.count).toBe(3);
    expect(Array.from(joint?.values ?? [])).toEqual([31, 30, 41, 40, 51, 50]);
  });

  it("too few joint windows: independent exponential draws with each venue's own mean, from the seed", () => {
    const q = twoVenues(4000);
    const joint = q.jointSamples([0, 1], "buy", new Random(9));
    expect(joint?.count).toBe(4000);
    const means = [0, 0];
    for (let n = 0; n < 4000; n++) {
      for (let k = 0; k < 2; k++) means[k] = (means[k] as number) + (joint?.values[2 * n + k] as number) / 4000;
    }
    expect(Math.abs((means[0] as number) / 30 - 1)).toBeLessThan(0.1);
    expect(Math.abs((means[1] as number) / 41 - 1)).toBeLessThan(0.1);
    // Drawn once per set of closed windows: until one closes, every decision solves over the same draws.
    expect(q.jointSamples([0, 1], "buy", new Random(10))).toBe(joint);
  });

  it("a venue with no closed window: nothing to go on", () => {
    const q = estimator(3);
    q.onQuote(0, "buy", 100, 100, 100);
    q.advanceTo(3 * SECOND);
    expect(q.jointSamples([0, 2], "buy", new Random(1))).toBeNull();
    expect(q.distribution(2, "buy")).toBeNull();
  });
});

describe("distributions", () => {
  it("empirical: F(x) = share of samples <= x, F^{-1}(p) = the smallest x with F(x) >= p", () => {
    const d = empiricalOutflow([3, 1, 2, 2]);
    expect([d.cdf(0), d.cdf(1), d.cdf(2), d.cdf(2.5), d.cdf(3), d.cdf(9)]).toEqual([0, 0.25, 0.75, 0.75, 1, 1]);
    expect([d.quantile(0.25), d.quantile(0.26), d.quantile(0.75), d.quantile(0.76), d.quantile(1)]).toEqual([
      1, 2, 2, 3, 3,
    ]);
    expect(d.mean).toBe(2);
    expect(() => empiricalOutflow([])).toThrow();
  });

  it("exponential: F(x) = 1 - exp(-x / mean), and the point mass at 0 for mean 0", () => {
    const d = exponentialOutflow(2200);
    expect(d.cdf(2000)).toBeCloseTo(1 - Math.exp(-2000 / 2200), 15);
    expect(d.quantile(d.cdf(2000))).toBeCloseTo(2000, 9);
    expect(d.cdf(-1)).toBe(0);
    const zero = exponentialOutflow(0);
    expect([zero.cdf(0), zero.quantile(0.5)]).toEqual([1, 0]);
  });

  it("the estimator: exponential below minSamples, empirical from there", () => {
    const q = estimator(1, 16, 3);
    q.onQuote(0, "buy", 500_000, 100, 1000);
    q.onQuote(0, "buy", 1_500_000, 100, 900); // window 1: 100
    q.onQuote(0, "buy", 2_500_000, 100, 600); // window 2: 300
    q.advanceTo(3 * SECOND);
    const few = q.distribution(0, "buy");
    expect(few?.kind).toBe("exponential");
    expect(few?.mean).toBe(200);
    expect(few?.cdf(200)).toBeCloseTo(1 - Math.exp(-1), 15);
    q.advanceTo(4 * SECOND); // window 3: quiet
    const enough = q.distribution(0, "buy");
    expect(enough?.kind).toBe("empirical");
    expect(enough?.samples).toBe(3);
    expect([enough?.cdf(0), enough?.cdf(100), enough?.quantile(0.9)]).toEqual([1 / 3, 2 / 3, 300]);
  });
});

describe("feeding the placement solver", () => {
  it("a scripted queue drives Proposition 3 and the SA to the same split", () => {
    // Queue of 2000 at the bid; the outflow per second cycles 1800, 2200, 2600, 3000 lots (cancels).
    const q = estimator(1, 64, 8);
    let size = 1_000_000;
    q.onQuote(0, "buy", 0, 100, size);
    const cycle = [1800, 2200, 2600, 3000];
    for (let w = 1; w <= 40; w++) {
      size -= cycle[w % 4] as number;
      q.onQuote(0, "buy", w * SECOND + 10, 100, size);
    }
    q.advanceTo(41 * SECOND);
    const problem = {
      target: 1000,
      halfSpread: 0.02,
      takerFee: 0.003,
      impact: 0.0005,
      underfillPenalty: 0.05,
      overfillPenalty: 0.05,
      venues: [{ queueAhead: 2000, rebate: 0.002 }],
    };
    const outflow = q.distribution(0, "buy");
    expect(outflow?.kind).toBe("empirical");
    // p = 0.045 / 0.0725 = 0.62: F^{-1}(p) = 2600 (F(2200) = 0.5, F(2600) = 0.75), so L* = 600.
    const closed = singleVenuePlacement(problem, outflow as NonNullable<typeof outflow>);
    expect([closed.market, closed.limit]).toEqual([400, 600]);
    const samples = q.jointSamples([0], "buy", new Random(2));
    expect(samples?.count).toBe(40);
    const solution = solvePlacement(problem, samples as NonNullable<typeof samples>, { random: new Random(3) });
    expect(Math.abs((solution.limits[0] as number) - 600)).toBeLessThanOrEqual(10);
    expect(Math.abs(solution.market - 400)).toBeLessThanOrEqual(10);
  });
});
