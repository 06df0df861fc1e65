/**
 * Property tests of allocation (fast-check, fixed seeds, thousands of random parents and fill sequences):
 * - the allocations of every fill sum exactly to it, only grow, never pass an order's quantity or limit;
 * - pro-rata: when every order takes every fill, after EVERY fill each order's cumulative allocation is within one lot
 *   of its exact share F * q_i / Q of the parent's cumulative fills (orders completing included);
 * - pro-rata with limit ladders, joins and cancels: within one lot of the exact share of the current epoch;
 * - the rotation: with n equal orders and one-lot fills, every window of n consecutive fills serves n distinct orders.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exactShare, ProRataPolicy } from "../src/allocation/pro-rata.js";
import { px, testEngine } from "./engine-fixtures.js";

const RUNS = 2000;

describe("pro-rata: the quota bound against the parent's cumulative fills", () => {
  it("holds after every fill, for any quantities and any fill sizes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 }),
        (quantities, fills) => {
          const t = testEngine({ crossing: { enabled: false }, audit: false });
          let parentId = 0;
          quantities.forEach((q, i) => {
            const r = t.submit({ clOrdId: `O${i}`, quantity: String(q) });
            if (!r.ok) throw new Error(r.message);
            parentId = r.parentId;
          });
          const total = quantities.reduce((a, b) => a + b, 0);
          let filled = 0;
          const previous = quantities.map(() => 0);
          for (const f of fills) {
            const qty = Math.min(f, total - filled);
            if (qty === 0) break;
            t.engine.applyParentFill(parentId, qty, px("150.00"), "LITA");
            filled += qty;
            quantities.forEach((q, i) => {
              const cum = t.engine.order("OMS", `O${i}`)?.cumQty ?? -1;
              const share = (filled * q) / total;
              expect(Math.abs(cum - share)).toBeLessThan(1);
              expect(cum).toBeGreaterThanOrEqual(previous[i] as number);
              expect(cum).toBeLessThanOrEqual(q);
              previous[i] = cum;
            });
          }
        },
      ),
      { seed: 20261121, numRuns: RUNS },
    );
    expect(ProRataPolicy.restarts).toBe(0);
  });

  it("rotates the remainder among equal orders", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 5 }), (n, size) => {
        const t = testEngine({ crossing: { enabled: false }, audit: false });
        for (let i = 0; i < n; i++) t.submit({ clOrdId: `O${i}`, quantity: String(size * 3) });
        const winners: string[] = [];
        for (let k = 0; k < n * size * 3; k++) {
          const fillId = t.engine.applyParentFill(1, 1, px("150.00"), "LITA");
          const event = t.ofType("fill-allocated").find((e) => e.fillId === fillId);
          winners.push(event?.allocations[0]?.clOrdId ?? "?");
        }
        for (let k = 0; k + n <= winners.length; k += n) expect(new Set(winners.slice(k, k + n)).size).toBe(n);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

type Step =
  | { kind: "join"; qty: number; limit: number | null }
  | { kind: "fill"; qty: number; tick: number }
  | { kind: "cancel"; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("join" as const),
      qty: fc.integer({ min: 1, max: 80 }),
      limit: fc.option(fc.integer({ min: -3, max: 3 }), { nil: null }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("fill" as const),
      qty: fc.integer({ min: 1, max: 60 }),
      tick: fc.integer({ min: -3, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
);

describe("every policy, with limit ladders, joins and cancels", () => {
  for (const policy of ["pro-rata", "fifo", "by-account"] as const) {
    it(`${policy}: fills sum exactly, respect limits and quantities; pro-rata stays within a lot of its epoch share`, () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
          const t = testEngine({
            crossing: { enabled: false },
            allocation: policy === "by-account" ? { policy, accounts: ["A2", "A1"] } : { policy },
          });
          let n = 0;
          let parentId = 0;
          const tickPx = (tick: number) => px("150.00") + tick * 100;
          for (const s of steps) {
            if (s.kind === "join") {
              const r = t.submit({
                clOrdId: `O${n}`,
                account: `A${n % 3}`,
                quantity: String(s.qty),
                limitPrice: s.limit === null ? null : (150 + s.limit / 100).toFixed(2),
              });
              n++;
              if (r.ok) parentId = r.parentId;
            } else if (s.kind === "cancel") {
              const open = t.engine.orders.filter((o) => o.isOpen);
              const target = open[s.pick % Math.max(1, open.length)];
              if (target) t.engine.cancel({ source: "OMS", origClOrdId: target.clOrdId });
            } else {
              const parent = t.engine.parent(parentId);
              if (parent === undefined) continue;
              const price = tickPx(s.tick);
              const qty = Math.min(s.qty, parent.fillCapacity(price));
              if (qty === 0) continue;
              const before = new Map(t.engine.orders.map((o) => [o.orderId, o.cumQty]));
              const fillId = t.engine.applyParentFill(parentId, qty, price, "LITA");
              const event = t.ofType("fill-allocated").find((e) => e.fillId === fillId);
              expect(event?.allocations.reduce((a, x) => a + x.qty, 0)).toBe(qty);
              for (const o of t.engine.orders) {
                const got = o.cumQty - (before.get(o.orderId) ?? 0);
                if (got > 0) expect(o.allows(price)).toBe(true);
                expect(o.cumQty).toBeLessThanOrEqual(o.orderQty);
              }
              const after = t.engine.parent(parentId);
              if (policy === "pro-rata" && after !== undefined) {
                for (const o of after.orders()) {
                  const share = exactShare(after, o);
                  if (!Number.isNaN(share)) expect(Math.abs(o.epochAlloc - share)).toBeLessThan(1);
                }
              }
            }
          }
          const fills = t.ofType("parent-filled").reduce((a, f) => a + f.qty, 0);
          expect(t.engine.orders.reduce((a, o) => a + o.cumQty, 0)).toBe(fills);
        }),
        { seed: 42, numRuns: RUNS },
      );
    });
  }
});
