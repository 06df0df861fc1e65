/**
 * The FIX message store in the journal's SQLite file, written by a `ThreadedJournal` (its worker) and by a `Journal`
 * committing on this thread: the store contract against each, and what it is for: a read's store writes and its
 * events commit together (a commit the disk refused leaves neither in the file, its retry brings both), durable means
 * both are in the file, and the journal's reader and a plain SQLite store see the same rows after a reopen. The same
 * on a PostgreSQL journal: test/fix-journal-store-postgres.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { sampleDay } from "../../test/journal-fixtures.js";
import { Journal } from "../journal/journal.js";
import { SqliteJournalStore } from "../journal/sqlite-journal-store.js";
import { ThreadedJournal } from "../journal/threaded-journal.js";
import type { EngineEvent } from "../model/client-events.js";
import { durableWithItsEvent, SENT_RAW } from "./journal-message-store.contract.js";
import { JournalFixMessageStore } from "./journal-message-store.js";
import { createCompanion } from "./journal-message-store-companion.js";
import { fixMessageStoreContract } from "./message-store.contract.js";
import { SqliteFixMessageStore } from "./sqlite-message-store.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-fix-journal-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open: { closeSync(): void }[] = [];
afterEach(() => {
  for (const journal of open.splice(0)) journal.closeSync();
});

function journalAt(path: string, onError?: (error: Error) => void): ThreadedJournal {
  const journal = new ThreadedJournal(
    { kind: "sqlite", path, synchronous: "full" },
    { create: true, companion: JournalFixMessageStore.companion, ...(onError ? { onError } : {}) },
  );
  open.push(journal);
  return journal;
}

function inThreadJournalAt(path: string, onError?: (error: Error) => void): Journal {
  const store = SqliteJournalStore.open(path, { mode: "create" });
  const journal = Journal.openSync(store, { companion: createCompanion(), ...(onError ? { onError } : {}) });
  open.push(journal);
  return journal;
}

const durable = (store: JournalFixMessageStore) =>
  new Promise<Error | null>((resolve) => store.whenDurable((error) => resolve(error)));

/** What another process opening the file now would find: the journal's events and the FIX store's rows. */
function inFile(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const events = (db.prepare("SELECT count(*) AS n FROM journal").get() as { n: number }).n;
    const sessions = db.prepare("SELECT * FROM fix_session").all();
    const sent = db.prepare("SELECT msg_seq_num, upstream_seq FROM fix_sent_message").all();
    return { events, sessions, sent };
  } finally {
    db.close();
  }
}

describe.each([
  { kind: "on the journal's worker", at: journalAt },
  { kind: "committed on this thread", at: inThreadJournalAt },
])("JournalFixMessageStore, $kind", ({ at }) => {
  fixMessageStoreContract(() => new JournalFixMessageStore(at(join(dir, `contract-${n++}.db`))));

  it("commits a read's store writes with its events: a refused commit leaves neither, its retry both", async () => {
    const path = join(dir, `atomic-${n++}.db`);
    const errors: Error[] = [];
    const journal = at(path, (error) => errors.push(error));
    const store = new JournalFixMessageStore(journal);
    const [first, second] = sampleDay();
    // Another connection holds the write lock: the journal's commit of this read is refused (SQLITE_BUSY), retried.
    const blocker = new Database(path);
    blocker.exec("BEGIN IMMEDIATE");
    store.transaction(() => {
      journal.append(first as never);
      journal.append(second as never);
      store.setNextTargetMsgSeqNum("S", 2);
      store.recordSent("S", 1, "8=FIX.4.4\x01", 2);
    });
    expect(await durable(store)).toBeInstanceOf(Error);
    expect(errors[0]?.message).toMatch(/failed/);
    expect(inFile(path)).toEqual({ events: 0, sessions: [], sent: [] });
    blocker.exec("COMMIT");
    blocker.close();
    await journal.durable(2);
    expect(await durable(store)).toBeNull();
    expect(inFile(path)).toEqual({
      events: 2,
      sessions: [{ session_id: "S", next_sender: 2, next_target: 2 }],
      sent: [{ msg_seq_num: 1, upstream_seq: 2 }],
    });
  });
});

describe("JournalFixMessageStore", () => {
  it("committed on this thread: says durable once the turn's commit holds both; a read commits what waits first", async () => {
    const path = join(dir, "in-thread.db");
    const journal = inThreadJournalAt(path);
    const store = new JournalFixMessageStore(journal);
    const said: string[] = [];
    store.transaction(() => {
      journal.append(sampleDay()[0] as never);
      store.setNextTargetMsgSeqNum("S", 2);
      store.recordSent("S", 1, SENT_RAW, 1);
      store.whenDurable((error) => said.push(`inside ${error} with ${inFile(path).events} event`));
    });
    expect(said).toEqual([]);
    expect(inFile(path).events).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(said).toEqual(["inside null with 1 event"]);
    store.setNextSenderMsgSeqNum("S", 5);
    expect(inFile(path).sessions).toEqual([{ session_id: "S", next_sender: 2, next_target: 2 }]);
    expect(store.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 5, nextTargetMsgSeqNum: 2 });
    expect(inFile(path).sessions).toEqual([{ session_id: "S", next_sender: 5, next_target: 2 }]);
    expect(store.sentBetween("S", 1, 9)).toEqual([{ msgSeqNum: 1, raw: SENT_RAW }]);
    store.close();
  });

  it("says durable once the journal's commit holds both; a read waits behind the writes before it", async () => {
    const path = join(dir, "durable.db");
    await durableWithItsEvent(journalAt(path), sampleDay()[0] as EngineEvent, () => inFile(path).sessions);
    const plain = new SqliteFixMessageStore(path);
    expect(plain.seqNums("S")).toEqual({ nextSenderMsgSeqNum: 5, nextTargetMsgSeqNum: 2 });
    expect(plain.sentBetween("S", 1, 9)).toEqual([{ msgSeqNum: 1, raw: SENT_RAW }]);
    plain.close();
    const reopened = SqliteJournalStore.open(path, { mode: "open" });
    expect(reopened.headSync()?.seq).toBe(1);
    reopened.closeSync();
  });
});
