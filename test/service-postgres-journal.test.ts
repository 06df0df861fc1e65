/**
 * `tributary serve` with its journal in PostgreSQL (`journal: { pg, schema }`), as a real process against the real
 * server of this machine (127.0.0.1:5432, database `test`, or TRIBUTARY_TEST_PG), a schema of its own dropped after:
 * every acknowledged order is in the journal, whose chain verifies; `--resume` rebuilds the engine from it (or from a
 * snapshot file, with `journal.snapshot`) and the chain continues; with `fix.store` a postgres:// URL the FIX sessions'
 * numbers are kept there; a schema already holding a journal without `--resume`, a FIX venue schema holding the
 * sessions of an earlier run, and a server that does not answer are each one line and exit status 2. (A resume with FIX sessions from PostgreSQL: test/fix-restart.test.ts.)
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresFixMessageStore } from "../src/fix/postgres-message-store.js";
import { wallClock } from "../src/fix/tcp-acceptor.js";
import { FixTestInitiator } from "../src/fix/test-initiator.js";
import { PostgresJournalStore, quoteIdent } from "../src/journal/postgres-journal-store.js";
import { verifyJournal } from "../src/journal/verify.js";
import { dropSchemas, PG_URL, testSchema } from "./postgres-fixtures.js";
import {
  CLI,
  call,
  restingOrder,
  type ServiceProcess,
  serviceConfig,
  startServiceProcess,
  tempDir,
} from "./service-fixtures.js";

const SCHEMA = testSchema("tserve");
const DESK = "pg-desk-token";
const dir = tempDir();
const started: ServiceProcess[] = [];

afterAll(async () => {
  for (const s of started) if (s.child.exitCode === null) s.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(SCHEMA);
});

function config(journal: Record<string, unknown>, extra: Record<string, unknown> = {}, file = "serve.yaml"): string {
  return serviceConfig(dir, { sources: [{ id: "DESK", token: DESK }], extra: { journal, ...extra }, file });
}

/** `serve` expected to refuse at start-up: its status and stderr. */
function refused(configPath: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, "serve", "--config", configPath, ...args], {
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: r.status, stderr: r.stderr };
}

async function readJournal() {
  const store = await PostgresJournalStore.open({ url: PG_URL, schema: SCHEMA, mode: "open" });
  try {
    const accepted = new Set<string>();
    const head = (await store.head())?.seq ?? 0;
    for (const r of await store.readRange(1, head))
      if (r.type === "order-accepted") accepted.add(JSON.parse(r.payload).clOrdId as string);
    return { accepted, head, verified: await verifyJournal(store) };
  } finally {
    await store.close();
  }
}

