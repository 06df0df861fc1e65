/**
 * Releasing done orders from the engine's memory (engine/order-release.ts, journal/released-orders.ts): one simulated
 * session with client cancels, replaces and reused ClOrdIDs runs twice with the same seed, once keeping every order and
 * once releasing done orders 30 s after they are done (journaled to a real SQLite file, released only once durable).
 * Releasing must change nothing the engine does (the same events, byte for byte, and the same state hash), must
 * bound what it holds, must still refuse a released order's ClOrdID, and a released order must read back from the
 * journal as the engine held it. Recovery with release on (from the start, and from a snapshot taken mid-session)
 * rebuilds the live state hash. The same journal copied into PostgreSQL (the real server of this machine,
 * 127.0.0.1:5432, database `test`, or TRIBUTARY_TEST_PG; a schema of its own, dropped after) reads back the same.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_SOURCES, generateOrders, toOrderInput } from "../src/cli/demo-orders.js";
import { buildDay, type Day } from "../src/cli/sim-day.js";
import { loadReferenceData } from "../src/config/load-config.js";
import { MICROS_PER_SECOND } from "../src/core/clock.js";
import type { Random } from "../src/core/random.js";
import { VirtualScheduler } from "../src/core/scheduler.js";
import { Engine } from "../src/engine/engine.js";
import { OpenChildren } from "../src/engine/open-children.js";
import { Journal } from "../src/journal/journal.js";
import { PostgresJournalReader } from "../src/journal/postgres-journal-reader.js";
import { PostgresJournalStore, quoteIdent } from "../src/journal/postgres-journal-store.js";
import { ReleasedOrders } from "../src/journal/released-orders.js";
import { SqliteJournalReader } from "../src/journal/sqlite-journal-reader.js";
import { SqliteJournalStore } from "../src/journal/sqlite-journal-store.js";
import { VolumeProfile } from "../src/market/volume-profile.js";
import type { EngineEvent } from "../src/model/client-events.js";
import type { Instrument } from "../src/model/instrument.js";
import { SESSION_SECONDS } from "../src/model/market-parameters.js";
import { recoverEngine } from "../src/runtime/recover.js";
import { captureSnapshot, type SessionSnapshot } from "../src/runtime/snapshot-file.js";
import { endOfDayReport } from "../src/service/end-of-day.js";
import { dropSchemas, PG_URL, testSchema } from "./postgres-fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-release-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PG_SCHEMA = testSchema("trelorders");

/** A new journal schema in PostgreSQL holding the SQLite journal's records and client-id index, row for row. */
async function copyToPostgres(path: string): Promise<void> {
  await (await PostgresJournalStore.open({ url: PG_URL, schema: PG_SCHEMA, mode: "create" })).close();
  const db = new Database(path, { readonly: true });
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const s = quoteIdent(PG_SCHEMA);
    const columns = (rows: Record<string, unknown>[], names: string[]) => names.map((n) => rows.map((r) => r[n]));
    const journal = db.prepare("SELECT * FROM journal ORDER BY seq").all() as Record<string, unknown>[];
    const names = ["seq", "time", "type", "source", "parent_id", "order_id", "child_id", "causation", "payload"];
    await client.query(
      `INSERT INTO ${s}.journal (${names.join(", ")}, prev_hash, hash) SELECT * FROM unnest($1::bigint[],` +
        " $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::bigint[], $9::text[]," +
        " $10::text[], $11::text[])",
      columns(journal, [...names, "prev_hash", "hash"]),
    );
    const ids = db.prepare("SELECT * FROM journal_client_id").all() as Record<string, unknown>[];
    await client.query(
      `INSERT INTO ${s}.journal_client_id (cl_ord_id, source, seq, order_id)` +
        " SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])",
      columns(ids, ["cl_ord_id", "source", "seq", "order_id"]),
    );
  } finally {
    db.close();
    await client.end();
  }
}

afterAll(() => dropSchemas(PG_SCHEMA));

const START = Date.UTC(2026, 0, 5, 14, 30) * 1000;
const MINUTES = 10;
const END = START + MINUTES * 60 * MICROS_PER_SECOND;
const RETENTION = 30 * MICROS_PER_SECOND;
const data = loadReferenceData(fileURLToPath(new URL("../config/demo.yaml", import.meta.url)));
const profile = VolumeProfile.generatedU(SESSION_SECONDS);
const sources = DEMO_SOURCES.map((s) => ({ id: s.id, kind: s.kind }));

