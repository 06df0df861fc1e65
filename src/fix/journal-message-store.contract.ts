/**
 * What the FIX store in the journal promises whatever the journal's kind (SQLite: journal-message-store.test.ts;
 * PostgreSQL: test/fix-journal-store-postgres.test.ts): durable once the journal's commit holds both a read's store
 * writes and its event, and a write made after that waits behind it.
 */
import { expect } from "vitest";
import type { ThreadedJournal } from "../journal/threaded-journal.js";
import type { EngineEvent } from "../model/client-events.js";
import { JournalFixMessageStore } from "./journal-message-store.js";

/** The message stored as sent (a byte above 0x7f: stored as bytes, read back the same). */
export const SENT_RAW = "one\x01\xe9";

/**
 * Stores a read's numbers and answer with `event`, then a write of its own; checks both are said durable only once
 * committed, and that `committedSessions` (another connection's view) then finds them. Closes the store and journal.
 */
export async function durableWithItsEvent(
  journal: ThreadedJournal,
  event: EngineEvent,
  committedSessions: () => unknown,
): Promise<void> {
  const store = new JournalFixMessageStore(journal);
  const said: string[] = [];
  store.transaction(() => {
    journal.append(event);
    store.setNextTargetMsgSeqNum("S", 2);
    store.recordSent("S", 1, SENT_RAW, 1);
    expect(store.sentBetween("S", 1, 1)).toEqual([{ msgSeqNum: 1, raw: SENT_RAW }]);
    store.whenDurable((error) => said.push(`inside ${error}`));
  });
  store.setNextSenderMsgSeqNum("S", 5); // a write with no event: a batch of its own
  store.whenDurable((error) => said.push(`after ${error}`));
  expect(said).toEqual([]);
  expect(await new Promise<Error | null>((resolve) => store.whenDurable(resolve))).toBeNull();
  expect(said).toEqual(["inside null", "after null"]);
  expect(journal.durableSeq).toBe(1);
  expect(await committedSessions()).toEqual([{ session_id: "S", next_sender: 5, next_target: 2 }]);
  store.close();
  journal.closeSync();
}
