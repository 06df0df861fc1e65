/** Framing a byte stream: split and joined chunks, garbage, wrong BodyLength (one garbled candidate, then resync). */
import { describe, expect, it } from "vitest";
import { decodeFix, encodeFix } from "./codec.js";
import { FixFramer } from "./framer.js";

const msg = (seq: number) =>
  encodeFix("FIX.4.4", [
    [35, "0"],
    [49, "TW44"],
    [56, "ISLD"],
    [34, seq],
    [52, "20260105-14:30:00.000"],
  ]);

describe("FixFramer", () => {
  it("cuts messages split over chunks and joined in one chunk", () => {
    const f = new FixFramer();
    const stream = msg(1) + msg(2) + msg(3);
    const out: string[] = [];
    for (let i = 0; i < stream.length; i += 7) out.push(...f.push(stream.slice(i, i + 7)));
    expect(out).toEqual([msg(1), msg(2), msg(3)]);
    expect(f.pending).toBe(0);
  });

  it("drops garbage before a BeginString", () => {
    const f = new FixFramer();
    expect(f.push(`garbage\x01\x02 8=junk${msg(1)}`)).toEqual([msg(1)]);
    expect(f.droppedBytes).toBeGreaterThan(0);
  });

  it("a too-short BodyLength gives one garbled candidate; the next message is intact", () => {
    const f = new FixFramer();
    const bad = msg(1).replace(/9=\d+/, "9=20");
    const out = f.push(bad + msg(2));
    expect(out).toHaveLength(2);
    expect(decodeFix(out[0] as string).ok).toBe(false);
    expect(out[1]).toBe(msg(2));
  });

  it("a too-long BodyLength swallows the next message into one garbled candidate, then resyncs", () => {
    const f = new FixFramer();
    const bad = msg(1).replace(/9=\d+/, "9=60");
    expect(f.push(bad)).toEqual([]);
    const out = f.push(msg(2) + msg(3));
    expect(out).toHaveLength(2);
    expect(decodeFix(out[0] as string).ok).toBe(false);
    expect(out[1]).toBe(msg(3));
  });

  it("skips a BeginString whose second field is not BodyLength, and an absurd BodyLength", () => {
    const f = new FixFramer(1000);
    expect(f.push(`8=FIX.4.4\x0135=0\x01${msg(1)}`)).toEqual([msg(1)]);
    expect(f.push(`8=FIX.4.4\x019=99999999\x01${msg(2)}`)).toEqual([msg(2)]);
  });

  it("keeps bounded memory on endless garbage", () => {
    const f = new FixFramer();
    for (let i = 0; i < 100; i++) f.push("x".repeat(10_000));
    expect(f.pending).toBeLessThan(10);
  });
});
