/**
 * A crash with the FIX message store in the journal (`tributary fix gateway --store journal --journal FILE`): the
 * gateway is killed (SIGKILL) while an OMS streams orders at it, and the file it leaves holds, for every read the
 * store counted, the events of that read: every NewOrderSingle whose MsgSeqNum the store consumed (below its next
 * expected number) is in the journal, every stored report's event is there too, and every order the OMS heard
 * acknowledged is in both. (With two files a kill between the two commits could consume an order's MsgSeqNum
 * without journaling it: no resend would bring it back.) Run three times, killed at different points of the stream.
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

function startGateway(journal: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, "fix", "gateway", "--port", "0", "--target", "OMS1", "--max-rate", "1000000"].concat([
        "--store",
        "journal",
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

describe("SIGKILL of a FIX gateway whose store is in the journal", () => {
  it.each([50, 200, 400])(
    "leaves every consumed MsgSeqNum's order and every stored report's event journaled (killed after %i acks)",
    async (killAfter) => {
      const path = join(dir, `journal-${killAfter}.db`);
      const { child, port } = await startGateway(path);
      const oms = await FixTestInitiator.open({
        port,
        senderCompId: "OMS1",
        targetCompId: "TRIBUTARY",
        clock: wallClock,
      });
      expect((await oms.logon()).msgType).toBe("A");
      const firstOrderSeq = 2; // the Logon was 1
      for (let i = 0; i < ORDERS; i++) {
        oms.send("D", [
          [11, `c${i}`],
          [1, "F1"],
          [55, "ACME"],
          [54, "1"],
          [60, formatUtcTimestamp(wallClock.now())],
          [38, "100"],
          [40, "2"],
          [44, "90.00"],
        ]);
      }
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
});
