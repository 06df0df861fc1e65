/**
 * The store contract against the memory and SQLite stores (on this thread and on a writer thread); the SQLite stores
 * survive a reopen (a restart); the threaded one says durable only after its writer's commit, in order.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { fixMessageStoreContract } from "./message-store.contract.js";
import { MemoryFixMessageStore } from "./message-store.js";
import type { StoreWrite } from "./message-store-write.js";
import { SqliteFixMessageStore } from "./sqlite-message-store.js";
import { ThreadedSqliteFixMessageStore } from "./threaded-sqlite-message-store.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-fix-store-"));
let n = 0;

describe("MemoryFixMessageStore", () => fixMessageStoreContract(() => new MemoryFixMessageStore()));
describe("SqliteFixMessageStore", () => {
  fixMessageStoreContract(() => new SqliteFixMessageStore(join(dir, `contract-${n++}.sqlite`)));

  it("keeps sequence numbers and sent messages across a reopen, in WAL mode with synchronous=FULL", () => {
    const file = join(dir, "restart.sqlite");
    const a = new SqliteFixMessageStore(file);
    a.recordSent("FIX.4.4:ISLD->TW44", 1, "8=FIX.4.4\x01");
    a.setNextTargetMsgSeqNum("FIX.4.4:ISLD->TW44", 9);
    a.close();
    const b = new SqliteFixMessageStore(file);
    expect(b.seqNums("FIX.4.4:ISLD->TW44")).toEqual({ nextSenderMsgSeqNum: 2, nextTargetMsgSeqNum: 9 });
    expect(b.sentBetween("FIX.4.4:ISLD->TW44", 1, 1)).toEqual([{ msgSeqNum: 1, raw: "8=FIX.4.4\x01" }]);
    b.close();
    const raw = new Database(file);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
  });

  it("names the file when it cannot be opened", () => {
    expect(() => new SqliteFixMessageStore(join(dir, "no", "such", "dir", "x.sqlite"))).toThrow(/x\.sqlite/);
  });

  it("applies a group commit's writes as the same writes one by one would (numbers once per session, at the end)", () => {
    const writes: StoreWrite[] = [
      { op: "setNext", sessionId: "S", side: "target", next: 2 },
      { op: "recordSent", sessionId: "S", msgSeqNum: 1, raw: "a", upstreamSeq: 3 },
      { op: "setNext", sessionId: "T", side: "sender", next: 5 },
      { op: "recordSent", sessionId: "S", msgSeqNum: 2, raw: "b", upstreamSeq: 0 },
      { op: "setNext", sessionId: "S", side: "target", next: 3 },
      { op: "reset", sessionId: "T" },
      { op: "recordSent", sessionId: "T", msgSeqNum: 1, raw: "c", upstreamSeq: 4 },
      { op: "forgetSentAfter", upstreamSeq: 3 },
      { op: "setNext", sessionId: "S", side: "sender", next: 9 },
    ];
    const grouped = new SqliteFixMessageStore(join(dir, "grouped.sqlite"));
    grouped.applyWrites(writes);
    const reference = new MemoryFixMessageStore();
    for (const w of writes) {
      if (w.op === "recordSent") reference.recordSent(w.sessionId, w.msgSeqNum, w.raw, w.upstreamSeq);
      else if (w.op === "setNext" && w.side === "sender") reference.setNextSenderMsgSeqNum(w.sessionId, w.next);
      else if (w.op === "setNext") reference.setNextTargetMsgSeqNum(w.sessionId, w.next);
      else if (w.op === "reset") reference.reset(w.sessionId);
      else reference.forgetSentAfter(w.upstreamSeq);
    }
    for (const id of ["S", "T"]) {
      expect(grouped.seqNums(id)).toEqual(reference.seqNums(id));
      expect(grouped.sentBetween(id, 1, 10)).toEqual(reference.sentBetween(id, 1, 10));
    }
    expect(grouped.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 9, nextTargetMsgSeqNum: 3 });
    grouped.close();
  });
});

describe("ThreadedSqliteFixMessageStore", () => {
  fixMessageStoreContract(() => new ThreadedSqliteFixMessageStore(join(dir, `threaded-contract-${n++}.sqlite`)));

  it("says durable after the writer's commit, in the order asked, and the writes survive a reopen", async () => {
    const file = join(dir, "threaded-restart.sqlite");
    const a = new ThreadedSqliteFixMessageStore(file);
    const said: string[] = [];
    a.transaction(() => {
      a.recordSent("S", 1, "one\x01");
      a.setNextTargetMsgSeqNum("S", 4);
    });
    a.whenDurable((error) => said.push(`first ${error}`));
    a.recordSent("S", 2, "two\x01");
    a.whenDurable((error) => said.push(`second ${error}`));
    expect(said).toEqual([]);
    await new Promise<void>((resolve) => a.whenDurable(() => resolve()));
    expect(said).toEqual(["first null", "second null"]);
    const once: string[] = [];
    a.whenDurable(() => once.push("nothing pending"));
    expect(once).toEqual(["nothing pending"]);
    a.close();
    const b = new SqliteFixMessageStore(file);
    expect(b.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 3, nextTargetMsgSeqNum: 4 });
    expect(b.sentBetween("S", 1, 2)).toEqual([
      { msgSeqNum: 1, raw: "one\x01" },
      { msgSeqNum: 2, raw: "two\x01" },
    ]);
    b.close();
  });

  it("a read inside a transaction sees the writes before it, and the transaction's end is still awaited", async () => {
    const store = new ThreadedSqliteFixMessageStore(join(dir, "threaded-read.sqlite"));
    const said: string[] = [];
    store.transaction(() => {
      store.recordSent("S", 1, "a");
      expect(store.sentBetween("S", 1, 1)).toEqual([{ msgSeqNum: 1, raw: "a" }]);
      store.setNextTargetMsgSeqNum("S", 2);
      store.whenDurable(() => said.push("inside"));
    });
    await new Promise<void>((resolve) => store.whenDurable(() => resolve()));
    expect(said).toEqual(["inside"]);
    expect(store.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 2, nextTargetMsgSeqNum: 2 });
    store.close();
  });

  it("names the file when it cannot be opened", () => {
    expect(() => new ThreadedSqliteFixMessageStore(join(dir, "no", "such", "dir", "y.sqlite"))).toThrow(/y\.sqlite/);
  });
});
