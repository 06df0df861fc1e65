import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { optimalSplit, queueAhead } from "./optimal-split.js";
import type { RouteRequest, VenueState } from "./routing.js";
import {
  aggressiveSpray,
  bestVenue,
  equalSplit,
  liquiditySeeking,
  sequential,
  split,
  spray,
} from "./routing-logics.js";

// Prices in units of 0.0001: bid 150.00, ask 150.02; fees in price units per share (30 mils = 30 units).
const venue = (over: Partial<VenueState> & Pick<VenueState, "index" | "id">): VenueState => ({
  kind: "lit",
  bid: 1_500_000,
  ask: 1_500_200,
  bidQty: 500,
  askQty: 500,
  makerFee: -20,
  takerFee: 30,
  minQuantity: 1,
  available: true,
  fillProbability: 0.5,
  hiddenRate: 0,
  ...over,
});

const LITA = venue({ index: 0, id: "LITA", askQty: 300 });
const LITB = venue({ index: 1, id: "LITB", makerFee: 10, takerFee: -2, askQty: 200 });
const LITC = venue({ index: 2, id: "LITC", ask: 1_500_300, takerFee: 10 });
const DRKP = venue({
  index: 3,
  id: "DRKP",
  kind: "dark",
  bid: Number.NaN,
  ask: Number.NaN,
  bidQty: 0,
  askQty: 0,
  makerFee: 10,
  takerFee: 10,
  minQuantity: 100,
  hiddenRate: 0.5,
});
const VENUES = [LITA, LITB, LITC, DRKP];

const request = (over: Partial<RouteRequest> = {}): RouteRequest => ({
  side: "buy",
  tactic: "aggressive",
  price: 1_500_200,
  qty: 400,
  bid: 1_500_000,
  ask: 1_500_200,
  tick: 100,
  minSliceLots: 1,
  neededLots: 0,
  catchUpCost: 0,
  exclude: new Set(),
  overSend: 1,
  ...over,
});

