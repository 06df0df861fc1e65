/**
 * A store kept in the journal's own SQLite database whose writes commit in the journal's transactions: the FIX message
 * store (fix/journal-message-store.ts), so the next expected MsgSeqNum of a read, the reports it sent and the events
 * they report are one commit (one fsync), never one without the other. `ThreadedJournal` carries the companion's
 * writes with its batches, in order with the events (`carry`), and its worker applies them inside the same
 * transaction (`SyncJournalStore.appendSync`'s `alongside`); reads (`ThreadedJournal.read`) are answered by the worker
 * behind every write before them.
 *
 * The worker thread loads the companion from a module (`ThreadedJournalOptions.companion`, its URL) exporting
 * `companion`, so the journal imports nothing of its companions (they sit above it). Writes and reads cross threads as
 * structured-cloned data.
 *
 * Known limits: SQLite journals only (a PostgreSQL journal's worker writes by COPY on its connection: not wired). A
 * companion's write that throws fails the journal's commit with it: the batch is kept and retried as any failed write,
 * so a companion must not refuse what it was given (the FIX store's writes are upserts and updates).
 */
import type Database from "better-sqlite3";

export interface JournalCompanion {
  /** The journal's connection, once opened (again after a failed write reopened it). */
  open(db: Database.Database): void;
  /** Applies writes carried with a group of batches, inside that group's transaction. */
  write(writes: readonly unknown[]): void;
  /** Answers a read; every write carried before it is committed. */
  read(request: unknown): unknown;
}
