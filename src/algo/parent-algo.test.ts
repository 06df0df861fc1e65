import { describe, expect, it } from "vitest";
import { Random } from "../core/random.js";
import type { AlgoParameters } from "./algo-parameters.js";
import { type AlgoAction, type AlgoMarket, ParentAlgo, REPEG_MIN_MICROS, type WorkingChild } from "./parent-algo.js";
import { PovSchedule } from "./pov.js";
import { TwapSchedule } from "./twap.js";

const S = 1_000_000;
const MIN = 60 * S;
// Prices in units of 0.0001: bid 150.00, ask 150.02 (a two-tick spread), tick 100.
const market = (over: Partial<AlgoMarket> = {}): AlgoMarket => ({
  bid: 1_500_000,
  ask: 1_500_200,
  bidQty: 500,
  askQty: 500,
  tick: 100,
  ownBid: Number.NEGATIVE_INFINITY,
  ownAsk: Number.POSITIVE_INFINITY,
  ownBidQty: 0,
  ownAskQty: 0,
  volume: 0,
  volumeRate: 0,
  darkMinLots: Number.POSITIVE_INFINITY,
  ...over,
});

const params = (over: Partial<AlgoParameters> = {}): AlgoParameters => ({
  algo: "twap",
  urgency: "medium",
  startTime: 0,
  endTime: 10 * MIN,
  aggressiveness: 0,
  completeByEnd: true,
  useDark: false,
  maxParticipation: null,
  minChildLots: 1,
  maxChildLots: 10_000,
  povRate: 0.1,
  povMinRate: 0.05,
  povMaxRate: 0.2,
  riskAversion: 0,
  slices: 10,
  randomisation: 0,
  recalibrationMicros: MIN,
  ...over,
});

/** A TWAP buy parent of `openQty` lots that planned at its start (its first decision). */
function twap(over: Partial<AlgoParameters> = {}, openQty = 1000): ParentAlgo {
  const p = params(over);
  const algo = new ParentAlgo(
    p,
    new TwapSchedule(p.startTime, p.endTime, p.slices, p.randomisation, new Random(1)),
    "buy",
  );
  if (p.startTime === 0) algo.decide(0, { executed: 0, openQty, limitPrice: null }, market(), [], []);
  return algo;
}

function decide(
  algo: ParentAlgo,
  now: number,
  executed: number,
  openQty: number,
  children: WorkingChild[] = [],
  m: AlgoMarket = market(),
  limitPrice: number | null = null,
): AlgoAction[] {
  const out: AlgoAction[] = [];
  algo.decide(now, { executed, openQty, limitPrice }, m, children, out);
  return out;
}

const child = (childId: string, tactic: WorkingChild["tactic"], price: number, leavesQty: number): WorkingChild => ({
  childId,
  tactic,
  price,
  leavesQty,
  cancelPending: false,
  pricedAt: Number.NEGATIVE_INFINITY,
});

