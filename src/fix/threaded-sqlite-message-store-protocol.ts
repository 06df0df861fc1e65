/**
 * What `ThreadedSqliteFixMessageStore` and its writer thread (sqlite-message-store-worker.ts) exchange. Writes come in
 * units (one `transaction` of the session's thread, or one write outside any): a unit's writes may come in several
 * messages (a read inside a transaction sends the writes before it, so the read sees them), the last one marked `end`.
 * Reads are answered on the `replies` port while the session's thread waits on `shared`; commits are reported on the
 * worker's own port (`durable` through a unit, or `failed` through a unit).
 */
import type { MessagePort } from "node:worker_threads";
import type { StoreWrite } from "./message-store-write.js";

export interface SqliteStoreWorkerSetup {
  readonly file: string;
  readonly synchronous: "FULL" | "NORMAL";
  readonly replies: MessagePort;
  /** One Int32: 0 while a read runs, 1 once its answer is on `replies`. */
  readonly shared: SharedArrayBuffer;
}

export type SqliteStoreMessage =
  | { readonly kind: "writes"; readonly unit: number; readonly writes: readonly StoreWrite[]; readonly end: boolean }
  | { readonly kind: "open" | "close" }
  | { readonly kind: "seqNums"; readonly sessionId: string }
  | { readonly kind: "sentBetween"; readonly sessionId: string; readonly begin: number; readonly end: number };

/** A commit, told on the worker's port: every unit up to `unit` is durable (or, `failed`, was not written). */
export type SqliteStoreReport =
  | { readonly kind: "durable"; readonly unit: number }
  | { readonly kind: "failed"; readonly unit: number; readonly message: string };

export type SqliteStoreReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };
