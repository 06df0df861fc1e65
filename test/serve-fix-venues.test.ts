/**
 * `tributary serve` trading with FIX venues, all real processes: `tributary venue-sim --fix-port` serves the venues of
 * config/demo.yaml (LITA, LITB, DRKP) over FIX with its market model, and `tributary serve` has all three as
 * `fixVenues` (LITA through a TCP proxy in this test, so its connection alone can be cut). Clients send orders over
 * HTTP. The day:
 * 1. an order fills through the FIX venues;
 * 2. LITA's connection is cut: GET /venues shows it disconnected (tripped) while LITB stays healthy, and an order sent
 *    then trades without LITA (no child of it goes there); the proxy comes back, LITA logs on again and is usable;
 * 3. with a long order working, venue-sim is killed (SIGKILL): every venue is disconnected; it is restarted on the same
 *    port and store, every venue logs on again, and the children it forgot end as unknown-at-venue;
 * 4. serve is stopped (SIGTERM, `shutdown.children: keep`) with children working at the venues and resumed
 *    (`--resume`): the children are reconciled with the venues (status, then cancel, on the kept sessions), the long
 *    order is cancelled by its client and the day ends with nothing working.
 * Checked at the end on serve's journal and on venue-sim's own FIX store (every execution report it sent, across both
 * of its lives): no child id placed twice, every child ended, and for every child the lots the journal applied are
 * exactly the lots the venue reported filled (nothing lost, nothing twice).
 * Every wait is on a condition (generous timeouts), never a sleep. Once with serve's journal (and the venue sessions
 * beside it) in SQLite, once in PostgreSQL (the real server of this machine, 127.0.0.1:5432, database `test`, or
 * TRIBUTARY_TEST_PG; schemas of their own, dropped after).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadReferenceData } from "../src/config/load-config.js";
import { decodeFix } from "../src/fix/codec.js";
import { SqliteFixMessageStore } from "../src/fix/sqlite-message-store.js";
import { type JournalTarget, openJournalStore } from "../src/journal/journal-target.js";
import { verifyJournal } from "../src/journal/verify.js";
import type { ChildOrderChanged, EngineEvent, ParentFilled } from "../src/model/client-events.js";
import type { Instrument } from "../src/model/instrument.js";
import { parseLots, VenueTag } from "../src/venue/fix/fix-order-tags.js";
import { dropSchemas, PG_URL, testSchema } from "./postgres-fixtures.js";
import {
  CLI,
  call,
  openStream,
  REFERENCE,
  type ServiceProcess,
  serviceConfig,
  startServiceProcess,
  tempDir,
} from "./service-fixtures.js";

const DESK = "desk-token";
const ADMIN = "admin-token";
const VENUES = ["LITA", "LITB", "DRKP"];
const PG_SCHEMA = testSchema("tfixvenues");
const cases = [
  { journal: "SQLite", config: { path: "journal.db" } },
  { journal: "PostgreSQL", config: { pg: PG_URL, schema: PG_SCHEMA } },
];

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface VenueSimProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<number | null>;
}

/** `tributary venue-sim` on `port` (0: any), its FIX sessions kept in `store`; resolves once it listens. */
async function startVenueSim(port: number, store: string): Promise<VenueSimProcess> {
  const child = spawn(
    process.execPath,
    [CLI, "venue-sim", "--fix-port", String(port), "--config", REFERENCE, "--seed", "5", "--store", store],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let out = "";
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const bound = await new Promise<number>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on [^:]+:(\d+)/.exec(out);
      if (m !== null) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`venue-sim exited ${code}: ${err}`)));
  });
  return { child, port: bound, exited };
}

