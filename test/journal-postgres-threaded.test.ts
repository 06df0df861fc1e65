/**
 * The threaded journal on the real PostgreSQL server of this machine (127.0.0.1:5432, database `test`, or
 * TRIBUTARY_TEST_PG), a schema of its own per test, dropped after: the same rows as the in-thread `Journal` on a
 * `PostgresJournalStore`, the chain continued after reopening, a dropped connection survived without losing a record,
 * a write that cannot succeed surfacing at close, and a server that does not answer refused at opening.
 * (The worker runs from dist/: `npm run build` first.)
 */
import { afterAll, describe, expect, it } from "vitest";
import type { TributaryError } from "../src/core/errors.js";
import { Journal } from "../src/journal/journal.js";
import { JournalOpenError } from "../src/journal/journal-errors.js";
import type { JournalTarget } from "../src/journal/journal-target.js";
import { PostgresJournalStore, quoteIdent } from "../src/journal/postgres-journal-store.js";
import { ThreadedJournal } from "../src/journal/threaded-journal.js";
import { verifyJournal } from "../src/journal/verify.js";
import type { EngineEvent } from "../src/model/client-events.js";
import { manyEvents, sampleDay } from "./journal-fixtures.js";
import { dropSchemas, PG_URL, testSchema, withClient } from "./postgres-fixtures.js";

const RUN = testSchema("tjt");
let n = 0;
const schemas: string[] = [];

afterAll(() => dropSchemas(...schemas));

/** A new, empty journal schema (created on this thread, as a caller does), as a target. */
async function fresh(url = PG_URL): Promise<JournalTarget & { kind: "postgres" }> {
  const schema = `${RUN}_${++n}`;
  schemas.push(schema);
  await (await PostgresJournalStore.open({ url, schema, mode: "create" })).close();
  return { kind: "postgres", url, schema };
}

/** Every row of every journal table of `schema`, in key order. */
function dump(schema: string): Promise<unknown[]> {
  const s = quoteIdent(schema);
  return withClient(async (client) => {
    const tables = [
      `journal ORDER BY seq`,
      `journal_order ORDER BY order_id, seq`,
      `journal_parent ORDER BY parent_id, seq`,
      `journal_client_id ORDER BY cl_ord_id, source, seq`,
    ];
    const rows: unknown[] = [];
    for (const t of tables) rows.push((await client.query(`SELECT * FROM ${s}.${t}`)).rows);
    return rows;
  });
}

async function verify(target: JournalTarget & { kind: "postgres" }) {
  const store = await PostgresJournalStore.open({ ...target, mode: "open" });
  try {
    return await verifyJournal(store);
  } finally {
    await store.close();
  }
}

/** Resolves once the journal has committed `seq` (failures on the way are only reported). */
function committed(journal: ThreadedJournal, seq: number): Promise<void> {
  return new Promise((resolve) => {
    if (journal.durableSeq >= seq) resolve();
    journal.onDurable((s) => {
      if (s >= seq) resolve();
    });
  });
}

