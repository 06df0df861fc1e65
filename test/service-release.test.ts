/**
 * `tributary serve` releasing done orders from memory (`engine.releaseDoneOrdersAfter`), as a real process: an order
 * that traded and was cancelled, a resting one cancelled over HTTP and one cancelled over FIX leave the engine's
 * memory once durable and due, and a client sees no difference: the same answer to GET /orders/:id and to a FIX
 * OrderStatusRequest (read back from the journal), a reused ClOrdID still refused, a cancel too late; the admin memory route counts them; after a stop and `--resume` the same answers hold.
 * Once with a SQLite journal (HTTP and FIX), once with the journal in PostgreSQL (the real server of this machine,
 * 127.0.0.1:5432, database `test`, or TRIBUTARY_TEST_PG; a schema of its own, dropped after): HTTP only there, as a
 * service with FIX sessions is not resumed from PostgreSQL yet.
 */

import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatUtcTimestamp } from "../src/fix/fix-time.js";
import type { FixField } from "../src/fix/session.js";
import { wallClock } from "../src/fix/tcp-acceptor.js";
import { FixTestInitiator } from "../src/fix/test-initiator.js";
import { dropSchemas, PG_URL, testSchema } from "./postgres-fixtures.js";
import {
  call,
  restingOrder,
  type ServiceProcess,
  serviceConfig,
  startServiceProcess,
  tempDir,
} from "./service-fixtures.js";

const PG_SCHEMA = testSchema("trelease");
const DESK = "desk-secret-token";
const ADMIN = "admin-secret-token";

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function released(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^tributary_orders_released (\S+)/m.exec(text)?.[1] ?? Number.NaN);
}

const cases = [
  { journal: "SQLite", config: { path: "journal.db" }, fix: true },
  { journal: "PostgreSQL", config: { pg: PG_URL, schema: PG_SCHEMA }, fix: false },
];

