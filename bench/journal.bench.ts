/**
 * Journal append throughput and audit lookup time (targets: at least 200,000 events/s to SQLite and 50,000 events/s
 * to PostgreSQL, at least 0.7 of the raw driver inserting the same rows; an order's life from a journal of 10M events
 * in under 100 ms).
 *
 * Workload: `journalEvents` (bench/journal-workload.ts), the event mix of a demo run, about 285 bytes of JSON each.
 * Append, per store, each timed from the first event to the last commit, median of `runs` runs (alternating ours and
 * raw, a fresh database each):
 * - ours: the `Journal` subscribed path (canonical JSON, correlation, causation, SHA-256 chain, group commit of
 *   `batchSize`); and `ThreadedJournal` on each store (same records, written on a worker thread, which writes what
 *   queued during its last write in one transaction; the figure that matters to the kernel is the time its thread
 *   spends in `append`, back-pressure waits included);
 * - raw: the driver inserting the very same rows (built untimed beforehand) into the same tables in the best way it
 *   can: better-sqlite3 multi-row prepared INSERTs (64 rows a statement) in one transaction per batch; node-postgres
 *   COPY FROM STDIN (pg-copy-streams) in one transaction per batch, and for comparison a multi-row
 *   `INSERT ... SELECT FROM unnest($1, ...)`.
 * Same durability on both sides: SQLite WAL with synchronous=FULL (the store's default), PostgreSQL's defaults.
 * Lookup: a journal of `lookupEvents` built in bulk (untimed), then `orderLife` (the `tributary audit --order` query:
 * client id, order, allocation causes, children, parent creation) for 200 random client ids, each timed alone: p50,
 * p99, max.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type Database from "better-sqlite3";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { Random } from "../src/core/random.js";
import { canonicalJson } from "../src/journal/canonical-json.js";
import { CausationTracker } from "../src/journal/correlation.js";
import { Journal } from "../src/journal/journal.js";
import { GENESIS_HASH, type JournalRecord, makeRecord } from "../src/journal/journal-record.js";
import { RECORD_COLUMNS, recordValues } from "../src/journal/journal-row.js";
import type { JournalStore } from "../src/journal/journal-store.js";
import type { JournalTarget } from "../src/journal/journal-target.js";
import { orderLife } from "../src/journal/order-life.js";
import { PostgresJournalStore, quoteIdent } from "../src/journal/postgres-journal-store.js";
import { ROWS_PER_INSERT, SqliteJournalStore } from "../src/journal/sqlite-journal-store.js";
import { ThreadedJournal } from "../src/journal/threaded-journal.js";
import type { EngineEvent } from "../src/model/client-events.js";
import { collectGarbage, median, pad, si } from "./harness.js";
import { journalEvents } from "./journal-workload.js";

export interface JournalBenchOptions {
  events: number;
  runs: number;
  batchSize: number;
  /** Rows per multi-row INSERT on the raw side (the store uses ROWS_PER_INSERT). */
  rowsPerInsert: number;
  lookupEvents: number;
  lookups: number;
  pgUrl: string;
  /** Which parts to run: "sqlite", "postgres", "lookup" (all by default). */
  parts: readonly string[];
}

export const DEFAULT_JOURNAL_BENCH: JournalBenchOptions = {
  events: Number(process.env.JOURNAL_BENCH_EVENTS ?? 200_000),
  batchSize: 4_096,
  rowsPerInsert: Number(process.env.JOURNAL_BENCH_RAW_ROWS ?? ROWS_PER_INSERT),
  lookupEvents: Number(process.env.JOURNAL_LOOKUP_EVENTS ?? 1_000_000),
  lookups: 200,
  pgUrl: process.env.TRIBUTARY_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432/test",
  runs: Number(process.env.JOURNAL_BENCH_RUNS ?? 3),
  parts: (process.env.JOURNAL_BENCH_PARTS ?? "sqlite,postgres,lookup").split(","),
};

