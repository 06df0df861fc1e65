import { describe, expect, it } from "vitest";
import { IdSequence } from "./ids.js";

describe("IdSequence", () => {
  it("issues prefixed ids in order, the same for every fresh sequence", () => {
    const a = new IdSequence("LITA-E");
    expect([a.nextId(), a.nextId(), a.nextNumber(), a.nextId()]).toEqual(["LITA-E1", "LITA-E2", 3, "LITA-E4"]);
    expect(new IdSequence("LITA-E").nextId()).toBe("LITA-E1");
  });
});
