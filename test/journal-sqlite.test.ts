/**
 * The journal store contract on a real SQLite file in a temporary directory, and what only a file can get wrong:
 * a missing file, a file that is not SQLite, a SQLite file that is not a journal, a journal from a newer version.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { JournalOpenError } from "../src/journal/journal-errors.js";
import type { JournalStore } from "../src/journal/journal-store.js";
import { SCHEMA_VERSION } from "../src/journal/migrations.js";
import { SqliteJournalStore } from "../src/journal/sqlite-journal-store.js";
import { journalStoreContract } from "./journal-store.contract.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-journal-"));
let n = 0;
let current = "";
afterAll(() => rmSync(dir, { recursive: true, force: true }));

journalStoreContract("SQLite", {
  async create() {
    current = join(dir, `j${++n}.db`);
    return SqliteJournalStore.open(current, { mode: "create" });
  },
  async reopen() {
    return SqliteJournalStore.open(current, { mode: "open" });
  },
  raw(store: JournalStore) {
    const db = (store as SqliteJournalStore).database;
    return {
      async exec(sql: string) {
        db.exec(sql);
      },
      async allowTampering() {
        for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as {
          name: string;
        }[])
          db.exec(`DROP TRIGGER ${name}`);
      },
    };
  },
  async cleanup() {},
});

describe("SqliteJournalStore: opening files", () => {
  const refuses = (path: string, code: string, message: RegExp) => {
    let error: unknown;
    try {
      SqliteJournalStore.open(path, { mode: "open" }).closeSync();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JournalOpenError);
    expect((error as JournalOpenError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
  };

  it("refuses a missing file", () => {
    refuses(join(dir, "missing.db"), "journal-not-found", /missing\.db: no such file/);
  });

  it("refuses a file that is not SQLite", () => {
    const path = join(dir, "text.db");
    writeFileSync(path, "order_id,qty\n1,2\n".repeat(100));
    refuses(path, "journal-not-sqlite", /text\.db: not a SQLite database/);
  });

  it("refuses a corrupt SQLite file", () => {
    const path = join(dir, "corrupt.db");
    const db = new Database(path);
    db.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)");
    db.close();
    const bytes = Buffer.alloc(4096, 0xab);
    bytes.write("SQLite format 3\u0000", 0, "latin1");
    writeFileSync(path, bytes);
    refuses(path, "journal-corrupt", /corrupt\.db: corrupt SQLite database/);
  });

  it("refuses a SQLite database that is not a journal, without touching it", () => {
    const path = join(dir, "foreign.db");
    const db = new Database(path);
    db.exec("CREATE TABLE customers (id INTEGER)");
    db.close();
    refuses(path, "journal-foreign", /foreign\.db: not a Tributary journal/);
    expect(() => SqliteJournalStore.open(path, { mode: "create" })).toThrow(/not a Tributary journal/);
  });

  it("refuses a journal written by a newer version", () => {
    const path = join(dir, "newer.db");
    SqliteJournalStore.open(path, { mode: "create" }).closeSync();
    const db = new Database(path);
    db.prepare("INSERT INTO tributary_schema (version, description) VALUES (?, 'future')").run(SCHEMA_VERSION + 1);
    db.close();
    refuses(path, "journal-schema-newer", new RegExp(`schema version ${SCHEMA_VERSION + 1} is newer`));
  });

  it("creates a journal in WAL mode with its schema version recorded", () => {
    const path = join(dir, "fresh.db");
    const store = SqliteJournalStore.open(path, { mode: "create" });
    expect(store.database.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.database.prepare("SELECT max(version) AS v FROM tributary_schema").get()).toEqual({
      v: SCHEMA_VERSION,
    });
    store.closeSync();
  });
});