function records(events: readonly EngineEvent[]): JournalRecord[] {
  const causation = new CausationTracker();
  let prev = GENESIS_HASH;
  return events.map((e) => {
    const r = makeRecord(e as never, canonicalJson(e), causation.next(e as never, e.seq), prev);
    prev = r.hash;
    return r;
  });
}

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

// ---- SQLite ------------------------------------------------------------------------------------------------------

function freshSqlite(dir: string, name: string): { path: string; store: SqliteJournalStore } {
  const path = join(dir, `${name}.db`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
  return { path, store: SqliteJournalStore.open(path, { mode: "create" }) };
}

function sqliteOurs(dir: string, events: readonly EngineEvent[], batchSize: number): number {
  const { store } = freshSqlite(dir, "ours");
  collectGarbage();
  const start = process.hrtime.bigint();
  const journal = Journal.openSync(store, { batchSize });
  for (const e of events) journal.append(e);
  journal.closeSync();
  return seconds(start);
}

type Timing = { total: number; kernel: number; open: number };

/**
 * `ThreadedJournal` on a fresh store: the time from the first event to the last commit, the kernel thread's time in
 * `append`, and apart, the time to open (start the worker, which loads its modules and connects: the raw side's
 * connection is made untimed too).
 */
function threaded(
  target: JournalTarget,
  events: readonly EngineEvent[],
  batchSize: number,
  hashing: "worker" | "kernel",
): Timing {
  collectGarbage();
  const opening = process.hrtime.bigint();
  const journal = new ThreadedJournal(target, { hashing, batchSize });
  const open = seconds(opening);
  const start = process.hrtime.bigint();
  for (const e of events) journal.append(e);
  const kernel = seconds(start);
  journal.closeSync();
  return { total: seconds(start), kernel, open };
}

function sqliteThreaded(
  dir: string,
  events: readonly EngineEvent[],
  batchSize: number,
  hashing: "worker" | "kernel",
): Timing {
  const { path, store } = freshSqlite(dir, "threaded");
  store.closeSync();
  return threaded({ kind: "sqlite", path, synchronous: "full" }, events, batchSize, hashing);
}

/**
 * better-sqlite3 inserting the same rows into the same tables the best way we found: every table's rows by multi-row
 * prepared INSERTs of `rowsPerInsert` rows (a batch's last rows by a statement for exactly that many), one transaction
 * per batch. The parameter arrays are built before timing, so the timed part is the statement runs and commits only.
 */
function sqliteRaw(dir: string, rows: readonly JournalRecord[], batchSize: number, rowsPerInsert: number): number {
  const { store } = freshSqlite(dir, "raw");
  const db = store.database;
  const statements = new Map<string, Database.Statement>();
  const statement = (head: string, width: number, count: number): Database.Statement => {
    const key = `${head}/${count}`;
    let s = statements.get(key);
    if (s === undefined) {
      const one = `(${new Array(width).fill("?").join(", ")})`;
      s = db.prepare(`${head} ${new Array(count).fill(one).join(", ")}`);
      statements.set(key, s);
    }
    return s;
  };
  const tables: [string, number, (r: JournalRecord) => unknown[][]][] = [
    [`INSERT INTO journal (${RECORD_COLUMNS}) VALUES`, 11, (r) => [recordValues(r)]],
    ["INSERT INTO journal_order (order_id, seq) VALUES", 2, (r) => r.moreOrderIds.map((o) => [o, r.seq])],
    ["INSERT INTO journal_parent (parent_id, seq) VALUES", 2, (r) => r.moreParentIds.map((p) => [p, r.seq])],
    [
      "INSERT INTO journal_client_id (cl_ord_id, source, seq, order_id) VALUES",
      4,
      (r) => r.clientRefs.map((c) => [c.clOrdId, c.source, r.seq, c.orderId]),
    ],
  ];
  const batches: [Database.Statement, unknown[]][][] = [];
  for (let i = 0; i < rows.length; i += batchSize) {
    const runs: [Database.Statement, unknown[]][] = [];
    const batch = rows.slice(i, i + batchSize);
    for (const [head, width, rowsOf] of tables) {
      const all = batch.flatMap(rowsOf);
      for (let k = 0; k < all.length; k += rowsPerInsert) {
        const part = all.slice(k, k + rowsPerInsert);
        runs.push([statement(head, width, part.length), part.flat()]);
      }
    }
    batches.push(runs);
  }
  const tx = db.transaction((runs: [Database.Statement, unknown[]][]) => {
    for (const [s, params] of runs) s.run(params);
  });
  collectGarbage();
  const start = process.hrtime.bigint();
  for (const runs of batches) tx(runs);
  store.closeSync();
  return seconds(start);
}

// ---- PostgreSQL --------------------------------------------------------------------------------------------------

async function freshPg(url: string, schema: string, method: "copy" | "unnest"): Promise<PostgresJournalStore> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await admin.end();
  return PostgresJournalStore.open({ url, schema, mode: "create", method });
}

