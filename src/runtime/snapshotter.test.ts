/**
 * The live session's snapshots, made off the kernel thread (snapshotter.ts, snapshot-worker.ts): a simulated session
 * journaled to a real SQLite file by the threaded journal, with done orders released from memory, is run in slices;
 * the worker follows the journal and writes each snapshot. Every snapshot must hold the state the live engine had at
 * its seq (its state hash), the kernel thread must never hash or serialise its state for one, and the last snapshot
 * at the stop must give a restart the live engine's final state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it, vi } from "vitest";
import { DEMO_SOURCES, generateOrders, toOrderInput } from "../cli/demo-orders.js";
import { buildDay } from "../cli/sim-day.js";
import { loadReferenceData } from "../config/load-config.js";
import { MICROS_PER_SECOND } from "../core/clock.js";
import { VirtualScheduler } from "../core/scheduler.js";
import { ReleasedOrders } from "../journal/released-orders.js";
import { SqliteJournalReader } from "../journal/sqlite-journal-reader.js";
import { SqliteJournalStore } from "../journal/sqlite-journal-store.js";
import { ThreadedJournal } from "../journal/threaded-journal.js";
import { VolumeProfile } from "../market/volume-profile.js";
import type { Instrument } from "../model/instrument.js";
import { SESSION_SECONDS } from "../model/market-parameters.js";
import { createDayEngine } from "./day-engine.js";
import { recoverEngine } from "./recover.js";
import { readSnapshot } from "./snapshot-file.js";
import { Snapshotter } from "./snapshotter.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-snapshotter-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const START = Date.UTC(2026, 0, 5, 14, 30) * 1000;
const MINUTES = 6;
const RELEASE_AFTER = 20 * MICROS_PER_SECOND;
const reference = fileURLToPath(new URL("../../config/demo.yaml", import.meta.url));
const data = loadReferenceData(reference);
const sources = DEMO_SOURCES.map((s) => ({ id: s.id, kind: s.kind }));
const tick = () => new Promise((resolve) => setImmediate(resolve));

it("writes, off the kernel thread, snapshots that hold the live state at their seq, and a last one at the stop", async () => {
  const path = join(dir, "journal.db");
  const snapshotPath = `${path}.snapshot`;
  SqliteJournalStore.open(path, { mode: "create" }).closeSync();
  const target = { kind: "sqlite", path, synchronous: "full" } as const;
  const journal = new ThreadedJournal(target);
  const released = new ReleasedOrders(new SqliteJournalReader(path));
  let snapshotter: Snapshotter | null = null;
  const errors: Error[] = [];
  const day = buildDay({
    data,
    profile: VolumeProfile.generatedU(SESSION_SECONDS),
    seed: 5,
    startMicros: START,
    minutes: MINUTES,
    onReport: () => {},
    sources,
    release: { afterMicros: RELEASE_AFTER, clOrdIds: released },
    clientOrders: (d, random) => {
      journal.attach(d.engine);
      snapshotter = new Snapshotter(
        d.engine,
        journal,
        {
          reference,
          sources,
          risk: undefined,
          releaseAfterMicros: RELEASE_AFTER,
          journal: target,
          path: snapshotPath,
        },
        2_000,
        (error) => errors.push(error),
      );
      const orders = generateOrders(400, data.instruments, d.startMicros, d.endMicros, random);
      for (const order of orders) {
        d.scheduler.at(order.at, () => {
          const instrument = data.instruments.get(order.symbol) as Instrument;
          const q = d.sim.quotes.nbbo(order.symbol);
          const mid = q.bid > 0 && q.ask > q.bid ? Math.round((q.bid + q.ask) / 2) : null;
          d.engine.submit(toOrderInput(order, instrument, mid, d.endMicros));
        });
      }
    },
  });
  const hashes = vi.spyOn(day.engine, "stateHash");
  let hashedHere = 0;
  const snapshotOf = vi.spyOn(day.engine, "snapshot");
  day.model.start(day.endMicros);
  // The live state hash at the end of every slice: a snapshot is asked for between two slices.
  const liveHashes = new Map<number, string>();
  const seen = new Set<number>();
  for (let t = START; t < day.endMicros; t += 5 * MICROS_PER_SECOND) {
    day.scheduler.runUntil(t);
    // The service's release pass: done orders leave once durable (here: the journal is caught up first).
    await journal.durable(day.engine.lastSeq);
    day.engine.releaseDone(t);
    liveHashes.set(day.engine.lastSeq, day.engine.stateHash());
    hashedHere++;
    await tick();
    await tick();
    const snapshot = readSnapshot(snapshotPath);
    if (snapshot !== null) seen.add(snapshot.seq);
  }
  // Let the worker finish the last one asked for.
  for (let i = 0; i < 200 && readSnapshot(snapshotPath)?.seq !== Math.max(...seen, 0); i++) await tick();
  expect(errors).toEqual([]);
  expect(seen.size).toBeGreaterThan(2);
  expect(day.engine.releasedOrders).toBeGreaterThan(0);
  for (const seq of seen) expect(liveHashes.has(seq), `snapshot ${seq} between two slices`).toBe(true);
  const last = readSnapshot(snapshotPath);
  expect(last?.stateHash).toBe(liveHashes.get(last?.seq as number));
  expect(last?.kernel.released?.count).toBeGreaterThan(0);

  journal.closeSync();
  await (snapshotter as unknown as Snapshotter).final();
  expect(snapshotOf).not.toHaveBeenCalled();
  // The kernel thread hashed its state only when this test asked.
  expect(hashes).toHaveBeenCalledTimes(hashedHere);
  const final = readSnapshot(snapshotPath);
  expect(final?.seq).toBe(day.engine.lastSeq);
  const liveHash = day.engine.stateHash();
  expect(final?.stateHash).toBe(liveHash);

  // A restart from the last snapshot replays nothing and holds the live state.
  const store = SqliteJournalStore.open(path, { mode: "open" });
  const restarted = createDayEngine(data, new VirtualScheduler(day.endMicros), undefined, {
    sources,
    release: { afterMicros: RELEASE_AFTER, clOrdIds: new ReleasedOrders(new SqliteJournalReader(path)) },
  });
  const recovered = await recoverEngine(store, restarted, final);
  store.closeSync();
  expect(recovered.fromSnapshot).toBe(day.engine.lastSeq);
  expect(restarted.stateHash()).toBe(liveHash);
}, 60_000);
