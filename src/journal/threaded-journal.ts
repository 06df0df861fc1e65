/**
 * A journal whose store (a SQLite file or a PostgreSQL schema: journal-target.ts) is written on a worker thread
 * (journal-worker.ts), so the kernel thread pays only for the canonical JSON of each event and its correlation and
 * causation (read off the event object it holds; encoded into flat arrays, threaded-journal-protocol.ts), while the
 * worker chains the hashes and writes. Same records, byte for byte, as `Journal` on the same store.
 *
 * - Opening waits (synchronously, a few ms) for the worker to open the store (or create it, with `create`) and report
 *   its head; the chain continues from there. A missing file, a wrong URL or an unreachable server is the store's own
 *   `JournalOpenError` (one line, the URL without its password), thrown here.
 * - Batches of `batchSize` payloads are posted to the worker; a partial batch goes when the thread is idle and no
 *   batch is waiting for its commit, else as soon as that commit is reported: the events of every event-loop turn
 *   meanwhile go together, in one transaction (a SQLite worker writes each posted batch in its own transaction and
 *   fsync, so posting every turn's events gave one commit per turn: under HTTP load, hundreds of small commits a second
 *   and the kernel blocked on back-pressure).
 * - Back-pressure: at most `maxInFlight` batches may wait for the worker; beyond that `append` blocks on
 *   `Atomics.wait` until one commits (the kernel waits for its journal rather than buffering without bound).
 * - `durable(seq)` resolves once the batch holding seq is committed; `onDurable` hears every commit (told by messages
 *   from the worker, so only when the thread is not blocked). `closeSync()` waits synchronously for the last commit.
 * - A failed write keeps its batch: the worker retries it (reopening the store) with back-off; meanwhile the pending
 *   `durable` promises are rejected with a `TributaryError` "journal-write-failed" and `onError` is told. At close the
 *   worker tries once more; what it then cannot write, or a batch that does not follow the head (a bug), stops the
 *   journal and surfaces at the next `append`, `closeSync` or `durable`.
 * - With a `companion` (journal-companion.ts; a SQLite or PostgreSQL journal): `carry` adds the companion's writes to
 *   the batch being built, after the events appended so far, and the worker applies them in the transaction of that
 *   batch's records; `afterCommit` calls back once everything appended and carried so far is committed; `read` asks
 *   the worker, behind every batch before it, and waits (`Atomics.wait`) for the answer.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { type BlockingReply, workerScript } from "../core/blocking-worker.js";
import { InvariantError, TributaryError } from "../core/errors.js";
import type { EngineEvent } from "../model/client-events.js";
import { canonicalJson } from "./canonical-json.js";
import { DurableWaiters } from "./durable-waiters.js";
import type { EventSource } from "./journal.js";
import { type JournalOpenCode, JournalOpenError } from "./journal-errors.js";
import { type JournalTarget, targetLocation } from "./journal-target.js";
import {
  BatchEncoder,
  type BatchMessage,
  readHeadSeq,
  readText,
  SHARED_BYTES,
  SLOT,
  type WorkerReport,
  type WorkerSetup,
} from "./threaded-journal-protocol.js";

export interface ThreadedJournalOptions {
  readonly batchSize?: number;
  readonly maxInFlight?: number;
  /**
   * Where the hash chain is computed: "worker" (default: the kernel thread pays only for JSON and correlation) or
   * "kernel" (the worker only writes: faster end to end when the kernel thread has time to spare, as when the
   * journal is all it does).
   */
  readonly hashing?: "worker" | "kernel";
  /** Told of every failed write (the worker retries by itself). */
  readonly onError?: (error: TributaryError) => void;
  /** Make the file or schema when absent (default: it must be a journal already). */
  readonly create?: boolean;
  /** The URL of the module of a `JournalCompanion` whose writes commit with the events. */
  readonly companion?: string;
}

/** How long opening waits for the worker to open its store (a PostgreSQL connection gives up after 5 s). */
const OPEN_WAIT_SECONDS = 30;
/** How long a companion's read waits for the worker (behind a commit on a slow disk or a busy server). */
const READ_WAIT_SECONDS = 30;

interface CommitWaiter {
  readonly batch: number;
  readonly done: (error: Error | null) => void;
}

export class ThreadedJournal {
  /** The file, or the URL without its password and the schema, for messages. */
  readonly location: string;
  private readonly worker: Worker;
  private readonly shared = new SharedArrayBuffer(SHARED_BYTES);
  private readonly slots = new Int32Array(this.shared, 0, SLOT.count);
  private readonly encoder: BatchEncoder;
  private posted = 0;
  private lastSeq: number;
  private committed: number;
  private flushHandle: NodeJS.Immediate | null = null;
  /** A partial batch waits for the commit in flight (posted when the worker reports it). */
  private postOnCommit = false;
  private detach: (() => void) | null = null;
  private closed = false;
  private finalHash: string | null = null;
  private readonly waiters = new DurableWaiters();
  private readonly durableListeners: ((seq: number) => void)[] = [];
  /** The companion's writes for the batch being built; batches committed; who waits for which batch. */
  private carried: unknown[] = [];
  private batchesCommitted = 0;
  private commitWaiters: CommitWaiter[] = [];
  private readonly replies: MessagePort | null = null;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  /** Events appended since opening. */
  appended = 0;

