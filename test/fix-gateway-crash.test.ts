/**
 * A crash with the FIX message store in the journal (`tributary fix gateway --store journal --journal FILE`): the
 * gateway is killed (SIGKILL) while an OMS streams orders at it, and the file it leaves holds, for every read the
 * store counted, the events of that read: every NewOrderSingle whose MsgSeqNum the store consumed (below its next
 * expected number) is in the journal, every stored report's event is there too, and every order the OMS heard
 * acknowledged is in both. Run three times, killed at different points of the stream. Then killed while its commit
 * waits for another connection's write lock (a kill before the commit, made deterministic): neither the reads'
 * MsgSeqNums nor their orders are in the file; with two files (`--store FILE`) the same kill leaves the MsgSeqNums
 * consumed and the orders nowhere, the gap no resend closes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { formatUtcTimestamp } from "../src/fix/fix-time.js";
import { wallClock } from "../src/fix/tcp-acceptor.js";
import { FixTestInitiator } from "../src/fix/test-initiator.js";

const CLI = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "tributary-fix-crash-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const ORDERS = 600;
const SESSION = "FIX.4.4:TRIBUTARY->OMS1";

/** The gateway with its FIX store in the journal, or (`store` a file) beside it. */
function startGateway(journal: string, store = "journal"): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, "fix", "gateway", "--port", "0", "--target", "OMS1", "--max-rate", "1000000"].concat([
        "--store",
        store,
        "--journal",
        journal,
      ]),
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
  it.each([50, 200, 400])(
    "leaves every consumed MsgSeqNum's order and every stored report's event journaled (killed after %i acks)",
    async (killAfter) => {
      const path = join(dir, `journal-${killAfter}.db`);
      const { child, port } = await startGateway(path);
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

      const db = new Database(path);
      try {
        const session = db.prepare("SELECT next_target FROM fix_session WHERE session_id = ?").get(SESSION) as {
          next_target: number;
        };
        const journaled = new Set(
          (db.prepare("SELECT DISTINCT cl_ord_id FROM journal_client_id").all() as { cl_ord_id: string }[]).map(
            (r) => r.cl_ord_id,
          ),
        );
        const head = (db.prepare("SELECT max(seq) AS seq FROM journal").get() as { seq: number }).seq;
        const consumed = session.next_target - firstOrderSeq;
        expect(consumed).toBeGreaterThanOrEqual(heard.length);
        for (let i = 0; i < consumed; i++) expect(journaled.has(`c${i}`), `c${i} consumed, not journaled`).toBe(true);
        for (const clOrdId of heard) expect(journaled.has(clOrdId)).toBe(true);
        const stored = db.prepare("SELECT upstream_seq FROM fix_sent_message WHERE upstream_seq > 0").all() as {
          upstream_seq: number;
        }[];
        expect(stored.length).toBeGreaterThanOrEqual(heard.length);
        for (const s of stored) expect(s.upstream_seq).toBeLessThanOrEqual(head);
      } finally {
        db.close();
      }
    },
    60_000,
  );

  // With two files the FIX store's commit does not wait for the journal's: the same kill leaves the second 20 orders'
  // MsgSeqNums consumed in the store and the orders nowhere (the gap the store in the journal closes; a resend would
  // not bring them back). Shown here so that the first case is seen to test something.
  it.each([
    { mode: "store in the journal", store: "journal", consumed: 20 },
    { mode: "two files", store: "fix.sqlite", consumed: 40 },
  ])(
    "killed while its journal commit waits for another connection's lock ($mode): $consumed orders consumed, 20 journaled",
    async ({ mode, store, consumed }) => {
      const path = join(dir, `journal-locked-${store}.db`);
      const storePath = store === "journal" ? path : join(dir, `${mode.replace(/ /g, "-")}-${store}`);
      const { child, port } = await startGateway(path, store === "journal" ? "journal" : storePath);
      const oms = await logOn(port);
      const acked = () => oms.filter((m) => m.msgType === "8" && m.get(150) === "0").map((m) => m.get(11));
      for (let i = 0; i < 20; i++) newOrder(oms, `a${i}`);
      await oms.until(() => acked().length === 20, "the first 20 acks");
      const lock = new Database(path);
      lock.exec("BEGIN IMMEDIATE"); // the journal's next commit waits for this lock (SQLite's busy timeout)
      for (let i = 0; i < 20; i++) newOrder(oms, `b${i}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      lock.exec("ROLLBACK");
      lock.close();
      oms.close();
      expect(acked()).toHaveLength(20);

      const fix = new Database(storePath);
      const journal = new Database(path);
      try {
        const session = fix.prepare("SELECT next_target FROM fix_session WHERE session_id = ?").get(SESSION) as {
          next_target: number;
        };
        expect(session.next_target - 2).toBe(consumed); // after the Logon (1)
        const journaled = (
          journal.prepare("SELECT DISTINCT cl_ord_id FROM journal_client_id").all() as { cl_ord_id: string }[]
        )
          .map((r) => r.cl_ord_id)
          .sort();
        expect(journaled).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`).sort());
      } finally {
        fix.close();
        journal.close();
      }
    },
    60_000,
  );
});
