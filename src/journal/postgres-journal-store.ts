/**
 * The journal in PostgreSQL (node-postgres). Each batch is one transaction: the records and their index rows go in by
 * COPY FROM STDIN (pg-copy-streams), the fastest way into PostgreSQL from Node (bench/journal.bench.ts compares it with
 * a multi-row `INSERT ... SELECT FROM unnest($1, ...)`, available here as `method: "unnest"`). A writer with time to
 * spare between writes (the threaded journal's worker) formats batches ahead with `copyRows` and appends several in one
 * transaction with `appendCopyRows`. Tables live in one schema (default `public`; tests use a schema of their own and
 * drop it). Opening checks the server answers, the schema holds a Tributary journal (`tributary_schema`) and is not
 * from a newer version; a writer applies missing migrations under an advisory lock. Limits: one connection, so reads
 * wait behind a write in progress; bigint columns come back as JS numbers (seqs and times stay below 2^53).
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { JournalOpenError } from "./journal-errors.js";
import type { JournalRecord, StoredRecord } from "./journal-record.js";
import { COLUMNS, RECORD_COLUMNS, type JournalRow as Row, recordValues, toStored } from "./journal-row.js";
import type { ClientIdRow, IndexCounts, JournalHead, JournalStore } from "./journal-store.js";
import { MIGRATIONS, postgresSchemaTable, SCHEMA_VERSION } from "./migrations.js";

export interface PostgresJournalOptions {
  readonly url: string;
  readonly mode: "create" | "open";
  /** The schema holding the tables (default "public"). */
  readonly schema?: string;
  /** How batches are written (default "copy"). */
  readonly method?: "copy" | "unnest";
}

const BIGINT_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === BIGINT_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as "text")) as never,
};

/** The URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** COPY text format: backslash, tab, newline and carriage return escaped; null as \N. */
function copyText(value: string | null): string {
  if (value === null) return "\\N";
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"))
    : value;
}

function copyNum(value: number | null): string {
  return value === null ? "\\N" : String(value);
}

/** A batch formatted for COPY: each table's rows as COPY text (the CPU half of an append, which can run ahead). */
export interface CopyRows {
  readonly records: string;
  readonly orders: string;
  readonly parents: string;
  readonly clientIds: string;
}

export function copyRows(batch: readonly JournalRecord[]): CopyRows {
  // Lines joined once: a string grown by += is a rope of every piece, all kept alive (and copied by each young-generation
  // collection) until it is flattened.
  const records: string[] = new Array(batch.length);
  let orders = "";
  let parents = "";
  let clientIds = "";
  for (let i = 0; i < batch.length; i++) {
    const r = batch[i] as JournalRecord;
    const seq = r.seq;
    records[i] =
      `${seq}\t${r.time}\t${copyText(r.type)}\t${copyText(r.source)}\t${copyNum(r.parentId)}\t${copyNum(r.orderId)}\t` +
      `${copyText(r.childId)}\t${copyNum(r.causation)}\t${copyText(r.payload)}\t${r.prevHash}\t${r.hash}\n`;
    for (let k = 0; k < r.moreOrderIds.length; k++) orders += `${r.moreOrderIds[k]}\t${seq}\n`;
    for (let k = 0; k < r.moreParentIds.length; k++) parents += `${r.moreParentIds[k]}\t${seq}\n`;
    for (const ref of r.clientRefs)
      clientIds += `${copyText(ref.clOrdId)}\t${copyText(ref.source)}\t${seq}\t${copyNum(ref.orderId)}\n`;
  }
  return { records: records.join(""), orders, parents, clientIds };
}

export class PostgresJournalStore implements JournalStore {
  readonly kind = "postgres";
  readonly location: string;
  private readonly s: string;

