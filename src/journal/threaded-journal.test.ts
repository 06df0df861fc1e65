import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { manyEvents, sampleDay } from "../../test/journal-fixtures.js";
import { Journal } from "./journal.js";
import { JournalOpenError } from "./journal-errors.js";
import type { JournalTarget } from "./journal-target.js";
import { SqliteJournalStore } from "./sqlite-journal-store.js";
import { ThreadedJournal } from "./threaded-journal.js";
import { verifyJournal } from "./verify.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-threaded-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const sqlite = (path: string): JournalTarget => ({ kind: "sqlite", path, synchronous: "full" });

function fresh(): string {
  const path = join(dir, `j${++n}.db`);
  SqliteJournalStore.open(path, { mode: "create" }).closeSync();
  return path;
}

/** Every row of every journal table, in key order. */
function dump(path: string): unknown[] {
  const store = SqliteJournalStore.open(path, { mode: "open" });
  try {
    const db = store.database;
    return ["journal ORDER BY seq", "journal_order", "journal_parent", "journal_client_id"].map((t) =>
      db.prepare(`SELECT * FROM ${t}`).all(),
    );
  } finally {
    store.closeSync();
  }
}

describe("ThreadedJournal on SQLite", () => {
  it.each(["worker", "kernel"] as const)(
    "writes, row for row, what Journal writes in-thread, and the journal verifies (hashing on the %s)",
    async (hashing) => {
      const events = [...sampleDay(), ...manyEvents(5_000, sampleDay().length + 1)];
      const inThread = fresh();
      const journal = Journal.openSync(SqliteJournalStore.open(inThread, { mode: "open" }), { batchSize: 64 });
      for (const e of events) journal.append(e);
      const headHash = journal.headHash;
      journal.closeSync();

      const threadedPath = fresh();
      const threaded = new ThreadedJournal(sqlite(threadedPath), { batchSize: 333, maxInFlight: 2, hashing });
      const heard: number[] = [];
      threaded.onDurable((seq) => heard.push(seq));
      for (const e of events) threaded.append(e);
      threaded.closeSync();

      expect(threaded.headHash).toBe(headHash);
      expect(heard[heard.length - 1]).toBe(events.length);
      const rows = dump(threadedPath);
      expect((rows[0] as unknown[]).length).toBe(events.length);
      expect((rows[3] as unknown[]).length).toBeGreaterThan(0);
      expect(rows).toEqual(dump(inThread));
      const store = SqliteJournalStore.open(threadedPath, { mode: "open" });
      expect(await verifyJournal(store)).toEqual({ ok: true, records: events.length, headHash });
      store.closeSync();
    },
  );

  it("continues the chain of a journal reopened, whichever thread hashes", async () => {
    const path = fresh();
    const first = new ThreadedJournal(sqlite(path), { hashing: "worker" });
    for (const e of manyEvents(100)) first.append(e);
    first.closeSync();
    const second = new ThreadedJournal(sqlite(path), { hashing: "kernel" });
    expect(second.headSeq).toBe(100);
    for (const e of manyEvents(50, 101)) second.append(e);
    second.closeSync();
    const store = SqliteJournalStore.open(path, { mode: "open" });
    const result = await verifyJournal(store);
    store.closeSync();
    expect(result).toMatchObject({ ok: true, records: 150, headHash: second.headHash });
  });

  it("makes durable what is appended over many event-loop turns while commits are in flight", async () => {
    const path = fresh();
    const journal = new ThreadedJournal(sqlite(path));
    const events = [...manyEvents(2_000)];
    const acks: Promise<void>[] = [];
    for (let turn = 0; turn < 40; turn++) {
      for (const e of events.slice(turn * 50, turn * 50 + 50)) journal.append(e);
      acks.push(journal.durable(journal.headSeq));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(acks);
    expect(journal.durableSeq).toBe(2_000);
    journal.closeSync();
    expect((dump(path)[0] as unknown[]).length).toBe(2_000);
  });

  it("refuses to open a file that is not there, in one line naming it", () => {
    const missing = join(dir, "missing.db");
    expect(() => new ThreadedJournal(sqlite(missing))).toThrow(
      new JournalOpenError("journal-not-found", `${missing}: no such file`),
    );
  });
});
