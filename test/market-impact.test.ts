/**
 * Our orders move the market. The same simulated morning (config/demo.yaml, seed 5) runs three times: once untouched,
 * once with our large market order (buy 25,000 ACME on each lit venue at 10:30:00.5: 0.1% of ADV, a few levels of
 * each book), once buying the same 50,000 shares slowly (1,000 every 12 s for 10 minutes). The untouched run is the
 * counterfactual: the fundamental's random walk and every background arrival are the same in all three (each has its
 * own random stream), so differences are our impact, not noise. Expected, with the defaults (permanentImpact 1,
 * transientImpact 4 over 300 s, resilience 15 s at the touch): the sweep lifts the NBBO at once (temporary impact:
 * the book is consumed), the fundamental jumps by (1 + 4) x daily vol x 50,000 / ADV at the next step (about 1.2
 * ticks), the book refills around it, and what is left decays towards the permanent part (0.24 tick): the move
 * partially persists. Buying slowly costs less.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { impactAfter } from "../src/model/market-parameters.js";
import { MINUTE, mean, OPEN, ourOrder, SECOND, type TestDay, testDay } from "./market-fixtures.js";

const SEED = 5;
const SYMBOL = "ACME";
const T0 = OPEN + 60 * MINUTE + SECOND / 2;
const HORIZON = 30 * MINUTE;
const MINUTES = 100;
const STEP = SECOND / 10;
const FINE = 5_000; // 5 ms, over the first 400 ms after the order

interface Observed {
  t: TestDay;
  /** NBBO midpoint and fundamental every STEP from T0 - 60 s to T0 + HORIZON, and every FINE over T0..T0+400 ms. */
  mids: number[];
  fundamentals: number[];
  fineMids: number[];
}

function observe(trade: (t: TestDay) => void): Observed {
  const t = testDay({ seed: SEED, minutes: MINUTES });
  const mids: number[] = [];
  const fundamentals: number[] = [];
  const fineMids: number[] = [];
  const mid = (): number => {
    const q = t.day.sim.quotes.nbbo(SYMBOL);
    return (q.bid + q.ask) / 2;
  };
  t.every(T0 - 60 * SECOND, T0 + HORIZON, STEP, () => {
    mids.push(mid());
    fundamentals.push(t.day.model.fundamental(SYMBOL)?.price ?? Number.NaN);
  });
  t.every(T0 + FINE, T0 + 400_000, FINE, () => fineMids.push(mid()));
  trade(t);
  t.run();
  return { t, mids, fundamentals, fineMids };
}

/** The sample index of `offset` µs after T0 on the STEP grid. */
const at = (offset: number): number => Math.round((offset + 60 * SECOND) / STEP);

/** Mean of a[i] - b[i] over [from, to] µs after T0, in ticks. */
function meanDifference(a: readonly number[], b: readonly number[], from: number, to: number, tick: number): number {
  const diffs: number[] = [];
  for (let i = at(from); i <= at(to); i++) diffs.push(((a[i] as number) - (b[i] as number)) / tick);
  return mean(diffs.filter(Number.isFinite));
}

let untouched: Observed;
let fast: Observed;
let slow: Observed;
let tick: number;

beforeAll(() => {
  untouched = observe(() => {});
  fast = observe((t) => {
    t.day.scheduler.at(T0, () => {
      t.us.get("LITA")?.submit(ourOrder("SWEEP-A", SYMBOL, "buy", 25_000));
      t.us.get("LITB")?.submit(ourOrder("SWEEP-B", SYMBOL, "buy", 25_000));
    });
  });
  slow = observe((t) => {
    for (let i = 0; i < 50; i++) {
      const venue = i % 2 === 0 ? "LITA" : "LITB";
      t.day.scheduler.at(T0 + i * 12 * SECOND, () =>
        t.us.get(venue)?.submit(ourOrder(`SLICE${i}`, SYMBOL, "buy", 1_000)),
      );
    }
  });
  tick = (fast.t.day.model.fundamental(SYMBOL)?.instrument.tickUnits as number) ?? Number.NaN;
}, 120_000);

