/**
 * The durable `FixMessageStore`: one SQLite file (better-sqlite3), WAL journal, `synchronous=FULL` by default, so a
 * write is on disk (fsync of the WAL) when the call returns, before the session lets the message leave. Two tables:
 * `fix_session` (one row per session: next sender and target MsgSeqNum) and `fix_sent_message` (the application
 * messages sent, by session and MsgSeqNum, with the upstream seq each reports: a file from before that column gets it,
 * 0 on its rows).
 *
 * `synchronous: "NORMAL"` is offered for throughput: in WAL mode it is still crash-safe for the database file (no
 * corruption), but the last commits before a power loss (not a process crash) may be lost, so a restarted session
 * could reuse a MsgSeqNum it had already sent. Keep FULL for a production gateway unless the host has a battery-backed
 * write cache.
 *
 * Given an open connection instead of a file (the journal's: journal-message-store-companion.ts), it uses the tables
 * there (the journal's migrations made them) and leaves the connection's settings and transactions to its owner.
 *
 * Known limits: one process per file (SQLite locks; a second writer waits on busy_timeout); stored messages are not
 * pruned except by `reset`.
 */
import Database from "better-sqlite3";
import { TributaryError } from "../core/errors.js";
import { SQLITE_FIX_TABLES } from "./fix-tables-ddl.js";
import type { FixMessageStore, FixSeqNums, StoredMessage } from "./message-store.js";
import type { StoreWrite } from "./message-store-write.js";

export interface SqliteFixMessageStoreOptions {
  readonly synchronous?: "FULL" | "NORMAL";
}

export class SqliteFixMessageStore implements FixMessageStore {
  private readonly db: Database.Database;
  private readonly selectSeq: Database.Statement<[string], { next_sender: number; next_target: number }>;
  private readonly upsertSession: Database.Statement<[string]>;
  private readonly updateSender: Database.Statement<[number, string]>;
  private readonly updateTarget: Database.Statement<[number, string]>;
  private readonly insertSent: Database.Statement<[string, number, Buffer, number]>;
  private readonly deleteSentAfter: Database.Statement<[number]>;
  private readonly selectSent: Database.Statement<[string, number, number], { msg_seq_num: number; raw: Buffer }>;
  private readonly deleteSent: Database.Statement<[string]>;
  private readonly resetSession: Database.Statement<[string]>;
  private readonly recordSentTx: (sessionId: string, msgSeqNum: number, raw: string, upstreamSeq: number) => void;
  private readonly known = new Set<string>();

  readonly file: string;

  constructor(source: string | Database.Database, options: SqliteFixMessageStoreOptions = {}) {
    this.file = typeof source === "string" ? source : source.name;
    this.db = typeof source === "string" ? SqliteFixMessageStore.openFile(source, options) : source;
    this.selectSeq = this.db.prepare("SELECT next_sender, next_target FROM fix_session WHERE session_id = ?");
    this.upsertSession = this.db.prepare(
      "INSERT INTO fix_session (session_id, next_sender, next_target) VALUES (?, 1, 1) ON CONFLICT DO NOTHING",
    );
    this.updateSender = this.db.prepare("UPDATE fix_session SET next_sender = ? WHERE session_id = ?");
    this.updateTarget = this.db.prepare("UPDATE fix_session SET next_target = ? WHERE session_id = ?");
    this.insertSent = this.db.prepare(
      "INSERT OR REPLACE INTO fix_sent_message (session_id, msg_seq_num, raw, upstream_seq) VALUES (?, ?, ?, ?)",
    );
    this.deleteSentAfter = this.db.prepare("DELETE FROM fix_sent_message WHERE upstream_seq > ?");
    this.selectSent = this.db.prepare(
      "SELECT msg_seq_num, raw FROM fix_sent_message WHERE session_id = ? AND msg_seq_num BETWEEN ? AND ? " +
        "ORDER BY msg_seq_num",
    );
    this.deleteSent = this.db.prepare("DELETE FROM fix_sent_message WHERE session_id = ?");
    this.resetSession = this.db.prepare("UPDATE fix_session SET next_sender = 1, next_target = 1 WHERE session_id = ?");
    this.recordSentTx = this.db.transaction(
      (sessionId: string, msgSeqNum: number, raw: string, upstreamSeq: number) => {
        this.insertSent.run(sessionId, msgSeqNum, Buffer.from(raw, "latin1"), upstreamSeq);
        this.updateSender.run(msgSeqNum + 1, sessionId);
      },
    );
  }

