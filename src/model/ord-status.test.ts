import { describe, expect, it } from "vitest";
import { InvariantError } from "../core/errors.js";
import { isTerminal, nextOrdStatus } from "./ord-status.js";

describe("nextOrdStatus (FIX OrdStatus after an ExecType)", () => {
  it.each([
    ["pending-new", "new", 0, 100, "new"],
    ["pending-new", "rejected", 0, 0, "rejected"],
    ["new", "trade", 40, 60, "partially-filled"],
    ["partially-filled", "trade", 100, 0, "filled"],
    ["new", "replaced", 0, 80, "new"],
    ["partially-filled", "replaced", 40, 20, "partially-filled"],
    ["partially-filled", "canceled", 40, 0, "canceled"],
    ["new", "expired", 0, 0, "expired"],
    ["pending-new", "canceled", 0, 0, "canceled"],
  ] as const)("%s + %s (cum %i, leaves %i) -> %s", (status, execType, cum, leaves, expected) => {
    expect(nextOrdStatus(status, execType, cum, leaves)).toBe(expected);
  });

  it.each([
    ["filled", "trade"],
    ["canceled", "canceled"],
    ["rejected", "new"],
    ["new", "new"],
    ["new", "rejected"],
    ["pending-new", "trade"],
    ["pending-new", "replaced"],
  ] as const)("%s + %s is a broken invariant", (status, execType) => {
    expect(() => nextOrdStatus(status, execType, 0, 0)).toThrow(InvariantError);
  });

  it("knows the terminal statuses", () => {
    expect(["filled", "canceled", "rejected", "expired"].every((s) => isTerminal(s as never))).toBe(true);
    expect(isTerminal("new") || isTerminal("partially-filled") || isTerminal("pending-new")).toBe(false);
  });
});