describe("ParentAlgo: schedule, tactics, recalibration", () => {
  it("does nothing before its start time", () => {
    expect(decide(twap({ startTime: MIN }), 0, 0, 1000)).toEqual([]);
  });

  it("on schedule: posts the next slice passively at the bid", () => {
    // One look-ahead (a slice: 1 minute) from now, 100 lots are due.
    expect(decide(twap(), 0, 0, 1000)).toEqual([{ kind: "place", tactic: "passive", price: 1_500_000, qty: 100 }]);
  });

  it("tops up passive quantity only once the gap is worth a child: an eighth of a look-ahead period's want", () => {
    // 100 lots due within the next minute: 95 working leaves a gap of 5 (under 12.5), 80 working one of 20.
    expect(decide(twap(), 0, 0, 1000, [child("P1", "passive", 1_500_000, 95)])).toEqual([]);
    expect(decide(twap(), 0, 0, 1000, [child("P1", "passive", 1_500_000, 80)])).toEqual([
      { kind: "place", tactic: "passive", price: 1_500_000, qty: 20 },
    ]);
  });

  it("improves the bid by a tick when in a hurry and the spread allows, never onto the ask", () => {
    expect(decide(twap({ aggressiveness: 0.6 }), 0, 0, 1000)[0]).toMatchObject({ price: 1_500_100 });
    const locked = market({ ask: 1_500_100 });
    expect(decide(twap({ aggressiveness: 0.6 }), 0, 0, 1000, [], locked)[0]).toMatchObject({ price: 1_500_000 });
  });

  it("behind its floor: takes the shortfall at the ask, no more than is displayed there", () => {
    // At 3 minutes 300 are due; nothing done; 100 passive working does not count as done.
    const actions = decide(twap(), 3 * MIN, 0, 1000, [child("P1", "passive", 1_500_000, 100)], market({ askQty: 250 }));
    expect(actions).toContainEqual({ kind: "place", tactic: "aggressive", price: 1_500_200, qty: 250 });
  });

  it("tells where its floor will be (what the router weighs speed by): the target less (1 - aggressiveness) of a slice", () => {
    // TWAP of 1,000 over 10 one-minute slices: at 3 minutes the target is 300, a look-ahead (a slice) on 400.
    expect(twap().floorAt(3 * MIN, 0, 0)).toBeCloseTo(300 - 100, 9);
    expect(twap({ aggressiveness: 0.5 }).floorAt(3 * MIN, 0, 0)).toBeCloseTo(300 - 50, 9);
    expect(twap({ aggressiveness: 1 }).floorAt(3 * MIN + 30 * S, 0, 0)).toBeCloseTo(350, 9);
  });

  it("escalates: cancels passive quantity the shortfall needs when nothing else is free", () => {
    const actions = decide(twap({}, 300), 3 * MIN, 0, 300, [child("P1", "passive", 1_500_000, 300)]);
    expect(actions).toEqual([{ kind: "cancel", childId: "P1", reason: "escalate" }]);
  });

  it("ahead of schedule: cancels passive quantity beyond the look-ahead want", () => {
    // 100 due within the next minute; 600 resting passively.
    const actions = decide(twap(), 0, 0, 1000, [
      child("P1", "passive", 1_500_000, 100),
      child("P2", "passive", 1_500_000, 500),
    ]);
    expect(actions).toEqual([{ kind: "cancel", childId: "P2", reason: "ahead-of-schedule" }]);
  });

  it("re-pegs a passive child the bid has left behind, or that the ask has locked, to where it would place now", () => {
    const behind = decide(twap(), 0, 0, 1000, [child("P1", "passive", 1_499_900, 100)]);
    expect(behind).toContainEqual({ kind: "replace", childId: "P1", price: 1_500_000, reason: "stale" });
    expect(behind.some((a) => a.kind === "cancel")).toBe(false);
    const locked = decide(
      twap(),
      0,
      0,
      1000,
      [child("P1", "passive", 1_500_000, 100)],
      market({ ask: 1_500_000, bid: 1_499_900 }),
    );
    expect(locked).toContainEqual({ kind: "replace", childId: "P1", price: 1_499_900, reason: "stale" });
  });

  it("lets a child rest a moment before it follows the bid, but moves a locked one at once", () => {
    const algo = twap();
    expect(algo.repegMicros).toBeGreaterThanOrEqual(REPEG_MIN_MICROS);
    const young = { ...child("P1", "passive", 1_499_900, 100), pricedAt: -algo.repegMicros / 2 };
    expect(decide(algo, 0, 0, 1000, [young]).some((a) => a.kind === "replace")).toBe(false);
    expect(algo.nextWake(0)).toBe(algo.repegMicros / 2);
    const locked = { ...child("P1", "passive", 1_500_200, 100), pricedAt: 0 };
    expect(decide(algo, 0, 0, 1000, [locked])).toContainEqual({
      kind: "replace",
      childId: "P1",
      price: 1_500_000,
      reason: "stale",
    });
  });

  it("does not chase a bid made only of our own orders, but does once the market joins it", () => {
    const ours = market({ ownBid: 1_500_000, ownBidQty: 500 });
    const behindOurs = decide(twap(), 0, 0, 1000, [child("P1", "passive", 1_499_900, 100)], ours);
    expect(behindOurs.some((a) => a.kind === "replace" || a.kind === "cancel")).toBe(false);
    const joined = market({ ownBid: 1_500_000, ownBidQty: 500, bidQty: 800 });
    const behindMarket = decide(twap(), 0, 0, 1000, [child("P1", "passive", 1_499_900, 100)], joined);
    expect(behindMarket).toContainEqual({ kind: "replace", childId: "P1", price: 1_500_000, reason: "stale" });
  });

  it("never prices beyond the limit: with the limit under the ask it rests at the limit instead of taking", () => {
    const actions = decide(twap(), 3 * MIN, 0, 1000, [], market(), 1_500_100);
    expect(actions.every((a) => a.kind !== "place" || a.tactic !== "aggressive")).toBe(true);
    const final = decide(twap(), 9.9 * MIN, 500, 500, [], market(), 1_500_100);
    expect(final).toEqual([{ kind: "place", tactic: "passive", price: 1_500_100, qty: 500 }]);
  });

  it("final phase: cancels passive children and takes everything left", () => {
    const actions = decide(twap(), 9.7 * MIN, 900, 100, [child("P1", "passive", 1_500_000, 60)]);
    expect(actions).toEqual([
      { kind: "cancel", childId: "P1", reason: "final-phase" },
      { kind: "place", tactic: "aggressive", price: 1_500_200, qty: 100 },
    ]);
  });

  it("splits passive quantity between a dark midpoint peg and the lit bid when dark pools are allowed", () => {
    const actions = decide(twap({ useDark: true }), 0, 0, 1000, [], market({ darkMinLots: 10 }));
    expect(actions).toEqual([
      { kind: "place", tactic: "midpoint", price: 1_500_200, qty: 50 },
      { kind: "place", tactic: "passive", price: 1_500_000, qty: 50 },
    ]);
  });

  it("never rests on or takes our own order on the other side", () => {
    const own = market({ ownAsk: 1_500_100, ask: 1_500_100 });
    expect(decide(twap({ aggressiveness: 0.6 }), 0, 0, 1000, [], own)[0]).toMatchObject({ price: 1_500_000 });
    const behind = decide(twap(), 3 * MIN, 0, 1000, [], own);
    expect(behind.some((a) => a.kind === "place" && a.tactic === "aggressive")).toBe(false);
  });

  it("keeps within the participation cap", () => {
    const algo = twap({ maxParticipation: 0.1 });
    // 2,000 lots printed since the start: at most 10% (plus one lot) may be executed or working, though 300 are due.
    const actions = decide(algo, 3 * MIN, 0, 1000, [], market({ volume: 2_000 }));
    const placed = actions.filter((a) => a.kind === "place").reduce((n, a) => n + (a.kind === "place" ? a.qty : 0), 0);
    expect(placed).toBeLessThanOrEqual(201);
    expect(placed).toBeGreaterThan(0);
  });

  it("POV: takes when under its minimum rate, never beyond its maximum", () => {
    const p = params({ algo: "pov", completeByEnd: false });
    const algo = new ParentAlgo(p, new PovSchedule(0, 0.1, 0.05, 0.2), "buy");
    decide(algo, 0, 0, 10_000, [], market({ volume: 0 }));
    // 10,000 printed: 1,000 is the target, 500 the floor; we have 0.
    const actions = decide(algo, MIN, 0, 10_000, [], market({ volume: 10_000 }));
    expect(actions).toContainEqual({ kind: "place", tactic: "aggressive", price: 1_500_200, qty: 500 });
  });

  it("re-plans when the quantity changes: a joined order spreads over what is left, not caught up at once", () => {
    const algo = twap();
    decide(algo, 0, 0, 1000);
    algo.replan();
    // At 5 minutes, 500 done and 1,500 open: the new plan wants 300 a minute from here; no taking.
    const actions = decide(algo, 5 * MIN, 500, 1500);
    expect(actions.some((a) => a.kind === "place" && a.tactic === "aggressive")).toBe(false);
    expect(algo.targetAt(6 * MIN, 0)).toBeCloseTo(800, 6);
  });
});
