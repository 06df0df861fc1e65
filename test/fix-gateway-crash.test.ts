/**
 * A crash with the FIX message store in the journal (`tributary fix gateway --store journal --journal FILE`, or
 * `--journal-pg URL --journal-schema S`): the gateway is killed (SIGKILL) while an OMS streams orders at it, and the
 * file (or schema) it leaves holds, for every read the store counted, the events of that read: every NewOrderSingle
 * whose MsgSeqNum the store consumed (below its next expected number) is in the journal, every stored report's event
 * is there too, and every order the OMS heard acknowledged is in both. Run three times on SQLite and twice on
 * PostgreSQL (the real server of this machine, 127.0.0.1:5432, database `test`, or TRIBUTARY_TEST_PG; schemas of
 * their own, dropped after), killed at different points of the stream. Then killed while its commit waits for another
 * connection's lock (a kill before the commit, made deterministic): neither the reads' MsgSeqNums nor their orders
 * are in the file or schema; with a store file of its own (`--store FILE`) the same kill leaves the MsgSeqNums consumed
 * and the orders nowhere, the gap no resend closes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { formatUtcTimestamp } from "../src/fix/fix-time.js";
import { wallClock } from "../src/fix/tcp-acceptor.js";
import { FixTestInitiator } from "../src/fix/test-initiator.js";
import { quoteIdent } from "../src/journal/postgres-journal-store.js";
import { dropSchemas, PG_URL, testSchema } from "./postgres-fixtures.js";

const CLI = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "tributary-fix-crash-"));
const children: ChildProcess[] = [];
const PG_RUN = testSchema("tfixcrash");
const schemas: string[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(...schemas);
});

const ORDERS = 600;
const SESSION = "FIX.4.4:TRIBUTARY->OMS1";

/** Where the gateway journals: a SQLite file, or a PostgreSQL schema. */
type JournalAt =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly schema: string };

function journalAt(kind: "sqlite" | "postgres", name: string): JournalAt {
  if (kind === "sqlite") return { kind, path: join(dir, `${name}.db`) };
  const schema = `${PG_RUN}_${name.replace(/-/g, "_")}`;
  schemas.push(schema);
  return { kind, schema };
}

const journalFlags = (j: JournalAt): string[] =>
  j.kind === "sqlite" ? ["--journal", j.path] : ["--journal-pg", PG_URL, "--journal-schema", j.schema];

/** What the journal holds after the kill: the store's next expected MsgSeqNum, the ClOrdIDs journaled, and more. */
interface Left {
  readonly nextTarget: number;
  readonly journaled: Set<string>;
  readonly head: number;
  /** The event seq each stored report reports. */
  readonly reported: number[];
}

async function leftIn(j: JournalAt): Promise<Left> {
  const queries = {
    nextTarget: "SELECT next_target FROM {s}fix_session WHERE session_id = $1",
    journaled: "SELECT DISTINCT cl_ord_id FROM {s}journal_client_id",
    head: "SELECT max(seq) AS seq FROM {s}journal",
    reported: "SELECT upstream_seq FROM {s}fix_sent_message WHERE upstream_seq > 0",
  };
  const rows = async (run: (sql: string, args: unknown[]) => Promise<Record<string, unknown>[]>) => ({
    nextTarget: Number((await run(queries.nextTarget, [SESSION]))[0]?.next_target),
    journaled: new Set((await run(queries.journaled, [])).map((r) => r.cl_ord_id as string)),
    head: Number((await run(queries.head, []))[0]?.seq),
    reported: (await run(queries.reported, [])).map((r) => Number(r.upstream_seq)),
  });
  if (j.kind === "sqlite") {
    const db = new Database(j.path);
    try {
      return await rows(
        async (sql, args) =>
          db.prepare(sql.replace("{s}", "").replace("$1", "?")).all(...args) as Record<string, unknown>[],
      );
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await rows(
      async (sql, args) => (await client.query(sql.replace("{s}", `${quoteIdent(j.schema)}.`), args)).rows,
    );
  } finally {
    await client.end();
  }
}

/**
 * Another connection's lock that the journal's next commit waits for: SQLite's write lock (the commit waits within
 * its busy timeout: given a second to get there), or PostgreSQL's SHARE lock on the journal table (its COPY waits:
 * the server says when).
 */
async function lockJournal(j: JournalAt): Promise<{ waitedFor(): Promise<void>; release(): Promise<void> }> {
  if (j.kind === "sqlite") {
    const db = new Database(j.path);
    db.exec("BEGIN IMMEDIATE");
    return {
      waitedFor: () => new Promise((resolve) => setTimeout(resolve, 1_000)),
      release: async () => {
        db.exec("ROLLBACK");
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query("BEGIN");
  await client.query(`LOCK TABLE ${quoteIdent(j.schema)}.journal IN SHARE MODE`);
  // Asked on a connection of its own: within a transaction pg_stat_activity answers from one snapshot.
  const waiting = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1";
  return {
    waitedFor: async () => {
      const watcher = new pg.Client({ connectionString: PG_URL });
      await watcher.connect();
      try {
        while ((await watcher.query(waiting, [`%${j.schema}%`])).rows[0].n === 0);
      } finally {
        await watcher.end();
      }
    },
    release: async () => {
      await client.query("ROLLBACK");
      await client.end();
    },
  };
}

/** The gateway with its FIX store in the journal, or (`store` a file) beside it. */
function startGateway(journal: JournalAt, store = "journal"): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, "fix", "gateway", "--port", "0", "--target", "OMS1", "--max-rate", "1000000", "--store", store].concat(
        journalFlags(journal),
      ),
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on [^:]+:(\d+)/.exec(out);
      if (m !== null) resolve({ child, port: Number(m[1]) });
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.once("exit", (code) => reject(new Error(`gateway exited with ${code} before listening: ${out}`)));
  });
}

