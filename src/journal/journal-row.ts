/**
 * A journal record as both stores keep it: one row of the `journal` table (snake_case columns), the column lists
 * their queries select, and the mapping to a `StoredRecord`. The SQL dialects differ; the row does not.
 */
import type { JournalRecord, StoredRecord } from "./journal-record.js";

export interface JournalRow {
  seq: number;
  time: number;
  type: string;
  source: string | null;
  parent_id: number | null;
  order_id: number | null;
  child_id: string | null;
  causation: number | null;
  payload: string;
  prev_hash: string;
  hash: string;
}

/** The row's columns, qualified by the journal table's alias `j`. */
export const COLUMNS =
  "j.seq, j.time, j.type, j.source, j.parent_id, j.order_id, j.child_id, j.causation, j.payload, j.prev_hash, j.hash";
/** The same columns unqualified, in insert order. */
export const RECORD_COLUMNS =
  "seq, time, type, source, parent_id, order_id, child_id, causation, payload, prev_hash, hash";

/** A record's column values in `RECORD_COLUMNS` order (for parameterised inserts). */
export function recordValues(r: JournalRecord): unknown[] {
  return [
    r.seq,
    r.time,
    r.type,
    r.source,
    r.parentId,
    r.orderId,
    r.childId,
    r.causation,
    r.payload,
    r.prevHash,
    r.hash,
  ];
}

export function toStored(r: JournalRow): StoredRecord {
  return {
    seq: r.seq,
    time: r.time,
    type: r.type,
    source: r.source,
    parentId: r.parent_id,
    orderId: r.order_id,
    childId: r.child_id,
    causation: r.causation,
    payload: r.payload,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
