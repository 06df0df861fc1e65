import { describe, expect, it } from "vitest";
import { ParentOrder } from "../aggregation/parent-order.js";
import { INTENTS } from "../model/client-order.js";
import { LiveParents } from "./live-parents.js";

const vwap = INTENTS.indexOf("vwap");
const high = INTENTS.indexOf("urgency-high");

describe("LiveParents", () => {
  it("finds a parent by instrument, side, intent and window buckets, and only that one", () => {
    const live = new LiveParents();
    const plain = new ParentOrder(1, "ACME|buy|vwap", "ACME", "buy", "vwap");
    const ending = new ParentOrder(2, "ACME|buy|vwap|-7", "ACME", "buy", "vwap");
    const starting = new ParentOrder(3, "ACME|buy|vwap|7-", "ACME", "buy", "vwap");
    const both = new ParentOrder(4, "ACME|buy|vwap|7-9", "ACME", "buy", "vwap");
    live.add(plain, -1, -1);
    live.add(ending, -1, 7);
    live.add(starting, 7, -1);
    live.add(both, 7, 9);
    expect(live.get("ACME", "buy", vwap, -1, -1)).toBe(plain);
    expect(live.get("ACME", "buy", vwap, -1, 7)).toBe(ending);
    expect(live.get("ACME", "buy", vwap, 7, -1)).toBe(starting);
    expect(live.get("ACME", "buy", vwap, 7, 9)).toBe(both);
    expect(live.get("ACME", "buy", vwap, 7, 8)).toBeUndefined();
    expect(live.get("ACME", "sell", vwap, -1, -1)).toBeUndefined();
    expect(live.get("ACME", "buy", high, -1, -1)).toBeUndefined();
    expect(live.get("NRTH", "buy", vwap, -1, -1)).toBeUndefined();
  });

  it("forgets a deleted parent, windowless or windowed, and keeps the others", () => {
    const live = new LiveParents();
    const plain = new ParentOrder(1, "ACME|sell|urgency-high", "ACME", "sell", "urgency-high");
    const windowed = new ParentOrder(2, "ACME|sell|urgency-high|3-4", "ACME", "sell", "urgency-high");
    const other = new ParentOrder(3, "ACME|sell|urgency-high|3-5", "ACME", "sell", "urgency-high");
    live.add(plain, -1, -1);
    live.add(windowed, 3, 4);
    live.add(other, 3, 5);
    live.delete(windowed);
    live.delete(plain);
    expect(live.get("ACME", "sell", high, 3, 4)).toBeUndefined();
    expect(live.get("ACME", "sell", high, -1, -1)).toBeUndefined();
    expect(live.get("ACME", "sell", high, 3, 5)).toBe(other);
    live.delete(plain); // not held: no-op
    const next = new ParentOrder(4, "ACME|sell|urgency-high|3-4", "ACME", "sell", "urgency-high");
    live.add(next, 3, 4);
    expect(live.get("ACME", "sell", high, 3, 4)).toBe(next);
  });
});
