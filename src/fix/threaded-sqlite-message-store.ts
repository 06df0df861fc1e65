/**
 * The durable `FixMessageStore` of a busy gateway: the SQLite file of `SqliteFixMessageStore` (same tables, WAL,
 * `synchronous=FULL` by default), written on a worker thread (sqlite-message-store-worker.ts) so that its commits
 * (an fsync each) no longer stop the session's thread, and several transactions share one commit (group commit).
 *
 * - Writes are synchronous calls that only record the write; a `transaction` sends its writes to the worker when it
 *   ends (one message), a write outside any is sent at once. `whenDurable` calls back once the worker has committed
 *   every write made so far: the session holds the bytes of each group until then (session.ts), so nothing leaves
 *   before it is stored, and the next expected MsgSeqNum of a read is durable before any answer to it leaves.
 * - Reads (`seqNums`, `sentBetween`: at start, after a failure, for a ResendRequest) wait for the worker
 *   (`Atomics.wait`) and see every write made before them: the worker commits what came before a read first.
 * - `close` commits what is pending and waits for it.
 *
 * Known limits: a `transaction` whose work throws drops its writes not yet sent, but not those sent before a read
 * inside it (no rollback across messages); a failed commit fails every unit it held (the session disconnects and
 * reads its numbers back); one process per file, as `SqliteFixMessageStore`.
 */
import { BlockingWorker, workerScript } from "../core/blocking-worker.js";
import { TributaryError } from "../core/errors.js";
import type { FixSeqNums, StoredMessage } from "./message-store.js";
import { type StoreWrite, WritesAsData } from "./message-store-write.js";
import type { SqliteFixMessageStoreOptions } from "./sqlite-message-store.js";
import type {
  SqliteStoreMessage,
  SqliteStoreReport,
  SqliteStoreWorkerSetup,
} from "./threaded-sqlite-message-store-protocol.js";

/** How long a read waits for the worker (behind a commit on a slow disk). */
const READ_WAIT_SECONDS = 30;

interface Waiter {
  readonly unit: number;
  readonly done: (error: Error | null) => void;
}

export class ThreadedSqliteFixMessageStore extends WritesAsData {
  private readonly worker: BlockingWorker<SqliteStoreMessage, SqliteStoreWorkerSetup>;
  private depth = 0;
  /** The unit being written (the open transaction's), the last one sent whole, the last one the worker reported. */
  private unit = 0;
  private sent = 0;
  private reported = 0;
  /** The open unit's writes not yet sent; whether its end must be sent even with none (part of it was sent before a
   * read, or a waiter counts on it). */
  private pending: StoreWrite[] = [];
  private mustEnd = false;
  private waiters: Waiter[] = [];
  private closed = false;

  constructor(
    readonly file: string,
    options: SqliteFixMessageStoreOptions = {},
  ) {
    super();
    this.worker = new BlockingWorker(
      workerScript(import.meta.url, "sqlite-message-store-worker.js", "fix"),
      { file, synchronous: options.synchronous ?? "FULL" },
      (message) => new TributaryError("fix-store-write", `${file}: ${message}`),
      {
        waitSeconds: READ_WAIT_SECONDS,
        onReport: (report) => this.committed(report as SqliteStoreReport),
        onError: (error) => this.committed({ kind: "failed", unit: this.unit, message: error.message }),
      },
    );
    try {
      this.call({ kind: "open" });
    } catch (error) {
      this.worker.terminate();
      throw new TributaryError("fix-store-open", `${file}: cannot open the FIX message store`, {
        cause: new Error((error as Error).message),
      });
    }
  }

  seqNums(sessionId: string): FixSeqNums {
    this.sendPending(false);
    return this.call({ kind: "seqNums", sessionId }) as FixSeqNums;
  }

  sentBetween(sessionId: string, begin: number, end: number): StoredMessage[] {
    this.sendPending(false);
    return this.call({ kind: "sentBetween", sessionId, begin, end }) as StoredMessage[];
  }

  transaction<T>(work: () => T): T {
    if (this.depth === 0) this.unit++;
    this.depth++;
    try {
      const result = work();
      if (this.depth === 1) this.sendPending(true);
      return result;
    } catch (error) {
      if (this.depth === 1) {
        this.pending = [];
        if (this.mustEnd) this.sendPending(true);
      }
      throw error;
    } finally {
      this.depth--;
    }
  }

  whenDurable(done: (error: Error | null) => void): void {
    if (this.depth > 0) this.mustEnd = true; // the open unit's end must be sent, even with no write
    const unit = this.depth > 0 ? this.unit : this.sent;
    if (unit <= this.reported) done(null);
    else this.waiters.push({ unit, done });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.call({ kind: "close" });
    } finally {
      this.worker.terminate();
    }
    this.committed({ kind: "durable", unit: this.sent });
  }

  protected write(w: StoreWrite): void {
    if (this.depth > 0) {
      this.pending.push(w);
      return;
    }
    this.unit++;
    this.pending.push(w);
    this.sendPending(true);
  }

  /** Sends the open unit's writes (all of them with `end`); without `end`, only inside a transaction (before a read). */
  private sendPending(end: boolean): void {
    if (!end && (this.depth === 0 || this.pending.length === 0)) return;
    if (end && this.pending.length === 0 && !this.mustEnd) return;
    const writes = this.pending;
    this.pending = [];
    this.mustEnd = !end;
    this.worker.post({ kind: "writes", unit: this.unit, writes, end });
    if (end) this.sent = this.unit;
  }

  private committed(report: SqliteStoreReport): void {
    if (report.unit <= this.reported) return;
    this.reported = report.unit;
    const error =
      report.kind === "failed"
        ? new TributaryError("fix-store-write", `${this.file}: writing the FIX message store failed: ${report.message}`)
        : null;
    let n = 0;
    while (n < this.waiters.length && (this.waiters[n] as Waiter).unit <= report.unit) n++;
    const done = this.waiters.slice(0, n);
    this.waiters = this.waiters.slice(n);
    for (const w of done) w.done(error);
  }

  /** Sends one request behind the writes before it, and waits (blocking this thread) for its answer. */
  private call(request: SqliteStoreMessage): unknown {
    if (this.closed && request.kind !== "close") {
      throw new TributaryError("fix-store-write", `${this.file}: the FIX message store is closed`);
    }
    return this.worker.call(request);
  }
}
