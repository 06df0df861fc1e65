/**
 * `tributary demo` journals its run and `tributary audit` answers from it, as a user runs them (the built binary in a
 * child process): an order's life as a table, CSV or JSONL; a parent's; `audit verify` (0 intact, 1 tampered); and
 * one line with exit 2 for each bad input: a missing file, a file that is not SQLite, a SQLite file that is not a
 * journal, a journal from a newer version, an unknown order, an unreachable PostgreSQL.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("tributary demo + audit", () => {
  const dir = mkdtempSync(join(tmpdir(), "tributary-audit-"));
  const out = join(dir, "run");
  const db = join(out, "journal.db");
  /** A copy of the run's journal in `dir`, to damage. */
  const copyOfJournal = (name: string): string => {
    const copy = join(dir, name);
    const source = new Database(db);
    source.exec(`VACUUM INTO '${copy}'`);
    source.close();
    return copy;
  };
  let demo: ReturnType<typeof run>;
  let accepted: { clOrdId: string; parentId: string; filled: string }[];

  beforeAll(() => {
    demo = run("demo", "--minutes", "2", "--seed", "5", "--order-count", "400", "--out", out);
    const lines = readFileSync(join(out, "orders.csv"), "utf8").trim().split("\n").slice(1);
    accepted = lines
      .map((l) => l.split(","))
      .filter((c) => c[8] !== "rejected")
      .map((c) => ({ clOrdId: c[0] as string, parentId: c[9] as string, filled: c[6] as string }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("journals the demo to <out>/journal.db and names it in the summary", () => {
    expect(demo.status).toBe(0);
    expect(demo.stdout).toMatch(
      new RegExp(`journal: ${db.replace(/[/.]/g, "\\$&")}, [\\d,]+ events, head [0-9a-f]{64}`),
    );
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.journal.path).toBe(db);
    expect(summary.journal.events).toBeGreaterThan(400);
  });

  it("prints the life of an order from that run", () => {
    const filled = accepted.find((o) => Number(o.filled) > 0) ?? (accepted[0] as (typeof accepted)[number]);
    const r = run("audit", "--db", db, "--order", filled.clOrdId);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^order ${filled.clOrdId}: engine order \\d+, parent ${filled.parentId};`));
    expect(r.stdout).toMatch(/\n\d+\s+\S+Z\s+parent-created /);
    expect(r.stdout).toMatch(/\n\d+\s+\S+Z\s+order-accepted /);
    expect(r.stdout).toMatch(/ fill-allocated .*share=\d+\/\d+/);
    expect(r.stdout).toMatch(/execution-report .*execType=trade/);
    const csv = run("audit", "--db", db, "--order", filled.clOrdId, "--format", "csv");
    expect(csv.stdout.split("\n")[0]).toBe(
      "seq,time,type,source,parent_id,order_id,child_id,causation,share,payload,hash",
    );
    const jsonl = run("audit", "--db", db, "--order", filled.clOrdId, "--format", "jsonl").stdout.trim().split("\n");
    expect(jsonl.map((l) => JSON.parse(l).type)).toContain("order-accepted");
    const parent = run("audit", "--db", db, "--parent", filled.parentId);
    expect(parent.status).toBe(0);
    expect(parent.stdout).toMatch(new RegExp(`^parent ${filled.parentId}: \\d+ events`));
  });

  it("verifies the journal, and names the first bad seq once a payload is edited", () => {
    const ok = run("audit", "verify", "--db", db);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/records verified; hash chain intact; head [0-9a-f]{64}/);
    const copy = copyOfJournal("tampered.db");
    const t = new Database(copy);
    t.exec("DROP TRIGGER journal_no_update");
    t.exec("UPDATE journal SET payload = replace(payload, '\"seq\":7,', '\"seq\":7, ') WHERE seq = 7");
    t.close();
    const bad = run("audit", "verify", "--db", copy);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/TAMPERED at seq 7: hash does not match the payload \(6 records before it verify\)/);
  });

  it("finds a record forged below seq 1, which the chain does not reach but queries would show", () => {
    const copy = copyOfJournal("forged.db");
    const t = new Database(copy);
    t.exec(
      "INSERT INTO journal SELECT -5, time, type, source, parent_id, order_id, child_id, causation, payload, prev_hash," +
        " hash FROM journal WHERE type = 'execution-report' LIMIT 1",
    );
    t.close();
    const bad = run("audit", "verify", "--db", copy);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/TAMPERED at seq -5: a record numbered below 1/);
  });

  it("reads a journal without writing to it: a read-only file verifies and keeps its bytes", () => {
    const copy = copyOfJournal("read-only.db");
    const before = readFileSync(copy);
    chmodSync(copy, 0o444);
    const ok = run("audit", "verify", "--db", copy);
    expect(ok.status, ok.stderr).toBe(0);
    expect(readFileSync(copy).equals(before)).toBe(true);
  });

  it.each([
    ["a missing file", () => ["--db", join(dir, "nope.db")], /nope\.db: no such file\n/],
    [
      "a file that is not SQLite",
      () => {
        const f = join(dir, "orders-copy.db");
        writeFileSync(f, readFileSync(join(out, "orders.csv")));
        return ["--db", f];
      },
      /orders-copy\.db: not a SQLite database\n/,
    ],
    [
      "a SQLite file that is not a journal",
      () => {
        const f = join(dir, "other.db");
        const d = new Database(f);
        d.exec("CREATE TABLE t (x)");
        d.close();
        return ["--db", f];
      },
      /other\.db: not a Tributary journal/,
    ],
    [
      "a journal from a newer Tributary",
      () => {
        const f = copyOfJournal("newer.db");
        const d = new Database(f);
        d.exec("INSERT INTO tributary_schema (version, description) VALUES (99, 'future')");
        d.close();
        return ["--db", f];
      },
      /newer\.db: journal schema version 99 is newer than this Tributary reads/,
    ],
    ["an unknown order", () => ["--db", db, "--order", "NO-SUCH-ORDER"], /no order with ClOrdID "NO-SUCH-ORDER"/],
    ["a directory", () => ["--db", dir], /: a directory, not a journal file\n/],
    [
      "a journal whose journal table is missing",
      () => {
        const f = copyOfJournal("no-table.db");
        const d = new Database(f);
        d.exec("DROP TABLE journal");
        d.close();
        return ["--db", f];
      },
      /no-table\.db: the journal table is missing\n/,
    ],
    [
      "a journal damaged past its header",
      () => {
        const f = copyOfJournal("damaged.db");
        const bytes = readFileSync(f);
        bytes.fill(0x5a, 4096 * 3, bytes.length);
        writeFileSync(f, bytes);
        return ["--db", f];
      },
      /damaged\.db: .*\(SQLITE_(CORRUPT|NOTADB)/,
    ],
    [
      "an unreachable PostgreSQL",
      () => ["--pg", "postgres://postgres@127.0.0.1:1/test"],
      /^tributary: --pg postgres:\/\/postgres@127\.0\.0\.1:1\/test: cannot connect/,
    ],
  ])("refuses %s with one line and exit code 2", (_what, args, message) => {
    const a = args();
    const r = run("audit", ...a, ...(a.includes("--order") ? [] : ["--order", "X"]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });
});
