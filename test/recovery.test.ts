/**
 * Recovery from the journal (runtime/recover.ts, Engine.restore, AlgoExecutor.resume): a simulated session with
 * client cancels, replaces and a kill switch is journaled to a real SQLite file and stopped mid-session with child
 * orders working; a new engine rebuilt from the file must hold exactly the state of the one that ran (the state hash),
 * and a new executor must take over: reconcile the children it finds open with the venues (which restarted too, so
 * none is known there), never reuse a child id, and finish the session with every order accounted for.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_SOURCES, generateOrders, toOrderInput } from "../src/cli/demo-orders.js";
import { buildDay, type Day } from "../src/cli/sim-day.js";
import { loadReferenceData } from "../src/config/load-config.js";
import { MICROS_PER_SECOND } from "../src/core/clock.js";
import { Random } from "../src/core/random.js";
import { VirtualScheduler } from "../src/core/scheduler.js";
import { AlgoExecutor } from "../src/engine/algo-executor.js";
import { Engine } from "../src/engine/engine.js";
import { OpenChildren } from "../src/engine/open-children.js";
import { Journal } from "../src/journal/journal.js";
import { SqliteJournalStore } from "../src/journal/sqlite-journal-store.js";
import { verifyJournal } from "../src/journal/verify.js";
import { MarketModel } from "../src/market/market-model.js";
import { VolumeProfile } from "../src/market/volume-profile.js";
import type { EngineEvent } from "../src/model/client-events.js";
import type { Instrument } from "../src/model/instrument.js";
import { SESSION_SECONDS } from "../src/model/market-parameters.js";
import { recoverEngine } from "../src/runtime/recover.js";
import { captureSnapshot, readSnapshot, type SessionSnapshot, writeSnapshot } from "../src/runtime/snapshot-file.js";
import { createSimVenues } from "../src/venue/sim/sim-venues.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-recovery-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const START = Date.UTC(2026, 0, 5, 14, 30) * 1000;
const MINUTES = 12;
const CRASH_AT = START + 7 * 60 * MICROS_PER_SECOND;
const data = loadReferenceData(fileURLToPath(new URL("../config/demo.yaml", import.meta.url)));
const profile = VolumeProfile.generatedU(SESSION_SECONDS);
const sources = DEMO_SOURCES.map((s) => ({ id: s.id, kind: s.kind }));

/** Client orders of the demo's generator, plus client cancels and replaces and a kill switch on one source. */
function clientFlow(day: Day, random: Random): void {
  const { engine, scheduler, sim } = day;
  const orders = generateOrders(600, data.instruments, day.startMicros, day.endMicros, random);
  for (const order of orders) {
    scheduler.at(order.at, () => {
      const instrument = data.instruments.get(order.symbol) as Instrument;
      const q = sim.quotes.nbbo(order.symbol);
      const mid = q.bid > 0 && q.ask > q.bid ? Math.round((q.bid + q.ask) / 2) : null;
      engine.submit(toOrderInput(order, instrument, mid, day.endMicros));
    });
  }
  for (let k = 1; k <= 40; k++) {
    scheduler.at(day.startMicros + k * 15 * MICROS_PER_SECOND, () => {
      const open = engine.orders.filter((o) => o.done === null && o.pending === null);
      const order = open[random.int(0, open.length - 1)];
      if (order === undefined) return;
      const instrument = data.instruments.get(order.symbol) as Instrument;
      if (k % 3 === 0) engine.cancel({ source: order.source, origClOrdId: order.clOrdId, clOrdId: `X${k}` });
      else {
        const qty = instrument.formatQuantity(
          order.cumQty + Math.max(1, Math.floor((order.orderQty - order.cumQty) / 2)),
        );
        engine.replace({ source: order.source, origClOrdId: order.clOrdId, clOrdId: `R${k}`, quantity: qty });
      }
    });
  }
  const victim = sources[1]?.id as string;
  scheduler.at(day.startMicros + 150 * MICROS_PER_SECOND, () => engine.kill({ scope: "source", id: victim }, "drill"));
  scheduler.at(day.startMicros + 330 * MICROS_PER_SECOND, () =>
    engine.revive({ scope: "source", id: victim }, "drill"),
  );
}

