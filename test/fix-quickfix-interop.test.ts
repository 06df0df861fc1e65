/**
 * Interop with a FIX engine we did not write: QuickFIX C++ (../shared/tools/quickfix-peer, `qfpeer initiator`) plays
 * an OMS against the built CLI's `tributary fix gateway` (engine live on the simulated venues of config/demo.yaml):
 * 2000 market orders in ACME as fast as it can send them, every 10th cancelled after its first report, QuickFIX's
 * dictionary validating every message we send, and its bookkeeping check of every ExecutionReport (CumQty = sum of
 * LastQty, CumQty + LeavesQty = OrderQty while working, AvgPx consistent, no over-fill). Orders carry no strategy
 * tags, so the session's defaults apply: urgency high, ExpireTime 3 s after arrival (whatever is not filled by then
 * expires, a final state). Requires `RESULT ok=yes`; then again (500 orders) with `--journal`, where every answer waits
 * until its event is durable in the SQLite journal, and with the FIX store in that journal (`--store journal`).
 *
 * Needs libquickfix-dev, g++ and pkg-config (Debian: `apt-get install -y g++ pkg-config libquickfix-dev`); without
 * them the test is skipped with that message. QFPEER=/path/to/qfpeer uses an already built peer.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { findQuickfixPeer, QFPEER_DICT, runPeer } from "./quickfix-peer.js";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "dist", "src", "cli", "main.js");

const peer = findQuickfixPeer();
if ("skip" in peer) process.stderr.write(`fix-quickfix-interop: skipped: ${peer.skip}\n`);

function startGateway(args: string[]): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "fix", "gateway", "--port", "0", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on [^:]+:(\d+)/.exec(out);
      if (m !== null) resolve({ child, port: Number(m[1]), output: () => out });
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.once("exit", (code) => reject(new Error(`gateway exited with ${code} before listening: ${out}`)));
  });
}

describe.skipIf("skip" in peer)("QuickFIX C++ initiator against `tributary fix gateway`", () => {
  const gateways: ChildProcess[] = [];
  afterAll(() => {
    for (const g of gateways) g.kill("SIGTERM");
  });

  async function interop(n: number, extra: string[]): Promise<string> {
    const started = await startGateway([
      ...["--sender", "TRIBUTARY", "--target", "OMS1", "--urgency", "high", "--duration", "3"],
      ...extra,
    ]);
    gateways.push(started.child);
    const out = await runPeer((peer as { path: string }).path, [
      ...["initiator", "--port", String(started.port), "--sender", "OMS1", "--target", "TRIBUTARY"],
      ...["--n", String(n), "--rate", "0", "--cancel-every", "10", "--dict", QFPEER_DICT],
      ...["--symbols", "ACME", "--ordtype", "market", "--wait", "60"],
    ]);
    const result = out.split("\n").find((line) => line.startsWith("RESULT")) ?? "";
    process.stderr.write(`fix-quickfix-interop: ${extra.join(" ")} ${result}\n`);
    expect(started.child.exitCode, started.output()).toBeNull();
    expect(result, out).toMatch(/^RESULT ok=yes /);
    expect(result).toMatch(new RegExp(` final=${n} `));
    expect(result).toMatch(/ bookkeeping_errors=0 /);
    return result;
  }

  it("2000 market orders, every 10th cancelled: every order final, no bookkeeping error", {
    timeout: 180_000,
  }, async () => {
    await interop(2000, []);
  });

  it("the same with a journal: every answer is sent once its event is durable", { timeout: 180_000 }, async () => {
    const journal = join(mkdtempSync(join(tmpdir(), "tributary-fix-interop-")), "journal.sqlite");
    await interop(500, ["--journal", journal]);
    expect(statSync(journal).size).toBeGreaterThan(0);
  });

  it("the same with the FIX store in the journal: numbers, sent messages and events in one commit", {
    timeout: 180_000,
  }, async () => {
    const journal = join(mkdtempSync(join(tmpdir(), "tributary-fix-interop-")), "journal.sqlite");
    await interop(500, ["--store", "journal", "--journal", journal]);
    const db = new Database(journal, { readonly: true });
    try {
      const sent = db.prepare("SELECT count(*) AS n FROM fix_sent_message WHERE upstream_seq > 0").get() as {
        n: number;
      };
      expect(sent.n).toBeGreaterThanOrEqual(500);
    } finally {
      db.close();
    }
  });
});
