/**
 * The FIX message store's side in the journal's worker thread (journal/journal-companion.ts; loaded by that worker
 * from this module's URL, `JournalFixMessageStore.companion`), on the journal's connection: for a SQLite journal a
 * `SqliteFixMessageStore`, whose group-commit writes (`applyWrites`) run inside the transaction of the journal batches
 * that carried them; for a PostgreSQL journal the tables' SQL (`PostgresFixTables`, the same as a PostgreSQL store of
 * its own) in the journal's schema, run in the transaction of the batches' COPY. Either answers the session's reads.
 * The connection is the journal's to configure, commit and close. A `Journal` committing on its own thread (SQLite)
 * takes one made by `createCompanion`.
 */
import { InvariantError } from "../core/errors.js";
import type { JournalCompanion } from "../journal/journal-companion.js";
import type { JournalStore } from "../journal/journal-store.js";
import { PostgresJournalStore } from "../journal/postgres-journal-store.js";
import { SqliteJournalStore } from "../journal/sqlite-journal-store.js";
import { readStore, type StoreRead, type StoreWrite } from "./message-store-write.js";
import { PostgresFixTables } from "./postgres-fix-tables.js";
import { SqliteFixMessageStore } from "./sqlite-message-store.js";

/** A companion of its own (one per journal: it holds that journal's connection). */
export function createCompanion(): JournalCompanion {
  let store: SqliteFixMessageStore | PostgresFixTables | null = null;
  const opened = (): SqliteFixMessageStore | PostgresFixTables => {
    if (store === null) throw new InvariantError("FIX store in the journal: used before the journal opened");
    return store;
  };
  return {
    open(journal: JournalStore): void {
      if (journal instanceof SqliteJournalStore) store = new SqliteFixMessageStore(journal.database);
      else if (journal instanceof PostgresJournalStore)
        store = new PostgresFixTables(journal.connection, journal.schema);
      else throw new InvariantError(`FIX store in the journal: no such journal store (${journal.kind})`);
    },
    write(writes: readonly unknown[]): void | Promise<void> {
      const to = opened();
      if (to instanceof PostgresFixTables) return to.apply(writes as readonly StoreWrite[]);
      to.applyWrites(writes as readonly StoreWrite[]);
    },
    read(request: unknown): unknown {
      const from = opened();
      return from instanceof PostgresFixTables
        ? from.read(request as StoreRead)
        : readStore(from, request as StoreRead);
    },
  };
}

/** The one a journal's worker thread loads (`ThreadedJournalOptions.companion` names this module). */
export const companion: JournalCompanion = createCompanion();
