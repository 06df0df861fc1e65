/**
 * The journal's side of releasing done orders (engine/order-release.ts): the live service reads back here what the
 * engine no longer holds.
 * - `has(source, clOrdId)`: whether a source used a ClOrdID for an accepted order (the engine's duplicate check for
 *   released orders). A fixed-size Bloom filter of the ClOrdIDs of released orders (2^26 bits, 8 MiB, filled at open
 *   from the journal's client-id index and then by `remember`) answers "no" for a new id without I/O; a "maybe" is
 *   settled by one indexed query of the client-id index, so the answer is exact.
 * - `find(source, clOrdId)`: a released order as the engine last held it, folded from its own journal records (its
 *   acceptance and execution reports), with its trades: for HTTP and FIX status queries.
 * The records come from the journal (`ReleasedOrderRecords`, which a `JournalReader` is: the SQLite file, or
 * PostgreSQL through a worker thread); every record read is durable, as the engine releases only orders whose events
 * are.
 * Limits: a cancel or replace request id that was pending when its order filled has no client-id row naming the order,
 * so once the order is released, that id can be used again; past about 10 million released ids the filter answers
 * "maybe" more often (1% at 10 million) and intake pays a query for those.
 */
import { BloomFilter } from "../core/bloom-filter.js";
import type { ClientExecutionReport, OrderAccepted } from "../model/client-events.js";
import { ClientOrder } from "../model/client-order.js";

export interface ReleasedOrder {
  readonly order: ClientOrder;
  /** Its trade execution reports, in order. */
  readonly trades: readonly ClientExecutionReport[];
}

const FILTER_LOG2_BITS = 26;
const NO_METADATA: Readonly<Record<string, string>> = Object.freeze({});

/** What `ReleasedOrders` reads from the journal's store (synchronously: intake and status queries wait for it). */
export interface ReleasedOrderRecords {
  /** Calls `each` with the source and ClOrdID of every client id of an accepted order in the journal. */
  eachUsedId(each: (source: string, clOrdId: string) => void): void;
  /** Whether `source` used `clOrdId` for an accepted order. */
  isUsed(source: string, clOrdId: string): boolean;
  /**
   * The payloads (JSON) of the order-accepted and execution-report records of the order `source` knows by `clOrdId`
   * (any ClOrdID it has had), in seq order; empty when there is none.
   */
  recordsOf(source: string, clOrdId: string): string[];
}

export class ReleasedOrders {
  private readonly filter = new BloomFilter(FILTER_LOG2_BITS);
  /** Journal queries made by `has` (the filter's "maybe"s). */
  lookups = 0;

  /** Fills the filter with every client id of an accepted order in the journal. */
  constructor(private readonly records: ReleasedOrderRecords) {
    records.eachUsedId((source, clOrdId) => this.remember(source, clOrdId));
  }

  remember(source: string, clOrdId: string): void {
    this.filter.add(keyOf(source, clOrdId));
  }

  has(source: string, clOrdId: string): boolean {
    if (!this.filter.mightHold(keyOf(source, clOrdId))) return false;
    this.lookups++;
    return this.records.isUsed(source, clOrdId);
  }

  /** The order `source` knows by `clOrdId` (any ClOrdID it has had), from the journal; null when none. */
  find(source: string, clOrdId: string): ReleasedOrder | null {
    const events = this.records
      .recordsOf(source, clOrdId)
      .map((payload) => JSON.parse(payload) as OrderAccepted | ClientExecutionReport);
    const accepted = events[0];
    if (accepted?.type !== "order-accepted") return null;
    const order = ClientOrder.create(
      accepted.orderId,
      { ...accepted, tags: accepted.tags ?? {} },
      accepted.time,
      accepted.arrivalMid,
      NO_METADATA,
    );
    order.parentId = accepted.parentId;
    const trades: ClientExecutionReport[] = [];
    for (const event of events) {
      if (event.type !== "execution-report") continue;
      if (event.execType === "trade") {
        order.cumQty += event.lastQty;
        order.cumNotional += event.lastQty * event.lastPx;
        trades.push(event);
      } else if (event.execType === "replaced") {
        order.previousClOrdIds = [...(order.previousClOrdIds ?? []), order.clOrdId];
        order.clOrdId = event.clOrdId;
        order.orderQty = event.orderQty;
        order.limitPrice = event.price;
      } else if (event.execType === "canceled" || event.execType === "expired") order.done = event.execType;
      if (order.done === null && order.cumQty === order.orderQty) order.done = "filled";
    }
    return { order, trades };
  }
}

const keyOf = (source: string, clOrdId: string): string => `${source}\u0000${clOrdId}`;

/** The trade execution reports in the journal of the order `source` knows by `clOrdId` (any it has had), in order. */
export function journalTrades(
  records: Pick<ReleasedOrderRecords, "recordsOf">,
  source: string,
  clOrdId: string,
): ClientExecutionReport[] {
  const trades: ClientExecutionReport[] = [];
  for (const payload of records.recordsOf(source, clOrdId)) {
    const event = JSON.parse(payload) as OrderAccepted | ClientExecutionReport;
    if (event.type === "execution-report" && event.execType === "trade") trades.push(event);
  }
  return trades;
}