/** The demo's orders, client cancels and replaces, and new orders that reuse the ClOrdID of an early order. */
function clientFlow(day: Day, random: Random): void {
  const { engine, scheduler, sim } = day;
  const orders = generateOrders(500, data.instruments, day.startMicros, day.endMicros, random);
  const submit = (order: (typeof orders)[number], clOrdId?: string) => {
    const instrument = data.instruments.get(order.symbol) as Instrument;
    const q = sim.quotes.nbbo(order.symbol);
    const mid = q.bid > 0 && q.ask > q.bid ? Math.round((q.bid + q.ask) / 2) : null;
    const input = toOrderInput(order, instrument, mid, day.endMicros);
    engine.submit(clOrdId === undefined ? input : { ...input, clOrdId });
  };
  for (const order of orders) scheduler.at(order.at, () => submit(order));
  for (let k = 1; k <= 36; k++) {
    scheduler.at(day.startMicros + k * 15 * MICROS_PER_SECOND, () => {
      // The open orders, by arrival: the same in both runs (a released order is done, so never among them).
      const open = engine.orders.filter((o) => o.done === null && o.pending === null);
      const order = open[(k * 7) % Math.max(1, open.length)];
      if (order === undefined) return;
      const instrument = data.instruments.get(order.symbol) as Instrument;
      if (k % 3 === 0) {
        // Every other cancel goes to an order replaced before when there is one, so that the run has orders cancelled
        // both with and without a replace before.
        const replaced = k % 6 === 0 ? open.find((o) => o.previousClOrdIds !== null) : undefined;
        const target = replaced ?? order;
        engine.cancel({ source: target.source, origClOrdId: target.clOrdId, clOrdId: `X${k}` });
      } else {
        const qty = instrument.formatQuantity(
          order.cumQty + Math.max(1, Math.floor((order.orderQty - order.cumQty) / 2)),
        );
        engine.replace({ source: order.source, origClOrdId: order.clOrdId, clOrdId: `R${k}`, quantity: qty });
      }
    });
  }
  // Late in the session, new orders reuse the ClOrdIDs of the first orders: duplicates.
  for (let k = 0; k < 10; k++) {
    const first = orders[k] as (typeof orders)[number];
    scheduler.at(day.startMicros + (500 + k) * MICROS_PER_SECOND, () => submit(first, first.clOrdId));
  }
}

interface Run {
  readonly day: Day;
  readonly events: EngineEvent[];
  readonly heldMax: number;
}

function run(release: { path: string; snapshotAt: number } | null): Run & {
  store?: SqliteJournalStore;
  released?: ReleasedOrders;
  reader?: SqliteJournalReader;
  snapshot?: Omit<SessionSnapshot, "recordHash">;
} {
  const events: EngineEvent[] = [];
  const store = release === null ? undefined : SqliteJournalStore.open(release.path, { mode: "create" });
  const reader = release === null ? undefined : new SqliteJournalReader(release.path);
  const released = reader === undefined ? undefined : new ReleasedOrders(reader);
  const open = new OpenChildren();
  let journal: Journal | null = null;
  const day = buildDay({
    data,
    profile,
    seed: 21,
    startMicros: START,
    minutes: MINUTES,
    onReport: () => {},
    sources,
    release: released === undefined ? undefined : { afterMicros: RETENTION, clOrdIds: released },
    clientOrders: (d, random) => {
      if (store !== undefined) {
        journal = Journal.openSync(store);
        journal.attach(d.engine);
      }
      d.engine.on((e) => {
        events.push(e);
        open.apply(e);
      });
      clientFlow(d, random);
    },
  });
  let heldMax = 0;
  let snapshot: Omit<SessionSnapshot, "recordHash"> | undefined;
  // As the service does: every second, once the journal holds every event so far, release what is due.
  for (let t = START + MICROS_PER_SECOND; t <= END; t += MICROS_PER_SECOND) {
    day.scheduler.at(t, () => {
      if (journal !== null) {
        (journal as Journal).flushSync();
        day.engine.releaseDone(t);
      }
      heldMax = Math.max(heldMax, day.engine.ordersHeld);
      if (release !== null && t === release.snapshotAt) snapshot = captureSnapshot(day.engine, open, null);
    });
  }
  day.model.start(day.endMicros);
  day.scheduler.runUntil(END);
  day.scheduler.runUntilIdle();
  (journal as Journal | null)?.flushSync();
  return {
    day,
    events,
    heldMax,
    ...(store === undefined ? {} : { store }),
    ...(released === undefined ? {} : { released }),
    ...(reader === undefined ? {} : { reader }),
    ...(snapshot === undefined ? {} : { snapshot }),
  };
}

