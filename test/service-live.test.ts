/**
 * `tributary serve` as a real process driven over HTTP, the WebSocket stream and FIX at once (each source sees only its
 * own orders, the admin sees all); SIGTERM in the middle of a load of submissions (exit 0, the journal flushed, every
 * acknowledged order in it, the chain intact, working child orders cancelled; restarted with --resume, the orders are
 * found where they were and the session trades again); and HTTPS with a self-signed
 * certificate made by openssl at test time.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import type { FixMessage } from "../src/fix/codec.js";
import { formatUtcTimestamp } from "../src/fix/fix-time.js";
import type { FixField } from "../src/fix/session.js";
import { wallClock } from "../src/fix/tcp-acceptor.js";
import { FixTestInitiator } from "../src/fix/test-initiator.js";
import {
  CLI,
  call,
  openStream,
  restingOrder,
  type ServiceProcess,
  serviceConfig,
  startServiceProcess,
  tempDir,
} from "./service-fixtures.js";
import { selfSignedCert } from "./tls-fixtures.js";

const DESK = "desk-live-token";
const ADMIN = "admin-live-token";
const FIX_SESSION = { id: "OMS1", senderCompId: "TRIBUTARY", targetCompId: "OMS1", password: "pw1" };

const started: ServiceProcess[] = [];
afterAll(async () => {
  for (const s of started) {
    await s.stop("SIGKILL");
    rmSync(s.dir, { recursive: true, force: true });
  }
});

async function start(options: Parameters<typeof serviceConfig>[1]): Promise<ServiceProcess> {
  const dir = tempDir();
  const service = await startServiceProcess(dir, serviceConfig(dir, options));
  started.push(service);
  return service;
}

function newOrder(clOrdId: string, fields: FixField[]): FixField[] {
  return [[11, clOrdId], [1, "F1"], [55, "ACME"], [54, "1"], [60, formatUtcTimestamp(wallClock.now())], ...fields];
}

const acceptedIds = (journal: string): Set<string> => {
  const db = new Database(journal, { readonly: true });
  try {
    const rows = db.prepare("SELECT payload FROM journal WHERE type = 'order-accepted'").all() as { payload: string }[];
    return new Set(rows.map((r) => (JSON.parse(r.payload) as { clOrdId: string }).clOrdId));
  } finally {
    db.close();
  }
};

describe("tributary serve: live", () => {
  it("serves HTTP, the stream and FIX at once, each source seeing only its own orders", async () => {
    const service = await start({
      sources: [{ id: "DESK", token: DESK }],
      admins: [{ id: "ops", token: ADMIN }],
      fix: { port: 0, sessions: [FIX_SESSION] },
    });
    const { url } = service;
    const fix = await FixTestInitiator.open({
      port: service.fixPort as number,
      senderCompId: "OMS1",
      targetCompId: "TRIBUTARY",
      clock: wallClock,
    });
    try {
      expect((await fix.logon([[554, "pw1"]])).msgType).toBe("A");
      const deskStream = await openStream(url, DESK);
      const adminStream = await openStream(url, ADMIN, "?types=execution-report");
      const market = { order_type: "market", limit_price: null, urgency: "high", quantity: "200" };
      await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => call(url, "POST", "/orders", DESK, restingOrder(`h-${i}`, "D1"))),
        call(url, "POST", "/orders", DESK, restingOrder("h-mkt", "D1", market)),
        (async () => {
          for (let i = 0; i < 10; i++)
            fix.send(
              "D",
              newOrder(`f-${i}`, [
                [38, "100"],
                [40, "2"],
                [44, "90.00"],
              ]),
            );
          fix.send(
            "D",
            newOrder("f-mkt", [
              [38, "200"],
              [40, "1"],
              [9100, "high"],
            ]),
          );
        })(),
      ]);
      await fix.until(() => fix.filter((m) => m.msgType === "8" && m.get(150) === "0").length === 11, "11 FIX acks");
      const fixIds = new Set(fix.filter((m) => m.msgType === "8").map((m: FixMessage) => m.get(11)));
      expect([...fixIds].every((id) => id?.startsWith("f-"))).toBe(true);

      await deskStream.until((e) => e.clOrdId === "h-9" && e.execType === "new", "DESK's last ack");
      await adminStream.until((e) => e.clOrdId === "f-9", "OMS1's ack on the admin stream");
      expect(
        deskStream.events.every((e) => e.source === "DESK" || e.type === "kill-switch" || e.type === "fill-allocated"),
      ).toBe(true);
      expect(deskStream.events.some((e) => String(e.clOrdId).startsWith("f-"))).toBe(false);
      expect(adminStream.events.some((e) => e.source === "DESK")).toBe(true);

      expect((await call(url, "GET", "/orders/f-1", DESK)).status).toBe(404);
      expect((await call(url, "GET", "/orders/f-1?source=OMS1", ADMIN)).body).toMatchObject({ source: "OMS1" });
      expect((await call(url, "POST", "/orders/f-1/cancel", DESK, {})).status).toBe(404);

      // The market orders trade against the simulated books: fills reach FIX, HTTP (the order with its fills, which
      // add up to its CumQty) and the stream.
      await fix.until(
        () => fix.find((m) => m.get(11) === "f-mkt" && m.get(150) === "F") !== undefined,
        "f-mkt fill",
        20_000,
      );
      let traded: Record<string, unknown> = {};
      for (let i = 0; i < 200 && Number(traded.cum_qty ?? 0) === 0; i++) {
        traded = (await call(url, "GET", "/orders/h-mkt", DESK)).body;
        await new Promise((r) => setTimeout(r, 100));
      }
      const fills = traded.fills as { last_qty: string; last_mkt: string }[];
      expect(fills.length).toBeGreaterThan(0);
      expect(fills.reduce((sum, f) => sum + Number(f.last_qty), 0)).toBe(Number(traded.cum_qty));
      await deskStream.until((e) => e.clOrdId === "h-mkt" && e.execType === "trade", "h-mkt fill on the stream");
      deskStream.close();
      adminStream.close();
      // SIGTERM with the FIX session logged on: it is logged out cleanly before the process exits.
      service.child.kill("SIGTERM");
      const logout = await fix.next((m) => m.msgType === "5", "the service's Logout");
      expect(logout.get(58)).toBe("service stopping");
      fix.send("5");
      expect(await service.exited).toBe(0);
    } finally {
      fix.close();
    }
  });

  it("copies every execution to a drop-copy FIX session and writes every allocation to a JSON Lines file", async () => {
    const service = await start({
      sources: [{ id: "DESK", token: DESK }],
      fix: {
        port: 0,
        sessions: [
          { id: "OMS1", senderCompId: "TRIBUTARY", targetCompId: "OMS1" },
          { id: "CLEAR", senderCompId: "TRIBUTARY", targetCompId: "CLEAR", role: "drop-copy" },
        ],
      },
      extra: { postTrade: { allocations: "allocations.jsonl" } },
    });
    const open = (target: string) =>
      FixTestInitiator.open({
        port: service.fixPort as number,
        senderCompId: target,
        targetCompId: "TRIBUTARY",
        clock: wallClock,
      });
    const copy = await open("CLEAR");
    const oms = await open("OMS1");
    try {
      expect((await copy.logon()).msgType).toBe("A");
      expect((await oms.logon()).msgType).toBe("A");
      const urgent = { order_type: "market", limit_price: null, urgency: "high", quantity: "300" };
      expect((await call(service.url, "POST", "/orders", DESK, restingOrder("dc-http", "D1", urgent))).status).toBe(
        201,
      );
      oms.send(
        "D",
        newOrder("dc-fix", [
          [38, "300"],
          [40, "1"],
          [9100, "high"],
        ]),
      );
      const copied = (id: string) => copy.filter((m) => m.msgType === "8" && m.get(11) === id);
      await copy.until(() => copied("dc-http").length > 0 && copied("dc-fix").length > 0, "copies of both", 20_000);
      for (const m of [...copied("dc-http"), ...copied("dc-fix")]) {
        expect(m.get(797)).toBe("Y");
        expect(m.get(150)).toBe("F");
      }
      expect(copied("dc-http")[0]?.get(9102)).toBe("DESK");
      expect(copied("dc-fix")[0]?.get(9102)).toBe("OMS1");
      // A drop-copy session takes no orders.
      copy.send(
        "D",
        newOrder("dc-refused", [
          [38, "100"],
          [40, "1"],
        ]),
      );
      const refused = await copy.next((m) => m.msgType === "j", "the BusinessMessageReject");
      expect(refused.get(58)).toBe("drop-copy session: it takes no orders");
    } finally {
      copy.close();
      oms.close();
    }
    expect(await service.stop()).toBe(0);
    // Every allocation line, summed per order, is the order's executed quantity in the journal.
    const lines = readFileSync(join(service.dir, "allocations.jsonl"), "utf8").trim().split("\n");
    const byOrder = new Map<string, number>();
    for (const line of lines) {
      const a = JSON.parse(line) as { cl_ord_id: string; quantity: string; source: string; price: string };
      byOrder.set(a.cl_ord_id, (byOrder.get(a.cl_ord_id) ?? 0) + Number(a.quantity));
      expect(Number(a.price)).toBeGreaterThan(0);
    }
    const db = new Database(service.journal, { readonly: true });
    const reports = db.prepare("SELECT payload FROM journal WHERE type = 'execution-report' ORDER BY seq").all() as {
      payload: string;
    }[];
    db.close();
    const cum = new Map<string, number>();
    for (const r of reports) {
      const e = JSON.parse(r.payload) as { clOrdId: string; cumQty: number };
      cum.set(e.clOrdId, e.cumQty);
    }
    expect(byOrder.get("dc-http")).toBe(cum.get("dc-http"));
    expect(byOrder.get("dc-fix")).toBe(cum.get("dc-fix"));
    expect(byOrder.get("dc-http")).toBeGreaterThan(0);
  });

  it("on SIGTERM during a load stops intake, cancels children, flushes the journal and exits 0: no acked order lost", async () => {
    const service = await start({
      sources: [{ id: "DESK", token: DESK }],
      http: { rateLimit: { max: 1_000_000, windowMs: 1000 } },
      shutdown: { children: "cancel", graceSeconds: 5 },
    });
    const { url } = service;
    // Some orders that work child orders at the venues (a large market order is worked over minutes).
    const working = { order_type: "market", limit_price: null, urgency: "low", quantity: "50000" };
    expect((await call(url, "POST", "/orders", DESK, restingOrder("w-1", "D1", working))).status).toBe(201);
    // And one with fills before the stop: after the restart its fills must still add up to its cumulative quantity.
    const quick = { order_type: "market", limit_price: null, urgency: "high", quantity: "300" };
    expect((await call(url, "POST", "/orders", DESK, restingOrder("f-1", "D1", quick))).status).toBe(201);
    const deadline = Date.now() + 20_000;
    while ((await call(url, "GET", "/orders/f-1", DESK)).body.cum_qty === "0") {
      if (Date.now() > deadline) throw new Error("f-1 did not fill");
      await new Promise((r) => setTimeout(r, 50));
    }
    const acked: string[] = [];
    const answers = new Map<number | string, number>();
    let next = 0;
    let stopLoad = false;
    const worker = async (): Promise<void> => {
      while (!stopLoad) {
        const id = `load-${next++}`;
        try {
          const r = await call(url, "POST", "/orders", DESK, restingOrder(id, "D1"));
          answers.set(r.status, (answers.get(r.status) ?? 0) + 1);
          if (r.status === 201) acked.push(id);
          else if (r.status === 503) break;
        } catch (error) {
          const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? (error as Error).message;
          answers.set(code, (answers.get(code) ?? 0) + 1);
          break;
        }
      }
    };
    const load = Promise.all(Array.from({ length: 16 }, worker));
    while (acked.length < 500) await new Promise((r) => setTimeout(r, 10));
    service.child.kill("SIGTERM");
    const code = await service.exited;
    stopLoad = true;
    await load;
    expect(code).toBe(0);
    expect(acked.length).toBeGreaterThanOrEqual(500);
    // The drain: every client's request in flight at the stop was answered 503, none was cut by a reset.
    expect([...answers.keys()].sort()).toEqual([201, 503]);
    expect(answers.get(503)).toBe(16);

    const journaled = acceptedIds(service.journal);
    const lost = acked.filter((id) => !journaled.has(id));
    expect(lost).toEqual([]);
    const verify = spawnSync(process.execPath, [CLI, "audit", "verify", "--db", service.journal], { encoding: "utf8" });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    const stopped = service.logs.find((l) => l.msg === "stopped: journal flushed and closed");
    expect(stopped).toMatchObject({ childrenLeftWorking: 0 });
    const db = new Database(service.journal, { readonly: true });
    const kill = db.prepare("SELECT payload FROM journal WHERE type = 'kill-switch'").get() as { payload: string };
    db.close();
    expect(JSON.parse(kill.payload)).toMatchObject({ active: true, reason: "shutdown", scope: { scope: "global" } });

    // Restarted with --resume: every client finds its orders where they were, and the session trades again.
    const resumed = await startServiceProcess(service.dir, join(service.dir, "serve.yaml"), ["--resume"]);
    started.push(resumed);
    for (const id of [acked[0], acked[acked.length - 1]] as string[]) {
      const r = await call(resumed.url, "GET", `/orders/${id}`, DESK);
      expect(r, id).toMatchObject({ status: 200, body: { cl_ord_id: id, status: "new", leaves_qty: "100" } });
    }
    expect((await call(resumed.url, "GET", "/orders/w-1", DESK)).status).toBe(200);
    const filled = await call(resumed.url, "GET", "/orders/f-1", DESK);
    expect(Number(filled.body.cum_qty)).toBeGreaterThan(0);
    const fills = filled.body.fills as { exec_id: string; last_qty: string }[];
    expect(fills.reduce((sum, f) => sum + Number(f.last_qty), 0)).toBe(Number(filled.body.cum_qty));
    expect(new Set(fills.map((f) => f.exec_id)).size).toBe(fills.length);
    expect((await call(resumed.url, "POST", "/orders", DESK, restingOrder("after-1", "D1"))).status).toBe(201);
    expect(resumed.logs.some((l) => l.msg === "kill switch of the last shutdown lifted")).toBe(true);
  });

  it("opens the session at the configured time: orders taken before the open trade only from it", async () => {
    let openAt = new Date(Math.ceil((Date.now() + 6_000) / 1000) * 1000);
    if (openAt.getUTCDate() !== new Date().getUTCDate()) {
      await new Promise((r) => setTimeout(r, 8_000)); // not across midnight UTC
      openAt = new Date(Math.ceil((Date.now() + 6_000) / 1000) * 1000);
    }
    const hhmmss = openAt.toISOString().slice(11, 19);
    const service = await start({
      sources: [{ id: "DESK", token: DESK }],
      extra: { session: { minutes: 5, open: hhmmss } },
    });
    const listening = service.logs.find((l) => l.msg === "listening");
    expect(listening?.sessionOpen).toBe(openAt.toISOString());
    expect(Date.now()).toBeLessThan(openAt.getTime());
    const urgent = { order_type: "market", limit_price: null, urgency: "high", quantity: "500" };
    expect((await call(service.url, "POST", "/orders", DESK, restingOrder("pre-open", "D1", urgent))).status).toBe(201);
    while (Date.now() < openAt.getTime() + 3_000) await new Promise((r) => setTimeout(r, 100));
    expect(await service.stop("SIGTERM")).toBe(0);
    const db = new Database(service.journal, { readonly: true });
    const times = (type: string) =>
      (db.prepare("SELECT time FROM journal WHERE type = ?").all(type) as { time: number }[]).map((r) => r.time);
    const placed = times("child-order");
    const accepted = times("order-accepted");
    db.close();
    const open = openAt.getTime() * 1000;
    expect(accepted[0]).toBeLessThan(open);
    expect(placed.length).toBeGreaterThan(0);
    expect(Math.min(...placed)).toBeGreaterThanOrEqual(open);
  });

  it("closes the session on time: day orders (HTTP and FIX) expire with a report, intake stops, the end-of-day report is logged", async () => {
    const service = await start({
      sources: [{ id: "DESK", token: DESK }],
      fix: { port: 0, sessions: [FIX_SESSION] },
      extra: { session: { minutes: 0.08, endOfDayReport: "eod.json" } },
    });
    const { url } = service;
    const fix = await FixTestInitiator.open({
      port: service.fixPort as number,
      senderCompId: "OMS1",
      targetCompId: "TRIBUTARY",
      clock: wallClock,
    });
    try {
      expect((await fix.logon([[554, "pw1"]])).msgType).toBe("A");
      expect((await call(url, "POST", "/orders", DESK, restingOrder("day-1", "D1"))).status).toBe(201);
      // A FIX Day order without ExpireTime (126): it ends at the close too.
      fix.send(
        "D",
        newOrder("fday-1", [
          [38, "100"],
          [40, "2"],
          [44, "90.00"],
        ]),
      );
      await fix.next((m) => m.msgType === "8" && m.get(11) === "fday-1" && m.get(150) === "0", "fday-1's ack");
      const stream = await openStream(url, DESK, "?types=execution-report");
      const deadline = Date.now() + 15_000;
      while (!service.logs.some((l) => l.msg === "session closed: end-of-day report") && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const report = service.logs.find((l) => l.msg === "session closed: end-of-day report");
      const one = { accepted: 1, filled: 0, partiallyFilled: 0, expired: 1, canceled: 0, open: 0 };
      const day = { DESK: one, OMS1: one };
      expect(report?.sources).toEqual(day);
      // The same report in the configured file, with the session's times.
      const file = JSON.parse(readFileSync(join(service.dir, "eod.json"), "utf8")) as Record<string, unknown>;
      expect(file).toMatchObject({ sources: day });
      expect(Date.parse(file.sessionClose as string) - Date.parse(file.sessionOpen as string)).toBe(0.08 * 60_000);
      expect((await call(url, "GET", "/orders/day-1", DESK)).body).toMatchObject({
        status: "expired",
        leaves_qty: "0",
      });
      await stream.until((e) => e.clOrdId === "day-1" && e.execType === "expired", "the expiry report");
      const expired = await fix.next(
        (m) => m.msgType === "8" && m.get(11) === "fday-1" && m.get(150) === "C",
        "fday-1's expiry report",
      );
      expect([expired.get(39), expired.get(151)]).toEqual(["C", "0"]);
      expect(await call(url, "GET", "/ready", null)).toEqual({ status: 503, body: { status: "closed" } });
      const late = await call(url, "POST", "/orders", DESK, restingOrder("day-2", "D1"));
      expect(late).toMatchObject({ status: 503, body: { error: "session-closed" } });
      fix.send(
        "D",
        newOrder("fday-2", [
          [38, "100"],
          [40, "1"],
        ]),
      );
      const refused = await fix.next((m) => m.msgType === "8" && m.get(11) === "fday-2", "fday-2's reject");
      expect([refused.get(150), refused.get(103)]).toEqual(["8", "2"]);
      stream.close();
      expect(report).toMatchObject({ written: true });
      expect(await service.stop()).toBe(0);
    } finally {
      fix.close();
    }
    // A resume after the close makes the same report: logged again, the file left as it was.
    const eod = join(service.dir, "eod.json");
    const before = [readFileSync(eod, "utf8"), statSync(eod).mtimeMs];
    const resumed = await startServiceProcess(service.dir, join(service.dir, "serve.yaml"), ["--resume"]);
    started.push(resumed);
    const deadline = Date.now() + 15_000;
    while (!resumed.logs.some((l) => l.msg === "session closed: end-of-day report") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const again = resumed.logs.find((l) => l.msg === "session closed: end-of-day report");
    expect(again).toMatchObject({ sources: { DESK: { expired: 1 }, OMS1: { expired: 1 } }, written: false });
    expect([readFileSync(eod, "utf8"), statSync(eod).mtimeMs]).toEqual(before);
    expect(await resumed.stop()).toBe(0);
  });

  it("serves HTTPS and FIX over TLS with the configured certificates; a FIX password kept as its SHA-256", async () => {
    const dir = tempDir();
    const { cert, key } = selfSignedCert(dir, "server");
    const fixSession = {
      id: "OMS1",
      senderCompId: "TRIBUTARY",
      targetCompId: "OMS1",
      passwordSha256: createHash("sha256").update("pw-tls").digest("hex"),
    };
    const service = await startServiceProcess(
      dir,
      serviceConfig(dir, {
        sources: [{ id: "DESK", token: DESK }],
        http: { tls: { cert, key } },
        fix: { port: 0, tls: { cert, key }, sessions: [fixSession] },
      }),
    );
    started.push(service);
    expect(service.url).toMatch(/^https:/);
    const session = { port: service.fixPort as number, senderCompId: "OMS1", targetCompId: "TRIBUTARY" };
    const fix = await FixTestInitiator.open({ ...session, clock: wallClock, tlsCa: readFileSync(cert) });
    try {
      expect((await fix.logon([[554, "pw-tls"]])).msgType).toBe("A");
      fix.send(
        "D",
        newOrder("tls-1", [
          [38, 100],
          [40, "2"],
          [44, "90"],
        ]),
      );
      const ack = await fix.next((m) => m.msgType === "8" && m.get(11) === "tls-1", "the order's report");
      expect(ack.get(150)).toBe("0");
    } finally {
      fix.close();
    }
    const wrong = await FixTestInitiator.open({ ...session, clock: wallClock, tlsCa: readFileSync(cert) });
    try {
      const refused = await wrong.logon([[554, "pw-wrong"]]);
      expect(refused.msgType).toBe("5");
      expect(refused.get(58)).toBe("Password (554): invalid");
    } finally {
      wrong.close();
    }
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${service.url}/venues`,
        {
          ca: readFileSync(cert),
          headers: { authorization: `Bearer ${DESK}` },
        },
        (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(JSON.parse(body).venues.length).toBeGreaterThan(0);
    expect(await service.stop()).toBe(0);
  });
});