/** A TCP proxy whose connections can be cut (and new ones refused) as a network failure would. */
class CuttableProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private cut = false;

  constructor(upstreamPort: number) {
    this.server = createServer((client) => {
      if (this.cut) {
        client.destroy();
        return;
      }
      const upstream = connect({ host: "127.0.0.1", port: upstreamPort });
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(a);
        a.on("data", (chunk) => b.write(chunk));
        a.on("error", () => b.destroy());
        a.on("close", () => {
          this.sockets.delete(a);
          b.destroy();
        });
      }
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, "127.0.0.1", () => resolve((this.server.address() as { port: number }).port)),
    );
  }

  cutAll(): void {
    this.cut = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.cut = false;
  }

  close(): Promise<void> {
    this.cutAll();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe.each(cases)("tributary serve with FIX venues, venue-sim as its own process ($journal journal)", (c) => {
  const dir = tempDir();
  const processes: ChildProcess[] = [];
  let proxy: CuttableProxy | null = null;
  afterAll(async () => {
    for (const child of processes) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
    if (c.journal !== "PostgreSQL") return;
    await dropSchemas(PG_SCHEMA, `${PG_SCHEMA}_fix_venues`);
  });

  it("fills over FIX, routes around a cut venue, survives a venue restart and its own, every fill once", async () => {
    const venueStore = join(dir, "venue-sim.db");
    let sim = await startVenueSim(0, venueStore);
    processes.push(sim.child);
    proxy = new CuttableProxy(sim.port);
    const proxyPort = await proxy.listen();
    const fixVenue = (venue: string, port: number) => ({ venue, port, reconnect: { minMillis: 50, maxMillis: 500 } });
    const config = serviceConfig(dir, {
      sources: [{ id: "DESK", token: DESK }],
      admins: [{ id: "ops", token: ADMIN }],
      shutdown: { children: "keep", graceSeconds: 2 },
      extra: {
        journal: c.config,
        fixVenues: [fixVenue("LITA", proxyPort), fixVenue("LITB", sim.port), fixVenue("DRKP", sim.port)],
      },
    });
    let service: ServiceProcess = await startServiceProcess(dir, config);
    processes.push(service.child);
    const health = async (): Promise<Record<string, string>> => {
      const r = await call(service.url, "GET", "/venues", DESK);
      const venues = r.body.venues as { id: string; health: string; transport: string }[];
      expect(venues.map((v) => v.transport)).toEqual(["fix", "fix", "fix"]);
      return Object.fromEntries(venues.map((v) => [v.id, v.health]));
    };
    const usable = (state: string | undefined) => state === "healthy" || state === "half-open";
    await until(async () => Object.values(await health()).every(usable), "every FIX venue logged on");

    /** A market order to complete within `seconds` (null: a day order). */
    const order = (clOrdId: string, side: string, quantity: string, urgency: string, seconds: number | null) =>
      call(service.url, "POST", "/orders", DESK, {
        cl_ord_id: clOrdId,
        account: "A1",
        symbol: "ACME",
        side,
        quantity,
        order_type: "market",
        urgency,
        ...(seconds === null ? {} : { end_time: new Date(Date.now() + seconds * 1000).toISOString() }),
      });
    const status = async (clOrdId: string) => (await call(service.url, "GET", `/orders/${clOrdId}`, DESK)).body;
    // The children acknowledged by a venue and not ended yet, from the admin stream (events once durable).
    let stream = await openStream(service.url, ADMIN, "?types=child-order");
    /** A child placed from the stream's `since`-th event on is acknowledged and not ended. */
    const ackedOpen = (since: number) => (): boolean => {
      const state = new Map<string, string>();
      stream.events.forEach((e, i) => {
        const id = e.childId as string;
        if (e.action === "placed" && i >= since) state.set(id, "placed");
        else if (!state.has(id)) return;
        else if (["filled", "cancelled", "rejected", "expired"].includes(e.action as string)) state.set(id, "ended");
        else if (e.action === "acknowledged" && state.get(id) !== "ended") state.set(id, "acknowledged");
      });
      return [...state.values()].includes("acknowledged");
    };
    const working = async (): Promise<number> => {
      const r = await call(service.url, "GET", "/parents", ADMIN);
      return (r.body.parents as { working_qty: string }[]).reduce((sum, p) => sum + Number(p.working_qty), 0);
    };

    // 1. Filled through the FIX venues.
    expect((await order("F1", "buy", "2000", "high", 15)).status).toBe(201);
    await until(async () => (await status("F1")).status === "filled", "F1 filled");
    const f1 = (await status("F1")).fills as { last_mkt: string }[];
    for (const fill of f1) expect(VENUES).toContain(fill.last_mkt);

    // 2. LITA's connection is cut: tripped, routed around; then back.
    proxy.cutAll();
    await until(async () => (await health()).LITA === "disconnected", "LITA disconnected");
    expect(usable((await health()).LITB)).toBe(true);
    const f2 = await order("F2", "sell", "1500", "high", 15);
    expect(f2.status).toBe(201);
    await until(async () => (await status("F2")).status === "filled", "F2 filled without LITA");
    const f2Parent = f2.body.parent_id as number;
    expect(((await status("F2")).fills as { last_mkt: string }[]).every((f) => f.last_mkt !== "LITA")).toBe(true);
    proxy.restore();
    await until(async () => usable((await health()).LITA), "LITA logged on again");

    // 3. venue-sim is killed with a long order working, and restarted on the same port and store.
    expect((await order("LONG", "buy", "40000", "low", null)).status).toBe(201);
    await until(ackedOpen(0), "LONG's children working at the venues");
    sim.child.kill("SIGKILL");
    await sim.exited;
    await until(async () => Object.values(await health()).every((h) => h === "disconnected"), "every venue down");
    sim = await startVenueSim(sim.port, venueStore);
    processes.push(sim.child);
    const restarted = stream.events.length;
    await until(async () => Object.values(await health()).every(usable), "every venue logged on after the restart");
    await until(() => stream.events.some((e) => e.reason === "unknown-at-venue"), "the children it forgot, ended");

    // 4. serve stops with children working (kept at the venues), and resumes.
    await until(ackedOpen(restarted), "LONG's children working at the venues again");
    stream.close();
    expect(await service.stop("SIGTERM")).toBe(0);
    const stopped = service.logs.find((l) => l.msg === "stopped: journal flushed and closed");
    expect(stopped?.childrenLeftWorking as number).toBeGreaterThan(0);
    service = await startServiceProcess(dir, config, ["--resume"]);
    processes.push(service.child);
    stream = await openStream(service.url, ADMIN, "?types=child-order");
    const resumed = service.logs.find((l) => l.msg === "resumed from the journal");
    expect(resumed?.childrenToReconcile as number).toBeGreaterThan(0);
    const cancel = await call(service.url, "POST", "/orders/LONG/cancel", DESK, { cl_ord_id: "LONG-X" });
    expect(cancel.status).toBe(200);
    await until(async () => ["canceled", "filled"].includes((await status("LONG")).status as string), "LONG done");
    await until(async () => (await working()) === 0, "nothing working");
    stream.close();
    expect(await service.stop("SIGTERM")).toBe(0);
    sim.child.kill("SIGTERM");
    expect(await sim.exited).toBe(0);

    // The journal: one chain, no child placed twice, every child ended, none of F2's at LITA.
    const target: JournalTarget =
      c.journal === "SQLite"
        ? { kind: "sqlite", path: service.journal, synchronous: "full" }
        : { kind: "postgres", url: PG_URL, schema: PG_SCHEMA };
    const journal = await openJournalStore(target, "open");
    let events: EngineEvent[];
    try {
      expect((await verifyJournal(journal)).ok).toBe(true);
      const head = (await journal.head())?.seq ?? 0;
      events = (await journal.readRange(1, head)).map((r) => JSON.parse(r.payload) as EngineEvent);
    } finally {
      await journal.close();
    }
    const childEvents = events.filter((e): e is ChildOrderChanged => e.type === "child-order");
    const placed = childEvents.filter((e) => e.action === "placed");
    expect(new Set(placed.map((e) => e.childId)).size).toBe(placed.length);
    const ended = new Set(
      childEvents
        .filter((e) => ["filled", "cancelled", "rejected", "expired"].includes(e.action))
        .map((e) => e.childId),
    );
    for (const e of placed) expect(ended.has(e.childId), `${e.childId} ended`).toBe(true);
    expect(placed.filter((e) => e.parentId === f2Parent).length).toBeGreaterThan(0);
    expect(placed.filter((e) => e.parentId === f2Parent && e.venue === "LITA")).toEqual([]);
    expect(childEvents.some((e) => e.reason === "unknown-at-venue")).toBe(true);
    const sessions = events.filter((e) => e.type === "session").map((e) => (e as { action: string }).action);
    expect(sessions).toEqual(["opened", "resumed"]);
    const resumeSeq = (events.find((e) => e.type === "session" && e.action === "resumed") as EngineEvent).seq;
    expect(childEvents.some((e) => e.seq > resumeSeq && e.reason === "resume")).toBe(true);

    // Every child's fills: the journal's lots are exactly the venue's (venue-sim's store has every report it sent).
    const journalLots = new Map<string, number>();
    for (const e of events) {
      if (e.type !== "parent-filled" || (e as ParentFilled).childId === null) continue;
      const fill = e as ParentFilled;
      journalLots.set(fill.childId as string, (journalLots.get(fill.childId as string) ?? 0) + fill.qty);
    }
    const instrument = loadReferenceData(REFERENCE).instruments.get("ACME") as Instrument;
    const venueLots = new Map<string, number>();
    const store = new SqliteFixMessageStore(venueStore);
    try {
      for (const venue of VENUES) {
        for (const { raw } of store.sentBetween(`FIX.4.4:${venue}->TRIBUTARY`, 1, Number.MAX_SAFE_INTEGER)) {
          const decoded = decodeFix(raw);
          if (!decoded.ok) throw new Error(decoded.reason);
          const m = decoded.message;
          if (m.msgType !== "8" || m.get(VenueTag.ExecType) !== "F") continue;
          // Our ClOrdIDs on the wire: "1-C7", its replaces "1-C7-R2" (session 1 is the engine's).
          const childId = /^1-(C\d+)/.exec(m.get(VenueTag.ClOrdID) ?? "")?.[1];
          if (childId === undefined) continue;
          venueLots.set(childId, (venueLots.get(childId) ?? 0) + parseLots(instrument, m.get(VenueTag.LastQty)));
        }
      }
    } finally {
      store.close();
    }
    expect(venueLots.size).toBeGreaterThan(0);
    expect(Object.fromEntries([...journalLots].sort())).toEqual(Object.fromEntries([...venueLots].sort()));
  }, 300_000);
});
