/**
 * A change to a `FixMessageStore` as data, for the stores whose writes are made on another thread (the PostgreSQL
 * store's connection, the threaded SQLite store's writer, the journal's worker): what the session's thread sends,
 * applied there (the PostgreSQL worker's `write`, `SqliteFixMessageStore.applyWrites`). `WritesAsData` is such a
 * store's side: each change becomes one `StoreWrite`. Reads cross the same way (`StoreRead`).
 */
import type { FixMessageStore, FixSeqNums, StoredMessage } from "./message-store.js";

export type StoreWrite =
  | {
      readonly op: "recordSent";
      readonly sessionId: string;
      readonly msgSeqNum: number;
      readonly raw: string;
      readonly upstreamSeq: number;
    }
  | { readonly op: "setNext"; readonly sessionId: string; readonly side: "sender" | "target"; readonly next: number }
  | { readonly op: "reset"; readonly sessionId: string }
  | { readonly op: "forgetSentAfter"; readonly upstreamSeq: number };

/** A read as data, answered on the thread that holds the store (behind every write before it). */
export type StoreRead =
  | { readonly kind: "seqNums"; readonly sessionId: string }
  | { readonly kind: "sentBetween"; readonly sessionId: string; readonly begin: number; readonly end: number };

/** Answers a `StoreRead` from `store`. */
export function readStore(store: FixMessageStore, read: StoreRead): FixSeqNums | StoredMessage[] {
  return read.kind === "seqNums"
    ? store.seqNums(read.sessionId)
    : store.sentBetween(read.sessionId, read.begin, read.end);
}

/** A store whose changes are `StoreWrite`s handed to `write`; the reads, transactions and durability are its own. */
export abstract class WritesAsData implements FixMessageStore {
  protected abstract write(w: StoreWrite): void;
  abstract seqNums(sessionId: string): FixSeqNums;
  abstract sentBetween(sessionId: string, begin: number, end: number): StoredMessage[];
  abstract transaction<T>(work: () => T): T;
  abstract whenDurable(done: (error: Error | null) => void): void;
  abstract close(): void;

  recordSent(sessionId: string, msgSeqNum: number, raw: string, upstreamSeq = 0): void {
    this.write({ op: "recordSent", sessionId, msgSeqNum, raw, upstreamSeq });
  }

  setNextSenderMsgSeqNum(sessionId: string, next: number): void {
    this.write({ op: "setNext", sessionId, side: "sender", next });
  }

  setNextTargetMsgSeqNum(sessionId: string, next: number): void {
    this.write({ op: "setNext", sessionId, side: "target", next });
  }

  reset(sessionId: string): void {
    this.write({ op: "reset", sessionId });
  }

  forgetSentAfter(upstreamSeq: number): void {
    this.write({ op: "forgetSentAfter", upstreamSeq });
  }
}
