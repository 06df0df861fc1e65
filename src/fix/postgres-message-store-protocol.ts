/** What `PostgresFixMessageStore` and its worker thread exchange: the setup and the requests (one at a time). */
export interface StoreWorkerSetup {
  readonly url: string;
  readonly schema: string;
}

/** A change to the store. */
export type StoreWrite =
  | { readonly op: "recordSent"; readonly sessionId: string; readonly msgSeqNum: number; readonly raw: string }
  | { readonly op: "setNext"; readonly sessionId: string; readonly side: "sender" | "target"; readonly next: number }
  | { readonly op: "reset"; readonly sessionId: string };

export type StoreRequest =
  | { readonly op: "open" | "rollback" | "close" }
  /** Runs the writes in the open transaction (one is begun if none is); commits it with `commit`. */
  | { readonly op: "apply"; readonly writes: readonly StoreWrite[]; readonly commit: boolean }
  | { readonly op: "seqNums"; readonly sessionId: string }
  | { readonly op: "sentBetween"; readonly sessionId: string; readonly begin: number; readonly end: number };
