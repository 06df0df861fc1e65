/**
 * An OMS reconnecting over FIX after our restart receives every execution report it missed: `tributary serve` with a
 * durable FIX message store; the OMS sends orders, logs out; the orders trade while it is away; the service is killed
 * (SIGKILL) and resumed from its journal (`--resume`), and trades on; the OMS logs on again continuing its sequence
 * numbers, sees the gap in ours, asks for a resend, and gets the reports it missed (PossDupFlag=Y), in order, with
 * the bookkeeping right: its trade reports add up to the cumulative quantity the engine holds for the order.
 * Once with the journal and the FIX store in SQLite files, once with the FIX store in the journal's own file
 * (`fix.store: journal`), once with both in PostgreSQL, once with the FIX store in the PostgreSQL journal's schema (the
 * real server of this machine, 127.0.0.1:5432, database `test`, or TRIBUTARY_TEST_PG; schemas of their own, dropped
 * after).
 */
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { FixMessage } from "../src/fix/codec.js";
import { formatUtcTimestamp } from "../src/fix/fix-time.js";
import { wallClock } from "../src/fix/tcp-acceptor.js";
import { FixTestInitiator } from "../src/fix/test-initiator.js";
import { dropSchemas, PG_URL, testSchema } from "./postgres-fixtures.js";
import { call, type ServiceProcess, serviceConfig, startServiceProcess, tempDir } from "./service-fixtures.js";

const ADMIN = "admin-restart-token";
const PG_SCHEMA = testSchema("tfixrestart");
const cases = [
  { stores: "SQLite", journal: { path: "journal.db" }, fixStore: { store: "fix-store.db" }, schemas: [] },
  { stores: "the SQLite journal's file", journal: { path: "journal.db" }, fixStore: { store: "journal" }, schemas: [] },
  {
    stores: "PostgreSQL",
    journal: { pg: PG_URL, schema: PG_SCHEMA },
    fixStore: { store: PG_URL, storeSchema: `${PG_SCHEMA}_fix` },
    schemas: [PG_SCHEMA, `${PG_SCHEMA}_fix`],
  },
  {
    stores: "the PostgreSQL journal's schema",
    journal: { pg: PG_URL, schema: `${PG_SCHEMA}_in` },
    fixStore: { store: "journal" },
    schemas: [`${PG_SCHEMA}_in`],
  },
];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe.each(cases)("FIX: an OMS reconnecting after our restart (journal and FIX store in $stores)", (c) => {
  const dir = tempDir();
  const config = serviceConfig(dir, {
    sources: [{ id: "DESK", token: "desk-restart-token" }],
    admins: [{ id: "ops", token: ADMIN }],
    fix: {
      port: 0,
      ...c.fixStore,
      sessions: [{ id: "OMS1", senderCompId: "TRIBUTARY", targetCompId: "OMS1" }],
    },
    extra: { journal: c.journal },
  });
  const services: ServiceProcess[] = [];
  afterAll(async () => {
    for (const s of services) if (s.child.exitCode === null) s.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    await dropSchemas(...c.schemas);
  });

  it("receives every execution report it missed, by resend, after a SIGKILL and --resume", async () => {
    const first = await startServiceProcess(dir, config);
    services.push(first);
    const session = { senderCompId: "OMS1", targetCompId: "TRIBUTARY", clock: wallClock };
    const oms = await FixTestInitiator.open({ ...session, port: first.fixPort as number });
    expect((await oms.logon()).msgType).toBe("A");
    const order = (clOrdId: string, qty: number) => [
      [11, clOrdId] as [number, string],
      [1, "F1"] as [number, string],
      [55, "ACME"] as [number, string],
      [54, "1"] as [number, string],
      [60, formatUtcTimestamp(wallClock.now())] as [number, string],
      [38, String(qty)] as [number, string],
      [40, "1"] as [number, string],
      [9100, "high"] as [number, string],
    ];
    oms.send("D", order("r-1", 3000));
    await oms.next((m) => m.msgType === "8" && m.get(11) === "r-1" && m.get(150) === "0", "r-1 acknowledged");
    oms.send("5");
    await oms.until(() => oms.closed || oms.find((m) => m.msgType === "5") !== undefined, "the Logout answer");
    const seen = oms.messages.slice();
    const nextOut = 4; // Logon, NewOrderSingle, Logout
    oms.close();

    // Away: the order trades; then a crash, a resume, and more trading.
    const tradedWhileAway = async (service: ServiceProcess) => {
      for (let i = 0; i < 100; i++) {
        const r = await call(service.url, "GET", "/orders/r-1?source=OMS1", ADMIN);
        if (Number(r.body.cum_qty ?? 0) > 0) return Number(r.body.cum_qty);
        await sleep(100);
      }
      return 0;
    };
    expect(await tradedWhileAway(first)).toBeGreaterThan(0);
    first.child.kill("SIGKILL");
    await first.exited;
    const second = await startServiceProcess(dir, config, ["--resume"]);
    services.push(second);
    await sleep(2_000);

    const back = await FixTestInitiator.open({ ...session, port: second.fixPort as number, firstSeq: nextOut });
    try {
      const logon = await back.logon([], false);
      expect(logon.msgType).toBe("A");
      const expected = Math.max(...seen.map((m) => Number(m.get(34)))) + 1;
      expect(Number(logon.get(34))).toBeGreaterThan(expected); // a gap: what was sent while we were away
      back.send("2", [
        [7, expected],
        [16, 0],
      ]);
      // Each sequence number of the gap, resent (PossDupFlag=Y) or gap-filled (SequenceReset), once.
      const gap = Number(logon.get(34)) - expected;
      const covered = (): number[] => {
        const out: number[] = [];
        for (const m of back.messages) {
          if (m.msgType === "4") for (let n = Number(m.get(34)); n < Number(m.get(36)); n++) out.push(n);
          else if (m.get(43) === "Y") out.push(Number(m.get(34)));
        }
        return out;
      };
      await back.until(() => covered().length >= gap, "the resent messages");
      // (EndSeqNo 0 asks for everything since: the gap, then our own Logon, gap-filled as an admin message.)
      const numbers = covered();
      expect(numbers.slice(0, gap)).toEqual(Array.from({ length: gap }, (_, i) => expected + i));
      expect(new Set(numbers).size).toBe(numbers.length);
      const resent = back.filter((m) => m.get(43) === "Y" && m.msgType === "8");
      expect(resent.length).toBeGreaterThan(0);

      // The OMS's own books for r-1, from everything it has received: the trades add up to the last CumQty.
      const reports = [...seen, ...back.messages].filter((m: FixMessage) => m.msgType === "8" && m.get(11) === "r-1");
      const trades = reports.filter((m) => m.get(150) === "F");
      expect(trades.length).toBeGreaterThan(0);
      const last = reports.at(-1) as FixMessage;
      const sum = trades.reduce((s, m) => s + Number(m.get(32)), 0);
      expect(sum).toBe(Number(last.get(14)));
      // ... and agree with the engine (reports sent since are for trades after the resend).
      const engine = await call(second.url, "GET", "/orders/r-1?source=OMS1", ADMIN);
      expect(Number(engine.body.cum_qty)).toBeGreaterThanOrEqual(sum);
    } finally {
      back.close();
    }
    expect(await second.stop("SIGTERM")).toBe(0);
  }, 90_000);
});
