/**
 * Versioned schema migrations of the journal, for both stores. The `tributary_schema` table lists the versions
 * applied; a database without it is not a Tributary journal, one with a version above `SCHEMA_VERSION` was written by
 * a newer Tributary and is refused. Migrations only ever add (tables, indexes, triggers): records are never rewritten.
 * Version 1: the journal table (one row per event; its first parent and order in columns, indexed), side tables for
 * the further orders (an allocation's) and parents (a cross's) an event names and for client ids, the child-id index,
 * and triggers refusing UPDATE and DELETE on all four tables. Most events name one order and one parent, so they cost
 * one row; the side tables take the rest.
 * Version 2: the FIX message store kept in the journal's database (`fix_session`: each session's next sender and
 * target MsgSeqNum; `fix_sent_message`: the application messages sent, with the event seq each reports), the same
 * tables as a separate SQLite or PostgreSQL FIX store (fix/sqlite-message-store.ts, fix/postgres-message-store.ts).
 * They are the session layer's working state, not records: updated in place, outside the hash chain, no triggers.
 * The FIX store in the journal writes them in the journal's own transactions (fix/journal-message-store.ts).
 */
import { postgresFixTables, SQLITE_FIX_TABLES } from "../fix/fix-tables-ddl.js";

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sqlite: string;
  /** Statements for the given (already quoted) schema name. */
  readonly postgres: (schema: string) => string;
}

const TABLES = ["journal", "journal_order", "journal_parent", "journal_client_id"] as const;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "journal, order/parent/client-id indexes, append-only triggers",
    sqlite: `
      CREATE TABLE journal (
        seq INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        type TEXT NOT NULL,
        source TEXT,
        parent_id INTEGER,
        order_id INTEGER,
        child_id TEXT,
        causation INTEGER,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX journal_by_parent ON journal (parent_id) WHERE parent_id IS NOT NULL;
      CREATE INDEX journal_by_order ON journal (order_id) WHERE order_id IS NOT NULL;
      CREATE INDEX journal_by_child ON journal (child_id) WHERE child_id IS NOT NULL;
      CREATE TABLE journal_order (order_id INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (order_id, seq))
        WITHOUT ROWID;
      CREATE TABLE journal_parent (parent_id INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (parent_id, seq))
        WITHOUT ROWID;
      CREATE TABLE journal_client_id (
        cl_ord_id TEXT NOT NULL, source TEXT NOT NULL, seq INTEGER NOT NULL, order_id INTEGER,
        PRIMARY KEY (cl_ord_id, source, seq)
      ) WITHOUT ROWID;
      ${TABLES.map(
        (t) => `
      CREATE TRIGGER ${t}_no_update BEFORE UPDATE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END;
      CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END;`,
      ).join("")}
    `,
    postgres: (s) => `
      CREATE TABLE ${s}.journal (
        seq BIGINT PRIMARY KEY,
        time BIGINT NOT NULL,
        type TEXT NOT NULL,
        source TEXT,
        parent_id BIGINT,
        order_id BIGINT,
        child_id TEXT,
        causation BIGINT,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX journal_by_parent ON ${s}.journal (parent_id) WHERE parent_id IS NOT NULL;
      CREATE INDEX journal_by_order ON ${s}.journal (order_id) WHERE order_id IS NOT NULL;
      CREATE INDEX journal_by_child ON ${s}.journal (child_id) WHERE child_id IS NOT NULL;
      CREATE TABLE ${s}.journal_order (order_id BIGINT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (order_id, seq));
      CREATE TABLE ${s}.journal_parent (parent_id BIGINT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (parent_id, seq));
      CREATE TABLE ${s}.journal_client_id (
        cl_ord_id TEXT NOT NULL, source TEXT NOT NULL, seq BIGINT NOT NULL, order_id BIGINT,
        PRIMARY KEY (cl_ord_id, source, seq)
      );
      CREATE FUNCTION ${s}.journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
      ${TABLES.map(
        (t) => `
      CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${s}.${t}
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.journal_append_only();`,
      ).join("")}
    `,
  },
  {
    version: 2,
    description: "FIX message store (sessions' sequence numbers, sent messages) beside the events",
    sqlite: SQLITE_FIX_TABLES,
    postgres: postgresFixTables,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export const SQLITE_SCHEMA_TABLE = `CREATE TABLE IF NOT EXISTS tributary_schema (
  version INTEGER PRIMARY KEY, description TEXT NOT NULL)`;

export function postgresSchemaTable(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${schema}.tributary_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL)`;
}