function fills(o: Observed): { qty: number; px: number; time: number }[] {
  return o.t.ourReports
    .filter((r) => r.execType === "trade")
    .map((r) => ({ qty: r.lastQty, px: r.lastPx, time: r.transactTime }));
}

/** Cost per share in ticks against the untouched run's midpoint at each fill: our impact, net of the market's moves. */
function costTicks(o: Observed): number {
  let cost = 0;
  let qty = 0;
  for (const f of fills(o)) {
    const i = Math.min(untouched.mids.length - 1, Math.floor((f.time - T0 + 60 * SECOND) / STEP));
    cost += f.qty * (f.px - (untouched.mids[i] as number));
    qty += f.qty;
  }
  return cost / qty / tick;
}

describe("a large market order moves the price, and the move partially persists", () => {
  it("is filled in full, walking up the book", () => {
    expect(fills(fast).reduce((s, f) => s + f.qty, 0)).toBe(50_000);
    const prices = new Set(fills(fast).map((f) => f.px));
    expect(prices.size).toBeGreaterThanOrEqual(3);
    expect(costTicks(fast)).toBeGreaterThan(1);
  });

  it("lifts the NBBO at once, before the fundamental moves: the book is consumed (temporary impact)", () => {
    const before = meanDifference(fast.mids, untouched.mids, -60 * SECOND, -STEP, tick);
    expect(before).toBe(0);
    const fineUntouched = untouched.fineMids;
    const immediate = mean(fast.fineMids.map((m, i) => (m - (fineUntouched[i] as number)) / tick));
    expect(immediate).toBeGreaterThanOrEqual(1);
    const f = (o: Observed) => o.fundamentals[at(0)] as number;
    expect(f(fast)).toBe(f(untouched));
  });

  it("moves the fundamental at the next step by the configured impact of 50,000 shares", () => {
    const impact = fast.t.day.model.fundamental(SYMBOL)?.instrument.impact;
    if (impact === undefined) throw new Error("no ACME");
    const ratio = (offset: number) =>
      (fast.fundamentals[at(offset)] as number) / (untouched.fundamentals[at(offset)] as number) - 1;
    expect(ratio(SECOND) / impactAfter(impact, 50_000, 0)).toBeCloseTo(1, 1);
    // Twenty minutes on, the transient part has decayed by 2^-4: what is left is as configured.
    expect(ratio(20 * MINUTE + SECOND) / impactAfter(impact, 50_000, 20 * 60)).toBeCloseTo(1, 1);
  });

  it("persists in part once the book has refilled, and the persisting part decays towards the permanent impact", () => {
    const immediate = mean(fast.fineMids.map((m, i) => (m - (untouched.fineMids[i] as number)) / tick));
    const afterStep = meanDifference(fast.mids, untouched.mids, 600_000, 900_000, tick);
    const peak = Math.max(immediate, afterStep);
    const refilled = meanDifference(fast.mids, untouched.mids, 2 * MINUTE, 5 * MINUTE, tick);
    const later = meanDifference(fast.mids, untouched.mids, 20 * MINUTE, 30 * MINUTE, tick);
    expect(peak).toBeGreaterThanOrEqual(1.5);
    expect(refilled).toBeGreaterThan(0.3);
    expect(refilled).toBeLessThan(peak / 1.5);
    expect(later).toBeGreaterThan(0);
    expect(later).toBeLessThan(refilled);
    // Once refilled, the book quotes around the moved fundamental: the midpoints differ as the fundamentals do.
    const fundamentalGap = meanDifference(fast.fundamentals, untouched.fundamentals, 2 * MINUTE, 5 * MINUTE, tick);
    expect(Math.abs(refilled - fundamentalGap)).toBeLessThan(0.2);
  });
});

describe("trading fast costs more than trading slow", () => {
  it("buying 50,000 in 50 slices over 10 minutes costs less per share than one sweep", () => {
    expect(fills(slow).reduce((s, f) => s + f.qty, 0)).toBe(50_000);
    const fastCost = costTicks(fast);
    const slowCost = costTicks(slow);
    expect(slowCost).toBeGreaterThan(0.4); // still pays half the spread and some impact
    expect(slowCost).toBeLessThan(fastCost);
  });
});
