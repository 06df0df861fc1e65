/**
 * `tributary demo --pg URL --pg-schema S` as a user runs it (the built binary in a child process) against the real
 * PostgreSQL server of this machine (127.0.0.1:5432, database `test`, or TRIBUTARY_TEST_PG): the same seed writes the
 * same journal to PostgreSQL as to SQLite (same head hash, same index rows), `audit verify --pg` finds its chain
 * intact, a schema already holding a journal is refused, and a server that does not answer is one line and exit
 * status 2.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresJournalStore } from "../src/journal/postgres-journal-store.js";
import { SqliteJournalStore } from "../src/journal/sqlite-journal-store.js";
import { dropSchemas, PG_URL, testSchema } from "./postgres-fixtures.js";

const CLI = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");
const SCHEMA = testSchema("tdemo");
const dir = mkdtempSync(join(tmpdir(), "tributary-demo-pg-"));

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(SCHEMA);
});

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const DEMO = ["demo", "--minutes", "2", "--seed", "11", "--order-count", "300", "--json"];

describe("tributary demo --pg", () => {
  it("writes the journal SQLite gets for the same seed: same events, same head hash, same index rows", async () => {
    const out = join(dir, "sqlite");
    const sqlite = run(...DEMO, "--out", out);
    expect(sqlite.stderr).toBe("");
    expect(sqlite.status).toBe(0);
    const postgres = run(...DEMO, "--pg", PG_URL, "--pg-schema", SCHEMA);
    expect(postgres.stderr).toBe("");
    expect(postgres.status).toBe(0);
    const a = JSON.parse(sqlite.stdout).journal;
    const b = JSON.parse(postgres.stdout).journal;
    expect(a.events).toBeGreaterThan(1_000);
    expect(b).toEqual({ path: `${PG_URL} (schema ${SCHEMA})`, events: a.events, headHash: a.headHash });

    const verify = run("audit", "verify", "--pg", PG_URL, "--pg-schema", SCHEMA);
    expect(verify.stderr).toBe("");
    expect(verify.status).toBe(0);
    expect(verify.stdout).toContain(a.headHash);

    const file = SqliteJournalStore.open(join(out, "journal.db"), { mode: "open" });
    const server = await PostgresJournalStore.open({ url: PG_URL, schema: SCHEMA, mode: "open" });
    try {
      expect(await server.head()).toEqual(await file.head());
      expect(await server.indexCounts()).toEqual(await file.indexCounts());
      expect(await server.readRange(1, 500)).toEqual(await file.readRange(1, 500));
    } finally {
      file.closeSync();
      await server.close();
    }
  });

  it("refuses a schema that already holds a journal, in one line", () => {
    const again = run(...DEMO, "--pg", PG_URL, "--pg-schema", SCHEMA);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(
      new RegExp(
        `^tributary: --pg ${PG_URL.replace(/[/.?]/g, "\\$&")} \\(schema ${SCHEMA}\\): already holds a journal \\([\\d]+ events\\); the demo writes a new one: choose another --pg-schema, or drop that schema\\n$`,
      ),
    );
  });

  it("says in one line that the server does not answer, without the password, and exits 2", () => {
    const r = run(...DEMO, "--pg", "postgres://postgres:secret@127.0.0.1:1/test");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^tributary: --pg postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test: cannot connect \(ECONNREFUSED.*\)\n$/,
    );
  });

  it("refuses --pg with --db or --no-journal", () => {
    expect(run(...DEMO, "--pg", PG_URL, "--db", join(dir, "x.db")).stderr).toBe(
      "tributary: demo: give --db or --pg, not both\n",
    );
    expect(run(...DEMO, "--pg", PG_URL, "--no-journal").stderr).toBe(
      "tributary: demo: --pg names a journal and --no-journal asks for none: give one\n",
    );
  });
});