async function pgThreaded(
  url: string,
  schema: string,
  events: readonly EngineEvent[],
  batchSize: number,
  hashing: "worker" | "kernel",
): Promise<Timing> {
  await (await freshPg(url, schema, "copy")).close();
  return threaded({ kind: "postgres", url, schema }, events, batchSize, hashing);
}

async function pgOurs(
  url: string,
  schema: string,
  events: readonly EngineEvent[],
  batchSize: number,
  method: "copy" | "unnest",
): Promise<number> {
  const store = await freshPg(url, schema, method);
  collectGarbage();
  const start = process.hrtime.bigint();
  const journal = await Journal.open(store, { batchSize, highWaterMark: batchSize * 8 });
  // The kernel's side: events arrive in bursts; between bursts the event loop runs the writer.
  for (let i = 0; i < events.length; i++) {
    journal.append(events[i] as EngineEvent);
    if (!journal.writable) await journal.whenWritable();
  }
  await journal.close();
  return seconds(start);
}

function copyText(value: string | null): string {
  if (value === null) return "\\N";
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"))
    : value;
}

async function pgRaw(
  url: string,
  schema: string,
  rows: readonly JournalRecord[],
  batchSize: number,
  method: "copy" | "unnest",
): Promise<number> {
  const store = await freshPg(url, schema, "copy");
  await store.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const s = quoteIdent(schema);
  const cols = RECORD_COLUMNS;
  const n = (x: number | null): string => (x === null ? "\\N" : String(x));
  const copy = async (sql: string, text: string): Promise<void> => {
    if (text.length > 0) await pipeline(Readable.from([text]), client.query(copyFrom(sql)));
  };
  collectGarbage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    await client.query("BEGIN");
    if (method === "copy") {
      let main = "";
      let orders = "";
      let parents = "";
      let clients = "";
      for (const r of batch) {
        main += `${r.seq}\t${r.time}\t${copyText(r.type)}\t${copyText(r.source)}\t${n(r.parentId)}\t${n(r.orderId)}\t${copyText(r.childId)}\t${n(r.causation)}\t${copyText(r.payload)}\t${r.prevHash}\t${r.hash}\n`;
        for (const o of r.moreOrderIds) orders += `${o}\t${r.seq}\n`;
        for (const p of r.moreParentIds) parents += `${p}\t${r.seq}\n`;
        for (const c of r.clientRefs)
          clients += `${copyText(c.clOrdId)}\t${copyText(c.source)}\t${r.seq}\t${n(c.orderId)}\n`;
      }
      await copy(`COPY ${s}.journal (${cols}) FROM STDIN`, main);
      await copy(`COPY ${s}.journal_order (order_id, seq) FROM STDIN`, orders);
      await copy(`COPY ${s}.journal_parent (parent_id, seq) FROM STDIN`, parents);
      await copy(`COPY ${s}.journal_client_id (cl_ord_id, source, seq, order_id) FROM STDIN`, clients);
    } else {
      const c: unknown[][] = Array.from({ length: 11 }, () => []);
      const o: number[][] = [[], []];
      const p: number[][] = [[], []];
      const k: unknown[][] = [[], [], [], []];
      for (const r of batch) {
        const v = recordValues(r);
        for (let j = 0; j < 11; j++) (c[j] as unknown[]).push(v[j]);
        for (const x of r.moreOrderIds) {
          (o[0] as number[]).push(x);
          (o[1] as number[]).push(r.seq);
        }
        for (const x of r.moreParentIds) {
          (p[0] as number[]).push(x);
          (p[1] as number[]).push(r.seq);
        }
        for (const x of r.clientRefs) {
          (k[0] as unknown[]).push(x.clOrdId);
          (k[1] as unknown[]).push(x.source);
          (k[2] as unknown[]).push(r.seq);
          (k[3] as unknown[]).push(x.orderId);
        }
      }
      await client.query(
        `INSERT INTO ${s}.journal (${cols}) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[],` +
          " $5::bigint[], $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[])",
        c,
      );
      if ((o[0] as number[]).length > 0)
        await client.query(`INSERT INTO ${s}.journal_order SELECT * FROM unnest($1::bigint[], $2::bigint[])`, o);
      if ((p[0] as number[]).length > 0)
        await client.query(`INSERT INTO ${s}.journal_parent SELECT * FROM unnest($1::bigint[], $2::bigint[])`, p);
      if ((k[0] as unknown[]).length > 0)
        await client.query(
          `INSERT INTO ${s}.journal_client_id SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])`,
          k,
        );
    }
    await client.query("COMMIT");
  }
  const elapsed = seconds(start);
  await client.end();
  return elapsed;
}

