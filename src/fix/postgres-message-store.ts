/**
 * A durable `FixMessageStore` in PostgreSQL (issue #9: the session layer's state in the journal's store): the same two
 * tables as `SqliteFixMessageStore` (`fix_session`, `fix_sent_message`), in a schema of their own choosing (the
 * journal's, typically). The store's contract is synchronous (a session writes before its bytes leave), so a worker
 * thread owns the connection (postgres-message-store-worker.ts) and each call waits for its answer with
 * `Atomics.wait`, then takes it with `receiveMessageOnPort`: durable (committed) when the call returns.
 * `transaction` is one PostgreSQL transaction (calls nest; the outermost commits): its writes are kept here and sent
 * with the commit, one round trip for the lot (a read inside it sends those before it first, so it reads them).
 * Limits: every call outside a transaction, and every commit, is a round trip to the server on the caller's thread, so
 * a busy gateway does better with SQLite (BENCHMARKS.md §6); stored messages are not pruned except by `reset`.
 */
import { BlockingWorker, workerScript } from "../core/blocking-worker.js";
import { TributaryError } from "../core/errors.js";
import { redactUrl } from "../journal/postgres-journal-store.js";
import type { FixSeqNums, StoredMessage } from "./message-store.js";
import { type StoreRead, type StoreWrite, WritesAsData } from "./message-store-write.js";
import type { StoreRequest, StoreWorkerSetup } from "./postgres-message-store-protocol.js";

export class PostgresFixMessageStore extends WritesAsData {
  /** The URL without its password, and the schema, for messages. */
  readonly location: string;
  private readonly worker: BlockingWorker<StoreRequest, StoreWorkerSetup>;
  private depth = 0;
  /** The open transaction's writes not yet sent; whether some were (its PostgreSQL transaction is then open). */
  private pending: StoreWrite[] = [];
  private sent = false;
  private closed = false;

  constructor(url: string, schema = "public") {
    super();
    this.location = `${redactUrl(url)} (schema ${schema})`;
    const script = workerScript(import.meta.url, "postgres-message-store-worker.js", "fix");
    this.worker = new BlockingWorker(
      script,
      { url, schema },
      (message) => new TributaryError("fix-store-write", `${this.location}: ${message}`),
    );
    try {
      this.call({ op: "open" });
    } catch (error) {
      this.worker.terminate();
      throw new TributaryError(
        "fix-store-open",
        `${this.location}: cannot open the FIX message store: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  seqNums(sessionId: string): FixSeqNums {
    return this.read({ kind: "seqNums", sessionId }) as FixSeqNums;
  }

  sentBetween(sessionId: string, begin: number, end: number): StoredMessage[] {
    return this.read({ kind: "sentBetween", sessionId, begin, end }) as StoredMessage[];
  }

  /** Inside a transaction, after its writes so far. */
  private read(request: StoreRead): unknown {
    this.sendPending();
    return this.call({ op: "read", request });
  }

  transaction<T>(work: () => T): T {
    this.depth++;
    let result: T;
    try {
      result = work();
    } catch (error) {
      this.depth--;
      if (this.depth === 0) {
        this.pending = [];
        if (this.sent) this.call({ op: "rollback" });
        this.sent = false;
      }
      throw error;
    }
    this.depth--;
    if (this.depth === 0 && (this.pending.length > 0 || this.sent)) {
      const writes = this.pending;
      this.pending = [];
      this.sent = false;
      this.call({ op: "apply", writes, commit: true });
    }
    return result;
  }

  /** Outside a transaction, committed now; inside one, with its commit. */
  protected write(w: StoreWrite): void {
    if (this.depth === 0) this.call({ op: "apply", writes: [w], commit: true });
    else this.pending.push(w);
  }

  /** Before a read inside a transaction: its writes so far, into the (then open) PostgreSQL transaction. */
  private sendPending(): void {
    if (this.pending.length === 0) return;
    const writes = this.pending;
    this.pending = [];
    this.sent = true;
    this.call({ op: "apply", writes, commit: false });
  }

  /** Durable when a call returns. */
  whenDurable(done: (error: Error | null) => void): void {
    done(null);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.call({ op: "close" });
    } finally {
      this.worker.terminate();
    }
  }

  private call(request: StoreRequest): unknown {
    return this.worker.call(request);
  }
}