  constructor(
    readonly target: JournalTarget,
    private readonly options: ThreadedJournalOptions = {},
  ) {
    this.location = targetLocation(target);
    this.batchSize = options.batchSize ?? 8_192;
    this.maxInFlight = options.maxInFlight ?? 16;
    let companion: WorkerSetup["companion"] = null;
    if (options.companion !== undefined) {
      const { port1, port2 } = new MessageChannel();
      this.replies = port1;
      companion = { module: options.companion, replies: port2 };
    }
    const setup: WorkerSetup = { target, create: options.create ?? false, shared: this.shared, companion };
    this.worker = new Worker(workerScript(import.meta.url, "journal-worker.js", "journal"), {
      workerData: setup,
      ...(companion === null ? {} : { transferList: [companion.replies] }),
    });
    this.worker.on("message", (m: WorkerReport) => {
      if (m.kind === "durable") {
        this.done(m.seq);
        this.batchesDone(m.batches, null);
        if (this.postOnCommit && !this.closed) {
          this.postOnCommit = false;
          this.post();
        }
      } else this.failed(m.message);
    });
    this.worker.on("error", () => {
      Atomics.store(this.slots, SLOT.error, 1);
    });
    for (let waited = 0; Atomics.load(this.slots, SLOT.ready) === 0; waited++) {
      if (waited >= OPEN_WAIT_SECONDS) {
        void this.worker.terminate();
        throw new TributaryError("journal-open-failed", `journal: ${this.location}: its writer did not start`);
      }
      Atomics.wait(this.slots, SLOT.ready, 0, 1_000);
    }
    if (Atomics.load(this.slots, SLOT.error) !== 0) {
      void this.worker.terminate();
      // The store's own message names it (the file, or the URL without its password), and a `JournalOpenError` (a
      // missing file, a wrong URL, an unreachable server: the user's to fix) stays one.
      const message = readText(this.shared, SLOT.errorText);
      const code = readText(this.shared, SLOT.errorCode);
      if (code !== "") throw new JournalOpenError(code as JournalOpenCode, message);
      throw new TributaryError("journal-open-failed", `journal: ${message}`);
    }
    this.lastSeq = readHeadSeq(this.shared);
    this.committed = this.lastSeq;
    this.encoder = new BatchEncoder(
      this.batchSize,
      options.hashing === "kernel" ? readText(this.shared, SLOT.headText) : null,
    );
  }

  /** Journals every event of `source` from now on; returns a function that stops. */
  attach(source: EventSource): () => void {
    if (this.detach !== null) throw new InvariantError("journal already attached to an engine");
    const off = source.on((event) => this.append(event));
    this.detach = () => {
      off();
      this.detach = null;
    };
    return this.detach;
  }

  append(event: EngineEvent | Readonly<Record<string, unknown>>): void {
    if (this.closed) throw new InvariantError("journal closed");
    const seq = (event as { seq: number }).seq;
    if (seq !== this.lastSeq + 1) throw new InvariantError(`journal: event seq ${seq} after ${this.lastSeq}`);
    this.lastSeq = seq;
    this.appended++;
    this.encoder.add(event as Readonly<Record<string, unknown>>, canonicalJson(event));
    if (this.encoder.length >= this.batchSize) this.post();
    else if (this.flushHandle === null) this.flushHandle = setImmediate(this.idlePost);
  }

  /** Adds a companion's writes to the batch being built, after the events appended so far. */
  carry(writes: readonly unknown[]): void {
    if (this.closed) throw new InvariantError("journal closed");
    for (const w of writes) this.carried.push(w);
    if (this.flushHandle === null) this.flushHandle = setImmediate(this.idlePost);
  }

  /** Calls `done` once everything appended and carried so far is committed (`null`), or with why it was not. */
  afterCommit(done: (error: Error | null) => void): void {
    const open = this.encoder.length > 0 || this.carried.length > 0;
    const batch = open ? this.posted + 1 : this.posted;
    if (batch <= this.batchesCommitted) done(null);
    else this.commitWaiters.push({ batch, done });
  }

