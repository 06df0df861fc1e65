/**
 * A change to a `FixMessageStore` as data, for the stores whose writes are made on another thread (the PostgreSQL
 * store's connection, the threaded SQLite store's writer): what the session's thread sends, and how it is applied to
 * a store that writes synchronously.
 */
import type { FixMessageStore } from "./message-store.js";

export type StoreWrite =
  | { readonly op: "recordSent"; readonly sessionId: string; readonly msgSeqNum: number; readonly raw: string }
  | { readonly op: "setNext"; readonly sessionId: string; readonly side: "sender" | "target"; readonly next: number }
  | { readonly op: "reset"; readonly sessionId: string };

export function applyWrite(store: FixMessageStore, w: StoreWrite): void {
  switch (w.op) {
    case "recordSent":
      store.recordSent(w.sessionId, w.msgSeqNum, w.raw);
      return;
    case "setNext":
      if (w.side === "sender") store.setNextSenderMsgSeqNum(w.sessionId, w.next);
      else store.setNextTargetMsgSeqNum(w.sessionId, w.next);
      return;
    case "reset":
      store.reset(w.sessionId);
      return;
  }
}
