/**
 * Verification of a stored journal: reads every record in seq order and checks the hash chain (prev_hash is the
 * previous record's hash, GENESIS_HASH for seq 1; hash = SHA-256(prev_hash + "\n" + payload)), that seqs run gapless
 * from 1 (none below it), that the payload's seq, time and type match the columns, and that the other columns (source, parent, order, child,
 * causation) are what the payload derives. Finally it compares the index tables' row counts with what the records
 * derive. It names the first bad seq and why.
 * Limits: a truncation of the newest records leaves a valid shorter chain; keep the head hash (printed by verify)
 * elsewhere to detect it. Index rows are checked by count, not one by one.
 */
import { CausationTracker, correlationOf } from "./correlation.js";
import { chainHash, GENESIS_HASH, type StoredRecord } from "./journal-record.js";
import type { JournalStore } from "./journal-store.js";

export type VerifyResult =
  | { readonly ok: true; readonly records: number; readonly headHash: string }
  | { readonly ok: false; readonly records: number; readonly badSeq: number | null; readonly reason: string };

const CHUNK = 20_000;

export async function verifyJournal(store: JournalStore): Promise<VerifyResult> {
  // Records numbered below 1 are outside the chain but still answer queries by order, parent or child: forged.
  const below = await store.readRange(Number.MIN_SAFE_INTEGER, 0);
  if (below.length > 0)
    return { ok: false, records: 0, badSeq: (below[0] as StoredRecord).seq, reason: "a record numbered below 1" };
  const head = await store.head();
  if (head === null) return { ok: true, records: 0, headHash: GENESIS_HASH };
  const causation = new CausationTracker();
  let prev = GENESIS_HASH;
  let expected = 1;
  let orders = 0;
  let parents = 0;
  let clientIds = 0;
  const fail = (badSeq: number | null, reason: string): VerifyResult => ({
    ok: false,
    records: expected - 1,
    badSeq,
    reason,
  });
  for (let from = 1; from <= head.seq; from += CHUNK) {
    const records = await store.readRange(from, Math.min(head.seq, from + CHUNK - 1));
    for (const r of records) {
      if (r.seq !== expected) return fail(expected, `seq ${expected} is missing (next record is seq ${r.seq})`);
      const problem = checkRecord(r, prev, causation);
      if (problem !== null) return fail(r.seq, problem.reason);
      orders += counts.orders;
      parents += counts.parents;
      clientIds += counts.clientIds;
      prev = r.hash;
      expected++;
    }
  }
  if (expected - 1 !== head.seq) return fail(expected, `seq ${expected} is missing`);
  const stored = await store.indexCounts();
  if (stored.orders !== orders)
    return fail(null, `order index has ${stored.orders} rows, the records derive ${orders}`);
  if (stored.parents !== parents)
    return fail(null, `parent index has ${stored.parents} rows, the records derive ${parents}`);
  if (stored.clientIds !== clientIds)
    return fail(null, `client-id index has ${stored.clientIds} rows, the records derive ${clientIds}`);
  return { ok: true, records: head.seq, headHash: prev };
}

/** Index rows the last checked record derives (set by checkRecord; saves an allocation per record). */
const counts = { orders: 0, parents: 0, clientIds: 0 };

function checkRecord(r: StoredRecord, prev: string, causation: CausationTracker): { reason: string } | null {
  if (r.prevHash !== prev) return { reason: "prev_hash is not the previous record's hash" };
  if (chainHash(r.prevHash, r.payload) !== r.hash) return { reason: "hash does not match the payload" };
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(r.payload) as Record<string, unknown>;
  } catch {
    return { reason: "payload is not JSON" };
  }
  if (event.seq !== r.seq || Math.floor(event.time as number) !== r.time || event.type !== r.type)
    return { reason: "seq, time or type column differs from the payload" };
  const c = correlationOf(event);
  if (c.source !== r.source) return { reason: "source column differs from the payload" };
  if ((c.parentIds[0] ?? null) !== r.parentId) return { reason: "parent_id column differs from the payload" };
  if ((c.orderIds[0] ?? null) !== r.orderId) return { reason: "order_id column differs from the payload" };
  if (c.childId !== r.childId) return { reason: "child_id column differs from the payload" };
  if (causation.next(event, r.seq) !== r.causation) return { reason: "causation column differs from the payload" };
  counts.orders = Math.max(0, c.orderIds.length - 1);
  counts.parents = Math.max(0, c.parentIds.length - 1);
  counts.clientIds = c.clientRefs.length;
  return null;
}
