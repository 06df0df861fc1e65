/**
 * The journal: subscribes to the engine kernel, turns every event into a chained record (canonical JSON, SHA-256)
 * and writes records to a `JournalStore` in batches (group commit), off the per-event path.
 *
 * - SQLite (a `SyncJournalStore`): a batch commits synchronously when `batchSize` records wait, or when the thread is
 *   idle (a `setImmediate` after the current burst of kernel work): one transaction per batch.
 * - PostgreSQL: batches are written asynchronously, one at a time; what arrives meanwhile forms the next batch.
 *   Back-pressure: `writable` turns false above `highWaterMark` buffered records and `whenWritable()` resolves
 *   when the writer has caught up, so an intake can stop reading sockets; the kernel itself never waits.
 * - Durability: `durable(seq)` resolves once the batch holding seq is committed (live, a client's acknowledgement
 *   waits on it); `onDurable(listener)` hears every committed seq; `durableSeq` is the last committed one.
 * - A failed write keeps its batch (nothing accepted is lost), rejects the pending `durable` promises with a
 *   `TributaryError` "journal-write-failed", tells `onError`, and retries with back-off (0.1 s doubling to 5 s).
 * - A companion (journal-companion.ts; SQLite only) commits in the same transactions: `carry` adds its writes to the
 *   next commit after the events appended so far, `afterCommit` calls back once they are committed, and `read` commits
 *   what waits and then asks the companion (the FIX store in the journal, fix/journal-message-store.ts, whose
 *   `ThreadedJournal` counterpart does the same on a worker thread).
 * Invariant: records are appended in seq order, gapless, each chained to the previous hash; an event out of order is
 * a bug (InvariantError). The record is built when the event is heard, so later mutation of the event cannot change
 * it. Limits: one journal per engine; a journal opened on a non-empty store continues its chain and expects the
 * engine's seq to continue it too (recovery's job).
 */
import { InvariantError, TributaryError } from "../core/errors.js";
import type { EngineEvent, EngineListener } from "../model/client-events.js";
import { canonicalJson } from "./canonical-json.js";
import { CausationTracker } from "./correlation.js";
import { DurableWaiters } from "./durable-waiters.js";
import type { JournalCompanion } from "./journal-companion.js";
import { GENESIS_HASH, type JournalRecord, makeRecord } from "./journal-record.js";
import { isSyncStore, type JournalHead, type JournalStore, type SyncJournalStore } from "./journal-store.js";

export interface JournalOptions {
  /** Commit when this many records wait (default 4,096). */
  readonly batchSize?: number;
  /** Above this many buffered records `writable` is false (default 100,000). */
  readonly highWaterMark?: number;
  /** Told of every failed write (the journal retries by itself). */
  readonly onError?: (error: TributaryError) => void;
  /** A companion whose writes commit in this journal's transactions (a synchronous store: SQLite). */
  readonly companion?: JournalCompanion;
}

/** Anything that emits engine events: the Engine, or a test double. */
export interface EventSource {
  on(listener: EngineListener): () => void;
}

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

export class Journal {
  private buffer: JournalRecord[] = [];
  private inFlight = 0;
  private writing: Promise<void> | null = null;
  private readonly causation = new CausationTracker();
  private prevHash: string;
  private lastSeq: number;
  private committed: number;
  private readonly batchSize: number;
  private readonly highWaterMark: number;
  private readonly syncStore: SyncJournalStore | null;
  private flushHandle: NodeJS.Immediate | null = null;
  private retryHandle: NodeJS.Timeout | null = null;
  private retryMs = RETRY_FIRST_MS;
  private readonly waiters = new DurableWaiters();
  private writableWaiters: (() => void)[] = [];
  private readonly durableListeners: ((seq: number) => void)[] = [];
  private detach: (() => void) | null = null;
  private closed = false;
  private lastError: TributaryError | null = null;
  /** The companion's writes for the next commit, and who waits for the commit of what was carried. */
  private carried: unknown[] = [];
  private commitWaiters: ((error: Error | null) => void)[] = [];
  /** Records appended since this journal was opened. */
  appended = 0;
  /** Batches committed since this journal was opened. */
  batches = 0;

