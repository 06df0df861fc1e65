/**
 * What `ThreadedSqliteFixMessageStore` and its writer thread (sqlite-message-store-worker.ts) exchange. Writes come in
 * units (one `transaction` of the session's thread, or one write outside any): a unit's writes may come in several
 * messages (a read inside a transaction sends the writes before it, so the read sees them), the last one marked `end`.
 * Writes are posted, reads are calls the session's thread waits for (`BlockingWorker`); commits are reported
 * (`durable` through a unit, or `failed` through a unit).
 */
import type { StoreRead, StoreWrite } from "./message-store-write.js";

export interface SqliteStoreWorkerSetup {
  readonly file: string;
  readonly synchronous: "FULL" | "NORMAL";
}

export type SqliteStoreMessage =
  | { readonly kind: "writes"; readonly unit: number; readonly writes: readonly StoreWrite[]; readonly end: boolean }
  | { readonly kind: "open" | "close" }
  | StoreRead;

/** A commit, reported: every unit up to `unit` is durable (or, `failed`, was not written). */
export type SqliteStoreReport =
  | { readonly kind: "durable"; readonly unit: number }
  | { readonly kind: "failed"; readonly unit: number; readonly message: string };
