/** What `PostgresFixMessageStore` and its worker thread exchange: the setup, one request at a time, its answer. */
import type { MessagePort } from "node:worker_threads";
import type { StoreWrite } from "./message-store-write.js";

export interface StoreWorkerSetup {
  readonly url: string;
  readonly schema: string;
  readonly port: MessagePort;
  /** One Int32: 0 while a request runs, 1 once its answer is on the port. */
  readonly shared: SharedArrayBuffer;
}

export type StoreRequest =
  | { readonly op: "open" | "rollback" | "close" }
  /** Runs the writes in the open transaction (one is begun if none is); commits it with `commit`. */
  | { readonly op: "apply"; readonly writes: readonly StoreWrite[]; readonly commit: boolean }
  | { readonly op: "seqNums"; readonly sessionId: string }
  | { readonly op: "sentBetween"; readonly sessionId: string; readonly begin: number; readonly end: number };

export type StoreReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };
