/**
 * The worker thread behind `ThreadedSqliteJournal`: receives encoded batches (payloads, correlation and causation
 * already derived on the kernel thread: threaded-journal-protocol.ts), chains the hashes, and commits the batches
 * queued by the time it gets to them in one SQLite transaction. Progress and the end go through shared memory (the layout is in the protocol file), so the
 * kernel thread can wait for them synchronously; durability is also posted as messages.
 */
import { parentPort, workerData } from "node:worker_threads";
import { GENESIS_HASH, type JournalRecord } from "./journal-record.js";
import { SqliteJournalStore } from "./sqlite-journal-store.js";
import { type BatchMessage, decodeBatch, SLOT, type WorkerSetup, writeText } from "./threaded-journal-protocol.js";

const setup = workerData as WorkerSetup;
const slots = new Int32Array(setup.shared, 0, SLOT.count);
let prevHash = GENESIS_HASH;
let lastSeq = 0;
let failed = false;
let store: SqliteJournalStore | null = null;
try {
  store = SqliteJournalStore.open(setup.path, { mode: "open", synchronous: setup.synchronous });
  const head = store.headSync();
  prevHash = head?.hash ?? GENESIS_HASH;
  lastSeq = head?.seq ?? 0;
} catch (error) {
  fail(error);
}

function fail(error: unknown): void {
  failed = true;
  writeText(setup.shared, SLOT.errorText, String((error as Error).message ?? error));
  Atomics.store(slots, SLOT.error, 1);
  Atomics.notify(slots, SLOT.batches);
  Atomics.notify(slots, SLOT.closed);
}

/**
 * Group commit: batches that arrive while a commit (and its fsync) runs are decoded as they come and committed
 * together in one transaction once the queue is drained (a `setImmediate` after the messages of this turn), so a busy
 * kernel thread posting many small batches gets one fsync per drain, not one per batch.
 */
let queued: JournalRecord[] = [];
let queuedBatches = 0;
let commitHandle: NodeJS.Immediate | null = null;

function commitQueued(): void {
  commitHandle = null;
  if (failed || store === null || queuedBatches === 0) return;
  const records = queued;
  const batches = queuedBatches;
  queued = [];
  queuedBatches = 0;
  try {
    store.appendSync(records);
  } catch (error) {
    fail(error);
    return;
  }
  Atomics.add(slots, SLOT.batches, batches);
  Atomics.notify(slots, SLOT.batches);
  parentPort?.postMessage({ kind: "durable", seq: lastSeq });
}

parentPort?.on("message", (message: BatchMessage) => {
  if (message.kind === "batch") {
    if (failed || store === null) return;
    try {
      const records = decodeBatch(message, prevHash, lastSeq);
      if (records.length > 0) {
        const last = records[records.length - 1] as JournalRecord;
        prevHash = last.hash;
        lastSeq = last.seq;
      }
      for (const record of records) queued.push(record);
    } catch (error) {
      fail(error);
      return;
    }
    queuedBatches++;
    if (commitHandle === null) commitHandle = setImmediate(commitQueued);
    return;
  }
  if (commitHandle !== null) clearImmediate(commitHandle);
  commitQueued();
  try {
    store?.closeSync();
  } catch (error) {
    if (!failed) fail(error);
  }
  writeText(setup.shared, SLOT.headText, prevHash);
  Atomics.store(slots, SLOT.closed, 1);
  Atomics.notify(slots, SLOT.closed);
  parentPort?.close();
});