// ---- lookup ------------------------------------------------------------------------------------------------------

/** Builds a journal of `count` events in chunks (records made chunk by chunk to bound memory). */
async function bulkJournal(store: JournalStore, count: number): Promise<void> {
  const chunk = 200_000;
  const all = journalEvents(count);
  const causation = new CausationTracker();
  let prev = GENESIS_HASH;
  for (let from = 0; from < count; from += chunk) {
    const part = all.slice(from, from + chunk).map((e) => {
      const r = makeRecord(e as never, canonicalJson(e), causation.next(e as never, e.seq), prev);
      prev = r.hash;
      return r;
    });
    for (let i = 0; i < part.length; i += 20_000) await store.append(part.slice(i, i + 20_000));
  }
}

async function lookups(store: JournalStore, orders: number, count: number): Promise<string> {
  const random = new Random(7);
  const times: number[] = [];
  let events = 0;
  for (let i = 0; i < count; i++) {
    const id = `B${random.int(1, orders)}`;
    const start = process.hrtime.bigint();
    const life = await orderLife(store, id, null);
    times.push(seconds(start) * 1e3);
    if (life === null) throw new Error(`journal bench: ${id} not found`);
    events += life.records.length;
  }
  times.sort((a, b) => a - b);
  const at = (p: number): number =>
    times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] as number;
  return (
    `p50 ${at(50).toFixed(2)} ms, p99 ${at(99).toFixed(2)} ms, max ${(times[times.length - 1] as number).toFixed(2)} ms` +
    ` (${(events / count).toFixed(1)} events an order)`
  );
}

// ---- the bench ---------------------------------------------------------------------------------------------------

/**
 * Each run times ours and raw back to back, so on a shared machine a run's own ratio is the fairer comparison: the
 * median of the runs' ratios (raw's time over ours), and each run's.
 */
