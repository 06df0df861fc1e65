/**
 * The journal store contract on the real PostgreSQL server of this machine (127.0.0.1:5432, database `test`, or
 * TRIBUTARY_TEST_PG): every store gets a schema of its own, dropped after the test. Also what only a server can get
 * wrong: an unreachable URL, a schema that is not a journal, a journal from a newer version.
 */
import { afterAll, describe, expect, it } from "vitest";
import { JournalOpenError } from "../src/journal/journal-errors.js";
import type { JournalStore } from "../src/journal/journal-store.js";
import { SCHEMA_VERSION } from "../src/journal/migrations.js";
import { PostgresJournalStore, quoteIdent } from "../src/journal/postgres-journal-store.js";
import { journalStoreContract } from "./journal-store.contract.js";
import { dropSchemas, PG_URL, testSchema } from "./postgres-fixtures.js";

const RUN = testSchema("tj");
let n = 0;
let current = "";
const schemas: string[] = [];

/** Drops the schemas made so far. */
async function dropMade(): Promise<void> {
  await dropSchemas(...schemas.splice(0));
}

afterAll(dropMade);

journalStoreContract("PostgreSQL", {
  async create() {
    current = `${RUN}_${++n}`;
    schemas.push(current);
    return PostgresJournalStore.open({ url: PG_URL, schema: current, mode: "create" });
  },
  async reopen() {
    return PostgresJournalStore.open({ url: PG_URL, schema: current, mode: "open" });
  },
  raw(store: JournalStore) {
    const client = (store as PostgresJournalStore).connection;
    const schema = quoteIdent((store as PostgresJournalStore).schema);
    return {
      async exec(sql: string) {
        await client.query(`SET search_path TO ${schema}`);
        await client.query(sql);
      },
      async allowTampering() {
        for (const t of ["journal", "journal_order", "journal_parent", "journal_client_id"])
          await client.query(`ALTER TABLE ${schema}.${t} DISABLE TRIGGER USER`);
      },
    };
  },
  cleanup: dropMade,
});

describe("PostgresJournalStore: opening", () => {
  const refuses = async (options: { url: string; schema?: string }, code: string, message: RegExp) => {
    const error = await PostgresJournalStore.open({ ...options, mode: "open" }).then(
      async (s) => {
        await s.close();
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JournalOpenError);
    expect((error as JournalOpenError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
  };

  it("refuses an unreachable server with one line naming the URL, without its password", async () => {
    await refuses(
      { url: "postgres://postgres:secret@127.0.0.1:1/test" },
      "journal-pg-unreachable",
      /^--pg postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test: cannot connect \(ECONNREFUSED/,
    );
  });

  it("refuses something that is not a postgres URL", async () => {
    await refuses({ url: "mysql://x" }, "journal-pg-unreachable", /not a postgres:\/\/ URL/);
  });

  it("refuses a database that does not exist", async () => {
    await refuses(
      { url: "postgres://postgres@127.0.0.1:5432/no_such_db_tributary" },
      "journal-pg-unreachable",
      /database "no_such_db_tributary" does not exist/,
    );
  });

  it("refuses a schema without a journal, and a journal from a newer version", async () => {
    const schema = `${RUN}_open`;
    schemas.push(schema);
    await refuses({ url: PG_URL, schema }, "journal-foreign", /not a Tributary journal/);
    const store = await PostgresJournalStore.open({ url: PG_URL, schema, mode: "create" });
    await store.connection.query(
      `INSERT INTO ${quoteIdent(schema)}.tributary_schema (version, description) VALUES ($1, 'future')`,
      [SCHEMA_VERSION + 1],
    );
    await store.close();
    await refuses({ url: PG_URL, schema }, "journal-schema-newer", /is newer than this Tributary reads/);
    await dropMade();
  });
});
