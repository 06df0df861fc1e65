/**
 * An order's state as the kernel's state hash sees it (`Engine.stateHash`): its record (terms, ClOrdIDs, fills,
 * status, pending amendment, suspension) and, for a done order, a SHA-256 digest of that record with every ClOrdID
 * the order has had (its own, the ones before its replaces, the ones of cancel and replace requests against it).
 * A done order never changes again, so its digest is fixed once it is done: the state hash adds the digests of all
 * done orders (modulo 2^256, so the sum does not depend on the order of addition), whether the engine still holds the
 * order or has released it, and an engine that released an order hashes like one that did not.
 */
import { createHash } from "node:crypto";
import type { ClientOrder } from "../model/client-order.js";

const MOD = 1n << 256n;

export function orderStateRecord(o: ClientOrder): unknown[] {
  const tags = Object.keys(o.tags)
    .sort()
    .map((k) => [k, o.tags[k]]);
  return [
    o.orderId,
    o.clOrdId,
    o.previousClOrdIds,
    o.source,
    o.account,
    o.symbol,
    o.side,
    o.ordType,
    o.orderQty,
    o.limitPrice,
    o.urgency,
    o.strategy,
    o.startTime,
    o.endTime,
    o.maxParticipation,
    o.allowCross,
    tags,
    o.arrivalTime,
    o.arrivalMid,
    o.parentId,
    o.cumQty,
    o.cumNotional,
    o.done,
    o.pending,
    o.suspended,
    o.started,
    o.riskPrice,
  ];
}

/** Every ClOrdID the order's source has used for it, sorted, each once. */
export function orderClOrdIds(o: ClientOrder): string[] {
  const ids = new Set<string>([o.clOrdId]);
  for (const id of o.previousClOrdIds ?? []) ids.add(id);
  for (const id of o.requestClOrdIds ?? []) ids.add(id);
  return [...ids].sort();
}

/** The digest of a done order, as a number below 2^256. */
export function doneOrderDigest(o: ClientOrder): bigint {
  const hex = createHash("sha256")
    .update(JSON.stringify([orderStateRecord(o), orderClOrdIds(o)]))
    .digest("hex");
  return BigInt(`0x${hex}`);
}

/** a + b modulo 2^256. */
export function addDigests(a: bigint, b: bigint): bigint {
  return (a + b) % MOD;
}