describe("tributary serve with a PostgreSQL journal", () => {
  const path = config({ pg: PG_URL, schema: SCHEMA });

  it("journals every acknowledged order, stops cleanly, and resumes from the journal", async () => {
    const service = await startServiceProcess(dir, path);
    started.push(service);
    const listening = service.logs.find((l) => l.msg === "listening");
    expect(listening?.journal).toBe(`${PG_URL} (schema ${SCHEMA})`);
    const acked: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await call(service.url, "POST", "/orders", DESK, restingOrder(`pg-${i}`, "D1"));
      expect(r.status).toBe(201);
      acked.push(`pg-${i}`);
    }
    expect(await service.stop()).toBe(0);
    const first = await readJournal();
    expect(acked.filter((id) => !first.accepted.has(id))).toEqual([]);
    expect(first.verified).toMatchObject({ ok: true, records: first.head });

    const resumed = await startServiceProcess(dir, path, ["--resume"]);
    started.push(resumed);
    expect(resumed.logs.find((l) => l.msg === "resumed from the journal")).toMatchObject({
      events: first.head,
      fromSnapshot: 0,
      orders: 20,
    });
    const r = await call(resumed.url, "GET", "/orders/pg-7", DESK);
    expect(r).toMatchObject({ status: 200, body: { cl_ord_id: "pg-7", status: "new", leaves_qty: "100" } });
    expect((await call(resumed.url, "POST", "/orders", DESK, restingOrder("pg-after", "D1"))).status).toBe(201);
    expect(await resumed.stop()).toBe(0);
    const second = await readJournal();
    expect(second.accepted.has("pg-after")).toBe(true);
    expect(second.head).toBeGreaterThan(first.head);
    expect(second.verified).toMatchObject({ ok: true, records: second.head });
  });

  it("resumes from a snapshot file with journal.snapshot: written at the stop, used by the next resume", async () => {
    const snapshotted = config({ pg: PG_URL, schema: SCHEMA, snapshot: "pg.snapshot" }, {}, "snap.yaml");
    const first = await startServiceProcess(dir, snapshotted, ["--resume"]);
    started.push(first);
    expect(first.logs.find((l) => l.msg === "resumed from the journal")).toMatchObject({ fromSnapshot: 0 });
    expect(await first.stop()).toBe(0);
    const head = (await readJournal()).head;
    const second = await startServiceProcess(dir, snapshotted, ["--resume"]);
    started.push(second);
    expect(second.logs.find((l) => l.msg === "resumed from the journal")).toMatchObject({
      events: head,
      fromSnapshot: head,
      orders: 21,
    });
    expect((await call(second.url, "GET", "/orders/pg-after", DESK)).status).toBe(200);
    expect(await second.stop()).toBe(0);
  });

  it("refuses, in one line, a schema already holding a journal without --resume", () => {
    const r = refused(path);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^tributary: journal\\.pg: ${PG_URL.replace(/[/.?]/g, "\\$&")} \\(schema ${SCHEMA}\\) already holds a journal of \\d+ events \\(continue it with --resume, or choose another journal\\.schema\\)\\n$`,
      ),
    );
  });

  it("refuses, in one line, FIX venue sessions of an earlier run in a new session's venue schema", async () => {
    const schema = `${SCHEMA}_v`;
    const earlier = new PostgresFixMessageStore(PG_URL, `${schema}_fix_venues`);
    earlier.setNextSenderMsgSeqNum("FIX.4.4:TRIBUTARY->LITA", 7);
    earlier.close();
    try {
      const r = refused(config({ pg: PG_URL, schema }, { fixVenues: [{ venue: "LITA", port: 9 }] }, "venues.yaml"));
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        `tributary: journal.pg: schema ${schema}_fix_venues (the FIX venue sessions of an earlier run) already holds` +
          " sessions: continue it with --resume, or choose another journal.schema\n",
      );
    } finally {
      await dropSchemas(schema, `${schema}_fix_venues`);
    }
  });

  it("refuses, in one line, a server that does not answer (no password shown)", () => {
    const r = refused(config({ pg: "postgres://ops:secret@127.0.0.1:1/test" }, {}, "down.yaml"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^tributary: journal\.pg: postgres:\/\/ops:\*\*\*@127\.0\.0\.1:1\/test: cannot connect \(ECONNREFUSED.*\)\n$/,
    );
  });

  it("keeps the FIX sessions' sequence numbers in PostgreSQL with fix.store a postgres:// URL", async () => {
    const fixSchema = `${SCHEMA}_fix`;
    const session = { id: "OMS1", senderCompId: "TRIBUTARY", targetCompId: "OMS1" };
    const fix = { port: 0, store: PG_URL, storeSchema: fixSchema, sessions: [session] };
    const service = await startServiceProcess(
      dir,
      config({ pg: PG_URL, schema: `${SCHEMA}_j2` }, { fix }, "fixpg.yaml"),
    );
    started.push(service);
    const oms = await FixTestInitiator.open({
      port: service.fixPort as number,
      senderCompId: "OMS1",
      targetCompId: "TRIBUTARY",
      clock: wallClock,
    });
    try {
      expect((await oms.logon()).msgType).toBe("A");
    } finally {
      oms.close();
    }
    expect(await service.stop()).toBe(0);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const rows = await client.query(`SELECT next_sender, next_target FROM ${quoteIdent(fixSchema)}.fix_session`);
      // Both Logons counted (ours sent, theirs received), then the Logouts of the stop.
      expect(rows.rows).toHaveLength(1);
      expect(Number(rows.rows[0].next_sender)).toBeGreaterThanOrEqual(2);
      expect(Number(rows.rows[0].next_target)).toBeGreaterThanOrEqual(2);
    } finally {
      await client.end();
      await dropSchemas(fixSchema, `${SCHEMA}_j2`);
    }
  });
});