  /** A journal continuing the store's chain (empty store: from seq 1 and the genesis hash). */
  static async open(store: JournalStore, options: JournalOptions = {}): Promise<Journal> {
    return new Journal(store, await store.head(), options);
  }

  /** The same, synchronously, for a store that appends synchronously (SQLite). */
  static openSync(store: SyncJournalStore, options: JournalOptions = {}): Journal {
    return new Journal(store, store.headSync(), options);
  }

  private constructor(
    readonly store: JournalStore,
    head: JournalHead | null,
    private readonly options: JournalOptions,
  ) {
    this.prevHash = head?.hash ?? GENESIS_HASH;
    this.lastSeq = head?.seq ?? 0;
    this.committed = this.lastSeq;
    this.batchSize = options.batchSize ?? 4_096;
    this.highWaterMark = options.highWaterMark ?? 100_000;
    this.syncStore = isSyncStore(store) ? store : null;
    if (options.companion !== undefined) {
      if (this.syncStore === null) throw new InvariantError("journal: a companion needs a synchronous store");
      options.companion.open(store);
    }
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

  /** Appends one event (in seq order). Any event type: its fields are journaled as they are. */
  append(event: EngineEvent | Readonly<Record<string, unknown>>): void {
    if (this.closed) throw new InvariantError("journal closed");
    const e = event as Readonly<Record<string, unknown>>;
    const seq = e.seq as number;
    if (seq !== this.lastSeq + 1) throw new InvariantError(`journal: event seq ${seq} after ${this.lastSeq}`);
    const record = makeRecord(e, canonicalJson(e), this.causation.next(e, seq), this.prevHash);
    this.prevHash = record.hash;
    this.lastSeq = seq;
    this.appended++;
    this.buffer.push(record);
    if (this.buffer.length >= this.batchSize) this.commit();
    else if (this.flushHandle === null) this.flushHandle = setImmediate(this.idleFlush);
  }

  /** Adds a companion's writes to the next commit, after the events appended so far. */
  carry(writes: readonly unknown[]): void {
    if (this.closed) throw new InvariantError("journal closed");
    for (const w of writes) this.carried.push(w);
    if (this.flushHandle === null) this.flushHandle = setImmediate(this.idleFlush);
  }

  /** Calls `done` once everything appended and carried so far is committed (`null`), or with why it was not. */
  afterCommit(done: (error: Error | null) => void): void {
    if (this.buffer.length === 0 && this.carried.length === 0) done(null);
    else this.commitWaiters.push(done);
  }

  /** A companion's read: what waits is committed first, so the read sees every write carried before it. */
  read(request: unknown): unknown {
    const companion = this.options.companion;
    if (companion === undefined) throw new InvariantError("journal: no companion to read from");
    if (this.closed) throw new InvariantError("journal closed");
    this.commit();
    if (this.lastError !== null) throw this.lastError;
    return companion.read(request);
  }

  /** The last seq appended (buffered or committed). */
  get headSeq(): number {
    return this.lastSeq;
  }

  /** The hash of the last record appended. */
  get headHash(): string {
    return this.prevHash;
  }

  /** The last seq known to be committed. */
  get durableSeq(): number {
    return this.committed;
  }

  /** Records not yet committed. */
  get pending(): number {
    return this.buffer.length + this.inFlight;
  }

  /** False while more than `highWaterMark` records wait to be written. */
  get writable(): boolean {
    return this.pending <= this.highWaterMark;
  }

  whenWritable(): Promise<void> {
    if (this.writable) return Promise.resolve();
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  /** Resolves once `seq` is committed. */
  durable(seq: number): Promise<void> {
    if (seq <= this.committed) return Promise.resolve();
    return this.waiters.wait(seq);
  }

  /** Called with the last seq of every committed batch. */
  onDurable(listener: (seq: number) => void): void {
    this.durableListeners.push(listener);
  }

  /** Commits everything appended so far; resolves when it is durable. */
  async flush(): Promise<void> {
    this.commit();
    while (this.writing !== null) await this.writing;
    if (this.buffer.length > 0) {
      this.commit();
      while (this.writing !== null) await this.writing;
    }
    if (this.buffer.length > 0)
      throw (
        this.lastError ??
        new TributaryError("journal-write-failed", `journal: ${this.buffer.length} records left unwritten`)
      );
  }

  /** Commits everything synchronously (sync stores only). */
  flushSync(): void {
    if (this.syncStore === null) throw new InvariantError("flushSync needs a synchronous store");
    this.commit();
  }

  /** Stops listening, flushes everything and closes the store. */
  async close(): Promise<void> {
    this.detach?.();
    await this.flush();
    this.stopTimers();
    this.closed = true;
    await this.store.close();
  }

  /** The same, synchronously (sync stores only). */
  closeSync(): void {
    if (this.syncStore === null) throw new InvariantError("closeSync needs a synchronous store");
    this.detach?.();
    this.commit();
    this.stopTimers();
    this.closed = true;
    this.syncStore.closeSync();
  }

  private readonly idleFlush = (): void => {
    this.flushHandle = null;
    this.commit();
  };

  private stopTimers(): void {
    if (this.flushHandle !== null) clearImmediate(this.flushHandle);
    if (this.retryHandle !== null) clearTimeout(this.retryHandle);
    this.flushHandle = null;
    this.retryHandle = null;
  }

  private commit(): void {
    if ((this.buffer.length === 0 && this.carried.length === 0) || this.closed) return;
    if (this.syncStore !== null) {
      const batch = this.buffer;
      const carried = this.carried;
      const companion = this.options.companion;
      this.buffer = [];
      this.carried = [];
      try {
        this.syncStore.appendSync(
          batch,
          carried.length === 0 || companion === undefined ? undefined : () => void companion.write(carried),
        );
      } catch (error) {
        this.buffer = batch.concat(this.buffer);
        this.carried = carried.concat(this.carried);
        this.failed(error);
        return;
      }
      this.done(batch);
      return;
    }
    if (this.writing === null && this.retryHandle === null) this.writing = this.writeLoop();
  }

  private async writeLoop(): Promise<void> {
    try {
      while (this.buffer.length > 0) {
        const batch = this.buffer;
        this.buffer = [];
        this.inFlight = batch.length;
        try {
          await this.store.append(batch);
        } catch (error) {
          this.buffer = batch.concat(this.buffer);
          this.failed(error);
          return;
        } finally {
          this.inFlight = 0;
        }
        this.done(batch);
      }
    } finally {
      this.writing = null;
    }
  }

  private done(batch: readonly JournalRecord[]): void {
    this.batches++;
    this.retryMs = RETRY_FIRST_MS;
    this.lastError = null;
    // Those waiting for this commit: a listener below may carry more and wait for the next one.
    const waiting = this.takeCommitWaiters();
    const last = batch[batch.length - 1];
    if (last !== undefined) {
      this.committed = last.seq;
      this.waiters.resolveThrough(last.seq);
      for (const listener of this.durableListeners) listener(last.seq);
    }
    for (const done of waiting) done(null);
    if (this.writableWaiters.length > 0 && this.writable) {
      const ready = this.writableWaiters;
      this.writableWaiters = [];
      for (const resolve of ready) resolve();
    }
  }

  /** Who waits (`afterCommit`) for what is carried or appended so far; the list starts anew. */
  private takeCommitWaiters(): ((error: Error | null) => void)[] {
    const waiting = this.commitWaiters;
    if (waiting.length > 0) this.commitWaiters = [];
    return waiting;
  }

  private failed(cause: unknown): void {
    const error = new TributaryError(
      "journal-write-failed",
      `journal: writing to ${this.store.location} failed: ${(cause as Error).message}`,
      { cause },
    );
    this.lastError = error;
    this.waiters.rejectAll(error);
    for (const done of this.takeCommitWaiters()) done(error);
    this.options.onError?.(error);
    if (this.retryHandle === null && !this.closed) {
      this.retryHandle = setTimeout(() => {
        this.retryHandle = null;
        this.commit();
      }, this.retryMs);
      this.retryHandle.unref();
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    }
  }
}
