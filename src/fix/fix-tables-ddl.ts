/**
 * The FIX message store's two tables, defined once for every place that makes them: a SQLite store file of its own
 * (sqlite-message-store.ts), a PostgreSQL store of its own (postgres-fix-tables.ts), and the journal's migration that
 * keeps the store in the journal's database (journal/migrations.ts, version 2). `fix_session`: each session's next
 * sender and target MsgSeqNum; `fix_sent_message`: the application messages sent, with the journal seq each reports
 * (`upstream_seq`, 0 when none). Both statements make a table only when it is absent.
 */

export const SQLITE_FIX_TABLES = `
  CREATE TABLE IF NOT EXISTS fix_session (
    session_id TEXT PRIMARY KEY,
    next_sender INTEGER NOT NULL,
    next_target INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS fix_sent_message (
    session_id TEXT NOT NULL,
    msg_seq_num INTEGER NOT NULL,
    raw BLOB NOT NULL,
    upstream_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, msg_seq_num)
  ) WITHOUT ROWID;
`;

/** The same tables in a PostgreSQL schema (`schema` already quoted). */
export function postgresFixTables(schema: string): string {
  return `
    CREATE TABLE IF NOT EXISTS ${schema}.fix_session (
      session_id TEXT PRIMARY KEY, next_sender BIGINT NOT NULL, next_target BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${schema}.fix_sent_message (
      session_id TEXT NOT NULL, msg_seq_num BIGINT NOT NULL, raw BYTEA NOT NULL, upstream_seq BIGINT NOT NULL DEFAULT 0,
      PRIMARY KEY (session_id, msg_seq_num)
    );
  `;
}