function runRatios(raw: readonly number[]): (ours: readonly number[]) => string {
  return (ours) => {
    const byRun = ours.map((x, r) => (raw[r] as number) / x);
    return `median of runs' ratios ${median(byRun).toFixed(2)}; by run: ${byRun.map((x) => x.toFixed(2)).join(" ")}`;
  };
}

type Line = (name: string, eventsPerSecond: number, extra?: string) => void;

function sqliteAppend(
  options: JournalBenchOptions,
  dir: string,
  events: readonly EngineEvent[],
  rows: readonly JournalRecord[],
  log: (line: string) => void,
  line: Line,
): void {
  const loadBefore = loadavg()[0] ?? 0;
  const rate = (s: number): number => options.events / s;
  const ours: number[] = [];
  const raw: number[] = [];
  const threaded: Record<"worker" | "kernel", Timing[]> = { worker: [], kernel: [] };
  for (let r = 0; r < options.runs; r++) {
    ours.push(sqliteOurs(dir, events, options.batchSize));
    raw.push(sqliteRaw(dir, rows, options.batchSize, options.rowsPerInsert));
    threaded.worker.push(sqliteThreaded(dir, events, options.batchSize, "worker"));
    threaded.kernel.push(sqliteThreaded(dir, events, options.batchSize, "kernel"));
  }
  const ratios = runRatios(raw);
  log(
    `SQLite append (1-minute load average ${loadBefore.toFixed(1)} before, ${(loadavg()[0] ?? 0).toFixed(1)} after):`,
  );
  const o = rate(median(ours));
  const w = rate(median(raw));
  line("Journal + SqliteJournalStore (ours)", o, `  ratio to raw ${(o / w).toFixed(2)} (${ratios(ours)})`);
  line("raw better-sqlite3, same rows", w, `  (by run: ${raw.map((x) => si(rate(x))).join(" ")})`);
  for (const hashing of ["worker", "kernel"] as const) {
    const runs = threaded[hashing];
    const totals = runs.map((x) => x.total);
    const t = rate(median(totals));
    line(
      `ThreadedJournal (SQLite), hashing on the ${hashing}`,
      t,
      `  ratio to raw ${(t / w).toFixed(2)} (${ratios(totals)})`,
    );
    line("  its kernel thread alone (time in append)", rate(median(runs.map((x) => x.kernel))));
  }
}

async function postgresAppend(
  options: JournalBenchOptions,
  schema: string,
  events: readonly EngineEvent[],
  rows: readonly JournalRecord[],
  log: (line: string) => void,
  line: Line,
): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const rate = (s: number): number => options.events / s;
  const pgOur: number[] = [];
  const pgOurUnnest: number[] = [];
  const pgCopy: number[] = [];
  const pgUnnest: number[] = [];
  const pgThreadedRuns: Record<"worker" | "kernel", Timing[]> = { worker: [], kernel: [] };
  const url = options.pgUrl;
  for (let r = 0; r < options.runs; r++) {
    pgOur.push(await pgOurs(url, schema, events, options.batchSize, "copy"));
    pgCopy.push(await pgRaw(url, schema, rows, options.batchSize, "copy"));
    pgThreadedRuns.worker.push(await pgThreaded(url, schema, events, options.batchSize, "worker"));
    pgThreadedRuns.kernel.push(await pgThreaded(url, schema, events, options.batchSize, "kernel"));
    pgOurUnnest.push(await pgOurs(url, schema, events, options.batchSize, "unnest"));
    pgUnnest.push(await pgRaw(url, schema, rows, options.batchSize, "unnest"));
  }
  log(
    `PostgreSQL append (1-minute load average ${loadBefore.toFixed(1)} before, ${(loadavg()[0] ?? 0).toFixed(1)} after):`,
  );
  const ratios = runRatios(pgCopy);
  const po = rate(median(pgOur));
  const pc = rate(median(pgCopy));
  const pu = rate(median(pgUnnest));
  line(
    "Journal + PostgresJournalStore COPY (ours)",
    po,
    `  ratio to raw COPY ${(po / pc).toFixed(2)} (${ratios(pgOur)})`,
  );
  for (const hashing of ["worker", "kernel"] as const) {
    const totals = pgThreadedRuns[hashing].map((x) => x.total);
    const t = rate(median(totals));
    line(
      `ThreadedJournal (PostgreSQL), hashing on the ${hashing}`,
      t,
      `  ratio to raw COPY ${(t / pc).toFixed(2)} (${ratios(totals)})`,
    );
    const open = median(pgThreadedRuns[hashing].map((x) => x.open)) * 1e3;
    line(
      "  its kernel thread alone (time in append)",
      rate(median(pgThreadedRuns[hashing].map((x) => x.kernel))),
      `  (opening, untimed above: ${open.toFixed(0)} ms)`,
    );
  }
  line("Journal + PostgresJournalStore unnest (ours)", rate(median(pgOurUnnest)));
  line("raw node-postgres COPY, same rows", pc, `  (by run: ${pgCopy.map((x) => si(rate(x))).join(" ")})`);
  line("raw node-postgres INSERT ... unnest, same rows", pu);
}

