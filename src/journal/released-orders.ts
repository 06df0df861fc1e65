/**
 * The journal's side of releasing done orders (engine/order-release.ts): the live service reads back here what the
 * engine no longer holds.
 * - `has(source, clOrdId)`: whether a source used a ClOrdID for an accepted order (the engine's duplicate check for
 *   released orders). A fixed-size Bloom filter of the ClOrdIDs of released orders (2^26 bits, 8 MiB, filled at open
 *   from the journal's client-id index and then by `remember`) answers "no" for a new id without I/O; a "maybe" is
 *   settled by one indexed query of the client-id index, so the answer is exact.
 * - `find(source, clOrdId)`: a released order as the engine last held it, folded from its own journal records (its
 *   acceptance and execution reports), with its trades: for HTTP and FIX status queries.
 * Reads go through their own read-only connection to the journal file (WAL: the writer is not blocked); every record
 * read is durable, as the engine releases only orders whose events are.
 * Limits: a cancel or replace request id that was pending when its order filled has no client-id row naming the order,
 * so once the order is released, that id can be used again; past about 10 million released ids the filter answers
 * "maybe" more often (1% at 10 million) and intake pays a query for those.
 */
import Database from "better-sqlite3";
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

export class JournalReleasedOrders {
  private readonly db: Database.Database;
  private readonly filter = new BloomFilter(FILTER_LOG2_BITS);
  private readonly usedId: Database.Statement;
  private readonly orderOf: Database.Statement;
  private readonly recordsOf: Database.Statement;
  /** Journal queries made by `has` (the filter's "maybe"s). */
  lookups = 0;

  /** Opens the journal file (it must exist) and fills the filter with every client id of an accepted order in it. */
  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.usedId = this.db.prepare(
      "SELECT 1 FROM journal_client_id WHERE cl_ord_id = ? AND source = ? AND order_id IS NOT NULL LIMIT 1",
    );
    this.orderOf = this.db
      .prepare(
        "SELECT order_id FROM journal_client_id WHERE cl_ord_id = ? AND source = ? AND order_id IS NOT NULL LIMIT 1",
      )
      .pluck();
    this.recordsOf = this.db
      .prepare(
        "SELECT payload FROM journal WHERE order_id = ? AND type IN ('order-accepted', 'execution-report') ORDER BY seq",
      )
      .pluck();
    const all = this.db
      .prepare("SELECT source, cl_ord_id AS clOrdId FROM journal_client_id WHERE order_id IS NOT NULL")
      .iterate() as IterableIterator<{ source: string; clOrdId: string }>;
    for (const row of all) this.remember(row.source, row.clOrdId);
  }

  remember(source: string, clOrdId: string): void {
    this.filter.add(keyOf(source, clOrdId));
  }

  has(source: string, clOrdId: string): boolean {
    if (!this.filter.mightHold(keyOf(source, clOrdId))) return false;
    this.lookups++;
    return this.usedId.get(clOrdId, source) !== undefined;
  }

  /** The order `source` knows by `clOrdId` (any ClOrdID it has had), from the journal; null when none. */
  find(source: string, clOrdId: string): ReleasedOrder | null {
    const orderId = this.orderOf.get(clOrdId, source) as number | undefined;
    if (orderId === undefined) return null;
    const events = (this.recordsOf.all(orderId) as string[]).map(
      (payload) => JSON.parse(payload) as OrderAccepted | ClientExecutionReport,
    );
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

  close(): void {
    this.db.close();
  }
}

const keyOf = (source: string, clOrdId: string): string => `${source}\u0000${clOrdId}`;
