/**
 * Transaction cost analysis end to end, as a user runs it (the built binary in a child process): `tributary demo`
 * records the market as bars in its journal, ends with the TCA summary, and writes report.html and the CSV files;
 * `tributary tca` on the stored journal (SQLite, and a copy in PostgreSQL) gives the same summary; `audit verify` accepts the journal with its bars; bad
 * inputs are one line and exit 2. And in process: recording the bars changes no fill (the recorder only listens).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SOURCES, generateOrders, toOrderInput } from "../src/cli/demo-orders.js";
import { simulateDay } from "../src/cli/sim-day.js";
import { loadReferenceData } from "../src/config/load-config.js";
import { makeRecord } from "../src/journal/journal-record.js";
import { PostgresJournalStore } from "../src/journal/postgres-journal-store.js";
import { SqliteJournalStore } from "../src/journal/sqlite-journal-store.js";
import { VolumeProfile } from "../src/market/volume-profile.js";
import type { EngineEvent } from "../src/model/client-events.js";
import type { Instrument } from "../src/model/instrument.js";
import { SESSION_SECONDS } from "../src/model/market-parameters.js";
import { MarketBarRecorder } from "../src/tca/market-bar-recorder.js";
import { dropSchemas, PG_URL, testSchema } from "./postgres-fixtures.js";

const CLI = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");
const CONFIG = fileURLToPath(new URL("../config/demo.yaml", import.meta.url));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("tributary demo + tca", () => {
  const dir = mkdtempSync(join(tmpdir(), "tributary-tca-"));
  const out = join(dir, "run");
  const db = join(out, "journal.db");
  let demo: ReturnType<typeof run>;
  let summary: { tca: { totals: Record<string, number | null>; venues: { key: string }[] } };

  beforeAll(() => {
    demo = run("demo", "--minutes", "3", "--seed", "5", "--order-count", "400", "--out", out, "--json");
    summary = JSON.parse(demo.stdout);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("ends the demo with the TCA summary and writes report.html and the CSV files into --out", () => {
    expect(demo.status).toBe(0);
    const t = summary.tca.totals;
    expect(t.orders).toBe(400);
    expect(t.fills).toBeGreaterThan(0);
    const parts = ["delayBps", "tradingBps", "opportunityBps", "feeBps"].map((k) => t[k] as number);
    expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(t.shortfallBps as number, 9);
    for (const name of ["report.html", "tca-orders.csv", "tca-parents.csv", "tca-fills.csv", "tca-venues.csv"])
      expect(existsSync(join(out, name)), name).toBe(true);
    const fills = readFileSync(join(out, "tca-fills.csv"), "utf8").trim().split("\n");
    expect(fills[0]).toBe(
      "fill_id,parent_id,child_id,time,symbol,side,venue,tactic,routing_logic,algo,liquidity,qty,price,fee,mid,benchmark_vwap," +
        "performance_bps,effective_spread_bps,realised_spread_bps,markout_1s_bps,markout_5s_bps,markout_30s_bps," +
        "markout_60s_bps,markout_300s_bps",
    );
    expect(fills.length - 1).toBe(t.fills);
    // Quantities are exact: a filled order's executed quantity is its order quantity, fractional PNNY lots included.
    const orders = readFileSync(join(out, "tca-orders.csv"), "utf8").trim().split("\n").slice(1);
    const qty = orders.map((l) => l.split(",")).map((c) => ({ symbol: c[6], order: c[8], executed: c[9] }));
    const fractional = qty.filter((q) => q.symbol === "PNNY" && q.order === q.executed && q.order?.includes("."));
    expect(fractional.length).toBeGreaterThan(0);
    for (const q of qty) expect(q.executed, JSON.stringify(q)).toMatch(/^\d+(\.\d{1,4})?$/);
    const table = run("demo", "--minutes", "1", "--seed", "5", "--order-count", "50", "--no-journal").stdout;
    expect(table).toMatch(/Transaction cost analysis: 50 orders/);
    expect(table).toMatch(/implementation shortfall -?\d+\.\d\d bps = delay/);
  });

  it("journals one-second market bars that audit verify accepts", () => {
    const sqlite = new Database(db, { readonly: true });
    const bars = sqlite.prepare("select count(*) as n from journal where type = 'market-bar'").get() as { n: number };
    const first = sqlite.prepare("select payload from journal where type = 'market-bar' limit 1").get() as {
      payload: string;
    };
    sqlite.close();
    expect(bars.n).toBeGreaterThan(3 * 60); // at least one per second of a 3-minute session
    expect(Object.keys(JSON.parse(first.payload)).sort()).toEqual(
      ["ask", "barStart", "bid", "notional", "seq", "symbol", "time", "trades", "type", "volume"].sort(),
    );
    const verify = run("audit", "verify", "--db", db);
    expect(verify.stdout).toMatch(/hash chain intact/);
    expect(verify.status).toBe(0);
  });

  it("`tributary tca --db` on the stored journal gives the demo's figures; --parent keeps one parent, --csv", () => {
    const tca = run("tca", "--db", db, "--json");
    expect(tca.status).toBe(0);
    const report = JSON.parse(tca.stdout);
    expect(report.summary).toEqual(summary.tca);
    expect(report.orders).toHaveLength(400);
    const parentId = report.parents[0].parentId as number;
    const one = JSON.parse(run("tca", "--db", db, "--json", "--parent", String(parentId)).stdout);
    expect(one.parents.map((p: { parentId: number }) => p.parentId)).toEqual([parentId]);
    expect(one.fills.every((f: { parentId: number }) => f.parentId === parentId)).toBe(true);
    expect(one.summary.totals.parents).toBe(1);
    expect(one.summary.totals.orders).toBe(one.orders.length);
    const csv = join(dir, "csv");
    expect(run("tca", "--db", db, "--parent", String(parentId), "--csv", csv).status).toBe(0);
    const parentsCsv = readFileSync(join(csv, "tca-parents.csv"), "utf8").trim().split("\n");
    expect(parentsCsv).toHaveLength(2);
    expect(parentsCsv[1]?.startsWith(`${parentId},`)).toBe(true);
    const text = run("tca", "--db", db);
    expect(text.stdout).toMatch(/^Transaction cost analysis: 400 orders/);
    expect(text.stdout).toMatch(/\nvenue +fills +shares/);
  });

  it("`tributary tca --pg` reads the same journal from PostgreSQL", async () => {
    const schema = testSchema("tca");
    const sqlite = SqliteJournalStore.open(db, { mode: "open" });
    const target = await PostgresJournalStore.open({ url: PG_URL, schema, mode: "create" });
    try {
      const head = await sqlite.head();
      const records = await sqlite.readRange(1, head?.seq ?? 0);
      // The stored records, rebuilt with their side-table rows (the payload and chain are the same bytes).
      await target.append(records.map((r) => makeRecord(JSON.parse(r.payload), r.payload, r.causation, r.prevHash)));
      const tca = run("tca", "--pg", PG_URL, "--pg-schema", schema, "--json");
      expect(tca.stderr).toBe("");
      expect(JSON.parse(tca.stdout).summary).toEqual(summary.tca);
    } finally {
      await target.close();
      sqlite.closeSync();
      await dropSchemas(schema);
    }
  });

  it("refuses bad input with one line and exit 2", () => {
    const missing = run("tca", "--db", join(dir, "nope.db"));
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    const parent = run("tca", "--db", db, "--parent", "999999");
    expect(parent.status).toBe(2);
    expect(parent.stderr).toMatch(/no parent 999999/);
    const both = run("tca", "--db", db, "--pg", "postgres://x@127.0.0.1:1/x");
    expect(both.status).toBe(2);
    const evaluateAlone = run("tca", "--db", db, "--evaluate", join(dir, "eval.json"));
    expect(evaluateAlone.status).toBe(2);
    expect(evaluateAlone.stderr).toMatch(/give --html too/);
  });
});

describe("market bars only listen", () => {
  /** Every event but the bars, without seq (bars shift later seqs), of a 2-minute day with 300 generated orders. */
  function day(withRecorder: boolean): string[] {
    const data = loadReferenceData(CONFIG);
    const events: string[] = [];
    let recorder = null as MarketBarRecorder | null;
    simulateDay({
      data,
      profile: VolumeProfile.generatedU(SESSION_SECONDS),
      seed: 11,
      startMicros: Date.UTC(2026, 0, 5, 14, 30) * 1000,
      minutes: 2,
      onReport: () => {},
      sources: DEMO_SOURCES.map((s) => ({ id: s.id, kind: s.kind })),
      clientOrders: (d, random) => {
        if (withRecorder) recorder = new MarketBarRecorder(d.sim.quotes, d.scheduler, (bar) => d.engine.record(bar));
        d.engine.on((event: EngineEvent) => {
          if (event.type === "market-bar") return;
          const { seq: _seq, ...rest } = event;
          events.push(JSON.stringify(rest));
        });
        for (const order of generateOrders(300, data.instruments, d.startMicros, d.endMicros, random)) {
          d.scheduler.at(order.at, () => {
            const q = d.sim.quotes.nbbo(order.symbol);
            const mid = q.bid > 0 && q.ask > q.bid ? Math.round((q.bid + q.ask) / 2) : null;
            d.engine.submit(toOrderInput(order, data.instruments.get(order.symbol) as Instrument, mid, d.endMicros));
          });
        }
      },
    });
    recorder?.finish();
    if (withRecorder) expect(recorder?.bars).toBeGreaterThan(2 * 60);
    return events;
  }

  it("gives the same orders, children, fills and allocations with or without the recorder", () => {
    const without = day(false);
    const withBars = day(true);
    expect(without.filter((e) => e.includes('"parent-filled"')).length).toBeGreaterThan(0);
    expect(withBars).toEqual(without);
  });
});
