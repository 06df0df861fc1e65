/**
 * The `FixMessageStore` contract, run against every implementation (memory, SQLite; PostgreSQL in
 * test/fix-message-store-postgres.test.ts): sequence numbers start at 1, recordSent stores and advances the sender
 * number together, sentBetween returns the range in order, reset clears one session only, the writes of one
 * transaction apply in the order made.
 */
import { expect, it } from "vitest";
import type { FixMessageStore } from "./message-store.js";

export function fixMessageStoreContract(make: () => FixMessageStore): void {
  it("starts a new session at 1 and 1", () => {
    const store = make();
    expect(store.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 1, nextTargetMsgSeqNum: 1 });
    store.close();
  });

  it("records sent messages with the next sender number, and sets both numbers", () => {
    const store = make();
    store.recordSent("S", 1, "a\x01");
    store.setNextSenderMsgSeqNum("S", 3);
    store.recordSent("S", 3, "c\xff\x01");
    store.setNextTargetMsgSeqNum("S", 7);
    expect(store.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 4, nextTargetMsgSeqNum: 7 });
    expect(store.sentBetween("S", 1, 10)).toEqual([
      { msgSeqNum: 1, raw: "a\x01" },
      { msgSeqNum: 3, raw: "c\xff\x01" },
    ]);
    expect(store.sentBetween("S", 2, 2)).toEqual([]);
    store.close();
  });

  it("resets one session and leaves the others", () => {
    const store = make();
    store.recordSent("S", 1, "a");
    store.recordSent("T", 1, "b");
    store.setNextTargetMsgSeqNum("T", 5);
    store.reset("S");
    expect(store.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 1, nextTargetMsgSeqNum: 1 });
    expect(store.sentBetween("S", 1, 10)).toEqual([]);
    expect(store.seqNums("T")).toEqual({ nextSenderMsgSeqNum: 2, nextTargetMsgSeqNum: 5 });
    expect(store.sentBetween("T", 1, 10)).toHaveLength(1);
    store.close();
  });

  it("applies one transaction's writes in order, a reset and a forget among them", () => {
    const store = make();
    store.transaction(() => {
      store.recordSent("S", 1, "a", 5);
      store.recordSent("T", 1, "t", 6);
      store.setNextTargetMsgSeqNum("S", 9);
      store.reset("S");
      store.recordSent("S", 1, "b", 7);
      store.recordSent("S", 2, "c", 8);
      store.recordSent("S", 2, "d", 8); // the same MsgSeqNum again: the last one stays
      store.setNextTargetMsgSeqNum("S", 3);
      store.forgetSentAfter(7);
    });
    expect(store.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 3, nextTargetMsgSeqNum: 3 });
    expect(store.sentBetween("S", 1, 10)).toEqual([{ msgSeqNum: 1, raw: "b" }]);
    expect(store.seqNums("T")).toEqual({ nextSenderMsgSeqNum: 2, nextTargetMsgSeqNum: 1 });
    expect(store.sentBetween("T", 1, 10)).toEqual([{ msgSeqNum: 1, raw: "t" }]);
    store.close();
  });

  it("forgets the messages reporting upstream records beyond a seq, in every session, and keeps the numbers", () => {
    const store = make();
    store.recordSent("S", 1, "a", 10);
    store.recordSent("S", 2, "b");
    store.recordSent("S", 3, "c", 12);
    store.recordSent("T", 1, "d", 11);
    store.recordSent("T", 2, "e", 13);
    store.forgetSentAfter(11);
    expect(store.sentBetween("S", 1, 10).map((m) => m.raw)).toEqual(["a", "b"]);
    expect(store.sentBetween("T", 1, 10).map((m) => m.raw)).toEqual(["d"]);
    expect(store.seqNums("S").nextSenderMsgSeqNum).toBe(4);
    expect(store.seqNums("T").nextSenderMsgSeqNum).toBe(3);
    store.close();
  });
}