/** The OMS's session to the gateway, logged on. */
async function logOn(port: number): Promise<FixTestInitiator> {
  const oms = await FixTestInitiator.open({ port, senderCompId: "OMS1", targetCompId: "TRIBUTARY", clock: wallClock });
  expect((await oms.logon()).msgType).toBe("A");
  return oms;
}

function newOrder(oms: FixTestInitiator, clOrdId: string): void {
  oms.send("D", [
    [11, clOrdId],
    [1, "F1"],
    [55, "ACME"],
    [54, "1"],
    [60, formatUtcTimestamp(wallClock.now())],
    [38, "100"],
    [40, "2"],
    [44, "90.00"],
  ]);
}

describe("SIGKILL of a FIX gateway whose store is in the journal", () => {
  it.each([
    ["sqlite", 50],
    ["sqlite", 200],
    ["sqlite", 400],
    ["postgres", 50],
    ["postgres", 400],
  ] as const)(
    "leaves every consumed MsgSeqNum's order and every stored report's event journaled (%s, killed after %i acks)",
    async (kind, killAfter) => {
      const journal = journalAt(kind, `journal-${killAfter}`);
      const { child, port } = await startGateway(journal);
      const oms = await logOn(port);
      const firstOrderSeq = 2; // the Logon was 1
      for (let i = 0; i < ORDERS; i++) newOrder(oms, `c${i}`);
      const acked = () => oms.filter((m) => m.msgType === "8" && m.get(150) === "0");
      await oms.until(() => acked().length >= killAfter, `${killAfter} acks`, 30_000);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      const heard = acked().map((m) => m.get(11) as string);
      oms.close();

      const left = await leftIn(journal);
      const consumed = left.nextTarget - firstOrderSeq;
      expect(consumed).toBeGreaterThanOrEqual(heard.length);
      for (let i = 0; i < consumed; i++)
        expect(left.journaled.has(`c${i}`), `c${i} consumed, not journaled`).toBe(true);
      for (const clOrdId of heard) expect(left.journaled.has(clOrdId)).toBe(true);
      expect(left.reported.length).toBeGreaterThanOrEqual(heard.length);
      for (const seq of left.reported) expect(seq).toBeLessThanOrEqual(left.head);
    },
    60_000,
  );

  // With two files the FIX store's commit does not wait for the journal's: the same kill leaves the second 20 orders'
  // MsgSeqNums consumed in the store and the orders nowhere (the gap the store in the journal closes; a resend would
  // not bring them back). Shown here (with the PostgreSQL journal, whose commit waits on a worker while the gateway
  // reads on) so that the first case is seen to test something.
  it.each([
    { kind: "sqlite", mode: "store in the journal", store: "journal", consumed: 20 },
    { kind: "sqlite", mode: "two files", store: "fix.sqlite", consumed: 20 },
    { kind: "postgres", mode: "store in the journal", store: "journal", consumed: 20 },
    { kind: "postgres", mode: "a store file of its own", store: "fix.sqlite", consumed: 40 },
  ] as const)(
    "killed while its journal commit waits for another connection's lock ($kind, $mode): $consumed orders consumed, 20 journaled",
    async ({ kind, mode, store, consumed }) => {
      const journal = journalAt(kind, `journal-locked-${store.replace(".", "-")}`);
      const storePath = store === "journal" ? null : join(dir, `${mode.replace(/ /g, "-")}-${store}`);
      const { child, port } = await startGateway(journal, storePath ?? "journal");
      const oms = await logOn(port);
      const acked = () => oms.filter((m) => m.msgType === "8" && m.get(150) === "0").map((m) => m.get(11));
      for (let i = 0; i < 20; i++) newOrder(oms, `a${i}`);
      await oms.until(() => acked().length === 20, "the first 20 acks");
      const lock = await lockJournal(journal);
      for (let i = 0; i < 20; i++) newOrder(oms, `b${i}`);
      await lock.waitedFor();
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      await lock.release();
      oms.close();
      expect(acked()).toHaveLength(20);

      const left = await leftIn(journal);
      const fix = storePath === null ? null : new Database(storePath);
      const nextTarget =
        fix === null
          ? left.nextTarget
          : (
              fix.prepare("SELECT next_target FROM fix_session WHERE session_id = ?").get(SESSION) as {
                next_target: number;
              }
            ).next_target;
      fix?.close();
      // After the Logon (1). In the journal: exactly the 20 journaled. A store of its own beside a PostgreSQL journal
      // (committed on a worker) reads on while the journal waits, so how many of the 20 more it consumed before the
      // kill is a race (30 and 40 seen): more than 20. A SQLite journal commits on the gateway's own thread, so its
      // wait for the lock stops the reading too: at least 20 (20 seen).
      if (store === "journal") expect(nextTarget - 2).toBe(consumed);
      else if (kind === "postgres") expect(nextTarget - 2).toBeGreaterThan(20);
      else expect(nextTarget - 2).toBeGreaterThanOrEqual(20);
      expect([...left.journaled].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`).sort());
    },
    60_000,
  );
});
