/**
 * The thread behind `WalCheckpointer` (wal-checkpointer.ts): its own connection to the journal's SQLite file, which
 * sleeps in `Atomics.wait` until a commit, runs `PRAGMA wal_checkpoint(PASSIVE)` (never waits for the writer, never
 * blocks it), then rests `CHECKPOINT_INTERVAL_MS` (woken early only to stop). Its `synchronous` is the journal's, so a
 * checkpoint fsyncs the database file as the writer's own would.
 */
import { workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { CHECKPOINT_INTERVAL_MS, CHECKPOINTER_SLOT, type WalCheckpointerSetup } from "./wal-checkpointer.js";

const setup = workerData as WalCheckpointerSetup;
const slots = new Int32Array(setup.shared);
const db = new Database(setup.path, { fileMustExist: true });
db.pragma(`synchronous = ${setup.synchronous === "normal" ? "NORMAL" : "FULL"}`);
try {
  for (let seen = 0; Atomics.load(slots, CHECKPOINTER_SLOT.stop) === 0; ) {
    Atomics.wait(slots, CHECKPOINTER_SLOT.asked, seen);
    seen = Atomics.load(slots, CHECKPOINTER_SLOT.asked);
    if (Atomics.load(slots, CHECKPOINTER_SLOT.stop) !== 0) break;
    db.pragma("wal_checkpoint(PASSIVE)");
    Atomics.wait(slots, CHECKPOINTER_SLOT.stop, 0, CHECKPOINT_INTERVAL_MS);
  }
} finally {
  db.close();
}
