import { describe, expect, it } from "vitest";
import { manyEvents, sampleDay } from "../../test/journal-fixtures.js";
import { canonicalJson } from "./canonical-json.js";
import { CausationTracker } from "./correlation.js";
import { GENESIS_HASH, type JournalRecord, makeRecord } from "./journal-record.js";
import { BatchEncoder, decodeBatch } from "./threaded-journal-protocol.js";

type Event = Readonly<Record<string, unknown>>;

function expected(events: readonly Event[]): JournalRecord[] {
  const causation = new CausationTracker();
  let prev = GENESIS_HASH;
  return events.map((e) => {
    const r = makeRecord(e, canonicalJson(e), causation.next(e, e.seq as number), prev);
    prev = r.hash;
    return r;
  });
}

/** Encodes and decodes `events` in batches of `size`, as the kernel thread and the worker do. */
function roundTrip(events: readonly Event[], size: number, hashInEncoder = false): JournalRecord[] {
  const encoder = new BatchEncoder(size, hashInEncoder ? GENESIS_HASH : null);
  const out: JournalRecord[] = [];
  const drain = (): void => {
    const last = out[out.length - 1];
    out.push(...decodeBatch(encoder.take(), last?.hash ?? GENESIS_HASH, last?.seq ?? 0));
  };
  for (const e of events) {
    encoder.add(e, canonicalJson(e));
    if (encoder.length === size) drain();
  }
  drain();
  return out;
}

describe("threaded journal batch encoding", () => {
  const day = sampleDay() as unknown as Event[];
  const many = [...manyEvents(3_000)] as unknown as Event[];

  it("gives the records makeRecord gives: columns, hash chain, side-table rows, causation across batches", () => {
    for (const size of [1, 4, 7, 1_000]) {
      for (const hashInEncoder of [false, true]) {
        expect(roundTrip(day, size, hashInEncoder)).toEqual(expected(day));
        expect(roundTrip(many, size, hashInEncoder)).toEqual(expected(many));
      }
    }
    const records = roundTrip(day, 5);
    // The day has every kind of side row, a null source, a child id and causation links.
    expect(records.some((r) => r.moreOrderIds.length > 0)).toBe(true);
    expect(records.some((r) => r.moreParentIds.length > 0)).toBe(true);
    expect(records.some((r) => r.clientRefs.length > 1)).toBe(true);
    expect(records.some((r) => r.clientRefs.some((c) => c.orderId === null))).toBe(true);
    expect(records.some((r) => r.source === null)).toBe(true);
    expect(records.some((r) => r.childId !== null)).toBe(true);
    expect(records.filter((r) => r.causation !== null).length).toBeGreaterThan(3);
  });

  it("keeps a payload's escaped newlines and tabs inside its record", () => {
    const records = roundTrip(day, 100);
    const kill = records.find((r) => r.type === "kill-switch") as JournalRecord;
    expect(JSON.parse(kill.payload).reason).toBe("test \\ \t tab\nline");
  });

  it("refuses a batch whose first seq does not follow the last one", () => {
    const encoder = new BatchEncoder(10);
    for (const e of day.slice(0, 3)) encoder.add(e, canonicalJson(e));
    expect(() => decodeBatch(encoder.take(), GENESIS_HASH, 1)).toThrow("event seq 1 after 1");
  });

  it("refuses a batch hashed after another head than the worker's", () => {
    const encoder = new BatchEncoder(10, "f".repeat(64));
    for (const e of day.slice(0, 3)) encoder.add(e, canonicalJson(e));
    expect(encoder.lastHash).toMatch(/^[0-9a-f]{64}$/);
    expect(() => decodeBatch(encoder.take(), GENESIS_HASH, 0)).toThrow("not the head");
  });

  it("refuses more events than a batch holds", () => {
    const encoder = new BatchEncoder(2);
    encoder.add(day[0] as Event, "{}");
    encoder.add(day[1] as Event, "{}");
    expect(() => encoder.add(day[2] as Event, "{}")).toThrow(RangeError);
  });
});
