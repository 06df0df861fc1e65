import { describe, expect, it } from "vitest";
import { BloomFilter } from "./bloom-filter.js";

describe("BloomFilter", () => {
  it("holds every key added, and few others at its design load", () => {
    const filter = new BloomFilter(20);
    const n = 100_000; // ~10 bits a key: about 1% false positives with 7 hashes
    for (let i = 0; i < n; i++) filter.add(`ORD-${i}`);
    for (let i = 0; i < n; i++) expect(filter.mightHold(`ORD-${i}`)).toBe(true);
    let falsePositives = 0;
    for (let i = 0; i < n; i++) if (filter.mightHold(`OTHER-${i}`)) falsePositives++;
    expect(falsePositives / n).toBeLessThan(0.02);
  });

  it("is empty when new and refuses a size it cannot have", () => {
    expect(new BloomFilter(10).mightHold("x")).toBe(false);
    expect(() => new BloomFilter(9)).toThrow(RangeError);
    expect(() => new BloomFilter(12, 0)).toThrow(RangeError);
  });
});
