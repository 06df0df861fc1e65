/**
 * The journal in one SQLite file (better-sqlite3, WAL). Appends are synchronous: one transaction per batch, records
 * inserted ROWS_PER_INSERT at a time by multi-row prepared statements (a statement run costs more than a row), so the
 * journal can commit a batch without leaving the kernel's thread (group commit). The index tables' rows go the same
 * way, and a batch's last rows go by a statement cached for exactly that many rows, so a small batch (an idle flush)
 * also costs one statement run per table, not one per row.
 * `synchronous` is FULL by default: a committed batch survives a power cut, not only a crash of the process.
 * Opening checks the file is SQLite, holds a Tributary journal (`tributary_schema`) and is not from a newer version;
 * a writer applies missing migrations. Limits: one writer per file (SQLite's rule); reads by a second process see
 * committed batches only.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { JournalOpenError } from "./journal-errors.js";
import type { JournalRecord, StoredRecord } from "./journal-record.js";
import { COLUMNS, RECORD_COLUMNS, type JournalRow as Row, toStored } from "./journal-row.js";
import type { ClientIdRow, IndexCounts, JournalHead, SyncJournalStore } from "./journal-store.js";
import { MIGRATIONS, SCHEMA_VERSION, SQLITE_SCHEMA_TABLE } from "./migrations.js";

export interface SqliteJournalOptions {
  /**
   * "create": make the file and schema if absent (a writer); "open": the file must be an existing journal (a writer:
   * migrations applied); "read": an existing journal, opened read-only and left exactly as it is (audit, TCA).
   */
  readonly mode: "create" | "open" | "read";
  /** FULL (default) syncs the WAL on every commit; NORMAL only at checkpoints (durable against crashes, not power). */
  readonly synchronous?: "full" | "normal";
}

/** Records per multi-row INSERT (11 parameters each; SQLite allows 32,766 per statement). */
export const ROWS_PER_INSERT = 64;
const SQLITE_MAGIC = "SQLite format 3\u0000";
/** Lists longer than this go through a temporary table rather than an IN (...) list. */
const IN_LIST_MAX = 500;

export class SqliteJournalStore implements SyncJournalStore {
  readonly kind = "sqlite";
  readonly location: string;
  private readonly db: Database.Database;
  /** Null when opened read-only. */
  private readonly appendTx: BatchWriter | null;

  static open(path: string, options: SqliteJournalOptions): SqliteJournalStore {
    const exists = existsSync(path);
    if (!exists && options.mode !== "create") throw new JournalOpenError("journal-not-found", `${path}: no such file`);
    if (exists && statSync(path).isDirectory())
      throw new JournalOpenError("journal-not-sqlite", `${path}: a directory, not a journal file`);
    if (exists) checkMagic(path);
    const read = options.mode === "read";
    let db: Database.Database;
    try {
      db = new Database(path, { fileMustExist: options.mode !== "create", readonly: read });
    } catch (error) {
      throw new JournalOpenError("journal-not-found", `${path}: cannot open (${(error as Error).message})`, {
        cause: error,
      });
    }
    try {
      if (read) checkReadable(db, path);
      else {
        prepareSchema(db, path, options.mode === "create" ? "create" : "open");
        db.pragma("journal_mode = WAL");
        db.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
      }
      return new SqliteJournalStore(db, path, !read);
    } catch (error) {
      db.close();
      if (error instanceof JournalOpenError) throw error;
      const code = (error as { code?: string }).code;
      if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT")
        throw new JournalOpenError("journal-corrupt", `${path}: corrupt SQLite database (${code})`, { cause: error });
      throw error;
    }
  }

  private constructor(db: Database.Database, path: string, writer: boolean) {
    this.db = db;
    this.location = path;
    this.appendTx = writer ? batchWriter(db) : null;
  }

  /** The underlying connection, for tests and benchmarks that need raw SQL. */
  get database(): Database.Database {
    return this.db;
  }

