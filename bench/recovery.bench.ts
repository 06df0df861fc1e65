/**
 * Recovery time (issue: audit trail and recovery): an engine rebuilt from a journal of about 1,000,000 events, from
 * the start and from a snapshot taken at 90% of it, beside the baseline of the same run: reading the same records'
 * payloads back from SQLite and parsing them, with no engine (the part of recovery no engine code can avoid).
 * Setup (untimed): a demo session with its journal (fifo allocation, enough client orders for the event count).
 * Each figure is the median of `rounds` runs, alternating.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runDemo } from "../src/cli/demo.js";
import { DEMO_SOURCES } from "../src/cli/demo-orders.js";
import { loadReferenceData } from "../src/config/load-config.js";
import { VirtualScheduler } from "../src/core/scheduler.js";
import { Engine } from "../src/engine/engine.js";
import { OpenChildren } from "../src/engine/open-children.js";
import { SqliteJournalStore } from "../src/journal/sqlite-journal-store.js";
import type { EngineEvent } from "../src/model/client-events.js";
import { recoverEngine } from "../src/runtime/recover.js";
import { captureSnapshot, type SessionSnapshot } from "../src/runtime/snapshot-file.js";
import { collectGarbage, median } from "./harness.js";

export interface RecoveryBenchOptions {
  readonly orders: number;
  readonly minutes: number;
  readonly rounds: number;
}

export const DEFAULT_RECOVERY_BENCH: RecoveryBenchOptions = {
  orders: Number(process.env.RECOVERY_BENCH_ORDERS ?? 120_000),
  minutes: Number(process.env.RECOVERY_BENCH_MINUTES ?? 6),
  rounds: 3,
};

const CONFIG = fileURLToPath(new URL("../../config/demo.yaml", import.meta.url));
const CHUNK = 20_000;

export async function runRecoveryBench(options: RecoveryBenchOptions, log: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tributary-recovery-bench-"));
  const path = join(dir, "journal.db");
  try {
    runDemo({
      seed: 7,
      config: CONFIG,
      volumeProfile: null,
      profileSeries: "mean",
      start: "2026-01-05T14:30:00Z",
      minutes: options.minutes,
      out: null,
      progress: () => {},
      allocation: "fifo",
      orderCount: options.orders,
      journal: { kind: "sqlite", path, synchronous: "normal" },
    });
    const data = loadReferenceData(CONFIG);
    const sources = DEMO_SOURCES.map((s) => ({ id: s.id, kind: s.kind }));
    const fresh = () => new Engine({ instruments: data.instruments, scheduler: new VirtualScheduler(0), sources });
    const store = SqliteJournalStore.open(path, { mode: "open" });
    const head = (await store.head())?.seq ?? 0;
    log(
      `journal: ${head.toLocaleString("en-US")} events of a ${options.minutes}-minute demo, ${options.orders} orders`,
    );

    // The snapshot at 90%: an engine replayed that far, captured as serve would.
    const at = Math.floor(head * 0.9);
    const partial = fresh();
    const open = new OpenChildren();
    for (let from = 1; from <= at; from += CHUNK) {
      const events = (await store.readPayloads(from, Math.min(at, from + CHUNK - 1))).map(
        (payload) => JSON.parse(payload) as EngineEvent,
      );
      for (const e of events) open.apply(e);
      partial.restore(events);
    }
    const record = (await store.readRange(at, at))[0];
    const snapshot: SessionSnapshot = JSON.parse(
      JSON.stringify({ ...captureSnapshot(partial, open, null), recordHash: record?.hash ?? "" }),
    );
    const snapshotBytes = JSON.stringify(snapshot).length;

    const raw: number[] = [];
    const fromStart: number[] = [];
    const fromSnapshot: number[] = [];
    let hashes = new Set<string>();
    for (let round = 0; round < options.rounds; round++) {
      collectGarbage();
      let t = performance.now();
      let parsed = 0;
      for (let from = 1; from <= head; from += CHUNK) {
        for (const payload of await store.readPayloads(from, Math.min(head, from + CHUNK - 1))) {
          JSON.parse(payload);
          parsed++;
        }
      }
      raw.push(performance.now() - t);
      if (parsed !== head) throw new Error(`read ${parsed} of ${head}`);
      collectGarbage();
      const a = fresh();
      t = performance.now();
      await recoverEngine(store, a);
      fromStart.push(performance.now() - t);
      collectGarbage();
      const b = fresh();
      t = performance.now();
      // The snapshot is parsed from its text as serve reads it from the file.
      const result = await recoverEngine(store, b, JSON.parse(JSON.stringify(snapshot)));
      fromSnapshot.push(performance.now() - t);
      if (result.fromSnapshot !== at) throw new Error("the snapshot was not used");
      hashes = new Set([...hashes, a.stateHash(), b.stateHash()]);
    }
    store.closeSync();
    if (hashes.size !== 1) throw new Error("replay from the start and from the snapshot differ");
    const rawMs = median(raw);
    log(`baseline: read ${head.toLocaleString("en-US")} records and parse them: ${rawMs.toFixed(0)} ms (median)`);
    log(
      `recovery from the start: ${median(fromStart).toFixed(0)} ms = ${(median(fromStart) / rawMs).toFixed(2)}x the baseline`,
    );
    log(
      `recovery from a snapshot at seq ${at.toLocaleString("en-US")} (${(snapshotBytes / 1e6).toFixed(1)} MB): ` +
        `${median(fromSnapshot).toFixed(0)} ms = ${(median(fromSnapshot) / rawMs).toFixed(2)}x the baseline`,
    );
    log("state hash: the same from the start and from the snapshot");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