async function lookupBench(
  options: JournalBenchOptions,
  dir: string,
  schema: string,
  log: (line: string) => void,
): Promise<void> {
  log(`lookup (orderLife, ${options.lookups} random client ids, journal of ${si(options.lookupEvents)} events):`);
  const { store: lookupStore } = freshSqlite(dir, "lookup");
  let start = process.hrtime.bigint();
  await bulkJournal(lookupStore, options.lookupEvents);
  const built = seconds(start);
  const orders = (lookupStore.database.prepare("SELECT count(*) AS n FROM journal_client_id").get() as { n: number }).n;
  log(`  SQLite      ${await lookups(lookupStore, orders, options.lookups)}  (built in ${built.toFixed(0)} s)`);
  lookupStore.closeSync();
  const pgStore = await freshPg(options.pgUrl, schema, "copy");
  start = process.hrtime.bigint();
  await bulkJournal(pgStore, options.lookupEvents);
  const pgBuilt = seconds(start);
  await pgStore.connection.query(`ANALYZE ${quoteIdent(schema)}.journal`);
  log(`  PostgreSQL  ${await lookups(pgStore, orders, options.lookups)}  (built in ${pgBuilt.toFixed(0)} s)`);
  await pgStore.close();
}

export async function runJournalBench(options: JournalBenchOptions, log: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tributary-journal-bench-"));
  const schema = `bench_journal_${process.pid}`;
  const events = journalEvents(options.events);
  const rows = records(events);
  log(
    `workload: ${si(options.events)} events of the demo mix (bench/journal-workload.ts), ` +
      `${(rows.reduce((n, r) => n + r.payload.length, 0) / rows.length).toFixed(0)} bytes of JSON each; batches of ` +
      `${options.batchSize}; median of ${options.runs} runs, a fresh database each; SQLite ${dir} (WAL, synchronous ` +
      `FULL), PostgreSQL ${options.pgUrl} schema ${schema}; parts: ${options.parts.join(", ")}`,
  );
  const line: Line = (name, eventsPerSecond, extra = "") =>
    log(`  ${name.padEnd(46)} ${pad(si(eventsPerSecond), 8)} events/s${extra}`);
  const usesPg = options.parts.includes("postgres") || options.parts.includes("lookup");
  try {
    if (options.parts.includes("sqlite")) sqliteAppend(options, dir, events, rows, log, line);
    if (options.parts.includes("postgres")) await postgresAppend(options, schema, events, rows, log, line);
    if (options.parts.includes("lookup")) await lookupBench(options, dir, schema, log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (usesPg) {
      const admin = new pg.Client({ connectionString: options.pgUrl });
      await admin.connect().then(
        async () => {
          await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
          await admin.end();
        },
        () => {},
      );
    }
  }
}
