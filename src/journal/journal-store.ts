/**
 * The `JournalStore` port: where journal records live. Two implementations, one contract suite
 * (test/journal-store.contract.ts): `SqliteJournalStore` (one file, WAL) and `PostgresJournalStore`.
 * Invariants every store keeps: records are appended in seq order, gapless from 1, and never updated or deleted
 * (triggers refuse it); a batch is appended atomically (all or none); reads return records in seq order.
 * Index tables (order, parent, client id; the child id column) make the audit queries lookups, not scans.
 */
import type { JournalRecord, StoredRecord } from "./journal-record.js";

export interface JournalHead {
  readonly seq: number;
  readonly hash: string;
}

/** A row of the client-id index: an event naming `clOrdId` (for `source`), and the engine order id when known. */
export interface ClientIdRow {
  readonly clOrdId: string;
  readonly source: string;
  readonly seq: number;
  readonly orderId: number | null;
}

export interface IndexCounts {
  readonly orders: number;
  readonly parents: number;
  readonly clientIds: number;
}

export interface JournalStore {
  readonly kind: "sqlite" | "postgres";
  /** The file, or the URL without its password, for messages. */
  readonly location: string;
  /** Appends a batch in one transaction. The first record's seq must follow the head. */
  append(batch: readonly JournalRecord[]): Promise<void>;
  /** The last record's seq and hash; null when empty. */
  head(): Promise<JournalHead | null>;
  /** Records with fromSeq <= seq <= toSeq, in seq order. */
  readRange(fromSeq: number, toSeq: number): Promise<StoredRecord[]>;
  /** The payloads (the events' JSON) of the records fromSeq..toSeq, in seq order: all a replay reads. */
  readPayloads(fromSeq: number, toSeq: number): Promise<string[]>;
  findClientIds(clOrdId: string, source: string | null): Promise<ClientIdRow[]>;
  readByOrderIds(orderIds: readonly number[]): Promise<StoredRecord[]>;
  /** Every record naming the parent, in seq order; only the first `limit` when given. */
  readByParent(parentId: number, limit?: number): Promise<StoredRecord[]>;
  readByChildIds(childIds: readonly string[]): Promise<StoredRecord[]>;
  readBySeqs(seqs: readonly number[]): Promise<StoredRecord[]>;
  /** Row counts of the index tables (verification compares them with what the records derive). */
  indexCounts(): Promise<IndexCounts>;
  close(): Promise<void>;
}

/** A store that can also append synchronously (SQLite): the journal then commits without leaving the thread. */
export interface SyncJournalStore extends JournalStore {
  /**
   * Appends a batch in one transaction; `alongside` runs inside that transaction, after the records, and its writes
   * (a `JournalCompanion`'s) commit or roll back with them.
   */
  appendSync(batch: readonly JournalRecord[], alongside?: () => void): void;
  headSync(): JournalHead | null;
  closeSync(): void;
}

export function isSyncStore(store: JournalStore): store is SyncJournalStore {
  return typeof (store as Partial<SyncJournalStore>).appendSync === "function";
}
