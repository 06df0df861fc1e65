import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Side } from "../../model/order-types.js";
import { PriceLadder } from "./price-ladder.js";

/** The obvious reference: a Map from price to quantity, ranked by sorting. */
class NaiveLadder {
  readonly levels = new Map<number, number>();
  constructor(readonly side: Side) {}
  ranked(): [number, number][] {
    return [...this.levels].sort((a, b) => (this.side === "buy" ? b[0] - a[0] : a[0] - b[0]));
  }
  rankOf(price: number): number {
    return this.ranked().findIndex(([p]) => p === price);
  }
}

function state(ladder: PriceLadder): [number, number][] {
  const out: [number, number][] = [];
  for (let rank = 0; rank < ladder.depth; rank++) out.push([ladder.priceAt(rank), ladder.qtyAt(rank)]);
  return out;
}

type Op =
  | { op: "add"; price: number; qty: number }
  | { op: "reduce"; price: number; qty: number }
  | { op: "set"; price: number; qty: number }
  | { op: "surface"; rank: number; price: number | null; qty: number };

const price = fc.integer({ min: 1, max: 60 }).map((p) => p * 100);
const qty = fc.integer({ min: 1, max: 50 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("add" as const), price, qty }),
  fc.record({ op: fc.constant("reduce" as const), price, qty }),
  fc.record({ op: fc.constant("set" as const), price, qty: fc.integer({ min: 0, max: 50 }) }),
  fc.record({
    op: fc.constant("surface" as const),
    rank: fc.integer({ min: 0, max: 5 }),
    price: fc.option(price),
    qty,
  }),
);

describe("PriceLadder", () => {
  it.each<Side>(["buy", "sell"])("behaves like a sorted map on the %s side, whatever the operations", (side) => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const ladder = new PriceLadder(side, 2);
        const naive = new NaiveLadder(side);
        for (const o of ops) {
          if (o.op === "add") {
            ladder.add(o.price, o.qty);
            naive.levels.set(o.price, (naive.levels.get(o.price) ?? 0) + o.qty);
          } else if (o.op === "reduce") {
            const before = naive.rankOf(o.price);
            const left = (naive.levels.get(o.price) ?? 0) - o.qty;
            const result = ladder.reduce(o.price, o.qty);
            if (before < 0) expect(result).toBe(-2);
            else if (left > 0) {
              expect(result).toBe(-1);
              naive.levels.set(o.price, left);
            } else {
              expect(result).toBe(before);
              naive.levels.delete(o.price);
            }
          } else if (o.op === "set") {
            ladder.set(o.price, o.qty);
            if (o.qty === 0) naive.levels.delete(o.price);
            else naive.levels.set(o.price, o.qty);
          } else {
            ladder.surface(o.rank, o.price ?? Number.NaN, o.qty);
            const ranked = naive.ranked();
            const better = (a: number, b: number): boolean => (side === "buy" ? a > b : a < b);
            ranked.forEach(([p], r) => {
              if (r < o.rank) return;
              if (o.price === null || better(p, o.price)) naive.levels.delete(p);
            });
            if (o.price !== null) naive.levels.set(o.price, o.qty);
          }
          expect(state(ladder)).toEqual(naive.ranked());
        }
      }),
      { seed: 37, numRuns: 100 },
    );
  });

  it("keeps the best level first: highest bid, lowest ask", () => {
    const bids = new PriceLadder("buy");
    const asks = new PriceLadder("sell");
    for (const p of [100, 300, 200]) {
      bids.add(p, 1);
      asks.add(p, 1);
    }
    expect([bids.priceAt(0), bids.priceAt(2), asks.priceAt(0), asks.priceAt(2)]).toEqual([300, 100, 100, 300]);
    expect([bids.priceAt(3), bids.qtyAt(3)]).toEqual([Number.NaN, 0]);
  });

  it("counts a reduction below zero as overdrawn and removes the level", () => {
    const bids = new PriceLadder("buy");
    bids.add(100, 5);
    expect(bids.reduce(100, 7)).toBe(0);
    expect([bids.depth, bids.overdrawn]).toEqual([0, 1]);
  });

  it("surfaces a level below the kept ranks, dropping stale levels above it", () => {
    const asks = new PriceLadder("sell");
    for (const [p, q] of [
      [100, 1],
      [101, 2],
      [102, 3],
      [105, 4],
    ] as const)
      asks.add(p, q);
    // Rank 0 is right; the level at rank 1 is really 103 x 9: 101 and 102 are gone, 105 stays (unknown).
    expect(asks.surface(1, 103, 9)).toBe(2);
    expect(state(asks)).toEqual([
      [100, 1],
      [103, 9],
      [105, 4],
    ]);
    expect(asks.surface(1, Number.NaN, 0)).toBe(2);
    expect(state(asks)).toEqual([[100, 1]]);
  });
});
