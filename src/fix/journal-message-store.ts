/**
 * The FIX message store kept in the journal's own database, its SQLite file or its PostgreSQL schema (the `fix_session`
 * and `fix_sent_message` tables of the journal's migrations), whose writes commit in the SAME transaction as the
 * journal's events: the next expected MsgSeqNum of a TCP read, the ExecutionReports its events caused and those events
 * are one commit (one fsync, or one PostgreSQL COMMIT), on the journal's worker thread. An acknowledgement then waits
 * for one commit instead of two in parallel (session.ts `upstream` and `whenDurable` are the same commit), and a crash
 * keeps both or neither.
 *
 * - Writes are recorded as data (`StoreWrite`); a `transaction` hands its writes to the journal when it ends
 *   (`carry`: into the batch being built, after the events appended so far, which the journal hears
 *   before the gateway does), a write outside any at once. So the journal's commits are a prefix of one stream:
 *   whatever is committed, every event appended before it is too. The journal applies them with the batch's records,
 *   on its worker or on this thread (journal-message-store-companion.ts).
 * - `whenDurable` calls back once the journal has committed everything appended and carried so far
 *   (`afterCommit`).
 * - Reads (`seqNums`, `sentBetween`: at start, after a failure, for a ResendRequest) are answered by the journal's
 *   worker behind every batch before them (`read`; a `ThreadedJournal` blocks this thread for the round trip); inside a
 *   transaction its writes so far are carried first, so a read sees them.
 * - `close` hands over what is pending; the journal is its owner's to close, after this store.
 *
 * Known limits: a `transaction` whose work throws drops its writes not yet carried, but not those carried before a read
 * inside it; a failed journal write fails every waiting unit (the session disconnects), and the worker retries the
 * write itself; one writer per journal; on PostgreSQL a read is a round trip to the server on the journal's worker,
 * with this thread blocked for it (reads are rare: at logon and for a ResendRequest).
 */

import { workerScript } from "../core/blocking-worker.js";
import { InvariantError } from "../core/errors.js";
import type { FixSeqNums, StoredMessage } from "./message-store.js";
import { type StoreRead, type StoreWrite, WritesAsData } from "./message-store-write.js";

/**
 * The journal this store writes through: `ThreadedJournal` (its worker applies the writes; SQLite or PostgreSQL) or
 * `Journal` on a SQLite store (applied on this thread, in the same synchronous transaction as the events).
 */
export interface CarryingJournal {
  carry(writes: readonly unknown[]): void;
  afterCommit(done: (error: Error | null) => void): void;
  read(request: unknown): unknown;
}

export class JournalFixMessageStore extends WritesAsData {
  /** What `ThreadedJournalOptions.companion` must name for a journal this store writes to. */
  static readonly companion = workerScript(import.meta.url, "journal-message-store-companion.js", "fix").href;

  private depth = 0;
  private pending: StoreWrite[] = [];
  /** `whenDurable` asked inside the open transaction: it covers that transaction's writes, known at its end. */
  private inside: ((error: Error | null) => void)[] = [];
  private closed = false;

  constructor(private readonly journal: CarryingJournal) {
    super();
  }

  seqNums(sessionId: string): FixSeqNums {
    return this.read({ kind: "seqNums", sessionId }) as FixSeqNums;
  }

  sentBetween(sessionId: string, begin: number, end: number): StoredMessage[] {
    return this.read({ kind: "sentBetween", sessionId, begin, end }) as StoredMessage[];
  }

  transaction<T>(work: () => T): T {
    this.depth++;
    try {
      const result = work();
      if (this.depth === 1) this.carryPending();
      return result;
    } catch (error) {
      if (this.depth === 1) this.pending = [];
      throw error;
    } finally {
      this.depth--;
      if (this.depth === 0) this.waitInside();
    }
  }

  whenDurable(done: (error: Error | null) => void): void {
    if (this.depth > 0) this.inside.push(done);
    else this.journal.afterCommit(done);
  }

  close(): void {
    if (this.closed) return;
    this.carryPending();
    this.closed = true;
  }

  protected write(w: StoreWrite): void {
    if (this.closed) throw new InvariantError("FIX store in the journal: closed");
    this.pending.push(w);
    if (this.depth === 0) this.carryPending();
  }

  private read(request: StoreRead): unknown {
    if (this.closed) throw new InvariantError("FIX store in the journal: closed");
    this.carryPending();
    return this.journal.read(request);
  }

  private carryPending(): void {
    if (this.pending.length === 0) return;
    const writes = this.pending;
    this.pending = [];
    this.journal.carry(writes);
  }

  private waitInside(): void {
    const waiting = this.inside;
    this.inside = [];
    for (const done of waiting) this.journal.afterCommit(done);
  }
}
