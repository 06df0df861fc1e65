import { describe, expect, it } from "vitest";
import { DurableWaiters } from "./durable-waiters.js";

describe("DurableWaiters", () => {
  it("resolves each wait once a commit reaches its seq, whatever order they were asked in", async () => {
    const waiters = new DurableWaiters();
    const done: number[] = [];
    for (const seq of [5, 2, 9, 2, 7]) void waiters.wait(seq).then(() => done.push(seq));
    waiters.resolveThrough(6);
    await Promise.resolve();
    expect(done).toEqual([2, 2, 5]);
    waiters.resolveThrough(9);
    await Promise.resolve();
    expect(done).toEqual([2, 2, 5, 7, 9]);
  });

  it("rejects every pending wait on a failure; a later wait waits for a later commit", async () => {
    const waiters = new DurableWaiters();
    const failed = waiters.wait(3);
    const other = waiters.wait(1);
    waiters.rejectAll(new Error("disk full"));
    await expect(failed).rejects.toThrow("disk full");
    await expect(other).rejects.toThrow("disk full");
    const later = waiters.wait(3);
    waiters.resolveThrough(3);
    await expect(later).resolves.toBeUndefined();
  });
});