describe("routing logics", () => {
  it("sequential: takes at the cheapest venue showing the price, the others next in order", () => {
    const d = sequential(request(), VENUES);
    // LITB's taker rebate beats LITA's fee; LITC does not show 150.02; the dark pool is not a taking venue.
    expect(d.slices).toEqual([
      { venue: 1, tactic: "aggressive", price: 1_500_200, qty: 400, timeInForce: "ioc", minQty: null },
    ]);
    expect(d.fallback).toEqual([0]);
  });

  it("sequential: rests where a resting lot is worth most, and skips excluded and unavailable venues", () => {
    const passive = request({ tactic: "passive", price: 1_500_000 });
    // Half spread 100: LITA earns 100 + 20 rebate per filled share, LITB 100 - 10.
    expect(sequential(passive, VENUES).slices[0]?.venue).toBe(0);
    const likelier = [{ ...LITA, fillProbability: 0.2 }, { ...LITB, fillProbability: 0.9 }, LITC, DRKP];
    expect(sequential(passive, likelier).slices[0]?.venue).toBe(1);
    expect(sequential({ ...passive, exclude: new Set([0]) }, [LITA, LITB, DRKP]).slices[0]?.venue).toBe(1);
    expect(sequential(passive, [{ ...LITA, available: false }, LITB]).slices[0]?.venue).toBe(1);
  });

  it("spray: splits a taking child by what each venue shows at the price, never more than asked or shown", () => {
    const d = spray(request({ qty: 400 }), VENUES);
    expect(d.slices.map((s) => [s.venue, s.qty])).toEqual([
      [1, 160],
      [0, 240],
    ]);
    const more = spray(request({ qty: 900 }), VENUES);
    expect(more.slices.map((s) => [s.venue, s.qty])).toEqual([
      [1, 200],
      [0, 300],
    ]);
  });

  it("aggressive spray: sends up to what each venue shows, at most the over-send multiple of the child, as day orders", () => {
    const d = aggressiveSpray(request({ qty: 200, overSend: 1.5 }), VENUES);
    expect(d.logic).toBe("aggressive-spray");
    expect(d.slices).toEqual([
      { venue: 1, tactic: "aggressive", price: 1_500_200, qty: 120, timeInForce: "day", minQty: null },
      { venue: 0, tactic: "aggressive", price: 1_500_200, qty: 180, timeInForce: "day", minQty: null },
    ]);
    expect(d.note).toMatch(/300 for 200 \(over-send 100\)/);
    // Less shown than the multiple allows: everything shown, no more.
    expect(aggressiveSpray(request({ qty: 400, overSend: 1.5 }), VENUES).slices.map((s) => s.qty)).toEqual([200, 300]);
    // A resting child is sprayed as usual, under this logic's name.
    const passive = aggressiveSpray(request({ tactic: "passive", price: 1_500_000, overSend: 2 }), VENUES);
    expect(passive.logic).toBe("aggressive-spray");
    expect(passive.slices.reduce((a, s) => a + s.qty, 0)).toBeLessThanOrEqual(400);
  });

  it("aggressive spray never sends beyond what a venue shows or the over-send multiple of the child (property)", () => {
    const arb = fc.record({
      qty: fc.integer({ min: 1, max: 5_000 }),
      sizes: fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 10 }),
      overSend: fc.double({ min: 1, max: 4, noNaN: true }),
      minSlice: fc.integer({ min: 1, max: 200 }),
    });
    fc.assert(
      fc.property(arb, ({ qty, sizes, overSend, minSlice }) => {
        const venues = sizes.map((size, i) => venue({ index: i, id: `V${i}`, askQty: size, bidQty: size }));
        const d = aggressiveSpray(request({ qty, minSliceLots: minSlice, overSend }), venues);
        const total = d.slices.reduce((a, s) => a + s.qty, 0);
        expect(total).toBeLessThanOrEqual(Math.floor(qty * overSend));
        for (const s of d.slices) expect(s.qty).toBeLessThanOrEqual((venues[s.venue] as VenueState).askQty);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it("never sends more than the child asked, whatever the logic and the venues (property)", () => {
    const arb = fc.record({
      qty: fc.integer({ min: 1, max: 5_000 }),
      tactic: fc.constantFrom("passive", "aggressive", "midpoint") as fc.Arbitrary<RouteRequest["tactic"]>,
      sizes: fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 10 }),
      probs: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 10, maxLength: 10 }),
      minSlice: fc.integer({ min: 1, max: 200 }),
    });
    fc.assert(
      fc.property(arb, ({ qty, tactic, sizes, probs, minSlice }) => {
        const venues = sizes.map((size, i) =>
          venue({ index: i, id: `V${i}`, askQty: size, bidQty: size, fillProbability: probs[i] as number }),
        );
        venues.push({ ...DRKP, index: venues.length });
        const r = request({ qty, tactic, minSliceLots: minSlice });
        for (const logic of [sequential, spray, aggressiveSpray, liquiditySeeking, bestVenue, equalSplit]) {
          const d = logic(r, venues);
          const total = d.slices.reduce((a, s) => a + s.qty, 0);
          expect(total).toBeLessThanOrEqual(qty);
          for (const s of d.slices) {
            expect(
              Number.isSafeInteger(s.qty) && s.qty >= Math.max(1, (venues[s.venue] as VenueState).minQuantity),
            ).toBe(true);
          }
        }
      }),
      { seed: 6, numRuns: 300 },
    );
  });

  it("liquidity-seeking: dark first, sized by the hidden liquidity found, the rest lit", () => {
    const d = liquiditySeeking(request({ qty: 400 }), VENUES);
    expect(d.slices[0]).toEqual({
      venue: 3,
      tactic: "midpoint",
      price: 1_500_200,
      qty: 200,
      timeInForce: "ioc",
      minQty: 100,
    });
    expect(d.slices.slice(1).reduce((a, s) => a + s.qty, 0)).toBe(200);
    // A pool that has shown little: a quarter (at least its minimum); a child below its minimum: lit only.
    const dry = liquiditySeeking(request({ qty: 800 }), [LITA, LITB, { ...DRKP, hiddenRate: 0.01 }]);
    expect(dry.slices[0]).toMatchObject({ venue: 3, qty: 200 });
    expect(liquiditySeeking(request({ qty: 50 }), VENUES).slices.every((s) => s.venue !== 3)).toBe(true);
    // A resting child leaves a midpoint peg capped at the far touch.
    const resting = liquiditySeeking(request({ tactic: "passive", price: 1_500_000 }), VENUES);
    expect(resting.slices[0]).toMatchObject({ venue: 3, tactic: "midpoint", price: 1_500_200, timeInForce: "day" });
  });

  it("baselines: best venue takes everything to one venue; equal split ignores what venues show", () => {
    expect(bestVenue(request(), VENUES).slices).toHaveLength(1);
    expect(bestVenue(request({ tactic: "passive", price: 1_500_000 }), VENUES).slices[0]?.venue).toBe(0);
    const eq = equalSplit(request({ qty: 301 }), VENUES);
    expect(eq.slices.map((s) => [s.venue, s.qty])).toEqual([
      [0, 101],
      [1, 100],
      [2, 100],
    ]);
  });

  it("split: whole lots by largest remainder within caps; a part below its minimum goes to the others", () => {
    const three = [LITA, LITB, LITC];
    expect(split(10, [1, 1, 1], [10, 10, 10], three, 1)).toEqual([4, 3, 3]);
    expect(split(10, [1, 1, 1], [2, 10, 10], three, 1)).toEqual([2, 4, 4]);
    expect(split(10, [1, 1, 8], [10, 10, 10], three, 2)).toEqual([0, 0, 10]);
  });
});

