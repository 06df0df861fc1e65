/**
 * The journal read synchronously (journal-reader.ts) from PostgreSQL (`journal.pg`): the same queries as the SQLite
 * reader, on a connection of its own owned by a worker thread (postgres-journal-reader-worker.ts) that this thread
 * waits on (`BlockingWorker`). The round trip is paid seldom: the engine's duplicate check asks only on the Bloom
 * filter's rare "maybe", status queries only for released orders, and a resume reads a short tail once.
 */
import { BlockingWorker, workerScript } from "../core/blocking-worker.js";
import { TributaryError } from "../core/errors.js";
import type { JournalReader, ReadRecord } from "./journal-reader.js";
import { redactUrl } from "./postgres-journal-store.js";

export interface JournalReaderSetup {
  readonly url: string;
  readonly schema: string;
}

export type JournalReaderRequest =
  | { readonly op: "open" | "usedIds" | "close" }
  | { readonly op: "isUsed" | "recordsOf"; readonly source: string; readonly clOrdId: string }
  | { readonly op: "readRange"; readonly fromSeq: number; readonly toSeq: number };

export class PostgresJournalReader implements JournalReader {
  private readonly worker: BlockingWorker<JournalReaderRequest, JournalReaderSetup>;
  private closed = false;

  /** Connects to the journal's database; its schema must hold a journal. */
  constructor(url: string, schema = "public") {
    const location = `${redactUrl(url)} (schema ${schema})`;
    this.worker = new BlockingWorker(
      workerScript(import.meta.url, "postgres-journal-reader-worker.js", "journal"),
      { url, schema },
      (message) => new TributaryError("journal-read", `${location}: reading the journal: ${message}`),
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

  readRange(fromSeq: number, toSeq: number): ReadRecord[] {
    return this.worker.call({ op: "readRange", fromSeq, toSeq }) as ReadRecord[];
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
