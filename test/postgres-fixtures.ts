/**
 * The real PostgreSQL server of this machine for tests (127.0.0.1:5432, database `test`, or TRIBUTARY_TEST_PG): a
 * schema name of a test's own, a connection for a few statements, and dropping its schemas after.
 */
import pg from "pg";
import { quoteIdent } from "../src/journal/postgres-journal-store.js";

export const PG_URL = process.env.TRIBUTARY_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

/** A schema name no other test run uses. */
export function testSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`;
}

/** Runs `run` on a connection of its own, closed after. */
export async function withClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function dropSchemas(...schemas: string[]): Promise<void> {
  if (schemas.length === 0) return;
  await withClient(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  });
}