  static async open(options: PostgresJournalOptions): Promise<PostgresJournalStore> {
    const location = redactUrl(options.url);
    if (!/^postgres(ql)?:\/\//.test(options.url))
      throw new JournalOpenError("journal-pg-unreachable", `--pg: "${location}" is not a postgres:// URL`);
    const client = new pg.Client({ connectionString: options.url, types, connectionTimeoutMillis: 5_000 });
    client.on("error", () => {}); // a dropped connection surfaces as the next query's error
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      const e = error as { code?: string; message: string };
      throw new JournalOpenError(
        "journal-pg-unreachable",
        `--pg ${location}: cannot connect (${e.code ?? ""}${e.code ? ": " : ""}${e.message || "no answer"})`,
        { cause: error },
      );
    }
    const store = new PostgresJournalStore(client, location, options.schema ?? "public", options.method ?? "copy");
    try {
      await store.prepareSchema(options.mode, options.schema ?? "public");
    } catch (error) {
      await client.end().catch(() => {});
      if (error instanceof JournalOpenError) throw error;
      throw new JournalOpenError("journal-pg-error", `--pg ${location}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return store;
  }

  private constructor(
    private readonly client: pg.Client,
    location: string,
    readonly schema: string,
    private readonly method: "copy" | "unnest",
  ) {
    this.location = location;
    this.s = quoteIdent(schema);
  }

  /** The connection: a journal companion's (in the journal's transactions), and tests' and benchmarks' raw SQL. */
  get connection(): pg.Client {
    return this.client;
  }

  async append(batch: readonly JournalRecord[]): Promise<void> {
    if (batch.length === 0) return;
    if (this.method === "copy") await this.appendCopyRows([copyRows(batch)]);
    else await this.transaction(() => this.appendUnnest(batch));
  }

  /**
   * Batches formatted beforehand (`copyRows`), in seq order, appended in one transaction by COPY; `alongside` runs in
   * that transaction, on this connection, after the records, and its writes (a `JournalCompanion`'s) commit or roll
   * back with them.
   */
  async appendCopyRows(parts: readonly CopyRows[], alongside?: () => void | Promise<void>): Promise<void> {
    if (parts.length === 0 && alongside === undefined) return;
    const text = (table: keyof CopyRows): string =>
      parts.length === 1 ? (parts[0] as CopyRows)[table] : parts.map((p) => p[table]).join("");
    await this.transaction(async () => {
      await this.copy("journal", RECORD_COLUMNS, text("records"));
      await this.copy("journal_order", "order_id, seq", text("orders"));
      await this.copy("journal_parent", "parent_id, seq", text("parents"));
      await this.copy("journal_client_id", "cl_ord_id, source, seq, order_id", text("clientIds"));
      await alongside?.();
    });
  }

  private async transaction(run: () => Promise<void>): Promise<void> {
    await this.client.query("BEGIN");
    try {
      await run();
      await this.client.query("COMMIT");
    } catch (error) {
      await this.client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  }

  async head(): Promise<JournalHead | null> {
    const r = await this.client.query<JournalHead>(`SELECT seq, hash FROM ${this.s}.journal ORDER BY seq DESC LIMIT 1`);
    return r.rows[0] ?? null;
  }

  async readRange(fromSeq: number, toSeq: number): Promise<StoredRecord[]> {
    const r = await this.client.query<Row>(
      `SELECT ${COLUMNS} FROM ${this.s}.journal j WHERE j.seq BETWEEN $1 AND $2 ORDER BY j.seq`,
      [fromSeq, toSeq],
    );
    return r.rows.map(toStored);
  }

  async readPayloads(fromSeq: number, toSeq: number): Promise<string[]> {
    const r = await this.client.query<[string]>({
      text: `SELECT payload FROM ${this.s}.journal WHERE seq BETWEEN $1 AND $2 ORDER BY seq`,
      values: [fromSeq, toSeq],
      rowMode: "array",
    });
    return r.rows.map((row) => row[0]);
  }

  async findClientIds(clOrdId: string, source: string | null): Promise<ClientIdRow[]> {
    const r = await this.client.query<{ cl_ord_id: string; source: string; seq: number; order_id: number | null }>(
      `SELECT cl_ord_id, source, seq, order_id FROM ${this.s}.journal_client_id WHERE cl_ord_id = $1` +
        (source === null ? "" : " AND source = $2") +
        " ORDER BY seq",
      source === null ? [clOrdId] : [clOrdId, source],
    );
    return r.rows.map((x) => ({ clOrdId: x.cl_ord_id, source: x.source, seq: x.seq, orderId: x.order_id }));
  }

  async readByOrderIds(orderIds: readonly number[]): Promise<StoredRecord[]> {
    return this.byColumnOrSide("order_id", "journal_order", orderIds);
  }

  async readByParent(parentId: number, limit?: number): Promise<StoredRecord[]> {
    return this.byColumnOrSide("parent_id", "journal_parent", [parentId], limit);
  }

  private async byColumnOrSide(
    column: string,
    side: string,
    ids: readonly number[],
    limit?: number,
  ): Promise<StoredRecord[]> {
    if (ids.length === 0) return [];
    const r = await this.client.query<Row>(
      // "IS NOT NULL" lets the planner use the partial index on the column; joining the (few) seqs found to the
      // journal makes one primary-key lookup each.
      `SELECT ${COLUMNS} FROM (SELECT seq FROM ${this.s}.journal WHERE ${column} = ANY($1::bigint[])` +
        ` AND ${column} IS NOT NULL UNION SELECT seq FROM ${this.s}.${side} WHERE ${column} = ANY($1::bigint[])) s` +
        ` JOIN ${this.s}.journal j ON j.seq = s.seq` +
        ` ORDER BY j.seq${limit === undefined ? "" : ` LIMIT ${Math.floor(limit)}`}`,
      [ids],
    );
    return r.rows.map(toStored);
  }

  async readByChildIds(childIds: readonly string[]): Promise<StoredRecord[]> {
    if (childIds.length === 0) return [];
    const r = await this.client.query<Row>(
      `SELECT ${COLUMNS} FROM ${this.s}.journal j WHERE j.child_id = ANY($1::text[]) AND j.child_id IS NOT NULL` +
        " ORDER BY j.seq",
      [childIds],
    );
    return r.rows.map(toStored);
  }

  async readBySeqs(seqs: readonly number[]): Promise<StoredRecord[]> {
    if (seqs.length === 0) return [];
    const r = await this.client.query<Row>(
      `SELECT ${COLUMNS} FROM ${this.s}.journal j WHERE j.seq = ANY($1::bigint[]) ORDER BY j.seq`,
      [seqs],
    );
    return r.rows.map(toStored);
  }

  async indexCounts(): Promise<IndexCounts> {
    const r = await this.client.query<{ orders: number; parents: number; client_ids: number }>(
      `SELECT (SELECT count(*) FROM ${this.s}.journal_order)::bigint AS orders,` +
        ` (SELECT count(*) FROM ${this.s}.journal_parent)::bigint AS parents,` +
        ` (SELECT count(*) FROM ${this.s}.journal_client_id)::bigint AS client_ids`,
    );
    const row = r.rows[0] as { orders: number; parents: number; client_ids: number };
    return { orders: row.orders, parents: row.parents, clientIds: row.client_ids };
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  private async copy(table: string, columns: string, text: string): Promise<void> {
    if (text.length === 0) return;
    const stream = this.client.query(copyFrom(`COPY ${this.s}.${table} (${columns}) FROM STDIN`));
    await pipeline(Readable.from([text]), stream);
  }

  private async appendUnnest(batch: readonly JournalRecord[]): Promise<void> {
    const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
    const orders: [number[], number[]] = [[], []];
    const parents: [number[], number[]] = [[], []];
    const refs: [string[], string[], number[], (number | null)[]] = [[], [], [], []];
    for (const r of batch) {
      const row = recordValues(r);
      for (let c = 0; c < row.length; c++) (cols[c] as unknown[]).push(row[c]);
      for (const o of r.moreOrderIds) {
        orders[0].push(o);
        orders[1].push(r.seq);
      }
      for (const p of r.moreParentIds) {
        parents[0].push(p);
        parents[1].push(r.seq);
      }
      for (const ref of r.clientRefs) {
        refs[0].push(ref.clOrdId);
        refs[1].push(ref.source);
        refs[2].push(r.seq);
        refs[3].push(ref.orderId);
      }
    }
    await this.client.query(
      `INSERT INTO ${this.s}.journal (${RECORD_COLUMNS}) SELECT * FROM unnest($1::bigint[], $2::bigint[],` +
        " $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::text[]," +
        " $11::text[])",
      cols,
    );
    if (orders[0].length > 0)
      await this.client.query(
        `INSERT INTO ${this.s}.journal_order (order_id, seq) SELECT * FROM unnest($1::bigint[], $2::bigint[])`,
        orders,
      );
    if (parents[0].length > 0)
      await this.client.query(
        `INSERT INTO ${this.s}.journal_parent (parent_id, seq) SELECT * FROM unnest($1::bigint[], $2::bigint[])`,
        parents,
      );
    if (refs[0].length > 0)
      await this.client.query(
        `INSERT INTO ${this.s}.journal_client_id (cl_ord_id, source, seq, order_id)` +
          " SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])",
        refs,
      );
  }

  private async prepareSchema(mode: "create" | "open", schema: string): Promise<void> {
    const where = `${this.location} (schema ${schema})`;
    const exists = async (table: string): Promise<boolean> => {
      const r = await this.client.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [
        `${this.s}.${table}`,
      ]);
      return r.rows[0]?.t !== null && r.rows[0]?.t !== undefined;
    };
    if (mode === "open" && !(await exists("tributary_schema")))
      throw new JournalOpenError(
        "journal-foreign",
        `--pg ${where}: not a Tributary journal (no tributary_schema table)`,
      );
    await this.client.query("BEGIN");
    try {
      await this.client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`tributary-journal:${schema}`]);
      if (mode === "create") {
        if (!(await exists("tributary_schema")) && (await exists("journal")))
          throw new JournalOpenError(
            "journal-foreign",
            `--pg ${where}: not a Tributary journal (a journal table without tributary_schema)`,
          );
        await this.client.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
        await this.client.query(postgresSchemaTable(this.s));
      }
      const r = await this.client.query<{ v: number | null }>(
        `SELECT max(version) AS v FROM ${this.s}.tributary_schema`,
      );
      const current = r.rows[0]?.v ?? 0;
      if (current > SCHEMA_VERSION)
        throw new JournalOpenError(
          "journal-schema-newer",
          `--pg ${where}: journal schema version ${current} is newer than this Tributary reads (${SCHEMA_VERSION}); upgrade Tributary`,
        );
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        await this.client.query(m.postgres(this.s));
        await this.client.query(`INSERT INTO ${this.s}.tributary_schema (version, description) VALUES ($1, $2)`, [
          m.version,
          m.description,
        ]);
      }
      await this.client.query("COMMIT");
    } catch (error) {
      await this.client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  }
}