describe("optimal split (Cont & Kukanov) as a routing logic", () => {
  const samples = (rows: number[][]) => ({
    venues: rows[0]?.length ?? 0,
    count: rows.length,
    values: Float64Array.from(rows.flat()),
  });

  it("rests where the queue works through, takes the rest when the queue is too long to fill in time", () => {
    const passive = request({ tactic: "passive", price: 1_500_000, qty: 400 });
    const lit = [LITA, LITB];
    // Queues of 500 ahead; outflow of 2,000 a window on both: resting fills surely, and earns the rebate.
    const busy = samples(Array.from({ length: 50 }, () => [2_000, 2_000]));
    const rest = optimalSplit({
      request: passive,
      venues: VENUES,
      lit,
      samples: busy,
      limit: null,
      adverse: [0, 0],
      own: [0, 0],
      outflowPerTrade: [null, null],
    });
    expect(rest.slices.every((s) => s.tactic === "passive")).toBe(true);
    expect(rest.slices.reduce((a, s) => a + s.qty, 0)).toBeLessThanOrEqual(400);
    expect(rest.slices.find((s) => s.venue === 0)?.qty ?? 0).toBeGreaterThan(0);
    // Nothing ever leaves the queues: resting never fills by T, so a parent that needs the whole child by T takes it.
    const dead = samples(Array.from({ length: 50 }, () => [0, 0]));
    const take = optimalSplit({
      request: { ...passive, neededLots: 400 },
      venues: VENUES,
      lit,
      samples: dead,
      limit: null,
      adverse: [0, 0],
      own: [0, 0],
      outflowPerTrade: [null, null],
    });
    // Taken where the fee is lowest (LITB's rebate), as much as LITB shows.
    const taken = take.slices.filter((s) => s.tactic === "aggressive");
    expect(taken.map((s) => [s.venue, s.qty])).toEqual([[1, 200]]);
    // ... unless the parent's limit is below the ask: then nothing is taken.
    const limited = optimalSplit({
      request: { ...passive, neededLots: 400 },
      venues: VENUES,
      lit,
      samples: dead,
      limit: 1_500_100,
      adverse: [0, 0],
      own: [0, 0],
      outflowPerTrade: [null, null],
    });
    expect(limited.slices.some((s) => s.tactic === "aggressive")).toBe(false);
  });

  // LITA pays makers 20 a share, LITB charges them 10; both show 500 at the bid.
  const rest = (rows: number[][], neededLots = 200) =>
    optimalSplit({
      request: request({ tactic: "passive", price: 1_500_000, qty: 400, neededLots }),
      venues: VENUES,
      lit: [LITA, LITB],
      samples: samples(rows),
      limit: null,
      adverse: [0, 0],
      own: [0, 0],
      outflowPerTrade: [null, null],
    }).slices.map((s) => [s.venue, s.tactic, s.qty]);

  it("rests the whole child at the best rebate when that venue's queue works through by T", () => {
    expect(rest(Array.from({ length: 50 }, () => [2_000, 2_000]))).toEqual([[0, "passive", 400]]);
  });

  it("splits when the best rebate's outflow reaches only part of the child and the parent needs it: the rest where it fills", () => {
    // LITA's outflow passes its queue of 500 by 200 lots at most; LITB's always by 1,500.
    const rows = Array.from({ length: 50 }, (_, n) => [n % 2 === 0 ? 700 : 600, 2_000]);
    // Lots 1..100 behind LITA's queue fill by T always, 101..200 half the time. The parent needs the whole child
    // (everything short is taken at T): a lot costs -(h + r) + (h + r + h + f + theta) P(short) with h = 100,
    // theta = 2.5, r = +20 / -10: LITA's next lots -120 + 222.5 x 0.5 = -9 against LITB's -90, so LITA keeps its sure
    // 100 only.
    expect(rest(rows, 400)).toEqual([
      [0, "passive", 100],
      [1, "passive", 300],
    ]);
  });

  it("the parent's schedule decides what speed is worth: ahead of its floor it rests for the rebate, behind it splits", () => {
    // LITA's outflow passes its queue by 500 in 80% of windows, by 100 otherwise: its lots 101..400 fill by T with 0.8;
    // LITB's always do. Ahead of its floor the parent loses nothing by waiting: a lot at LITA is worth its 120 whether
    // it fills before T or after, LITB's 90, so LITA whole. Needing the whole child: -120 + 222.5 x 0.2 = -75.5 at
    // LITA against -90 at LITB, so LITA keeps its sure 100 only.
    const rows = Array.from({ length: 50 }, (_, n) => [n % 5 === 0 ? 600 : 1_000, 2_000]);
    expect(rest(rows, 0)).toEqual([[0, "passive", 400]]);
    expect(rest(rows, -1_000)).toEqual([[0, "passive", 400]]);
    expect(rest(rows, 400)).toEqual([
      [0, "passive", 100],
      [1, "passive", 300],
    ]);
  });

  it("a lot the parent would take costs it its impact too: a large parent pays a fee for the venue that fills sooner", () => {
    // LITA's outflow passes its queue of 500 by 100 always, LITB's by 300. The parent needs 100 of the 400 lots within
    // its look-ahead: pi = (100 / 400)^2 = 1/16 of the lots short at T are taken. A sure fill at LITA is worth -120, at
    // LITB -90; a lot at LITA beyond the first 100 is short surely, costing -120 + pi (120 + 100 + f + 2.5).
    const rows = Array.from({ length: 50 }, () => [600, 800]);
    const split = (catchUpCost: number) =>
      optimalSplit({
        request: request({ tactic: "passive", price: 1_500_000, qty: 400, neededLots: 100, catchUpCost }),
        venues: VENUES,
        lit: [LITA, LITB],
        samples: samples(rows),
        limit: null,
        adverse: [0, 0],
        own: [0, 0],
        outflowPerTrade: [null, null],
      }).slices.map((s) => [s.venue, s.tactic, s.qty]);
    // The fee alone (f = 0: LITB's taker rebate counts as 0): -120 + 222.5 / 16 = -106.1 beats LITB's -90: LITA whole.
    expect(split(0)).toEqual([[0, "passive", 400]]);
    // A catch-up cost of 500 a lot (f = 500): -120 + 722.5 / 16 = -74.8, dearer than LITB's sure -90: LITB takes the
    // 300 lots it fills by T, and nothing is taken at the far touch (100 + 500 a lot).
    expect(split(500)).toEqual([
      [0, "passive", 100],
      [1, "passive", 300],
    ]);
  });

  it("our own lots waiting at a venue count as the trades it takes to fill them: a new child goes where others wait", () => {
    // Both venues show 500 at the bid and turn over 2,000 lots a window; a parent ahead of its floor rests the whole
    // child at LITA's rebate. If the 500 at LITA are our own, only trades take them: at 4.5 lots of outflow per traded
    // lot, the outflow has to reach 2,250 before a new child there fills, more than a window's 2,000.
    const rows = Array.from({ length: 50 }, () => [2_000, 2_000]);
    const split = (own: number[], outflowPerTrade: (number | null)[]) =>
      optimalSplit({
        request: request({ tactic: "passive", price: 1_500_000, qty: 400, neededLots: 400 }),
        venues: VENUES,
        lit: [LITA, LITB],
        samples: samples(rows),
        limit: null,
        adverse: [0, 0],
        own,
        outflowPerTrade,
      }).slices.map((s) => [s.venue, s.tactic, s.qty]);
    expect(split([0, 0], [4.5, 4.5])).toEqual([[0, "passive", 400]]);
    expect(split([500, 0], [4.5, 4.5])).toEqual([[1, "passive", 400]]);
    // Unmeasured (no trade seen yet), or no outflow beyond the trades: our lots count as the venue shows them.
    expect(split([500, 0], [null, null])).toEqual([[0, "passive", 400]]);
    expect(split([500, 0], [1, 1])).toEqual([[0, "passive", 400]]);
  });

  it("the queue ahead: what the venue shows, our own lots there weighed by the outflow per trade when that is more", () => {
    const buy = request({ tactic: "passive", price: 1_500_000 }); // LITA's bid: 1,500,000 for 500
    expect(queueAhead(buy, LITA, 0, 3)).toBe(500);
    expect(queueAhead(buy, LITA, 100, 3)).toBe(500); // 400 others' and 100 ours: the others' outflow comes first
    expect(queueAhead(buy, LITA, 300, 3)).toBe(900); // 300 of ours take 900 of outflow to trade away
    expect(queueAhead(buy, LITA, 800, 3)).toBe(1_500); // no more of ours than the venue shows
    expect(queueAhead(buy, LITA, 300, null)).toBe(500);
    expect(queueAhead({ ...buy, price: 1_500_100 }, LITA, 300, 3)).toBe(0); // improves the bid: nothing ahead
    expect(queueAhead({ ...buy, price: 1_499_900 }, LITA, 300, 3)).toBe(500); // behind the bid: all of it
  });

  it("places the whole child when no queue works through by T: at the best rebate, not nothing", () => {
    expect(rest(Array.from({ length: 50 }, () => [0, 0]))).toEqual([[0, "passive", 400]]);
  });

  it("sprays when there is no outflow history yet, and says so", () => {
    const d = optimalSplit({
      request: request({ tactic: "passive", price: 1_500_000 }),
      venues: VENUES,
      lit: [LITA, LITB],
      samples: null,
      limit: null,
      adverse: [0, 0],
      own: [0, 0],
      outflowPerTrade: [null, null],
    });
    expect(d.logic).toBe("optimal");
    expect(d.note).toMatch(/no outflow history/);
    expect(d.slices.length).toBeGreaterThan(0);
  });
});
