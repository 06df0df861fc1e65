/** What `PostgresFixMessageStore` and its worker thread exchange: the setup and the requests (one at a time). */
import type { StoreRead, StoreWrite } from "./message-store-write.js";

export interface StoreWorkerSetup {
  readonly url: string;
  readonly schema: string;
}

export type StoreRequest =
  | { readonly op: "open" | "rollback" | "close" }
  /** Runs the writes in the open transaction (one is begun if none is); commits it with `commit`. */
  | { readonly op: "apply"; readonly writes: readonly StoreWrite[]; readonly commit: boolean }
  | { readonly op: "read"; readonly request: StoreRead };
