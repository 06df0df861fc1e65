/**
 * The journal read synchronously by the live service's thread, beside the journal's writer: what released orders need
 * (`ReleasedOrderRecords`) and a range of records (the FIX reports a crash kept from the sessions, after a resume).
 * Two implementations: `SqliteJournalReader` (a read-only connection to the file) and `PostgresJournalReader` (a
 * connection on a worker thread the caller waits on). Every record read is committed.
 */
import type { ReleasedOrderRecords } from "./released-orders.js";

/** A record as the readers give it: enough to pick and decode events. */
export interface ReadRecord {
  readonly type: string;
  readonly source: string | null;
  readonly payload: string;
}

export interface JournalReader extends ReleasedOrderRecords {
  /** The records with fromSeq <= seq <= toSeq, in seq order. */
  readRange(fromSeq: number, toSeq: number): ReadRecord[];
  close(): void;
}