  appendSync(batch: readonly JournalRecord[], alongside?: () => void): void {
    if (this.appendTx === null) throw new JournalOpenError("journal-read-only", `${this.location}: opened read-only`);
    if (batch.length > 0 || alongside !== undefined) this.appendTx(batch, alongside);
  }

  async append(batch: readonly JournalRecord[]): Promise<void> {
    this.appendSync(batch);
  }

  headSync(): JournalHead | null {
    const row = this.db.prepare("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").get() as
      | JournalHead
      | undefined;
    return row ?? null;
  }

  async head(): Promise<JournalHead | null> {
    return this.headSync();
  }

  async readRange(fromSeq: number, toSeq: number): Promise<StoredRecord[]> {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM journal j WHERE j.seq BETWEEN ? AND ? ORDER BY j.seq`)
      .all(fromSeq, toSeq) as Row[];
    return rows.map(toStored);
  }

  async readPayloads(fromSeq: number, toSeq: number): Promise<string[]> {
    return this.db
      .prepare("SELECT payload FROM journal WHERE seq BETWEEN ? AND ? ORDER BY seq")
      .pluck()
      .all(fromSeq, toSeq) as string[];
  }

  async findClientIds(clOrdId: string, source: string | null): Promise<ClientIdRow[]> {
    const rows = (
      source === null
        ? this.db
            .prepare("SELECT cl_ord_id, source, seq, order_id FROM journal_client_id WHERE cl_ord_id = ? ORDER BY seq")
            .all(clOrdId)
        : this.db
            .prepare(
              "SELECT cl_ord_id, source, seq, order_id FROM journal_client_id WHERE cl_ord_id = ? AND source = ?" +
                " ORDER BY seq",
            )
            .all(clOrdId, source)
    ) as { cl_ord_id: string; source: string; seq: number; order_id: number | null }[];
    return rows.map((r) => ({ clOrdId: r.cl_ord_id, source: r.source, seq: r.seq, orderId: r.order_id }));
  }

  async readByOrderIds(orderIds: readonly number[]): Promise<StoredRecord[]> {
    return this.byColumnOrSide("order_id", "journal_order", orderIds);
  }

  async readByParent(parentId: number, limit?: number): Promise<StoredRecord[]> {
    return this.byColumnOrSide("parent_id", "journal_parent", [parentId], limit);
  }

  async readByChildIds(childIds: readonly string[]): Promise<StoredRecord[]> {
    if (childIds.length === 0) return [];
    const out: StoredRecord[] = [];
    for (let i = 0; i < childIds.length; i += IN_LIST_MAX) {
      const part = childIds.slice(i, i + IN_LIST_MAX);
      const rows = this.db
        .prepare(`SELECT ${COLUMNS} FROM journal j WHERE j.child_id IN (${part.map(() => "?").join(",")})`)
        .all(...part) as Row[];
      for (const r of rows) out.push(toStored(r));
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  async readBySeqs(seqs: readonly number[]): Promise<StoredRecord[]> {
    if (seqs.length === 0) return [];
    const out: StoredRecord[] = [];
    for (let i = 0; i < seqs.length; i += IN_LIST_MAX) {
      const part = seqs.slice(i, i + IN_LIST_MAX);
      const rows = this.db
        .prepare(`SELECT ${COLUMNS} FROM journal j WHERE j.seq IN (${part.map(() => "?").join(",")})`)
        .all(...part) as Row[];
      for (const r of rows) out.push(toStored(r));
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  async indexCounts(): Promise<IndexCounts> {
    const count = (table: string): number =>
      (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { orders: count("journal_order"), parents: count("journal_parent"), clientIds: count("journal_client_id") };
  }

  closeSync(): void {
    if (this.db.open) this.db.close();
  }

  async close(): Promise<void> {
    this.closeSync();
  }

  /** Records whose column names one of the ids, or whose side-table rows do; in seq order, each once. */
  private byColumnOrSide(column: string, side: string, ids: readonly number[], limit?: number): StoredRecord[] {
    if (ids.length === 0) return [];
    const out: StoredRecord[] = [];
    for (let i = 0; i < ids.length; i += IN_LIST_MAX) {
      const part = ids.slice(i, i + IN_LIST_MAX);
      const list = part.map(() => "?").join(",");
      const rows = this.db
        .prepare(
          `SELECT ${COLUMNS} FROM journal j WHERE j.seq IN (SELECT seq FROM journal WHERE ${column} IN (${list})` +
            ` UNION ALL SELECT seq FROM ${side} WHERE ${column} IN (${list})) ORDER BY j.seq` +
            (limit === undefined ? "" : ` LIMIT ${Math.floor(limit)}`),
        )
        .all(...part, ...part) as Row[];
      for (const r of rows) out.push(toStored(r));
    }
    if (limit !== undefined && out.length > limit) out.length = limit;
    out.sort((a, b) => a.seq - b.seq);
    return dedupe(out);
  }
}

type BatchWriter = (batch: readonly JournalRecord[], alongside: (() => void) | undefined) => void;

/**
 * Appends a batch in one transaction: its records and index rows by the multi-row inserters, then `alongside` (a
 * companion's writes) in the same transaction.
 */
function batchWriter(db: Database.Database): BatchWriter {
  const journalRows = new RowInserter(db, `INSERT INTO journal (${RECORD_COLUMNS}) VALUES`, 11);
  const orderRows = new RowInserter(db, "INSERT INTO journal_order (order_id, seq) VALUES", 2);
  const parentRows = new RowInserter(db, "INSERT INTO journal_parent (parent_id, seq) VALUES", 2);
  const clientIdRows = new RowInserter(
    db,
    "INSERT INTO journal_client_id (cl_ord_id, source, seq, order_id) VALUES",
    4,
  );
  const inserters = [journalRows, orderRows, parentRows, clientIdRows];
  const tx = db.transaction((batch: readonly JournalRecord[], alongside: (() => void) | undefined) => {
    for (let b = 0; b < batch.length; b++) {
      const r = batch[b] as JournalRecord;
      const v = journalRows.values;
      let at = journalRows.at;
      v[at++] = r.seq;
      v[at++] = r.time;
      v[at++] = r.type;
      v[at++] = r.source;
      v[at++] = r.parentId;
      v[at++] = r.orderId;
      v[at++] = r.childId;
      v[at++] = r.causation;
      v[at++] = r.payload;
      v[at++] = r.prevHash;
      v[at++] = r.hash;
      journalRows.at = at;
      journalRows.row();
      const moreOrders = r.moreOrderIds;
      for (let k = 0; k < moreOrders.length; k++) orderRows.add2(moreOrders[k], r.seq);
      const moreParents = r.moreParentIds;
      for (let k = 0; k < moreParents.length; k++) parentRows.add2(moreParents[k], r.seq);
      const refs = r.clientRefs;
      for (let k = 0; k < refs.length; k++) {
        const ref = refs[k] as JournalRecord["clientRefs"][number];
        clientIdRows.add4(ref.clOrdId, ref.source, r.seq, ref.orderId);
      }
    }
    for (const inserter of inserters) inserter.flush();
    alongside?.();
  });
  return (batch, alongside) => {
    try {
      tx(batch, alongside);
    } catch (error) {
      for (const inserter of inserters) inserter.reset();
      throw error;
    }
  };
}

/**
 * Rows of one table inserted ROWS_PER_INSERT at a time by one prepared multi-row INSERT, the rest of a batch by a
 * statement prepared (once, then cached) for exactly that many rows: one statement run per 64 rows whatever the
 * batch's size. Values are written into one reused parameter array.
 */
class RowInserter {
  /** Parameters of the rows so far, row after row. */
  readonly values: unknown[];
  /** Parameters written so far. */
  at = 0;
  private rows = 0;
  private readonly statements: (Database.Statement | undefined)[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly head: string,
    private readonly width: number,
  ) {
    this.values = new Array(ROWS_PER_INSERT * width);
  }

  add2(a: unknown, b: unknown): void {
    const v = this.values;
    v[this.at++] = a;
    v[this.at++] = b;
    this.row();
  }

  add4(a: unknown, b: unknown, c: unknown, d: unknown): void {
    const v = this.values;
    v[this.at++] = a;
    v[this.at++] = b;
    v[this.at++] = c;
    v[this.at++] = d;
    this.row();
  }

  /** Counts a row whose `width` values were written; runs the statement once ROWS_PER_INSERT rows wait. */
  row(): void {
    if (++this.rows === ROWS_PER_INSERT) {
      this.statement(ROWS_PER_INSERT).run(this.values);
      this.at = 0;
      this.rows = 0;
    }
  }

  flush(): void {
    if (this.rows === 0) return;
    this.statement(this.rows).run(this.values.slice(0, this.at));
    this.reset();
  }

  reset(): void {
    this.at = 0;
    this.rows = 0;
  }

  private statement(rows: number): Database.Statement {
    let statement = this.statements[rows];
    if (statement === undefined) {
      const one = `(${new Array(this.width).fill("?").join(", ")})`;
      statement = this.db.prepare(`${this.head} ${new Array(rows).fill(one).join(", ")}`);
      this.statements[rows] = statement;
    }
    return statement;
  }
}

function dedupe(sorted: StoredRecord[]): StoredRecord[] {
  return sorted.filter((r, i) => i === 0 || (sorted[i - 1] as StoredRecord).seq !== r.seq);
}

function checkMagic(path: string): void {
  const fd = openSync(path, "r");
  try {
    const header = Buffer.alloc(16);
    const n = readSync(fd, header, 0, 16, 0);
    if (n === 0) return; // an empty file is an empty SQLite database
    if (n < 16 || header.toString("latin1") !== SQLITE_MAGIC)
      throw new JournalOpenError("journal-not-sqlite", `${path}: not a SQLite database`);
  } finally {
    closeSync(fd);
  }
}

/** A journal opened to read: its schema table and journal table exist, its version is one this build reads. */
function checkReadable(db: Database.Database, path: string): void {
  const table = (name: string) =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  if (!table("tributary_schema"))
    throw new JournalOpenError(
      "journal-foreign",
      `${path}: not a Tributary journal (a SQLite database without the tributary_schema table)`,
    );
  const current = (db.prepare("SELECT max(version) AS v FROM tributary_schema").get() as { v: number | null }).v ?? 0;
  if (current > SCHEMA_VERSION)
    throw new JournalOpenError(
      "journal-schema-newer",
      `${path}: journal schema version ${current} is newer than this Tributary reads (${SCHEMA_VERSION}); upgrade Tributary`,
    );
  for (const name of ["journal", "journal_order", "journal_parent", "journal_client_id"])
    if (!table(name)) throw new JournalOpenError("journal-corrupt", `${path}: the ${name} table is missing`);
}

function prepareSchema(db: Database.Database, path: string, mode: "create" | "open"): void {
  const hasSchema =
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tributary_schema'").get() !== undefined;
  if (!hasSchema) {
    const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number }).n;
    if (mode === "open" || tables > 0)
      throw new JournalOpenError(
        "journal-foreign",
        `${path}: not a Tributary journal (a SQLite database without the tributary_schema table)`,
      );
    db.exec(SQLITE_SCHEMA_TABLE);
  }
  const current = (db.prepare("SELECT max(version) AS v FROM tributary_schema").get() as { v: number | null }).v ?? 0;
  if (current > SCHEMA_VERSION)
    throw new JournalOpenError(
      "journal-schema-newer",
      `${path}: journal schema version ${current} is newer than this Tributary reads (${SCHEMA_VERSION}); upgrade Tributary`,
    );
  const record = db.prepare("INSERT INTO tributary_schema (version, description) VALUES (?, ?)");
  db.transaction(() => {
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sqlite);
      record.run(m.version, m.description);
    }
  })();
}
