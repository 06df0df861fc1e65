/**
 * A store kept in the journal's own database (a SQLite file or a PostgreSQL schema) whose writes commit in the
 * journal's transactions: the FIX message store (fix/journal-message-store.ts), so the next expected MsgSeqNum of a
 * read, the reports it sent and the events they report are one commit, never one without the other.
 * `ThreadedJournal` carries the companion's writes with its batches, in order with the events (`carry`), and its
 * worker applies them inside the same transaction, after the batch's records (SQLite: `SyncJournalStore.appendSync`'s
 * `alongside`, synchronously; PostgreSQL: `PostgresJournalStore.appendCopyRows`'s, on its connection before its
 * COMMIT); reads (`ThreadedJournal.read`) are answered by the worker behind every write before them.
 *
 * The worker thread loads the companion from a module (`ThreadedJournalOptions.companion`, its URL) exporting
 * `companion`, so the journal imports nothing of its companions (they sit above it). Writes and reads cross threads as
 * structured-cloned data.
 *
 * Known limits: a companion's write that throws (or rejects) fails the journal's commit with it: the batch is kept and
 * retried as any failed write, so a companion must not refuse what it was given (the FIX store's writes are upserts,
 * updates and deletes).
 */
import type { JournalStore } from "./journal-store.js";

export interface JournalCompanion {
  /** The journal's store, once opened (again after a failed write reopened it): the companion uses its connection. */
  open(store: JournalStore): void;
  /**
   * Applies writes carried with a group of batches, inside that group's transaction: before returning on a SQLite
   * journal (whose transaction is synchronous), by the promise it returns on a PostgreSQL one.
   */
  write(writes: readonly unknown[]): void | Promise<void>;
  /** Answers a read, or gives a promise of the answer; every write carried before it is committed. */
  read(request: unknown): unknown;
}
