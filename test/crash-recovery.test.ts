/**
 * The crash test: `tributary serve` as a child process on a live (wall-clock) simulated session, killed with SIGKILL
 * at random points (seeded) 20 times while clients send orders and cancels over HTTP, and restarted with `--resume`
 * each time; then stopped gracefully. Checked on the journal file at the end:
 * - the hash chain is intact across every restart;
 * - every order the service acknowledged (an HTTP 201 is sent only once its event is durable) is in the journal, and
 *   every cancel it acknowledged took effect;
 * - rebuilt from the journal, every accepted order is filled, cancelled, expired or still working, with its
 *   allocations summing exactly to its executed quantity, never beyond its quantity;
 * - no child order id was ever placed twice (across all the restarts), and each restart reconciled the children it
 *   found open;
 * - the engine kept trading after restarts (fills journaled after the first resume);
 * - most restarts started from a snapshot taken while the service ran (and proved by its state hash).
 */
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { loadReferenceData } from "../src/config/load-config.js";
import { Random } from "../src/core/random.js";
import { VirtualScheduler } from "../src/core/scheduler.js";
import { Engine } from "../src/engine/engine.js";
import { SqliteJournalStore } from "../src/journal/sqlite-journal-store.js";
import { verifyJournal } from "../src/journal/verify.js";
import type { EngineEvent } from "../src/model/client-events.js";
import { recoverEngine } from "../src/runtime/recover.js";
import {
  call,
  REFERENCE,
  type ServiceProcess,
  serviceConfig,
  startServiceProcess,
  tempDir,
} from "./service-fixtures.js";

const KILLS = 20;
const TOKEN = "crash-desk-token";
const SYMBOLS = ["ACME", "BOLT", "CRUX"];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("crash test: SIGKILL and --resume, 20 times, on a live simulated session", () => {
  const dir = tempDir();
  const config = serviceConfig(dir, {
    sources: [{ id: "DESK", token: TOKEN }],
    // A snapshot every 250 events: most restarts start from one and replay only the journal after it.
    extra: { session: { minutes: 30 }, journal: { path: "journal.db", snapshotEvery: 250 } },
  });
  let current: ServiceProcess | null = null;
  afterAll(() => {
    // A failed run must not leave a service behind.
    if (current !== null && current.child.exitCode === null) current.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  const acked = new Set<string>();
  const cancelsAcked = new Set<string>();
  let restarts = 0;
  const fromSnapshots: number[] = [];
  let sent = 0;

  /** Clients at work until `until`: new orders (mostly urgent, so they trade) and cancels of acknowledged ones. */
  async function clients(service: ServiceProcess, random: Random, until: number): Promise<void> {
    while (Date.now() < until) {
      const n = sent++;
      const clOrdId = `O${n}`;
      try {
        if (n % 5 === 4 && acked.size > 0) {
          const target = [...acked][random.int(0, acked.size - 1)] as string;
          const r = await call(service.url, "POST", `/orders/${target}/cancel`, TOKEN, { cl_ord_id: `K${n}` });
          if (r.status === 200) cancelsAcked.add(target);
        } else {
          const symbol = SYMBOLS[n % SYMBOLS.length] as string;
          const r = await call(service.url, "POST", "/orders", TOKEN, {
            cl_ord_id: clOrdId,
            account: "A1",
            symbol,
            side: n % 2 === 0 ? "buy" : "sell",
            quantity: String(100 * random.int(1, 20)),
            order_type: "market",
            urgency: n % 3 === 0 ? "medium" : "high",
          });
          if (r.status === 201) acked.add(clOrdId);
        }
      } catch {
        return; // the process died under the request: its outcome is unknown to the client, and either is fine
      }
      await sleep(random.int(5, 60));
    }
  }

  it("survives every kill: acknowledged orders kept, allocations exact, no child id reused, one hash chain", async () => {
    const random = new Random(20261121);
    let service = await startServiceProcess(dir, config);
    current = service;
    for (let kill = 1; kill <= KILLS; kill++) {
      const until = Date.now() + random.int(300, 2_000);
      await clients(service, random, until);
      service.child.kill("SIGKILL");
      await service.exited;
      service = await startServiceProcess(dir, config, ["--resume"]);
      current = service;
      restarts++;
      const resumed = service.logs.find((l) => l.msg === "resumed from the journal");
      expect(resumed, `restart ${kill}`).toBeDefined();
      fromSnapshots.push(resumed?.fromSnapshot as number);
    }
    await clients(service, random, Date.now() + 1_500);
    expect(await service.stop("SIGTERM")).toBe(0);

    const store = SqliteJournalStore.open(service.journal, { mode: "open" });
    try {
      const verified = await verifyJournal(store);
      expect(verified.ok).toBe(true);
      const head = (await store.head())?.seq ?? 0;
      const events = (await store.readRange(1, head)).map((r) => JSON.parse(r.payload) as EngineEvent);

      const data = loadReferenceData(REFERENCE);
      const engine = new Engine({
        instruments: data.instruments,
        scheduler: new VirtualScheduler(0),
        sources: [{ id: "DESK", kind: "http" }],
      });
      await recoverEngine(store, engine);

      // Acknowledged orders are all there; acknowledged cancels took effect (unless the order filled first).
      for (const id of acked) expect(engine.order("DESK", id), id).toBeDefined();
      for (const id of cancelsAcked) {
        const order = engine.order("DESK", id);
        expect(order?.done === "canceled" || order?.done === "filled" || order?.pending?.kind === "cancel", id).toBe(
          true,
        );
      }
      expect(acked.size).toBeGreaterThan(KILLS * 3);

      // Every accepted order: filled, cancelled, expired or working; allocations exactly its executed quantity.
      const allocated = new Map<number, number>();
      for (const e of events) {
        if (e.type !== "fill-allocated") continue;
        let sum = 0;
        for (const a of e.allocations) {
          allocated.set(a.orderId, (allocated.get(a.orderId) ?? 0) + a.qty);
          sum += a.qty;
        }
        expect(sum).toBe(e.qty);
      }
      for (const order of engine.orders) {
        expect([null, "filled", "canceled", "expired"]).toContain(order.done);
        expect(allocated.get(order.orderId) ?? 0, `order ${order.clOrdId}`).toBe(order.cumQty);
        expect(order.cumQty).toBeLessThanOrEqual(order.orderQty);
      }

      // No child id placed twice, across every restart; each restart was recorded, and reconciled what it found.
      const placed = events.filter((e) => e.type === "child-order" && e.action === "placed");
      const ids = placed.map((e) => (e as { childId: string }).childId);
      expect(new Set(ids).size).toBe(ids.length);
      const sessions = events.filter((e) => e.type === "session");
      expect(sessions.map((e) => (e as { action: string }).action)).toEqual([
        "opened",
        ...Array(restarts).fill("resumed"),
      ]);
      const firstResume = sessions[1]?.seq ?? Number.POSITIVE_INFINITY;
      expect(events.some((e) => e.type === "fill-allocated" && e.seq > firstResume)).toBe(true);
      // Restarts started from snapshots (taken while the service ran, each proved by its state hash on loading).
      expect(fromSnapshots.filter((seq) => seq > 0).length).toBeGreaterThan(KILLS / 2);
      const reconciled = events.filter((e) => e.type === "child-order" && e.reason === "unknown-at-venue");
      expect(reconciled.length).toBeGreaterThan(0);
    } finally {
      store.closeSync();
    }
  }, 240_000);
});
