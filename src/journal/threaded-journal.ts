/**
 * A SQLite journal whose writing runs on a worker thread, so a simulation's kernel thread pays only for the canonical
 * JSON of each event and its correlation and causation (read off the event object it holds; encoded into flat arrays,
 * threaded-journal-protocol.ts): the worker chains the hashes and commits the batches. Same records, byte for byte,
 * as `Journal` on a `SqliteJournalStore`.
 *
 * - Batches of `batchSize` payloads are posted to the worker; a partial batch goes when the thread is idle.
 * - Back-pressure: at most `maxInFlight` batches may wait for the worker; beyond that `append` blocks on
 *   `Atomics.wait` until one commits (a simulation waits for its journal rather than buffering without bound).
 * - `closeSync()` waits synchronously for the last commit; `durable(seq)` / `onDurable` work as in `Journal` (told by
 *   messages from the worker, so only when the thread is not blocked).
 * Limits: SQLite only (the store must already exist: create it with `SqliteJournalStore.open(path, { mode: "create" })`
 * first, so errors in opening are reported on the caller's thread); a write error stops the journal and surfaces at
 * the next `append`, `closeSync` or `durable`.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { InvariantError, TributaryError } from "../core/errors.js";
import type { EngineEvent } from "../model/client-events.js";
import { canonicalJson } from "./canonical-json.js";
import type { EventSource } from "./journal.js";
import { GENESIS_HASH } from "./journal-record.js";
import { SqliteJournalStore } from "./sqlite-journal-store.js";
import {
  BatchEncoder,
  type BatchMessage,
  readText,
  SHARED_BYTES,
  SLOT,
  type WorkerSetup,
} from "./threaded-journal-protocol.js";

export interface ThreadedJournalOptions {
  readonly batchSize?: number;
  readonly maxInFlight?: number;
  /**
   * Where the hash chain is computed: "worker" (default: the kernel thread pays only for JSON and correlation) or
   * "kernel" (the worker only inserts: faster end to end when the kernel thread has time to spare, as when the
   * journal is all it does).
   */
  readonly hashing?: "worker" | "kernel";
  /** SQLite `synchronous`: "full" (default, durable against power loss) or "normal" (against crashes only). */
  readonly synchronous?: "full" | "normal";
}

/** The compiled worker; from TypeScript sources (tests), the built one in dist/. */
function workerUrl(): URL {
  const beside = new URL("./sqlite-journal-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL("../../dist/src/journal/sqlite-journal-worker.js", import.meta.url);
}

export class ThreadedSqliteJournal {
  private readonly worker: Worker;
  private readonly shared = new SharedArrayBuffer(SHARED_BYTES);
  private readonly slots = new Int32Array(this.shared, 0, SLOT.count);
  private readonly encoder: BatchEncoder;
  private posted = 0;
  private lastSeq: number;
  private committed: number;
  private flushHandle: NodeJS.Immediate | null = null;
  private detach: (() => void) | null = null;
  private closed = false;
  private finalHash: string | null = null;
  private waiters: { seq: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly durableListeners: ((seq: number) => void)[] = [];
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  /** Events appended since opening. */
  appended = 0;

  constructor(
    readonly path: string,
    options: ThreadedJournalOptions = {},
  ) {
    const store = SqliteJournalStore.open(path, { mode: "open" });
    const head = store.headSync();
    store.closeSync();
    this.lastSeq = head?.seq ?? 0;
    this.committed = this.lastSeq;
    this.batchSize = options.batchSize ?? 8_192;
    this.maxInFlight = options.maxInFlight ?? 16;
    this.encoder = new BatchEncoder(this.batchSize, options.hashing === "kernel" ? (head?.hash ?? GENESIS_HASH) : null);
    const setup: WorkerSetup = { path, synchronous: options.synchronous ?? "full", shared: this.shared };
    this.worker = new Worker(workerUrl(), { workerData: setup });
    this.worker.on("message", (m: { kind: string; seq: number }) => {
      if (m.kind === "durable") this.done(m.seq);
    });
    this.worker.on("error", () => {
      Atomics.store(this.slots, SLOT.error, 1);
    });
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

  durable(seq: number): Promise<void> {
    if (seq <= this.committed) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
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
    // A worker that failed still answers "close"; one that died cannot, so after an error the wait is bounded.
    for (let waited = 0; Atomics.load(this.slots, SLOT.closed) === 0; waited++) {
      if (Atomics.load(this.slots, SLOT.error) !== 0 && waited >= 30) break;
      Atomics.wait(this.slots, SLOT.closed, 0, 1_000);
    }
    this.finalHash = readText(this.shared, SLOT.headText);
    void this.worker.terminate();
    this.check();
    this.done(this.lastSeq);
  }

  private readonly idlePost = (): void => {
    this.flushHandle = null;
    this.post();
  };

  private post(): void {
    this.check();
    if (this.encoder.length === 0) return;
    const batch = this.encoder.take();
    this.worker.postMessage({ kind: "batch", ...batch } satisfies BatchMessage, [batch.numbers.buffer as ArrayBuffer]);
    this.posted++;
    for (;;) {
      const done = Atomics.load(this.slots, SLOT.batches);
      if (this.posted - done <= this.maxInFlight) break;
      this.check();
      Atomics.wait(this.slots, SLOT.batches, done, 1_000);
    }
  }

  private check(): void {
    if (Atomics.load(this.slots, SLOT.error) === 0) return;
    const error = new TributaryError(
      "journal-write-failed",
      `journal: writing to ${this.path} failed: ${readText(this.shared, SLOT.errorText) || "worker stopped"}`,
    );
    for (const w of this.waiters.splice(0)) w.reject(error);
    throw error;
  }

  private done(seq: number): void {
    if (seq <= this.committed && seq !== this.lastSeq) return;
    this.committed = Math.max(this.committed, seq);
    let n = 0;
    while (n < this.waiters.length && (this.waiters[n]?.seq ?? 0) <= this.committed) this.waiters[n++]?.resolve();
    if (n > 0) this.waiters = this.waiters.slice(n);
    for (const listener of this.durableListeners) listener(this.committed);
  }
}
