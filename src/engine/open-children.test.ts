/**
 * OpenChildren folds a journal's child events into the children still working: their ClOrdIDs (replaces confirmed or
 * in flight), and what each executed (its fills' lots and value), which a venue that outlived us needs to tell a fill
 * already applied from one missed. Through a snapshot's plain state and back, nothing changes.
 */
import { describe, expect, it } from "vitest";
import type { ChildAction, EngineEvent } from "../model/client-events.js";
import { OpenChildren } from "./open-children.js";

let seq = 0;
const child = (childId: string, action: ChildAction, leavesQty: number, price = 100): EngineEvent => ({
  type: "child-order",
  seq: ++seq,
  time: seq,
  parentId: 1,
  childId,
  venue: "LITA",
  action,
  symbol: "ACME",
  side: "buy",
  tactic: "passive",
  price,
  orderQty: 50,
  leavesQty,
  reservedPrice: 105,
  reason: null,
});
const fill = (childId: string | null, qty: number, price: number): EngineEvent => ({
  type: "parent-filled",
  seq: ++seq,
  time: seq,
  parentId: 1,
  fillId: seq,
  childId,
  qty,
  price,
  venue: "LITA",
  liquidity: "maker",
  feeMicros: 0,
  bid: null,
  ask: null,
});

describe("OpenChildren", () => {
  it("keeps what each working child executed, its ClOrdIDs, and forgets the ended ones", () => {
    const open = new OpenChildren();
    for (const e of [
      child("C1", "placed", 50),
      child("C2", "placed", 50),
      child("C1", "acknowledged", 50),
      fill("C1", 10, 100),
      fill(null, 5, 99), // an internal cross: no child
      fill("C1", 20, 101),
      child("C1", "replace-requested", 20, 102),
      child("C2", "filled", 0),
      fill("C2", 50, 100), // after its end (a late fill of an ended child): not a working child's
    ]) {
      open.apply(e);
    }
    expect(open.list()).toEqual([
      expect.objectContaining({
        childId: "C1",
        cumQty: 30,
        notional: 10 * 100 + 20 * 101,
        leavesQty: 20,
        price: 102,
        venueOrderId: "C1",
        requestedId: "C1-R1",
        orderIds: ["C1", "C1-R1"],
      }),
    ]);
    expect(open.lastNumber).toBe(2);
    expect(OpenChildren.from(JSON.parse(JSON.stringify(open.state()))).list()).toEqual(open.list());
  });

  it("reads a snapshot from before fills were folded in as nothing executed yet", () => {
    const open = new OpenChildren();
    open.apply(child("C7", "placed", 50));
    const { cumQty: _c, notional: _n, ...old } = open.list()[0] as NonNullable<ReturnType<typeof open.list>[0]>;
    const back = OpenChildren.from({ lastNumber: 7, children: [old as never] });
    expect(back.list()[0]).toMatchObject({ childId: "C7", cumQty: 0, notional: 0 });
  });
});
