/**
 * Where a FIX session keeps what must survive a restart: its two sequence numbers (the next MsgSeqNum it will send,
 * the next it expects) and the application messages it sent (to answer a ResendRequest with the messages themselves,
 * PossDupFlag=Y; admin messages are never resent, so they are not kept: a resend gap-fills over them).
 *
 * Contract: writes and reads are synchronous calls; `recordSent` stores the message and the new next-sender number
 * atomically; `transaction` groups many calls into one commit; a read sees every write made before it. A write is
 * durable once `whenDurable` says so, and the session lets no byte leave before that (it writes BEFORE the bytes
 * leave). The synchronous stores (`MemoryFixMessageStore`, `SqliteFixMessageStore`, `PostgresFixMessageStore`) are
 * durable when a call returns and answer `whenDurable` at once; `ThreadedSqliteFixMessageStore` commits on a writer
 * thread, the writes of many transactions in one commit, and answers later; `JournalFixMessageStore` keeps its tables
 * in the journal's SQLite file or PostgreSQL schema and commits in the journal's own transactions, after the events
 * appended before its writes (one commit for a read's events and its numbers and reports). Sessions are keyed by their
 * id ("FIX.4.4:ISLD->TW44"). `MemoryFixMessageStore` is the reference implementation for tests. One contract suite
 * (message-store.contract.ts) runs against all.
 *
 * A sent message may report a record of an upstream sequence (the OMS journal's event seq: session.ts
 * `UpstreamDurability`); it is stored with that seq, before the record is durable, and leaves only once both are. After
 * a crash the upstream may have lost records whose messages the store kept (they never left): `forgetSentAfter` drops
 * them before the sessions start, so a resend gap-fills over them instead of reporting events that never happened
 * (with the store in the journal this cannot happen: a report commits with its event or after it).
 */

export interface FixSeqNums {
  /** The MsgSeqNum of the next message this side sends. */
  readonly nextSenderMsgSeqNum: number;
  /** The MsgSeqNum this side expects next from its peer. */
  readonly nextTargetMsgSeqNum: number;
}

export interface StoredMessage {
  readonly msgSeqNum: number;
  /** The message exactly as sent (latin1 byte string). */
  readonly raw: string;
}

export interface FixMessageStore {
  /** The session's sequence numbers; 1 and 1 for a session never seen. */
  seqNums(sessionId: string): FixSeqNums;
  /**
   * Stores a sent application message and sets the next sender number to `msgSeqNum + 1`, atomically; `upstreamSeq`
   * is the upstream record it reports (0 or absent: none).
   */
  recordSent(sessionId: string, msgSeqNum: number, raw: string, upstreamSeq?: number): void;
  setNextSenderMsgSeqNum(sessionId: string, next: number): void;
  setNextTargetMsgSeqNum(sessionId: string, next: number): void;
  /** Stored messages with `begin <= MsgSeqNum <= end`, in MsgSeqNum order. */
  sentBetween(sessionId: string, begin: number, end: number): StoredMessage[];
  /** Back to 1 and 1, no stored messages (a sequence reset: ResetSeqNumFlag or a new FIX day). */
  reset(sessionId: string): void;
  /** Drops, in every session, the stored messages reporting an upstream record beyond `upstreamSeq`; numbers stay. */
  forgetSentAfter(upstreamSeq: number): void;
  /**
   * Runs `work` as one atomic, durable unit (group commit): the session processes every message of one TCP read
   * inside one transaction and writes its answers only after the commit. Calls nest.
   */
  transaction<T>(work: () => T): T;
  /**
   * Calls `done` once every write made so far is durable (`null`), or with the error that kept one of them from being
   * written; in the order asked. A synchronous store calls it at once.
   */
  whenDurable(done: (error: Error | null) => void): void;
  /** Commits what is pending and waits for it. */
  close(): void;
}

export class MemoryFixMessageStore implements FixMessageStore {
  private readonly sessions = new Map<
    string,
    { sender: number; target: number; sent: Map<number, { raw: string; upstreamSeq: number }> }
  >();

  private session(id: string) {
    let s = this.sessions.get(id);
    if (s === undefined) {
      s = { sender: 1, target: 1, sent: new Map() };
      this.sessions.set(id, s);
    }
    return s;
  }

  seqNums(sessionId: string): FixSeqNums {
    const s = this.session(sessionId);
    return { nextSenderMsgSeqNum: s.sender, nextTargetMsgSeqNum: s.target };
  }

  recordSent(sessionId: string, msgSeqNum: number, raw: string, upstreamSeq = 0): void {
    const s = this.session(sessionId);
    s.sent.set(msgSeqNum, { raw, upstreamSeq });
    s.sender = msgSeqNum + 1;
  }

  setNextSenderMsgSeqNum(sessionId: string, next: number): void {
    this.session(sessionId).sender = next;
  }

  setNextTargetMsgSeqNum(sessionId: string, next: number): void {
    this.session(sessionId).target = next;
  }

  sentBetween(sessionId: string, begin: number, end: number): StoredMessage[] {
    const out: StoredMessage[] = [];
    for (const [msgSeqNum, { raw }] of this.session(sessionId).sent) {
      if (msgSeqNum >= begin && msgSeqNum <= end) out.push({ msgSeqNum, raw });
    }
    return out.sort((a, b) => a.msgSeqNum - b.msgSeqNum);
  }

  reset(sessionId: string): void {
    this.sessions.set(sessionId, { sender: 1, target: 1, sent: new Map() });
  }

  forgetSentAfter(upstreamSeq: number): void {
    for (const s of this.sessions.values()) {
      for (const [msgSeqNum, m] of s.sent) if (m.upstreamSeq > upstreamSeq) s.sent.delete(msgSeqNum);
    }
  }

  /** No rollback: a failure part-way leaves what was written (the memory store is for tests). */
  transaction<T>(work: () => T): T {
    return work();
  }

  whenDurable(done: (error: Error | null) => void): void {
    done(null);
  }

  close(): void {}
}
