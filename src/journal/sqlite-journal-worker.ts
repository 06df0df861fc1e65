/**
 * The worker thread behind `ThreadedSqliteJournal`: receives batches of canonical payloads (joined by "\n": canonical
 * JSON has no raw newline), re-derives each record (correlation, causation, hash chain) exactly as verification does,
 * and commits each batch in one SQLite transaction. Progress and the end go through shared memory (see the layout in
 * threaded-journal.ts), so the kernel thread can wait for them synchronously; durability is also posted as messages.
 */
import { parentPort, workerData } from "node:worker_threads";
import { CausationTracker } from "./correlation.js";
import { GENESIS_HASH, type JournalRecord, makeRecord } from "./journal-record.js";
import { SqliteJournalStore } from "./sqlite-journal-store.js";
import { type BatchMessage, SLOT, type WorkerSetup, writeText } from "./threaded-journal-protocol.js";

const setup = workerData as WorkerSetup;
const slots = new Int32Array(setup.shared, 0, SLOT.count);
const causation = new CausationTracker();
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

parentPort?.on("message", (message: BatchMessage) => {
  if (message.kind === "batch") {
    if (failed || store === null) return;
    try {
      const payloads = message.text.split("\n");
      const records: JournalRecord[] = new Array(payloads.length);
      for (let i = 0; i < payloads.length; i++) {
        const payload = payloads[i] as string;
        const event = JSON.parse(payload) as Record<string, unknown>;
        const seq = event.seq as number;
        if (seq !== lastSeq + 1) throw new Error(`journal: event seq ${seq} after ${lastSeq}`);
        const record = makeRecord(event, payload, causation.next(event, seq), prevHash);
        prevHash = record.hash;
        lastSeq = seq;
        records[i] = record;
      }
      store.appendSync(records);
    } catch (error) {
      fail(error);
      return;
    }
    Atomics.add(slots, SLOT.batches, 1);
    Atomics.notify(slots, SLOT.batches);
    parentPort?.postMessage({ kind: "durable", seq: lastSeq });
    return;
  }
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
