/**
 * The engine's invariants under random command sequences (fast-check, fixed seed, thousands of runs): submits (some
 * invalid), cancels, replaces, child reservations, child fills and releases, direct parent fills, quote changes (which
 * trigger internal crosses), kill switches and the passage of time (start and end times). After every command:
 * - allocations of a fill sum exactly to it, and all fills are accounted for in the orders' cumQty;
 * - no order is filled beyond its quantity or outside the limit it had at the time;
 * - every internal cross is two equal fills at the NBBO mid, strictly inside the NBBO, with no account on both sides;
 * - cancels and replaces conserve quantity (cumQty unchanged; leaves = orderQty - cumQty while open);
 * - nothing accepted disappears: every order is filled, cancelled or expired, or still working in a live parent, and
 *   its last execution report says so; every refused submit is one OrderRejected event.
 * - a child reserved partly beyond its parent's orders (over-sent, as an aggressive spray does) fills its orders first;
 *   what no order can take is an over-fill, never allocated, within what was over-sent, and the over-fill positions
 *   hold every over-fill event's lots.
 * The engine also runs with `audit: true`, which re-checks every parent's ladders and reservation cover. In half the
 * runs a listener acts on the engine as it hears events (cancels on fills, new orders on fills): the same invariants.
 * Recovery (Engine.restore, snapshot, restoreSnapshot): the harness records its child orders as the executor does;
 * a new engine rebuilt from the run's events (as a journal hands them back: JSON) has the state hash of the engine
 * that ran, at the middle of the run and at its end, and so does one rebuilt from a snapshot taken at the middle
 * plus the events after it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VirtualScheduler } from "../src/core/scheduler.js";
import { Engine } from "../src/engine/engine.js";
import type { KernelSnapshot } from "../src/engine/kernel-snapshot.js";
import type { KillScope } from "../src/model/client-commands.js";
import type { ClientExecutionReport, EngineEvent } from "../src/model/client-events.js";
import { INSTRUMENTS, px, START, testEngine } from "./engine-fixtures.js";

const RUNS = 1000;
const TICK = 100;

type Command =
  | {
      c: "submit";
      side: "buy" | "sell";
      qty: number;
      limit: number | null;
      cross: boolean;
      account: number;
      source: number;
      start: number;
      end: number;
    }
  | { c: "cancel"; pick: number }
  | { c: "replace"; pick: number; qty: number | null; limit: number | null }
  | { c: "reserve"; pick: number; price: number | null; part: number; over: number }
  | { c: "childFill"; pick: number; part: number; better: number }
  | { c: "release"; pick: number }
  | { c: "fill"; pick: number; qty: number; tick: number }
  | { c: "quote"; bid: number; spread: number }
  | { c: "kill"; scope: number; on: boolean }
  | { c: "advance"; seconds: number };

const tick = fc.integer({ min: -3, max: 3 });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      c: fc.constant("submit" as const),
      side: fc.constantFrom("buy" as const, "sell" as const),
      qty: fc.integer({ min: 1, max: 60 }),
      limit: fc.option(tick, { nil: null }),
      cross: fc.boolean(),
      account: fc.integer({ min: 0, max: 2 }),
      source: fc.integer({ min: 0, max: 1 }),
      start: fc.constantFrom(0, 0, 0, 2),
      end: fc.constantFrom(0, 0, 0, 3, 6),
    }),
  },
  { weight: 2, arbitrary: fc.record({ c: fc.constant("cancel" as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      c: fc.constant("replace" as const),
      pick: fc.nat(),
      qty: fc.option(fc.integer({ min: 0, max: 80 }), { nil: null }),
      limit: fc.option(tick, { nil: null }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      c: fc.constant("reserve" as const),
      pick: fc.nat(),
      price: fc.option(tick, { nil: null }),
      part: fc.constantFrom(0.3, 0.7, 1, 1),
      over: fc.constantFrom(0, 0, 5, 20, 40),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      c: fc.constant("childFill" as const),
      pick: fc.nat(),
      part: fc.double({ min: 0, max: 1, noNaN: true }),
      better: fc.integer({ min: 0, max: 2 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ c: fc.constant("release" as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      c: fc.constant("fill" as const),
      pick: fc.nat(),
      qty: fc.integer({ min: 1, max: 50 }),
      tick,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ c: fc.constant("quote" as const), bid: tick, spread: fc.integer({ min: 0, max: 3 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ c: fc.constant("kill" as const), scope: fc.integer({ min: 0, max: 2 }), on: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ c: fc.constant("advance" as const), seconds: fc.integer({ min: 1, max: 3 }) }) },
);

const MID = px("150.00");
const STATS = new Map<string, number>();

describe("engine invariants under random commands", () => {
  it("hold after every command", () => {
    fc.assert(
      fc.property(
        fc.array(command, { minLength: 10, maxLength: 60, size: "max" }),
        fc.constantFrom("pro-rata", "fifo") as fc.Arbitrary<"pro-rata" | "fifo">,
        fc.boolean(),
        (commands, policy, reactive) => {
          const t = testEngine({ allocation: { policy }, crossing: { takerFeeMicrosPerShare: 3000 } });
          const children = new Map<string, { parentId: number; price: number | null }>();
          let submits = 0;
          let refused = 0;
          if (reactive) {
            // A client that acts on what it hears, from inside the listener: it cancels some orders on their first
            // partial fill, and an account that just got a fill sends an order of its own on some fills, crossing.
            t.engine.on((e) => {
              if (e.type === "execution-report" && e.execType === "trade" && e.ordStatus === "partially-filled") {
                if (e.orderId % 3 === 0) t.engine.cancel({ source: e.source, origClOrdId: e.clOrdId });
              } else if (e.type === "fill-allocated" && e.fillId % 4 === 0) {
                submits++;
                const r = t.engine.submit({
                  clOrdId: `L${submits}`,
                  source: "OMS",
                  account: e.allocations[0]?.account ?? "A0",
                  symbol: "ACME",
                  side: e.fillId % 8 === 0 ? "buy" : "sell",
                  quantity: String(1 + (e.qty % 30)),
                  orderType: "market",
                  allowCross: true,
                });
                if (!r.ok) refused++;
              }
            });
          }
          let childN = 0;
          const reported = new Map<number, ClientExecutionReport>();
          let checked = 0;
          const check = (): void => {
            const events = t.events;
            for (; checked < events.length; checked++) checkEvent(events[checked] as EngineEvent);
            checkState();
          };
          const checkEvent = (e: EngineEvent): void => {
            if (e.type === "fill-allocated") {
              expect(e.allocations.reduce((a, x) => a + x.qty, 0)).toBe(e.qty);
              for (const a of e.allocations) expect(a.qty).toBeGreaterThan(0);
            } else if (e.type === "execution-report") {
              const last = reported.get(e.orderId);
              const prevCum = last?.cumQty ?? 0;
              if (e.execType === "trade") {
                expect(e.cumQty).toBe(prevCum + e.lastQty);
                if (e.price !== null) expect(e.side === "buy" ? e.lastPx <= e.price : e.lastPx >= e.price).toBe(true);
              } else expect(e.cumQty).toBe(prevCum);
              expect(e.cumQty).toBeLessThanOrEqual(e.orderQty);
              const done = e.ordStatus === "filled" || e.ordStatus === "canceled" || e.ordStatus === "expired";
              expect(e.leavesQty).toBe(done ? 0 : e.orderQty - e.cumQty);
              reported.set(e.orderId, e);
            } else if (e.type === "internal-cross") {
              const fills = t.events.filter(
                (x) => x.type === "parent-filled" && (x.fillId === e.buyFillId || x.fillId === e.sellFillId),
              );
              expect(fills).toHaveLength(2);
              for (const f of fills) expect(f).toMatchObject({ qty: e.qty, price: e.price, venue: "INTERNAL" });
              expect(e.price * 2).toBe(e.bid + e.ask);
              expect(e.bid < e.price && e.price < e.ask).toBe(true);
              // Self-match prevention: no account on both sides of the cross.
              const accounts = (fillId: number) =>
                t.events
                  .filter((x) => x.type === "fill-allocated" && x.fillId === fillId)
                  .flatMap((x) => (x.type === "fill-allocated" ? x.allocations.map((a) => a.account) : []));
              const buyers = new Set(accounts(e.buyFillId));
              expect(accounts(e.sellFillId).filter((a) => buyers.has(a))).toEqual([]);
            }
          };
          const checkState = (): void => {
            const over = t.ofType("over-fill").reduce((a, f) => a + f.qty, 0);
            expect(t.engine.overFills().reduce((a, p) => a + p.qty, 0)).toBe(over);
            for (const p of t.engine.parents()) expect(p.overSentQty).toBeLessThanOrEqual(p.reservedQty);
            const fills = t.ofType("parent-filled").reduce((a, f) => a + f.qty, 0);
            expect(t.engine.orders.reduce((a, o) => a + o.cumQty, 0)).toBe(fills);
            for (const o of t.engine.orders) {
              expect(o.cumQty).toBeGreaterThanOrEqual(0);
              expect(o.cumQty).toBeLessThanOrEqual(o.orderQty);
              const last = reported.get(o.orderId);
              expect({ cum: last?.cumQty, leaves: last?.leavesQty, status: last?.ordStatus }).toEqual({
                cum: o.cumQty,
                leaves: o.leavesQty,
                status: o.ordStatus,
              });
              if (o.done === null) {
                const parent = t.engine.parent(o.parentId);
                expect(parent).toBeDefined();
                expect([...(parent?.orders() ?? [])]).toContain(o);
              } else expect(["filled", "canceled", "expired"]).toContain(o.done);
            }
            expect(t.ofType("order-accepted")).toHaveLength(t.engine.orders.length);
            expect(t.ofType("order-rejected")).toHaveLength(refused);
            expect(t.engine.orders.length + refused).toBe(submits);
          };
          const openOrders = () => t.engine.orders.filter((o) => o.done === null);
          const parents = () => [...t.engine.parents()];

          const childEvent = (
            id: string,
            action: "placed" | "cancelled",
            price: number | null,
            qty: number,
            overSentQty = 0,
          ) => {
            const parent = t.engine.parentOfChild(id);
            if (parent === undefined) return;
            t.engine.record({
              type: "child-order",
              seq: 0,
              time: 0,
              parentId: parent.parentId,
              childId: id,
              venue: "LITA",
              action,
              symbol: parent.symbol,
              side: parent.side,
              tactic: "passive",
              price,
              orderQty: qty,
              leavesQty: action === "placed" ? qty : 0,
              reservedPrice: price,
              reason: null,
              ...(overSentQty > 0 ? { overSentQty } : {}),
            });
          };
          const release = (id: string) => {
            const child = children.get(id);
            childEvent(id, "cancelled", child?.price ?? null, 0);
            t.engine.releaseChild(id);
          };
          let middle: { hash: string; seq: number; snapshot: KernelSnapshot } | null = null;
          for (const [k, cmd] of commands.entries()) {
            if (k === Math.floor(commands.length / 2)) {
              middle = {
                hash: t.engine.stateHash(),
                seq: t.engine.lastSeq,
                snapshot: JSON.parse(JSON.stringify(t.engine.snapshot())),
              };
            }
            switch (cmd.c) {
              case "submit": {
                submits++;
                const r = t.engine.submit({
                  clOrdId: `O${submits}`,
                  source: cmd.source === 0 ? "OMS" : "FILE",
                  account: `A${cmd.account}`,
                  symbol: "ACME",
                  side: cmd.side,
                  quantity: cmd.qty === 60 ? "1.5" : String(cmd.qty),
                  orderType: cmd.limit === null ? "market" : "limit",
                  limitPrice: cmd.limit === null ? null : ((MID + cmd.limit * TICK) / 10_000).toFixed(2),
                  allowCross: cmd.cross,
                  startTime: cmd.start === 0 ? null : t.scheduler.now() + cmd.start * 1_000_000,
                  endTime: cmd.end === 0 ? null : t.scheduler.now() + cmd.end * 1_000_000,
                });
                if (!r.ok) refused++;
                break;
              }
              case "cancel": {
                const open = openOrders();
                const o = open[cmd.pick % Math.max(1, open.length)];
                if (o) t.engine.cancel({ source: o.source, origClOrdId: o.clOrdId });
                break;
              }
              case "replace": {
                const open = openOrders();
                const o = open[cmd.pick % Math.max(1, open.length)];
                if (!o) break;
                const input: { quantity?: string; limitPrice?: string } = {};
                if (cmd.qty !== null) input.quantity = String(cmd.qty);
                if (cmd.limit !== null && o.limitPrice !== null)
                  input.limitPrice = ((MID + cmd.limit * TICK) / 10_000).toFixed(2);
                t.engine.replace({
                  source: o.source,
                  origClOrdId: o.clOrdId,
                  clOrdId: `R${t.events.length}`,
                  ...input,
                });
                break;
              }
              case "reserve": {
                const ps = parents();
                const p = ps[cmd.pick % Math.max(1, ps.length)];
                if (!p) break;
                const price = cmd.price === null ? null : MID + cmd.price * TICK;
                const available = p.available(price);
                // Over-send only where there is something to send for (a parent with no working orders has none).
                const over = available > 0 ? cmd.over : 0;
                const qty = Math.floor(available * cmd.part) + over;
                if (qty <= 0) break;
                const id = `C${++childN}`;
                expect(t.engine.reserve(p.parentId, id, price, qty, over)).toBe(true);
                children.set(id, { parentId: p.parentId, price });
                childEvent(id, "placed", price, qty, over);
                break;
              }
              case "childFill": {
                const ids = [...children.keys()];
                const id = ids[cmd.pick % Math.max(1, ids.length)];
                if (id === undefined) break;
                const child = children.get(id) as { parentId: number; price: number | null };
                const parent = t.engine.parentOfChild(id);
                const reservation = parent?.reservations.get(id);
                if (parent === undefined || reservation === undefined) break;
                const qty = Math.max(1, Math.floor(reservation.qty * cmd.part));
                const base = child.price ?? MID;
                const price = parent.side === "buy" ? base - cmd.better * TICK : base + cmd.better * TICK;
                const before = t.ofType("over-fill").length;
                const overSent = parent.overSentQty;
                t.engine.childFill(id, qty, price, "LITA", "taker", 0);
                // An over-fill only when no order could take the lots, and within what was over-sent.
                const overFilled = t.ofType("over-fill").slice(before);
                for (const e of overFilled) expect(e.qty).toBeLessThanOrEqual(overSent);
                if (!parent.reservations.has(id)) children.delete(id);
                break;
              }
              case "release": {
                const ids = [...children.keys()];
                const id = ids[cmd.pick % Math.max(1, ids.length)];
                if (id === undefined) break;
                release(id);
                children.delete(id);
                break;
              }
              case "fill": {
                const ps = parents();
                const p = ps[cmd.pick % Math.max(1, ps.length)];
                if (!p) break;
                const price = MID + cmd.tick * TICK;
                let room = p.fillCapacity(price);
                if (p.reservedQty > 0) room = Math.min(room, p.allocatable.atOrAbove(p.reservedKey) - p.coveredQty);
                const qty = Math.min(cmd.qty, room);
                if (qty > 0) t.engine.applyParentFill(p.parentId, qty, price, "LITB", "maker", -100);
                break;
              }
              case "quote": {
                const bid = MID + cmd.bid * TICK;
                t.quotes.set("ACME", (bid / 10_000).toFixed(2), ((bid + cmd.spread * TICK) / 10_000).toFixed(2));
                break;
              }
              case "kill": {
                const scope: KillScope =
                  cmd.scope === 0
                    ? { scope: "global" }
                    : cmd.scope === 1
                      ? { scope: "account", id: "A1" }
                      : { scope: "source", id: "FILE" };
                if (cmd.on) t.engine.kill(scope);
                else t.engine.revive(scope);
                break;
              }
              case "advance":
                t.scheduler.runUntil(t.scheduler.now() + cmd.seconds * 1_000_000);
                break;
            }
            check();
          }
          // Wind down: release every child, revive everything, run past every end time; all invariants still hold.
          for (const id of [...children.keys()]) release(id);
          t.engine.revive({ scope: "global" });
          t.engine.revive({ scope: "account", id: "A1" });
          t.engine.revive({ scope: "source", id: "FILE" });
          t.scheduler.runUntil(START + 3_600_000_000);
          check();
          for (const e of t.events)
            STATS.set(
              e.type === "execution-report" ? `report:${e.execType}` : e.type,
              (STATS.get(e.type === "execution-report" ? `report:${e.execType}` : e.type) ?? 0) + 1,
            );
          for (const o of t.engine.orders) {
            expect(o.pending).toBeNull();
            if (o.endTime !== null) expect(o.done).not.toBeNull();
          }
          // Recovery: the same state from the events, from the start and from the middle's snapshot.
          const journal = JSON.parse(JSON.stringify(t.events)) as EngineEvent[];
          const rebuild = () =>
            new Engine({
              instruments: INSTRUMENTS,
              scheduler: new VirtualScheduler(START),
              sources: [
                { id: "OMS", kind: "api", metadata: { desk: "equities" } },
                { id: "FILE", kind: "file" },
              ],
              allocation: { policy },
            });
          const m = middle as unknown as { hash: string; seq: number; snapshot: KernelSnapshot };
          const half = rebuild();
          half.restore(journal.slice(0, m.seq));
          half.finishRestore();
          expect(half.stateHash()).toBe(m.hash);
          const whole = rebuild();
          whole.restore(journal);
          whole.finishRestore();
          expect(whole.stateHash()).toBe(t.engine.stateHash());
          const fromSnapshot = rebuild();
          fromSnapshot.restoreSnapshot(m.snapshot);
          expect(fromSnapshot.stateHash()).toBe(m.hash);
          fromSnapshot.restore(journal.slice(m.seq));
          fromSnapshot.finishRestore();
          expect(fromSnapshot.stateHash()).toBe(t.engine.stateHash());
        },
      ),
      { seed: 1121, numRuns: RUNS },
    );
    // The runs must reach every path, pending amendments and crosses included.
    for (const kind of [
      "internal-cross",
      "report:pending-cancel",
      "report:pending-replace",
      "report:expired",
      "report:replaced",
      "cancel-rejected",
      "kill-switch",
      "over-fill",
    ]) {
      expect(STATS.get(kind) ?? 0, kind).toBeGreaterThan(20);
    }
  }, 300_000); // 1,000 random runs: about a minute alone, several on a loaded machine
});