describe.each(cases)("tributary serve: done orders released from memory ($journal journal)", (c) => {
  const started: ServiceProcess[] = [];
  const dir = tempDir();
  const config = serviceConfig(dir, {
    sources: [{ id: "DESK", token: DESK }],
    admins: [{ id: "ops", token: ADMIN }],
    ...(c.fix ? { fix: { port: 0, sessions: [{ id: "OMS1", senderCompId: "TRIBUTARY", targetCompId: "OMS1" }] } } : {}),
    extra: { journal: c.config, engine: { releaseDoneOrdersAfter: 5 } },
  });
  // Released: fill-1, rest-1 and, with FIX, F-1; open-1 stays.
  const releasedCount = c.fix ? 3 : 2;
  afterAll(async () => {
    for (const s of started) await s.stop();
    rmSync(dir, { recursive: true, force: true });
    if (c.journal !== "PostgreSQL") return;
    await dropSchemas(PG_SCHEMA);
  });

  it("answers for released orders from the journal exactly as from memory, and across a resume", async () => {
    const service = await startServiceProcess(dir, config);
    started.push(service);
    const { url } = service;
    // A marketable buy, cancelled once it has traded (it ends cancelled with fills), and a resting one cancelled.
    const buy = restingOrder("fill-1", "D1", { limit_price: "200.00" });
    expect((await call(url, "POST", "/orders", DESK, buy)).status).toBe(201);
    expect((await call(url, "POST", "/orders", DESK, restingOrder("rest-1", "D1"))).status).toBe(201);
    expect((await call(url, "POST", "/orders/rest-1/cancel", DESK, { cl_ord_id: "cxl-1" })).status).toBe(200);
    expect((await call(url, "POST", "/orders", DESK, restingOrder("open-1", "D1"))).status).toBe(201);
    // A FIX order, cancelled.
    const fix = c.fix
      ? await FixTestInitiator.open({
          port: service.fixPort as number,
          senderCompId: "OMS1",
          targetCompId: "TRIBUTARY",
          clock: wallClock,
        })
      : null;
    const fixOrder: FixField[] = [
      [1, "F1"],
      [55, "ACME"],
      [54, "1"],
      [60, formatUtcTimestamp(wallClock.now())],
    ];
    if (fix !== null) {
      expect((await fix.logon()).msgType).toBe("A");
      fix.send("D", [[11, "F-1"], ...fixOrder, [38, "100"], [40, "2"], [44, "90.00"]]);
      await fix.next((m) => m.msgType === "8" && m.get(150) === "0", "FIX ack");
      fix.send("F", [[11, "F-1c"], [41, "F-1"], ...fixOrder, [38, "100"]]);
      await fix.next((m) => m.msgType === "8" && m.get(150) === "4", "FIX cancel");
    }
    await until(async () => {
      const r = await call(url, "GET", "/orders/fill-1", DESK);
      return r.body.cum_qty !== "0" ? true : undefined;
    }, "the marketable order traded");
    expect((await call(url, "POST", "/orders/fill-1/cancel", DESK, { cl_ord_id: "cxl-f" })).status).toBe(200);

    // Done, still in memory (released 5 s after): what a client sees now.
    const traded = await until(async () => {
      const r = await call(url, "GET", "/orders/fill-1", DESK);
      return r.body.status === "canceled" ? r.body : undefined;
    }, "the marketable order cancelled");
    expect((traded.fills as unknown[]).length).toBeGreaterThan(0);
    const cancelled = (await call(url, "GET", "/orders/cxl-1", DESK)).body;
    expect(cancelled).toMatchObject({ cl_ord_id: "rest-1", status: "canceled" });
    expect(await released(url)).toBe(0);

    await until(async () => ((await released(url)) >= releasedCount ? true : undefined), "the done orders released");
    if (fix !== null) {
      // FIX status of the released order: from the journal, as it ended.
      fix.send("H", [
        [11, "F-1"],
        [55, "ACME"],
        [54, "1"],
        [790, "S1"],
      ]);
      const status = await fix.next((m) => m.msgType === "8" && m.get(790) === "S1", "status of a released order");
      expect([
        status.get(150),
        status.get(39),
        status.get(11),
        status.get(38),
        status.get(14),
        status.get(151),
      ]).toEqual(["I", "4", "F-1", "100", "0", "0"]);
      fix.send("F", [[11, "F-1d"], [41, "F-1"], ...fixOrder, [38, "100"]]);
      const refusal = await fix.next((m) => m.msgType === "9", "cancel reject of a released order");
      expect([refusal.get(39), refusal.get(102), refusal.get(37)]).toEqual(["4", "0", "4"]);
      fix.close();
    }
    expect(await call(url, "GET", "/orders/fill-1", DESK)).toEqual({ status: 200, body: traded });
    expect(await call(url, "GET", "/orders/cxl-1", DESK)).toEqual({ status: 200, body: cancelled });
    expect(await call(url, "GET", "/orders/rest-1", DESK)).toEqual({ status: 200, body: cancelled });
    expect((await call(url, "GET", "/orders/open-1", DESK)).body).toMatchObject({ status: "new" });
    expect(await call(url, "GET", "/orders/never", DESK)).toMatchObject({ status: 404 });
    for (const id of ["fill-1", "cxl-f", "rest-1", "cxl-1"]) {
      const dup = await call(url, "POST", "/orders", DESK, restingOrder(id, "D1"));
      expect(dup, id).toMatchObject({ status: 409, body: { error: "duplicate-cl-ord-id" } });
    }
    const late = await call(url, "POST", "/orders/fill-1/cancel", DESK, { cl_ord_id: "cxl-2" });
    expect(late).toMatchObject({ status: 409, body: { error: "too-late-to-cancel" } });

    expect((await call(url, "GET", "/debug/memory", DESK)).status).toBe(403);
    const memory = await call(url, "GET", "/debug/memory", ADMIN);
    expect(memory).toMatchObject({
      status: 200,
      body: { afterGc: false, ordersAccepted: releasedCount + 1, ordersReleased: releasedCount },
    });
    expect(memory.body.ordersHeld).toBe(1);
    expect(await service.stop()).toBe(0);

    // Resumed: the orders done before the stop are released again from the journal; the answers do not change.
    const resumed = await startServiceProcess(dir, config, ["--resume"]);
    started.push(resumed);
    await until(
      async () => ((await released(resumed.url)) >= releasedCount ? true : undefined),
      "released after the resume",
    );
    expect(await call(resumed.url, "GET", "/orders/fill-1", DESK)).toEqual({ status: 200, body: traded });
    expect(await call(resumed.url, "GET", "/orders/cxl-1", DESK)).toEqual({ status: 200, body: cancelled });
    const dup = await call(resumed.url, "POST", "/orders", DESK, restingOrder("fill-1", "D1"));
    expect(dup).toMatchObject({ status: 409, body: { error: "duplicate-cl-ord-id" } });
    expect((await call(resumed.url, "GET", "/orders/open-1", DESK)).body).toMatchObject({ status: "new" });
    const resumedLog = resumed.logs.find((l) => l.msg === "resumed from the journal");
    expect(resumedLog).toMatchObject({ orders: releasedCount + 1 });
    if (c.journal === "SQLite") expect(join(dir, "journal.db")).toBe(resumed.journal);
  });
});
