/**
 * The FIX message store's side in the journal's worker thread (journal/journal-companion.ts; loaded by that worker
 * from this module's URL, `JournalFixMessageStore.companion`): a `SqliteFixMessageStore` on the journal's connection,
 * whose group-commit writes (`applyWrites`) run inside the transaction of the journal batches that carried them, and
 * which answers the session's reads. The connection is the journal's to configure and close.
 */
import type Database from "better-sqlite3";
import { InvariantError } from "../core/errors.js";
import type { JournalCompanion } from "../journal/journal-companion.js";
import { readStore, type StoreRead, type StoreWrite } from "./message-store-write.js";
import { SqliteFixMessageStore } from "./sqlite-message-store.js";

let store: SqliteFixMessageStore | null = null;

function opened(): SqliteFixMessageStore {
  if (store === null) throw new InvariantError("FIX store in the journal: used before the journal opened");
  return store;
}

export const companion: JournalCompanion = {
  open(db: Database.Database): void {
    store = new SqliteFixMessageStore(db);
  },
  write(writes: readonly unknown[]): void {
    opened().applyWrites(writes as readonly StoreWrite[]);
  },
  read(request: unknown): unknown {
    return readStore(opened(), request as StoreRead);
  },
};