describe("ThreadedJournal on PostgreSQL", () => {
  it.each(["worker", "kernel"] as const)(
    "writes, row for row, what Journal + PostgresJournalStore writes, and the journal verifies (hashing on the %s)",
    async (hashing) => {
      const events: EngineEvent[] = [...sampleDay(), ...manyEvents(5_000, sampleDay().length + 1)];
      const inThread = await fresh();
      const journal = await Journal.open(await PostgresJournalStore.open({ ...inThread, mode: "open" }), {
        batchSize: 64,
      });
      for (const e of events) journal.append(e);
      const headHash = journal.headHash;
      await journal.close();

      const target = await fresh();
      const threaded = new ThreadedJournal(target, { batchSize: 333, maxInFlight: 2, hashing });
      const heard: number[] = [];
      threaded.onDurable((seq) => heard.push(seq));
      const middle = threaded.durable(400);
      for (const e of events) threaded.append(e);
      threaded.closeSync();
      await middle;

      expect(threaded.headHash).toBe(headHash);
      expect(heard[heard.length - 1]).toBe(events.length);
      const rows = await dump(target.schema);
      expect((rows[0] as unknown[]).length).toBe(events.length);
      expect((rows[3] as unknown[]).length).toBeGreaterThan(0);
      expect(rows).toEqual(await dump(inThread.schema));
      expect(await verify(target)).toEqual({ ok: true, records: events.length, headHash });
    },
  );

  it("continues the chain of a journal reopened, whichever thread hashes", async () => {
    const target = await fresh();
    const first = new ThreadedJournal(target, { hashing: "worker" });
    for (const e of manyEvents(100)) first.append(e);
    first.closeSync();
    const second = new ThreadedJournal(target, { hashing: "kernel" });
    expect(second.headSeq).toBe(100);
    for (const e of manyEvents(50, 101)) second.append(e);
    second.closeSync();
    expect(await verify(target)).toMatchObject({ ok: true, records: 150, headHash: second.headHash });
  });

  it("survives a dropped connection: the failed write is reported, kept, and retried on a new one", async () => {
    const application = `${RUN}_drop`;
    const target = await fresh(`${PG_URL}${PG_URL.includes("?") ? "&" : "?"}application_name=${application}`);
    const errors: TributaryError[] = [];
    const journal = new ThreadedJournal(target, { batchSize: 50, onError: (e) => errors.push(e) });
    for (const e of manyEvents(100)) journal.append(e);
    await committed(journal, 100);
    const killed = await withClient(
      async (c) =>
        (
          await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [
            application,
          ])
        ).rowCount,
    );
    expect(killed).toBe(1);
    const waiting = journal.durable(150);
    for (const e of manyEvents(100, 101)) journal.append(e);
    await expect(waiting).rejects.toThrow(/journal: writing to postgres:\/\/.* failed: .*\(retrying\)$/);
    await committed(journal, 200);
    journal.closeSync();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]?.code).toBe("journal-write-failed");
    expect(await verify(target)).toMatchObject({ ok: true, records: 200, headHash: journal.headHash });
  });

  it("stops at close when its writes keep failing, naming the records it could not write", async () => {
    const target = await fresh();
    let reported: (error: TributaryError) => void = () => {};
    const firstError = new Promise<TributaryError>((resolve) => {
      reported = resolve;
    });
    const journal = new ThreadedJournal(target, { batchSize: 10, onError: (e) => reported(e) });
    for (const e of manyEvents(20)) journal.append(e);
    await committed(journal, 20);
    await withClient((c) => c.query(`ALTER TABLE ${quoteIdent(target.schema)}.journal RENAME TO journal_away`));
    for (const e of manyEvents(30, 21)) journal.append(e);
    expect((await firstError).message).toMatch(/relation .*journal" does not exist \(retrying\)$/);
    expect(() => journal.closeSync()).toThrow(/failed: .*does not exist \(30 records left unwritten\)$/);
    expect(journal.durableSeq).toBe(20);
    await expect(journal.durable(21)).rejects.toThrow(/30 records left unwritten/);
  });

  it("refuses to open on a server that does not answer, with the store's one line naming it without the password", () => {
    let error: unknown = null;
    try {
      new ThreadedJournal({ kind: "postgres", url: "postgres://u:secret@127.0.0.1:1/test", schema: "x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JournalOpenError);
    expect(error).toMatchObject({ code: "journal-pg-unreachable" });
    expect((error as Error).message).toMatch(
      /^--pg postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/test: cannot connect \(ECONNREFUSED/,
    );
  });

  it("creates the schema when asked to", async () => {
    const schema = `${RUN}_created`;
    schemas.push(schema);
    const journal = new ThreadedJournal({ kind: "postgres", url: PG_URL, schema }, { create: true });
    for (const e of manyEvents(10)) journal.append(e);
    journal.closeSync();
    expect(await verify({ kind: "postgres", url: PG_URL, schema })).toMatchObject({ ok: true, records: 10 });
  });
});
