import { describe, expect, it } from "vitest";
import { KillSwitch } from "./kill-switch.js";

describe("KillSwitch", () => {
  it("covers global, source and account scopes independently", () => {
    const k = new KillSwitch();
    expect(k.isKilled("S", "A")).toBe(false);
    expect(k.set({ scope: "source", id: "S" }, true)).toBe(true);
    expect(k.set({ scope: "source", id: "S" }, true)).toBe(false);
    expect([k.isKilled("S", "A"), k.isKilled("T", "A")]).toEqual([true, false]);
    k.set({ scope: "account", id: "B" }, true);
    expect(k.isKilled("T", "B")).toBe(true);
    k.set({ scope: "source", id: "S" }, false);
    k.set({ scope: "global" }, true);
    expect(k.isKilled("T", "A")).toBe(true);
    k.set({ scope: "global" }, false);
    expect([k.isKilled("S", "A"), k.isKilled("T", "B")]).toEqual([false, true]);
  });
});