  private static openFile(file: string, options: SqliteFixMessageStoreOptions): Database.Database {
    try {
      const db = new Database(file);
      db.pragma("journal_mode = WAL");
      db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
      db.pragma("busy_timeout = 5000");
      db.exec(SQLITE_FIX_TABLES);
      const columns = db.pragma("table_info(fix_sent_message)") as { name: string }[];
      if (!columns.some((c) => c.name === "upstream_seq")) {
        db.exec("ALTER TABLE fix_sent_message ADD COLUMN upstream_seq INTEGER NOT NULL DEFAULT 0");
      }
      return db;
    } catch (error) {
      throw new TributaryError("fix-store-open", `${file}: cannot open the FIX message store`, { cause: error });
    }
  }

  private ensure(sessionId: string): void {
    if (this.known.has(sessionId)) return;
    this.upsertSession.run(sessionId);
    this.known.add(sessionId);
  }

  seqNums(sessionId: string): FixSeqNums {
    this.ensure(sessionId);
    const row = this.selectSeq.get(sessionId);
    if (row === undefined) return { nextSenderMsgSeqNum: 1, nextTargetMsgSeqNum: 1 };
    return { nextSenderMsgSeqNum: row.next_sender, nextTargetMsgSeqNum: row.next_target };
  }

  recordSent(sessionId: string, msgSeqNum: number, raw: string, upstreamSeq = 0): void {
    this.ensure(sessionId);
    this.recordSentTx(sessionId, msgSeqNum, raw, upstreamSeq);
  }

  setNextSenderMsgSeqNum(sessionId: string, next: number): void {
    this.ensure(sessionId);
    this.updateSender.run(next, sessionId);
  }

  setNextTargetMsgSeqNum(sessionId: string, next: number): void {
    this.ensure(sessionId);
    this.updateTarget.run(next, sessionId);
  }

  sentBetween(sessionId: string, begin: number, end: number): StoredMessage[] {
    return this.selectSent
      .all(sessionId, begin, end)
      .map((row) => ({ msgSeqNum: row.msg_seq_num, raw: row.raw.toString("latin1") }));
  }

  reset(sessionId: string): void {
    this.ensure(sessionId);
    this.db.transaction(() => {
      this.deleteSent.run(sessionId);
      this.resetSession.run(sessionId);
    })();
  }

  forgetSentAfter(upstreamSeq: number): void {
    this.deleteSentAfter.run(upstreamSeq);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /**
   * The writes of a group commit (the writer thread's: many reads and answers) in one transaction, each session's
   * numbers written once, at their last values, instead of once per message.
   */
  applyWrites(writes: readonly StoreWrite[]): void {
    this.db.transaction(() => {
      const next = new Map<string, { sender: number; target: number }>();
      const numbers = (sessionId: string) => {
        let n = next.get(sessionId);
        if (n === undefined) {
          this.ensure(sessionId);
          n = { sender: 0, target: 0 };
          next.set(sessionId, n);
        }
        return n;
      };
      for (const w of writes) {
        switch (w.op) {
          case "recordSent":
            numbers(w.sessionId).sender = w.msgSeqNum + 1;
            this.insertSent.run(w.sessionId, w.msgSeqNum, Buffer.from(w.raw, "latin1"), w.upstreamSeq);
            break;
          case "setNext":
            numbers(w.sessionId)[w.side] = w.next;
            break;
          case "reset":
            next.delete(w.sessionId); // what came before is reset anyway
            this.reset(w.sessionId);
            break;
          case "forgetSentAfter":
            this.forgetSentAfter(w.upstreamSeq);
            break;
        }
      }
      for (const [sessionId, n] of next) {
        if (n.sender > 0) this.updateSender.run(n.sender, sessionId);
        if (n.target > 0) this.updateTarget.run(n.target, sessionId);
      }
    })();
  }

  /** Durable when a call returns. */
  whenDurable(done: (error: Error | null) => void): void {
    done(null);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
