/**
 * The records behind released orders (released-orders.ts) from a SQLite journal file: its own read-only connection
 * (WAL: the writer is not blocked), the client-id index and the journal's order index.
 */
import Database from "better-sqlite3";
import type { ReleasedOrderRecords } from "./released-orders.js";

export class SqliteReleasedOrderRecords implements ReleasedOrderRecords {
  private readonly db: Database.Database;
  private readonly usedId: Database.Statement;
  private readonly orderOf: Database.Statement;
  private readonly recordsOfOrder: Database.Statement;

  /** Opens the journal file (it must exist). */
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
    this.recordsOfOrder = this.db
      .prepare(
        "SELECT payload FROM journal WHERE order_id = ? AND type IN ('order-accepted', 'execution-report') ORDER BY seq",
      )
      .pluck();
  }

  eachUsedId(each: (source: string, clOrdId: string) => void): void {
    const all = this.db
      .prepare("SELECT source, cl_ord_id AS clOrdId FROM journal_client_id WHERE order_id IS NOT NULL")
      .iterate() as IterableIterator<{ source: string; clOrdId: string }>;
    for (const row of all) each(row.source, row.clOrdId);
  }

  isUsed(source: string, clOrdId: string): boolean {
    return this.usedId.get(clOrdId, source) !== undefined;
  }

  recordsOf(source: string, clOrdId: string): string[] {
    const orderId = this.orderOf.get(clOrdId, source) as number | undefined;
    return orderId === undefined ? [] : (this.recordsOfOrder.all(orderId) as string[]);
  }

  close(): void {
    this.db.close();
  }
}
