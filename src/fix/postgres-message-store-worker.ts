/**
 * The worker thread behind `PostgresFixMessageStore`: owns the connection and runs each request the session's thread
 * sends (one at a time: that thread waits for every answer), answering on the same port and waking it through shared
 * memory. Writes come in lists (`apply`): run in the open transaction, or in one begun for them, committed when the
 * request says so. The SQL is the tables' own (postgres-fix-tables.ts), shared with the store in a PostgreSQL journal.
 */
import pg from "pg";
import { blockingWorkerSide } from "../core/blocking-worker.js";
import type { StoreWrite } from "./message-store-write.js";
import { PostgresFixTables } from "./postgres-fix-tables.js";
import type { StoreRequest, StoreWorkerSetup } from "./postgres-message-store-protocol.js";

const side = blockingWorkerSide<StoreRequest, StoreWorkerSetup>();
const client = new pg.Client({ connectionString: side.setup.url, connectionTimeoutMillis: 5_000 });
client.on("error", () => {}); // a dropped connection surfaces as the next request's error
const tables = new PostgresFixTables(client, side.setup.schema);
let inTransaction = false;

async function rollback(): Promise<void> {
  inTransaction = false;
  await client.query("ROLLBACK");
}

async function apply(writes: readonly StoreWrite[], commit: boolean): Promise<void> {
  if (!inTransaction) {
    await client.query("BEGIN");
    inTransaction = true;
  }
  try {
    await tables.apply(writes);
  } catch (error) {
    await rollback().catch(() => {});
    throw error;
  }
  if (commit) {
    inTransaction = false;
    await client.query("COMMIT");
  }
}

async function run(request: StoreRequest): Promise<unknown> {
  switch (request.op) {
    case "open":
      await client.connect();
      await tables.create();
      return null;
    case "apply":
      await apply(request.writes, request.commit);
      return null;
    case "read":
      return tables.read(request.request);
    case "rollback":
      if (inTransaction) await rollback();
      return null;
    case "close":
      await client.end();
      return null;
  }
}

side.serve(run);