describe("recovery from the journal", () => {
  const path = join(dir, "journal.db");
  const store = SqliteJournalStore.open(path, { mode: "create" });
  const events: EngineEvent[] = [];
  let liveHash = "";
  let liveChildren = 0;
  const liveOpen = new OpenChildren();
  let early: Omit<SessionSnapshot, "recordHash"> | null = null;
  const day = buildDay({
    data,
    profile,
    seed: 11,
    startMicros: START,
    minutes: MINUTES,
    onReport: () => {},
    sources,
    clientOrders: (d, random) => {
      Journal.openSync(store).attach(d.engine);
      d.engine.on((e) => {
        events.push(e);
        liveOpen.apply(e);
      });
      clientFlow(d, random);
    },
  });
  day.model.start(day.endMicros);
  day.scheduler.runUntil(START + 4 * 60 * MICROS_PER_SECOND);
  early = captureSnapshot(day.engine, liveOpen, null);
  day.scheduler.runUntil(CRASH_AT);

  it("ran a session worth recovering: fills, children working, amendments pending or done, a kill switch", () => {
    liveHash = day.engine.stateHash();
    liveChildren = (day.executor as AlgoExecutor).workingChildren;
    const types = new Set(events.map((e) => (e.type === "execution-report" ? `report:${e.execType}` : e.type)));
    for (const t of ["fill-allocated", "report:replaced", "report:canceled", "kill-switch", "child-order"])
      expect(types, t).toContain(t);
    expect(liveChildren).toBeGreaterThan(0);
  });

  it("rebuilds exactly the state of the engine that ran (same state hash), from the real file", async () => {
    // The running engine's journal commits when its thread is idle: here, at once.
    await new Promise((resolve) => setImmediate(resolve));
    const engine = new Engine({ instruments: data.instruments, scheduler: new VirtualScheduler(CRASH_AT), sources });
    const recovered = await recoverEngine(store, engine);
    expect(recovered.lastSeq).toBe(day.engine.lastSeq);
    expect(engine.stateHash()).toBe(liveHash);
    expect(recovered.openChildren.list().length).toBe(liveChildren);
    // A state that differs in one lot must not hash the same.
    const order = engine.orders.find((o) => o.done === null && o.cumQty > 0);
    if (order === undefined) throw new Error("no partially filled order to perturb");
    order.cumQty -= 1;
    expect(engine.stateHash()).not.toBe(liveHash);
  });

  it("replays from a snapshot to the same state as from the start (state hash, open children)", async () => {
    await new Promise((resolve) => setImmediate(resolve));
    const taken = early as Omit<SessionSnapshot, "recordHash">;
    const record = (await store.readRange(taken.seq, taken.seq))[0];
    const snapshotPath = join(dir, "journal.db.snapshot");
    writeSnapshot(snapshotPath, { ...taken, recordHash: record?.hash ?? "" });
    const snapshot = readSnapshot(snapshotPath);
    const fresh = () =>
      new Engine({ instruments: data.instruments, scheduler: new VirtualScheduler(CRASH_AT), sources });
    const fromStart = fresh();
    const full = await recoverEngine(store, fromStart);
    const fromSnapshot = fresh();
    const partial = await recoverEngine(store, fromSnapshot, snapshot);
    expect(partial.fromSnapshot).toBe(taken.seq);
    expect(partial.fromSnapshot).toBeGreaterThan(1000);
    expect(fromSnapshot.stateHash()).toBe(fromStart.stateHash());
    expect(fromSnapshot.stateHash()).toBe(liveHash);
    expect(partial.openChildren.list()).toEqual(full.openChildren.list());
    expect(partial.openChildren.lastNumber).toBe(full.openChildren.lastNumber);
    // A snapshot of another journal is not used.
    const foreign = await recoverEngine(store, fresh(), {
      ...(snapshot as SessionSnapshot),
      recordHash: "0".repeat(64),
    });
    expect(foreign).toMatchObject({ fromSnapshot: 0, snapshotIgnored: "it belongs to another journal" });
    // One of an older shape (before over-fill positions and released orders) is replayed past, not read.
    const older = await recoverEngine(store, fresh(), {
      ...(snapshot as SessionSnapshot),
      kernel: { ...(snapshot as SessionSnapshot).kernel, version: 1 },
    });
    expect(older).toMatchObject({
      fromSnapshot: 0,
      snapshotIgnored: "it is a version 1 kernel snapshot (this engine reads 3)",
    });
    // A snapshot whose state was changed is refused by its state hash.
    const tampered = JSON.parse(JSON.stringify(snapshot)) as SessionSnapshot;
    (tampered.kernel.orders[0] as { cumQty: number }).cumQty += 1;
    await expect(recoverEngine(store, fresh(), tampered)).rejects.toThrow(/state hash/);
  });

  it("continues after the restart: children reconciled, no child id reused, every order accounted for", async () => {
    // The process died with its simulated venues: a new market and venues from here on, the same engine state.
    const scheduler = new VirtualScheduler(CRASH_AT);
    const random = new Random(12);
    const sim = createSimVenues(data, scheduler, random.fork());
    const model = new MarketModel(sim.venues, data.instruments, scheduler, random.fork(), {
      profile,
      sessionStart: START,
      onReport: () => {},
    });
    const engine = new Engine({ instruments: data.instruments, scheduler, quotes: sim.quotes, sources });
    const recovered = await recoverEngine(store, engine);
    const after: EngineEvent[] = [];
    const journal = Journal.openSync(store);
    journal.attach(engine);
    engine.on((e) => after.push(e));
    const executor = new AlgoExecutor(engine, sim.venues, scheduler, sim.quotes, {
      sessionOpen: START,
      sessionEnd: START + MINUTES * 60 * MICROS_PER_SECOND,
      profile,
      random: random.fork(),
    });
    executor.resume(recovered.openChildren);
    model.start(START + MINUTES * 60 * MICROS_PER_SECOND);
    scheduler.runUntil(START + MINUTES * 60 * MICROS_PER_SECOND);
    scheduler.runUntilIdle();
    journal.closeSync();

    // Every child open at the crash was asked to cancel and ended as unknown at the venue.
    const open = new Set(recovered.openChildren.list().map((c) => c.childId));
    const ended = after.filter((e) => e.type === "child-order" && e.reason === "unknown-at-venue");
    expect(new Set(ended.map((e) => (e as { childId: string }).childId))).toEqual(open);
    // No child id placed twice across the restart.
    const placed = [...events, ...after].filter((e) => e.type === "child-order" && e.action === "placed");
    const ids = placed.map((e) => (e as { childId: string }).childId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(after.some((e) => e.type === "child-order" && e.action === "placed")).toBe(true);
    expect(after.some((e) => e.type === "fill-allocated")).toBe(true);
    // Every order: filled, cancelled or expired by the close (day orders), its fills allocated exactly.
    const allocated = new Map<number, number>();
    for (const e of [...events, ...after]) {
      if (e.type !== "fill-allocated") continue;
      for (const a of e.allocations) allocated.set(a.orderId, (allocated.get(a.orderId) ?? 0) + a.qty);
    }
    for (const order of engine.orders) {
      expect(order.done, `order ${order.orderId}`).not.toBeNull();
      expect(allocated.get(order.orderId) ?? 0, `order ${order.orderId}`).toBe(order.cumQty);
    }
    expect(executor.workingChildren).toBe(0);
    // One chain across the restart.
    const reopened = SqliteJournalStore.open(path, { mode: "open" });
    const verified = await verifyJournal(reopened);
    reopened.closeSync();
    expect(verified).toMatchObject({ ok: true, records: engine.lastSeq });
  });
});
