/**
 * The audit queries: the complete life of a client order, or of a parent, from the index tables.
 *
 * An order's life: every event naming its client id (accept, reject, cancel reject, replace) or its engine order id
 * (its execution reports, every allocation that gave it lots), plus, for each allocation, the parent fill it shared
 * (the allocation's causation) and the child order's events behind that fill (placement, acknowledgement, cancel,
 * fills), plus its parent's creation. `shareOf` gives its lots of an allocation. A parent's life: every event that
 * names the parent (its changes, fills, allocations, children, crosses, the orders it holds).
 * Limits: lookups cost one indexed query per step (client ids, orders, causes, children, parent); a child order
 * that never filled for the order is not part of its life (it is part of its parent's).
 */
import type { StoredRecord } from "./journal-record.js";
import type { JournalStore } from "./journal-store.js";

export interface OrderLife {
  readonly clOrdId: string;
  /** The engine order ids the client id maps to (empty for an order that was rejected at intake). */
  readonly orderIds: readonly number[];
  readonly parentIds: readonly number[];
  /** In seq order, each once. */
  readonly records: readonly StoredRecord[];
}

/** The life of the order(s) a client id names, or null when the journal has never heard of it. */
export async function orderLife(
  store: JournalStore,
  clOrdId: string,
  source: string | null,
): Promise<OrderLife | null> {
  const refs = await store.findClientIds(clOrdId, source);
  if (refs.length === 0) return null;
  const orderIds = [...new Set(refs.flatMap((r) => (r.orderId === null ? [] : [r.orderId])))];
  const bySeq = new Map<number, StoredRecord>();
  const add = (records: readonly StoredRecord[]): void => {
    for (const r of records) bySeq.set(r.seq, r);
  };
  add(await store.readBySeqs(refs.map((r) => r.seq)));
  add(await store.readByOrderIds(orderIds));
  const causes: number[] = [];
  const parentIds = new Set<number>();
  for (const r of bySeq.values()) {
    if (r.type === "fill-allocated" && r.causation !== null) causes.push(r.causation);
    if (r.parentId !== null && r.type !== "fill-allocated") parentIds.add(r.parentId);
  }
  const fills = await store.readBySeqs(causes);
  add(fills);
  const children = [...new Set(fills.flatMap((f) => (f.childId === null ? [] : [f.childId])))];
  add(await store.readByChildIds(children));
  for (const parentId of parentIds) {
    // A parent's first event is its creation.
    add((await store.readByParent(parentId, 1)).filter((r) => r.type === "parent-created"));
  }
  const records = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return { clOrdId, orderIds, parentIds: [...parentIds], records };
}

/** Every event naming the parent, in seq order; empty when unknown. */
export async function parentLife(store: JournalStore, parentId: number): Promise<readonly StoredRecord[]> {
  return store.readByParent(parentId);
}

/** The lots an allocation record gave the given orders; null when the record is not an allocation. */
export function shareOf(record: StoredRecord, orderIds: readonly number[]): { qty: number; of: number } | null {
  if (record.type !== "fill-allocated") return null;
  const event = JSON.parse(record.payload) as { qty?: number; allocations?: { orderId: number; qty: number }[] };
  let qty = 0;
  for (const a of event.allocations ?? []) if (orderIds.includes(a.orderId)) qty += a.qty;
  return { qty, of: event.qty ?? 0 };
}
