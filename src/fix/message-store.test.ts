/** The store contract against the memory and SQLite stores; the SQLite store survives a reopen (a restart). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { fixMessageStoreContract } from "./message-store.contract.js";
import { MemoryFixMessageStore } from "./message-store.js";
import { SqliteFixMessageStore } from "./sqlite-message-store.js";

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
});
