/**
 * Listeners that act on the engine: an embedding application may cancel or submit orders from inside its listener,
 * on hearing of a fill. Each engine step (a command, a fill, an internal cross) holds its events until it is done, so
 * such a command runs after the step, on a consistent engine, and is a step of its own (engine.ts, `step`).
 */
import { describe, expect, it } from "vitest";
import type { EngineEvent } from "../src/model/client-events.js";
import { INTERNAL_VENUE } from "../src/model/client-events.js";
import { px, testEngine } from "./engine-fixtures.js";

type Allocated = Extract<EngineEvent, { type: "fill-allocated" }>;

describe("listeners that act on the engine", () => {
  it("a cancel on hearing of a fill runs after the fill is booked", () => {
    const t = testEngine();
    t.submit({ clOrdId: "A", account: "X", side: "buy", quantity: "100" });
    let answer: unknown = null;
    t.engine.on((e) => {
      if (e.type === "parent-filled" && answer === null)
        answer = t.engine.cancel({ clOrdId: "A-cxl", origClOrdId: "A", source: "OMS" });
    });
    const parentId = t.engine.order("OMS", "A")?.parentId as number;
    t.engine.applyParentFill(parentId, 60, px("150.01"), "LITA");
    // The fill went to A whole (60 of its 100), then the cancel took the 40 left.
    expect(answer).toEqual({ ok: true, orderId: 1, pending: false });
    const a = t.engine.order("OMS", "A");
    expect([a?.cumQty, a?.leavesQty, a?.done]).toEqual([60, 0, "canceled"]);
    const reports = t.events.filter((e) => e.type === "execution-report" && e.orderId === 1);
    expect(reports.map((r) => (r.type === "execution-report" ? [r.execType, r.cumQty, r.leavesQty] : []))).toEqual([
      ["new", 0, 100],
      ["trade", 60, 40],
      ["canceled", 60, 0],
    ]);
  });

  it("a cancel of the other side on hearing of one side of an internal cross comes too late: both sides are booked", () => {
    const t = testEngine();
    t.submit({ clOrdId: "A", account: "X", side: "buy", quantity: "100", allowCross: true });
    let answer: unknown = null;
    t.engine.on((e) => {
      if (e.type === "parent-filled" && e.venue === INTERNAL_VENUE && answer === null)
        answer = t.engine.cancel({ clOrdId: "B-cxl", origClOrdId: "B", source: "OMS" });
    });
    t.submit({ clOrdId: "B", account: "Y", side: "sell", quantity: "60", allowCross: true });
    expect(answer).toMatchObject({ ok: false, reason: "too-late-to-cancel" });
    const fills = t.events.filter((e) => e.type === "parent-filled");
    expect(fills.map((f) => (f.type === "parent-filled" ? [f.parentId, f.qty] : []))).toEqual([
      [1, 60],
      [2, 60],
    ]);
    expect(t.engine.order("OMS", "B")?.cumQty).toBe(60);
  });

  it("an order the buying account submits on hearing of a cross's buy side does not sell in that cross", () => {
    const t = testEngine();
    t.submit({ clOrdId: "A", account: "X", side: "buy", quantity: "100", allowCross: true });
    let submitted = false;
    t.engine.on((e) => {
      if (e.type === "parent-filled" && e.venue === INTERNAL_VENUE && !submitted) {
        submitted = true;
        const r = t.submit({ clOrdId: "C", account: "X", side: "sell", quantity: "50", allowCross: true });
        expect(r.ok).toBe(true);
      }
    });
    t.submit({ clOrdId: "B", account: "Y", side: "sell", quantity: "60", allowCross: true });
    const allocations = t.events.filter((e): e is Allocated => e.type === "fill-allocated");
    // The cross: X buys 60, Y sells 60. C came after it; X's own 40 left to buy and 50 to sell do not cross.
    expect(allocations.map((a) => a.allocations.map((x) => [x.clOrdId, x.account, x.qty]))).toEqual([
      [["A", "X", 60]],
      [["B", "Y", 60]],
    ]);
  });

  it("every listener hears every event once, in seq order, those of a listener's commands after the step's", () => {
    const t = testEngine();
    const heard: number[][] = [[], []];
    t.engine.on((e) => {
      heard[0]?.push(e.seq);
      if (e.type === "order-accepted" && e.clOrdId === "A") t.submit({ clOrdId: "B", side: "sell", quantity: "40" });
    });
    t.engine.on((e) => heard[1]?.push(e.seq));
    t.submit({ clOrdId: "A", quantity: "100" });
    const seqs = t.events.map((e) => e.seq);
    expect(heard[0]).toEqual(seqs);
    expect(heard[1]).toEqual(seqs);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    // A's step (accepted, its new report, its parent) ended before B's accepted.
    const accepted = t.events.filter((e) => e.type === "order-accepted").map((e) => e.seq);
    const aNew = t.events.find((e) => e.type === "execution-report" && e.clOrdId === "A")?.seq as number;
    expect(aNew).toBeLessThan(accepted[1] as number);
  });

  it("a listener that throws does not keep the others from hearing the rest of the step; its error comes after", () => {
    const t = testEngine();
    t.submit({ clOrdId: "A", quantity: "100" });
    let failing = true;
    t.engine.on((e) => {
      if (failing && e.type === "parent-filled") throw new Error("listener failed");
    });
    const after: EngineEvent[] = [];
    t.engine.on((e) => after.push(e));
    const parentId = t.engine.order("OMS", "A")?.parentId as number;
    expect(() => t.engine.applyParentFill(parentId, 60, px("150.01"), "LITA")).toThrow("listener failed");
    // The fill was booked whole, and every listener after the failing one heard all of it, with no gap in seq.
    expect(t.engine.order("OMS", "A")?.cumQty).toBe(60);
    expect(after.map((e) => e.type)).toEqual(["parent-filled", "fill-allocated", "execution-report", "parent-changed"]);
    expect(after.at(-1)?.seq).toBe(t.engine.lastSeq);
    expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => (after[0]?.seq ?? 0) + i));
    // The engine goes on: the next command is delivered as usual.
    failing = false;
    expect(t.engine.cancel({ clOrdId: "A-cxl", origClOrdId: "A", source: "OMS" })).toMatchObject({ ok: true });
    expect(after.find((e) => e.type === "execution-report" && e.execType === "canceled")).toMatchObject({ cumQty: 60 });
  });
});
