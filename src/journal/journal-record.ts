/**
 * One journal record: an engine event as it is stored, append-only, in seq order.
 *
 * - `seq`: the kernel's sequence number, gapless from 1; `time`: the clock in whole µs since the epoch, UTC (virtual in
 *   a simulation, the wall clock live; floored: a clock that yields a fraction keeps it in the payload only);
 *   `type`: the event type; `source`: the order source the event names, or null.
 * - Correlation (correlation.ts): the parent(s), client order ids and client ids, child order the event concerns;
 *   `parentId` / `orderId` / `childId` columns hold the first parent, the first order and the child; side tables the
 *   further parents and orders (`moreParentIds`, `moreOrderIds`) and the client ids.
 * - `causation`: the seq of the event that caused this one, when the content says it; else null.
 * - `payload`: the event as canonical JSON (canonical-json.ts); it holds every field, including seq, time and type.
 * - `prevHash`, `hash`: the hash chain. hash = hex(SHA-256(prevHash + "\n" + payload)), UTF-8; the first record's
 *   prevHash is GENESIS_HASH (64 zeros). Since the payload carries seq, time and type, and the other columns are
 *   re-derived from it on verification, changing any byte of any record breaks the chain from that record on.
 * Limits: hashes are hex text (64 chars), not raw bytes, so both stores and CSV exports carry them the same way.
 */
import { hash as oneShotHash } from "node:crypto";
import { type ClientRef, correlationOf } from "./correlation.js";

const NONE: readonly number[] = [];

export const GENESIS_HASH = "0".repeat(64);

/** A record as read back from a store. */
export interface StoredRecord {
  readonly seq: number;
  readonly time: number;
  readonly type: string;
  readonly source: string | null;
  readonly parentId: number | null;
  readonly orderId: number | null;
  readonly childId: string | null;
  readonly causation: number | null;
  readonly payload: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** A record as appended: the stored columns plus the side-table rows. */
export interface JournalRecord extends StoredRecord {
  /** Parents after the first (`parentId`). */
  readonly moreParentIds: readonly number[];
  /** Orders after the first (`orderId`). */
  readonly moreOrderIds: readonly number[];
  readonly clientRefs: readonly ClientRef[];
}

export function chainHash(prevHash: string, payload: string): string {
  return oneShotHash("sha256", `${prevHash}\n${payload}`, "hex");
}

/** Builds the record of an event whose canonical JSON is `payload`, chained after `prevHash`. */
export function makeRecord(
  event: Readonly<Record<string, unknown>>,
  payload: string,
  causation: number | null,
  prevHash: string,
): JournalRecord {
  const c = correlationOf(event);
  return {
    seq: event.seq as number,
    time: Math.floor(event.time as number),
    type: event.type as string,
    source: c.source,
    parentId: c.parentIds[0] ?? null,
    orderId: c.orderIds[0] ?? null,
    childId: c.childId,
    causation,
    payload,
    prevHash,
    hash: chainHash(prevHash, payload),
    moreParentIds: c.parentIds.length > 1 ? c.parentIds.slice(1) : NONE,
    moreOrderIds: c.orderIds.length > 1 ? c.orderIds.slice(1) : NONE,
    clientRefs: c.clientRefs,
  };
}
