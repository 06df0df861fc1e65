/**
 * The FIX message store's two tables in a PostgreSQL schema (`fix_session`: each session's next sender and target
 * MsgSeqNum; `fix_sent_message`: the application messages sent, with the upstream seq each reports) and the SQL that
 * reads and writes them, on a connection its owner holds: the worker of a PostgreSQL store of its own
 * (postgres-message-store-worker.ts), or a PostgreSQL journal's worker (journal-message-store-companion.ts), whose
 * transaction the writes join. The owner begins and commits; `apply` runs inside.
 *
 * `apply` takes a list of writes (a transaction's, or a group commit's: many reads and answers) and makes one statement
 * of it (each a round trip that a journal's commit waits for): the sent messages upserted, and each session's numbers
 * written once, at their last values, as `SqliteFixMessageStore.applyWrites` does, by an upsert that also makes the
 * session's row. A `reset` or `forgetSentAfter` in the list first writes what came before it, so order is kept.
 * Limits: bigint columns are read with `Number` (sequence numbers stay below 2^53).
 */
import type pg from "pg";
import { quoteIdent } from "../journal/postgres-journal-store.js";
import { postgresFixTables } from "./fix-tables-ddl.js";
import type { FixSeqNums, StoredMessage } from "./message-store.js";
import type { StoreRead, StoreWrite } from "./message-store-write.js";

type RecordSent = Extract<StoreWrite, { op: "recordSent" }>;

export class PostgresFixTables {
  private readonly s: string;
  private readonly writeSql: string;

  constructor(
    private readonly client: pg.ClientBase,
    schema: string,
  ) {
    const s = quoteIdent(schema);
    this.s = s;
    this.writeSql =
      `WITH sent AS (INSERT INTO ${s}.fix_sent_message (session_id, msg_seq_num, raw, upstream_seq)` +
      " SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::bigint[])" +
      " ON CONFLICT (session_id, msg_seq_num) DO UPDATE SET raw = EXCLUDED.raw, upstream_seq = EXCLUDED.upstream_seq)" +
      ` INSERT INTO ${s}.fix_session (session_id, next_sender, next_target)` +
      ` SELECT id, COALESCE(sender, (SELECT next_sender FROM ${s}.fix_session WHERE session_id = id), 1),` +
      ` COALESCE(target, (SELECT next_target FROM ${s}.fix_session WHERE session_id = id), 1)` +
      " FROM unnest($5::text[], $6::bigint[], $7::bigint[]) AS u(id, sender, target)" +
      " ON CONFLICT (session_id) DO UPDATE SET next_sender = EXCLUDED.next_sender, next_target = EXCLUDED.next_target";
  }

  /** Makes the schema and tables when absent (a store of its own; a journal's migrations make them in its schema). */
  async create(): Promise<void> {
    await this.client.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
    await this.client.query(postgresFixTables(this.s));
    // A schema from before the column: its rows report nothing upstream.
    await this.client.query(
      `ALTER TABLE ${this.s}.fix_sent_message ADD COLUMN IF NOT EXISTS upstream_seq bigint NOT NULL DEFAULT 0`,
    );
  }

  /**
   * Applies `writes`, in order, in the connection's open transaction: one statement for the lot (a round trip is what
   * a journal's commit waits for), two more for each `reset` or `forgetSentAfter` among them.
   */
  async apply(writes: readonly StoreWrite[]): Promise<void> {
    // Each session's numbers as last set (null: not set by these writes); the messages not yet written, the last one
    // of a (session, MsgSeqNum) winning (one INSERT cannot update a row twice).
    let numbers = new Map<string, { sender: number | null; target: number | null }>();
    let sent = new Map<string, RecordSent>();
    const session = (sessionId: string) => {
      let n = numbers.get(sessionId);
      if (n === undefined) {
        n = { sender: null, target: null };
        numbers.set(sessionId, n);
      }
      return n;
    };
    const flush = async () => {
      if (sent.size > 0 || numbers.size > 0) await this.write([...sent.values()], numbers);
      sent = new Map();
      numbers = new Map();
    };
    for (const w of writes) {
      switch (w.op) {
        case "recordSent":
          sent.set(`${w.sessionId}\u0000${w.msgSeqNum}`, w);
          session(w.sessionId).sender = w.msgSeqNum + 1;
          break;
        case "setNext":
          session(w.sessionId)[w.side] = w.next;
          break;
        case "reset":
          await flush();
          await this.client.query(`DELETE FROM ${this.s}.fix_sent_message WHERE session_id = $1`, [w.sessionId]);
          session(w.sessionId).sender = 1;
          session(w.sessionId).target = 1;
          break;
        case "forgetSentAfter":
          await flush();
          await this.client.query(`DELETE FROM ${this.s}.fix_sent_message WHERE upstream_seq > $1`, [w.upstreamSeq]);
          break;
      }
    }
    await flush();
  }

  /** The session's numbers; 1 and 1 for a session never written. */
  async seqNums(sessionId: string): Promise<FixSeqNums> {
    const r = await this.client.query<{ next_sender: string | number; next_target: string | number }>(
      `SELECT next_sender, next_target FROM ${this.s}.fix_session WHERE session_id = $1`,
      [sessionId],
    );
    const row = r.rows[0];
    return row === undefined
      ? { nextSenderMsgSeqNum: 1, nextTargetMsgSeqNum: 1 }
      : { nextSenderMsgSeqNum: Number(row.next_sender), nextTargetMsgSeqNum: Number(row.next_target) };
  }

  async sentBetween(sessionId: string, begin: number, end: number): Promise<StoredMessage[]> {
    const r = await this.client.query<{ msg_seq_num: string | number; raw: Buffer }>(
      `SELECT msg_seq_num, raw FROM ${this.s}.fix_sent_message WHERE session_id = $1 AND msg_seq_num BETWEEN $2 AND $3` +
        " ORDER BY msg_seq_num",
      [sessionId, begin, end],
    );
    return r.rows.map((row) => ({ msgSeqNum: Number(row.msg_seq_num), raw: row.raw.toString("latin1") }));
  }

  /** Answers a `StoreRead`. */
  read(request: StoreRead): Promise<FixSeqNums | StoredMessage[]> {
    return request.kind === "seqNums"
      ? this.seqNums(request.sessionId)
      : this.sentBetween(request.sessionId, request.begin, request.end);
  }

  /**
   * Upserts the sent messages and sets each session's numbers given (null: kept; 1 for a session without a row yet),
   * in one statement.
   */
  private async write(
    messages: readonly RecordSent[],
    numbers: ReadonlyMap<string, { sender: number | null; target: number | null }>,
  ): Promise<void> {
    const sessions = [...numbers];
    await this.client.query({
      // Named: prepared once per connection, not planned again at every commit.
      name: `fix-write ${this.s}`,
      text: this.writeSql,
      values: [
        messages.map((m) => m.sessionId),
        messages.map((m) => m.msgSeqNum),
        messages.map((m) => Buffer.from(m.raw, "latin1")),
        messages.map((m) => m.upstreamSeq),
        sessions.map(([id]) => id),
        sessions.map(([, n]) => n.sender),
        sessions.map(([, n]) => n.target),
      ],
    });
  }
}
