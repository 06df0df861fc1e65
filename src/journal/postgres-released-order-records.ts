/**
 * The records behind released orders (released-orders.ts) from a PostgreSQL journal (`journal.pg`): the same queries
 * as the SQLite reader, on a connection of its own owned by a worker thread (postgres-released-order-records-worker.ts)
 * that this thread waits on (`BlockingWorker`): the engine's duplicate check asks only on the Bloom filter's rare
 * "maybe", and status queries only for released orders, so the round trip is paid seldom.
 */
import { BlockingWorker, workerScript } from "../core/blocking-worker.js";
import { TributaryError } from "../core/errors.js";
import { redactUrl } from "./postgres-journal-store.js";
import type { ReleasedOrderRecords } from "./released-orders.js";

export interface ReleasedRecordsSetup {
  readonly url: string;
  readonly schema: string;
}

export type ReleasedRecordsRequest =
  | { readonly op: "open" | "usedIds" | "close" }
  | { readonly op: "isUsed" | "recordsOf"; readonly source: string; readonly clOrdId: string };

export class PostgresReleasedOrderRecords implements ReleasedOrderRecords {
  private readonly worker: BlockingWorker<ReleasedRecordsRequest, ReleasedRecordsSetup>;
  private closed = false;

  /** Connects to the journal's database; its schema must hold a journal. */
  constructor(url: string, schema = "public") {
    const location = `${redactUrl(url)} (schema ${schema})`;
    this.worker = new BlockingWorker(
      workerScript(import.meta.url, "postgres-released-order-records-worker.js", "journal"),
      { url, schema },
      (message) => new TributaryError("released-orders", `${location}: released orders: ${message}`),
    );
    try {
      this.worker.call({ op: "open" });
    } catch (error) {
      this.worker.terminate();
      throw error;
    }
  }

  eachUsedId(each: (source: string, clOrdId: string) => void): void {
    const pairs = this.worker.call({ op: "usedIds" }) as string[];
    for (let i = 0; i < pairs.length; i += 2) each(pairs[i] as string, pairs[i + 1] as string);
  }

  isUsed(source: string, clOrdId: string): boolean {
    return this.worker.call({ op: "isUsed", source, clOrdId }) as boolean;
  }

  recordsOf(source: string, clOrdId: string): string[] {
    return this.worker.call({ op: "recordsOf", source, clOrdId }) as string[];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.worker.call({ op: "close" });
    } finally {
      this.worker.terminate();
    }
  }
}
