import { describe, expect, it } from "vitest";
import { DepthSync } from "./binance-sync.js";

describe("DepthSync, spot rules", () => {
  it("drops diffs the snapshot covers, applies the one that straddles it, then requires U == previous u + 1", () => {
    const sync = new DepthSync("spot");
    sync.snapshot(100);
    expect(sync.offer(90, 100, -1)).toBe("drop");
    expect(sync.offer(95, 105, -1)).toBe("apply"); // U <= 101 <= u
    expect(sync.offer(106, 110, -1)).toBe("apply");
    expect(sync.offer(112, 115, -1)).toBe("gap");
    expect(sync.offer(116, 120, -1)).toBe("apply");
    expect(sync.offer(100, 120, -1)).toBe("drop"); // replayed old diff
    expect([sync.gaps, sync.dropped, sync.lastApplied]).toEqual([1, 2, 120]);
  });

  it("counts a gap when the first diff after the snapshot starts too late", () => {
    const sync = new DepthSync("spot");
    sync.snapshot(100);
    expect(sync.offer(103, 110, -1)).toBe("gap");
    expect(sync.gaps).toBe(1);
  });
});

describe("DepthSync, USD-M futures rules", () => {
  it("applies the first diff with U <= lastUpdateId <= u, then requires pu == previous u", () => {
    const sync = new DepthSync("usdm");
    sync.snapshot(100);
    expect(sync.offer(80, 99, 70)).toBe("drop");
    expect(sync.offer(95, 100, 99)).toBe("apply"); // u == lastUpdateId is kept on futures
    expect(sync.offer(104, 108, 100)).toBe("apply"); // ids may skip: only pu links diffs
    expect(sync.offer(111, 115, 109)).toBe("gap");
    expect(sync.gaps).toBe(1);
  });
});