describe("releasing done orders", () => {
  const path = join(dir, "journal.db");
  const kept = run(null);
  const releasing = run({ path, snapshotAt: START + 6 * 60 * MICROS_PER_SECOND });
  const released = releasing.released as ReleasedOrders;
  afterAll(() => {
    releasing.reader?.close();
    releasing.store?.closeSync();
  });

  it("changes nothing the engine does: the same events and the same state hash", () => {
    expect(kept.events.length).toBeGreaterThan(5000);
    expect(JSON.stringify(releasing.events)).toBe(JSON.stringify(kept.events));
    expect(releasing.day.engine.stateHash()).toBe(kept.day.engine.stateHash());
    expect(releasing.day.engine.ordersAccepted).toBe(kept.day.engine.ordersAccepted);
  });

  it("holds only the open orders and those done in the last 30 s", () => {
    const accepted = kept.day.engine.ordersAccepted;
    expect(kept.day.engine.ordersHeld).toBe(accepted);
    expect(releasing.day.engine.releasedOrders).toBeGreaterThan(accepted / 2);
    expect(releasing.day.engine.ordersHeld + releasing.day.engine.releasedOrders).toBe(accepted);
    expect(releasing.heldMax).toBeLessThan(accepted / 2);
    for (const o of releasing.day.engine.orders) {
      const same = kept.day.engine.orderById(o.orderId);
      expect(same?.done === null || o.done !== null).toBe(true);
    }
  });

  it("gives the same end-of-day report, counting the released orders", () => {
    const report = endOfDayReport(kept.day.engine);
    expect(Object.values(report).reduce((n, day) => n + day.accepted, 0)).toBe(kept.day.engine.ordersAccepted);
    expect(endOfDayReport(releasing.day.engine)).toEqual(report);
  });

  it("refused the reused ClOrDIDs of released orders as duplicates, as the engine that kept them did", () => {
    const duplicates = (r: Run) =>
      r.events.filter((e) => e.type === "order-rejected" && e.reason === "duplicate-cl-ord-id").length;
    expect(duplicates(kept)).toBe(10);
    expect(duplicates(releasing)).toBe(10);
    expect(released.lookups).toBeGreaterThanOrEqual(10);
  });

  it("reads a released order back from the journal as the engine held it", () => {
    const gone = kept.day.engine.orders.filter((o) => releasing.day.engine.orderById(o.orderId) === undefined);
    expect(gone.length).toBe(releasing.day.engine.releasedOrders);
    const states = new Set<string>();
    for (const o of gone) {
      for (const id of [o.clOrdId, ...(o.previousClOrdIds ?? []), ...(o.requestClOrdIds ?? [])]) {
        const found = released.find(o.source, id);
        expect(found?.order, `${o.source} ${id}`).toMatchObject({
          orderId: o.orderId,
          clOrdId: o.clOrdId,
          previousClOrdIds: o.previousClOrdIds,
          orderQty: o.orderQty,
          limitPrice: o.limitPrice,
          cumQty: o.cumQty,
          cumNotional: o.cumNotional,
          done: o.done,
          parentId: o.parentId,
          arrivalTime: o.arrivalTime,
        });
        expect(found?.trades.reduce((sum, t) => sum + t.lastQty, 0)).toBe(o.cumQty);
      }
      states.add(`${o.done}${o.previousClOrdIds === null ? "" : " replaced"}`);
    }
    expect(states).toEqual(new Set(["filled", "canceled", "filled replaced", "canceled replaced"]));
    expect(released.find("ROBO", "never-used")).toBeNull();
  });

  it("reads the same back from the journal in PostgreSQL: the same ids, answers and orders", async () => {
    await copyToPostgres(path);
    const sqlite = new SqliteJournalReader(path);
    const records = new PostgresJournalReader(PG_URL, PG_SCHEMA);
    try {
      const ids = (r: SqliteJournalReader | PostgresJournalReader) => {
        const all: string[] = [];
        r.eachUsedId((source, clOrdId) => all.push(`${source} ${clOrdId}`));
        return all.sort();
      };
      const used = ids(sqlite);
      expect(used.length).toBeGreaterThan(500);
      expect(ids(records)).toEqual(used);
      for (const key of [...used, "ROBO never-used"]) {
        const [source, clOrdId] = key.split(" ") as [string, string];
        expect(records.isUsed(source, clOrdId), key).toBe(sqlite.isUsed(source, clOrdId));
        expect(records.recordsOf(source, clOrdId), key).toEqual(sqlite.recordsOf(source, clOrdId));
      }
      const fromPostgres = new ReleasedOrders(records);
      for (const o of kept.day.engine.orders.filter((x) => releasing.day.engine.orderById(x.orderId) === undefined))
        expect(fromPostgres.find(o.source, o.clOrdId)).toEqual(released.find(o.source, o.clOrdId));
      expect(fromPostgres.has("ROBO", "never-used")).toBe(false);
    } finally {
      sqlite.close();
      records.close();
    }
  });

  it("refuses a new order, a cancel or a replace naming a released order after the session", () => {
    const engine = releasing.day.engine;
    const o = kept.day.engine.orders.find((x) => engine.orderById(x.orderId) === undefined && x.done === "filled");
    if (o === undefined) throw new Error("no released filled order");
    const cancel = engine.cancel({ source: o.source, origClOrdId: o.clOrdId, clOrdId: "LATE-1" });
    expect(cancel).toMatchObject({ ok: false, reason: "too-late-to-cancel" });
    const replace = engine.replace({ source: o.source, origClOrdId: "X3", clOrdId: o.clOrdId, quantity: "1" });
    expect(replace).toMatchObject({ ok: false, reason: "duplicate-cl-ord-id" });
    expect(engine.cancel({ source: o.source, origClOrdId: "NOPE", clOrdId: "LATE-2" })).toMatchObject({
      ok: false,
      reason: "unknown-order",
    });
    // The id of a cancel request against a released order is used too.
    const cancelled = kept.day.engine.orders.find(
      (x) => engine.orderById(x.orderId) === undefined && x.done === "canceled" && x.requestClOrdIds !== null,
    );
    if (cancelled === undefined) throw new Error("no released order cancelled with a request id");
    const reused = cancelled.requestClOrdIds?.[0] as string;
    expect(engine.cancel({ source: cancelled.source, origClOrdId: o.clOrdId, clOrdId: reused })).toMatchObject({
      ok: cancelled.source !== o.source,
      reason: cancelled.source === o.source ? "duplicate-cl-ord-id" : "unknown-order",
    });
  });

  it("recovers with release on: from the start and from a snapshot, the live state hash", async () => {
    // The journal commits when the thread is idle: the events of the refusals above too.
    await new Promise((resolve) => setImmediate(resolve));
    const live = releasing.day.engine;
    const liveHash = live.stateHash();
    const fresh = () =>
      new Engine({
        instruments: data.instruments,
        scheduler: new VirtualScheduler(END),
        sources,
        release: { afterMicros: RETENTION, clOrdIds: released },
      });
    const fromStart = fresh();
    const full = await recoverEngine(releasing.store as SqliteJournalStore, fromStart);
    expect(full.lastSeq).toBe(live.lastSeq);
    expect(fromStart.stateHash()).toBe(liveHash);
    // Restore released as it went: it never held the whole session.
    expect(fromStart.releasedOrders).toBeGreaterThan(live.ordersAccepted / 2);

    const taken = releasing.snapshot as Omit<SessionSnapshot, "recordHash">;
    expect(taken.kernel.released?.count).toBeGreaterThan(0);
    const record = (await (releasing.store as SqliteJournalStore).readRange(taken.seq, taken.seq))[0];
    const fromSnapshot = fresh();
    const partial = await recoverEngine(releasing.store as SqliteJournalStore, fromSnapshot, {
      ...taken,
      recordHash: record?.hash ?? "",
    });
    expect(partial.fromSnapshot).toBe(taken.seq);
    expect(fromSnapshot.stateHash()).toBe(liveHash);

    // A released order that differs must not hash the same: the digest covers released orders.
    const tampered = JSON.parse(JSON.stringify(taken)) as SessionSnapshot;
    (tampered.kernel.released as { digest: string }).digest = "1";
    await expect(
      recoverEngine(releasing.store as SqliteJournalStore, fresh(), { ...tampered, recordHash: record?.hash ?? "" }),
    ).rejects.toThrow(/state hash/);
    // An engine that releases nothing cannot take a snapshot with released orders.
    const keeping = new Engine({ instruments: data.instruments, scheduler: new VirtualScheduler(END), sources });
    expect(() => keeping.restoreSnapshot(taken.kernel)).toThrow(/released/);
  });
});
