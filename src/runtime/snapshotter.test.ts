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
import { buildDay, type Day } from "../cli/sim-day.js";
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

interface Session {
  readonly day: Day;
  readonly journal: ThreadedJournal;
  readonly snapshotter: Snapshotter;
  readonly errors: Error[];
}

/** A simulated session journaled to `<name>.db` by the threaded journal, done orders released, snapshots to `snapshotPath`. */
function startSession(name: string, snapshotPath: string): Session {
  const path = join(dir, `${name}.db`);
  SqliteJournalStore.open(path, { mode: "create" }).closeSync();
  const target = { kind: "sqlite", path, synchronous: "full" } as const;
  const journal = new ThreadedJournal(target);
  const errors: Error[] = [];
  let snapshotter: Snapshotter | null = null;
  const day = buildDay({
    data,
    profile: VolumeProfile.generatedU(SESSION_SECONDS),
    seed: 5,
    startMicros: START,
    minutes: MINUTES,
    onReport: () => {},
    sources,
    release: { afterMicros: RELEASE_AFTER, clOrdIds: new ReleasedOrders(new SqliteJournalReader(path)) },
    clientOrders: (d, random) => {
      journal.attach(d.engine);
      snapshotter = new Snapshotter(
        d.engine,
        journal,
        { reference, sources, risk: undefined, releaseAfterMicros: RELEASE_AFTER, journal: target, path: snapshotPath },
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
  day.model.start(day.endMicros);
  return { day, journal, snapshotter: snapshotter as unknown as Snapshotter, errors };
}

/** Runs the session in 5 s slices, with the service's release pass and a pause between two; `each` after each. */
async function runInSlices(session: Session, each: () => void): Promise<void> {
  const { day, journal } = session;
  for (let t = START; t < day.endMicros; t += 5 * MICROS_PER_SECOND) {
    day.scheduler.runUntil(t);
    // Done orders leave once durable (here: the journal is caught up first).
    await journal.durable(day.engine.lastSeq);
    day.engine.releaseDone(t);
    each();
    await tick();
    await tick();
  }
}

it("writes, off the kernel thread, snapshots that hold the live state at their seq, and a last one at the stop", async () => {
  const snapshotPath = join(dir, "journal.db.snapshot");
  const session = startSession("journal", snapshotPath);
  const { day, journal, snapshotter, errors } = session;
  const hashes = vi.spyOn(day.engine, "stateHash");
  let hashedHere = 0;
  const snapshotOf = vi.spyOn(day.engine, "snapshot");
  // The live state hash at the end of every slice: a snapshot is asked for between two slices.
  const liveHashes = new Map<number, string>();
  const seen = new Set<number>();
  await runInSlices(session, () => {
    liveHashes.set(day.engine.lastSeq, day.engine.stateHash());
    hashedHere++;
    const snapshot = readSnapshot(snapshotPath);
    if (snapshot !== null) seen.add(snapshot.seq);
  });
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
  await snapshotter.final();
  expect(snapshotOf).not.toHaveBeenCalled();
  // The kernel thread hashed its state only when this test asked.
  expect(hashes).toHaveBeenCalledTimes(hashedHere);
  const final = readSnapshot(snapshotPath);
  expect(final?.seq).toBe(day.engine.lastSeq);
  const liveHash = day.engine.stateHash();
  expect(final?.stateHash).toBe(liveHash);

  // A restart from the last snapshot replays nothing and holds the live state.
  const path = join(dir, "journal.db");
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

it("reports a snapshot it cannot write, tries again at the next count, and the session goes on", async () => {
  const session = startSession("unwritable", join(dir, "no-such-folder", "journal.db.snapshot"));
  const { day, journal, snapshotter, errors } = session;
  await runInSlices(session, () => {});
  for (let i = 0; i < 200 && errors.length < 2; i++) await tick();
  expect(errors.length).toBeGreaterThan(1);
  expect(errors[0]?.message).toMatch(/^snapshot at \d+: ENOENT/);
  expect(day.engine.ordersAccepted).toBe(400);
  journal.closeSync();
  await expect(snapshotter.final()).rejects.toThrow(/ENOENT/);
}, 60_000);
