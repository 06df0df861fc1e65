/**
 * The worker thread behind `PostgresFixMessageStore`: owns the connection and runs each request the session's thread
 * sends (one at a time: that thread waits for every answer), answering on the same port and waking it through shared
 * memory. Writes come in lists (`apply`): run in the open transaction, or in one begun for them, committed when the
 * request says so.
 */
import pg from "pg";
import { blockingWorkerSide } from "../core/blocking-worker.js";
import { quoteIdent } from "../journal/postgres-journal-store.js";
import type { StoreWrite } from "./message-store-write.js";
import type { StoreRequest, StoreWorkerSetup } from "./postgres-message-store-protocol.js";

const side = blockingWorkerSide<StoreRequest, StoreWorkerSetup>();
const setup = side.setup;
const s = quoteIdent(setup.schema);
const client = new pg.Client({ connectionString: setup.url, connectionTimeoutMillis: 5_000 });
client.on("error", () => {}); // a dropped connection surfaces as the next request's error
let inTransaction = false;
const known = new Set<string>();

async function ensure(sessionId: string): Promise<void> {
  if (known.has(sessionId)) return;
  await client.query(
    `INSERT INTO ${s}.fix_session (session_id, next_sender, next_target) VALUES ($1, 1, 1) ON CONFLICT DO NOTHING`,
    [sessionId],
  );
  known.add(sessionId);
}

async function write(w: StoreWrite): Promise<void> {
  if (w.op === "forgetSentAfter") {
    await client.query(`DELETE FROM ${s}.fix_sent_message WHERE upstream_seq > $1`, [w.upstreamSeq]);
    return;
  }
  await ensure(w.sessionId);
  switch (w.op) {
    case "recordSent":
      await client.query(
        `INSERT INTO ${s}.fix_sent_message (session_id, msg_seq_num, raw, upstream_seq) VALUES ($1, $2, $3, $4)` +
          " ON CONFLICT (session_id, msg_seq_num) DO UPDATE SET raw = EXCLUDED.raw, upstream_seq = EXCLUDED.upstream_seq",
        [w.sessionId, w.msgSeqNum, Buffer.from(w.raw, "latin1"), w.upstreamSeq],
      );
      await client.query(`UPDATE ${s}.fix_session SET next_sender = $1 WHERE session_id = $2`, [
        w.msgSeqNum + 1,
        w.sessionId,
      ]);
      return;
    case "setNext":
      await client.query(
        `UPDATE ${s}.fix_session SET ${w.side === "sender" ? "next_sender" : "next_target"} = $1 WHERE session_id = $2`,
        [w.next, w.sessionId],
      );
      return;
    case "reset":
      await client.query(`DELETE FROM ${s}.fix_sent_message WHERE session_id = $1`, [w.sessionId]);
      await client.query(`UPDATE ${s}.fix_session SET next_sender = 1, next_target = 1 WHERE session_id = $1`, [
        w.sessionId,
      ]);
      return;
  }
}

async function rollback(): Promise<void> {
  inTransaction = false;
  known.clear(); // the sessions it inserted are gone with it
  await client.query("ROLLBACK");
}

async function apply(writes: readonly StoreWrite[], commit: boolean): Promise<void> {
  if (!inTransaction) {
    await client.query("BEGIN");
    inTransaction = true;
  }
  try {
    for (const w of writes) await write(w);
  } catch (error) {
    await rollback().catch(() => {});
    throw error;
  }
  if (commit) {
    inTransaction = false;
    await client.query("COMMIT");
  }
}

async function run(request: StoreRequest): Promise<unknown> {
  switch (request.op) {
    case "open":
      await client.connect();
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${s}.fix_session (session_id text PRIMARY KEY, next_sender bigint NOT NULL,` +
          " next_target bigint NOT NULL)",
      );
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${s}.fix_sent_message (session_id text NOT NULL, msg_seq_num bigint NOT NULL,` +
          " raw bytea NOT NULL, upstream_seq bigint NOT NULL DEFAULT 0, PRIMARY KEY (session_id, msg_seq_num))",
      );
      // A schema from before the column: its rows report nothing upstream.
      await client.query(
        `ALTER TABLE ${s}.fix_sent_message ADD COLUMN IF NOT EXISTS upstream_seq bigint NOT NULL DEFAULT 0`,
      );
      return null;
    case "seqNums": {
      await ensure(request.sessionId);
      const r = await client.query<{ next_sender: string; next_target: string }>(
        `SELECT next_sender, next_target FROM ${s}.fix_session WHERE session_id = $1`,
        [request.sessionId],
      );
      const row = r.rows[0];
      return row === undefined ? [1, 1] : [Number(row.next_sender), Number(row.next_target)];
    }
    case "apply":
      await apply(request.writes, request.commit);
      return null;
    case "sentBetween": {
      const r = await client.query<{ msg_seq_num: string; raw: Buffer }>(
        `SELECT msg_seq_num, raw FROM ${s}.fix_sent_message WHERE session_id = $1 AND msg_seq_num BETWEEN $2 AND $3` +
          " ORDER BY msg_seq_num",
        [request.sessionId, request.begin, request.end],
      );
      return r.rows.map((row) => [Number(row.msg_seq_num), row.raw.toString("latin1")]);
    }
    case "rollback":
      if (inTransaction) await rollback();
      return null;
    case "close":
      await client.end();
      return null;
  }
}

side.serve(run);
