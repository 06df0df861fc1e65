/**
 * The worker thread behind `PostgresJournalReader`: owns a connection to the journal's database and answers
 * each request of the service's thread (one at a time: that thread waits for every answer).
 */
import pg from "pg";
import { blockingWorkerSide } from "../core/blocking-worker.js";
import type { JournalReaderRequest, JournalReaderSetup } from "./postgres-journal-reader.js";
import { quoteIdent } from "./postgres-journal-store.js";

const side = blockingWorkerSide<JournalReaderRequest, JournalReaderSetup>();
const s = quoteIdent(side.setup.schema);
const client = new pg.Client({ connectionString: side.setup.url, connectionTimeoutMillis: 5_000 });
client.on("error", () => {}); // a dropped connection surfaces as the next request's error

const USED = `FROM ${s}.journal_client_id WHERE cl_ord_id = $1 AND source = $2 AND order_id IS NOT NULL`;

async function run(request: JournalReaderRequest): Promise<unknown> {
  switch (request.op) {
    case "open":
      await client.connect();
      await client.query(`SELECT 1 FROM ${s}.journal_client_id LIMIT 0`);
      return null;
    case "usedIds": {
      const r = await client.query<[string, string]>({
        text: `SELECT source, cl_ord_id FROM ${s}.journal_client_id WHERE order_id IS NOT NULL`,
        rowMode: "array",
      });
      return r.rows.flat();
    }
    case "isUsed": {
      const r = await client.query(`SELECT 1 ${USED} LIMIT 1`, [request.clOrdId, request.source]);
      return r.rows.length > 0;
    }
    case "recordsOf": {
      const r = await client.query<[string]>({
        text:
          `SELECT payload FROM ${s}.journal WHERE order_id = (SELECT order_id ${USED} LIMIT 1)` +
          " AND type IN ('order-accepted', 'execution-report') ORDER BY seq",
        values: [request.clOrdId, request.source],
        rowMode: "array",
      });
      return r.rows.map((row) => row[0]);
    }
    case "readRange": {
      const r = await client.query<{ type: string; source: string | null; payload: string }>(
        `SELECT type, source, payload FROM ${s}.journal WHERE seq BETWEEN $1 AND $2 ORDER BY seq`,
        [request.fromSeq, request.toSeq],
      );
      return r.rows;
    }
    case "close":
      await client.end();
      return null;
  }
}

side.serve(run);
