/**
 * The journal read synchronously (journal-reader.ts) from a SQLite file: its own read-only connection (WAL: the
 * writer is not blocked), through the client-id and order indexes.
 */
import Database from "better-sqlite3";
import type { JournalReader, ReadRecord } from "./journal-reader.js";

export class SqliteJournalReader implements JournalReader {
  private readonly db: Database.Database;
  private readonly usedId: Database.Statement;
  private readonly orderOf: Database.Statement;
  private readonly recordsOfOrder: Database.Statement;
  private readonly range: Database.Statement;

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
    this.range = this.db.prepare("SELECT type, source, payload FROM journal WHERE seq BETWEEN ? AND ? ORDER BY seq");
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

  readRange(fromSeq: number, toSeq: number): ReadRecord[] {
    return this.range.all(fromSeq, toSeq) as ReadRecord[];
  }

  close(): void {
    this.db.close();
  }
}