  /** A companion's read, answered by the worker behind everything appended and carried before it. */
  read(request: unknown): unknown {
    if (this.replies === null) throw new InvariantError("journal: no companion to read from");
    if (this.closed) throw new InvariantError("journal closed");
    this.post();
    Atomics.store(this.slots, SLOT.answered, 0);
    this.worker.postMessage({ kind: "read", request } satisfies BatchMessage);
    for (let waited = 0; Atomics.load(this.slots, SLOT.answered) === 0; waited++) {
      this.check();
      if (waited >= READ_WAIT_SECONDS) throw this.writeFailed(`no answer to a read within ${READ_WAIT_SECONDS} s`);
      Atomics.wait(this.slots, SLOT.answered, 0, 1_000);
    }
    const reply = receiveMessageOnPort(this.replies)?.message as BlockingReply | undefined;
    if (reply === undefined) throw this.writeFailed("no answer to a read on its port");
    if (!reply.ok) throw this.writeFailed(reply.message);
    return reply.value;
  }

  get headSeq(): number {
    return this.lastSeq;
  }

  /** The last record's hash: known once closed. */
  get headHash(): string {
    if (this.finalHash === null) throw new InvariantError("the head hash is known once the journal is closed");
    return this.finalHash;
  }

  get durableSeq(): number {
    return this.committed;
  }

  /** Resolves once `seq` is committed. */
  durable(seq: number): Promise<void> {
    if (seq <= this.committed) return Promise.resolve();
    if (Atomics.load(this.slots, SLOT.error) !== 0) return Promise.reject(this.stoppedError());
    return this.waiters.wait(seq);
  }

  onDurable(listener: (seq: number) => void): void {
    this.durableListeners.push(listener);
  }

  /** Stops listening, commits everything, waits for the worker and ends it. */
  closeSync(): void {
    if (this.closed) return;
    this.detach?.();
    if (this.flushHandle !== null) clearImmediate(this.flushHandle);
    this.flushHandle = null;
    this.post();
    this.closed = true;
    this.worker.postMessage({ kind: "close" } satisfies BatchMessage);
    // A worker that stopped still answers "close"; one that died cannot, so after an error the wait is bounded.
    for (let waited = 0; Atomics.load(this.slots, SLOT.closed) === 0; waited++) {
      if (Atomics.load(this.slots, SLOT.error) !== 0 && waited >= 30) break;
      Atomics.wait(this.slots, SLOT.closed, 0, 1_000);
    }
    this.finalHash = readText(this.shared, SLOT.headText);
    void this.worker.terminate();
    this.replies?.close();
    this.check();
    this.done(this.lastSeq);
    this.batchesDone(this.posted, null);
  }

  private readonly idlePost = (): void => {
    this.flushHandle = null;
    this.check();
    if (this.posted > Atomics.load(this.slots, SLOT.batches)) this.postOnCommit = true;
    else this.post();
  };

  private post(): void {
    this.check();
    if (this.encoder.length === 0 && this.carried.length === 0) return;
    const batch = this.encoder.take();
    const carried = this.carried;
    this.carried = [];
    this.worker.postMessage({ kind: "batch", carried, ...batch } satisfies BatchMessage, [
      batch.numbers.buffer as ArrayBuffer,
    ]);
    this.posted++;
    for (;;) {
      const done = Atomics.load(this.slots, SLOT.batches);
      if (this.posted - done <= this.maxInFlight) break;
      this.check();
      Atomics.wait(this.slots, SLOT.batches, done, 1_000);
    }
  }

  private writeFailed(message: string): TributaryError {
    return new TributaryError("journal-write-failed", `journal: writing to ${this.location} failed: ${message}`);
  }

  private stoppedError(): TributaryError {
    return this.writeFailed(readText(this.shared, SLOT.errorText) || "worker stopped");
  }

  /** Throws once the worker has stopped (after rejecting every pending `durable`). */
  private check(): void {
    if (Atomics.load(this.slots, SLOT.error) === 0) return;
    const error = this.stoppedError();
    this.waiters.rejectAll(error);
    this.batchesDone(Number.POSITIVE_INFINITY, error);
    throw error;
  }

  /** A write failed; the worker keeps its records and retries. */
  private failed(message: string): void {
    const error = this.writeFailed(`${message} (retrying)`);
    this.waiters.rejectAll(error);
    this.batchesDone(Number.POSITIVE_INFINITY, error);
    this.options.onError?.(error);
  }

  /** Batches through `batch` are committed (`error` null), or every waiter up to it is told why not. */
  private batchesDone(batch: number, error: Error | null): void {
    if (error === null) this.batchesCommitted = Math.max(this.batchesCommitted, batch);
    const waiters = this.commitWaiters;
    let n = 0;
    while (n < waiters.length && (waiters[n] as CommitWaiter).batch <= batch) n++;
    if (n === 0) return;
    this.commitWaiters = n === waiters.length ? [] : waiters.slice(n);
    for (let i = 0; i < n; i++) (waiters[i] as CommitWaiter).done(error);
  }

  private done(seq: number): void {
    if (seq <= this.committed && seq !== this.lastSeq) return;
    this.committed = Math.max(this.committed, seq);
    this.waiters.resolveThrough(this.committed);
    for (const listener of this.durableListeners) listener(this.committed);
  }
}
