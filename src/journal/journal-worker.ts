/**
 * The worker thread behind `ThreadedJournal`: opens the journal's store (a SQLite file or a PostgreSQL schema:
 * journal-target.ts), receives encoded batches (payloads, correlation and causation already derived on the kernel
 * thread: threaded-journal-protocol.ts), chains the hashes (unless the batch carries them) and writes them. While a
 * write is in flight (PostgreSQL's COPY waits on the server) the batches arriving meanwhile are decoded, made ready
 * (for PostgreSQL, formatted as COPY text: the worker's share of the work then overlaps the server's) and queued, and
 * the next write takes all of them in one transaction (group commit).
 * A failed write keeps its records: the failure is reported, the store reopened (the usual cause is a dropped
 * connection) and the write retried with back-off (0.1 s doubling to 5 s); once asked to close, the worker tries once
 * more and then stops, reporting what it could not write. Progress and the end go through shared memory (the layout is
 * in the protocol file), so the kernel thread can wait for them synchronously; commits and failures are also posted.
 * With a companion (journal-companion.ts) each batch carries the companion's writes after its events, and a group
 * commit applies the writes of all its batches inside the same transaction as their records (SQLite: synchronously in
 * `appendSync`; PostgreSQL: on the connection, after the COPY, before the COMMIT); a companion's read is answered once
 * every batch before it is committed (a failing write answers it with the failure), in the order asked.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { BlockingReply } from "../core/blocking-worker.js";
import type { JournalCompanion } from "./journal-companion.js";
import { JournalOpenError } from "./journal-errors.js";
import { GENESIS_HASH, type JournalRecord } from "./journal-record.js";
import type { JournalStore } from "./journal-store.js";
import { openJournalStore } from "./journal-target.js";
import { type CopyRows, copyRows, PostgresJournalStore } from "./postgres-journal-store.js";
import type { SqliteJournalStore } from "./sqlite-journal-store.js";
import {
  type BatchMessage,
  decodeBatch,
  SLOT,
  type WorkerReport,
  type WorkerSetup,
  writeHeadSeq,
  writeText,
} from "./threaded-journal-protocol.js";

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

const setup = workerData as WorkerSetup;
const slots = new Int32Array(setup.shared, 0, SLOT.count);
const companion =
  setup.companion === null
    ? null
    : ((await import(setup.companion.module)) as { companion: JournalCompanion }).companion;
let store: JournalStore | null = null;
let prevHash = GENESIS_HASH;
let lastSeq = 0;
/** A batch ready to write: COPY text for PostgreSQL, the records for SQLite; the companion's writes after them. */
interface Ready {
  readonly rows: CopyRows | JournalRecord[];
  readonly count: number;
  readonly last: number;
  readonly carried: readonly unknown[];
}

/** Batches not yet committed, oldest first. */
let queue: Ready[] = [];
let writing = false;
let closing = false;
let finished = false;
let stopped = false;
let retryMs = RETRY_FIRST_MS;
let retryTimer: NodeJS.Timeout | null = null;
/** The companion's reads waiting for the batches before them; the last write's failure, while it is retried. */
let reads: unknown[] = [];
let failure: string | null = null;

const messageOf = (error: unknown): string => String((error as Error)?.message ?? error);
const report = (message: WorkerReport): void => parentPort?.postMessage(message);

function stop(error: unknown): void {
  stopped = true;
  writeText(setup.shared, SLOT.errorText, messageOf(error));
  if (error instanceof JournalOpenError) writeText(setup.shared, SLOT.errorCode, error.code);
  Atomics.store(slots, SLOT.error, 1);
  for (const slot of [SLOT.batches, SLOT.closed, SLOT.ready]) Atomics.notify(slots, slot);
}

/** The store, and the companion on its connection. */
async function openStore(mode: "create" | "open"): Promise<JournalStore> {
  const opened = await openJournalStore(setup.target, mode);
  companion?.open(opened);
  return opened;
}

async function open(): Promise<void> {
  try {
    store = await openStore(setup.create ? "create" : "open");
    const head = await store.head();
    prevHash = head?.hash ?? GENESIS_HASH;
    lastSeq = head?.seq ?? 0;
    writeText(setup.shared, SLOT.headText, prevHash);
    writeHeadSeq(setup.shared, lastSeq);
  } catch (error) {
    stop(error);
  }
  Atomics.store(slots, SLOT.ready, 1);
  Atomics.notify(slots, SLOT.ready);
}

/** The batches in one transaction, with the companion's writes they carry. */
async function writeAll(to: JournalStore, batches: readonly Ready[]): Promise<void> {
  const carried = companion === null ? [] : batches.flatMap((b) => b.carried);
  const alongside = companion === null || carried.length === 0 ? undefined : () => companion.write(carried);
  if (to instanceof PostgresJournalStore) {
    await to.appendCopyRows(
      batches.map((b) => b.rows as CopyRows),
      alongside,
    );
    return;
  }
  const records = batches.flatMap((b) => b.rows as JournalRecord[]);
  if (companion === null) {
    await to.append(records);
    return;
  }
  (to as SqliteJournalStore).appendSync(records, alongside);
}

/** Answers a companion's read on its port and wakes the waiting thread. */
function answer(reply: BlockingReply): void {
  setup.companion?.replies.postMessage(reply);
  Atomics.store(slots, SLOT.answered, 1);
  Atomics.notify(slots, SLOT.answered);
}

/**
 * The companion's reads whose batches are committed (all of them, once nothing is queued). A PostgreSQL read waits
 * on the connection; the thread that asked is blocked meanwhile, so nothing is posted behind it.
 */
async function answerReads(): Promise<void> {
  if (writing || queue.length > 0 || reads.length === 0) return;
  const now = reads;
  reads = [];
  for (const request of now) {
    try {
      answer({ ok: true, value: await companion?.read(request) });
    } catch (error) {
      answer({ ok: false, message: messageOf(error) });
    }
  }
}

async function write(): Promise<void> {
  if (writing || retryTimer !== null || stopped) return;
  writing = true;
  try {
    while (queue.length > 0) {
      const batches = queue;
      queue = [];
      try {
        store ??= await openStore("open");
        await writeAll(store, batches);
      } catch (error) {
        queue = batches.concat(queue);
        failed(error);
        return;
      }
      retryMs = RETRY_FIRST_MS;
      failure = null;
      const committed = Atomics.add(slots, SLOT.batches, batches.length) + batches.length;
      Atomics.notify(slots, SLOT.batches);
      report({ kind: "durable", seq: (batches[batches.length - 1] as Ready).last, batches: committed });
    }
  } finally {
    writing = false;
  }
  await answerReads();
  if (closing) await finish();
}

function failed(error: unknown): void {
  failure = messageOf(error);
  for (const _ of reads) answer({ ok: false, message: failure });
  reads = [];
  const broken = store;
  store = null;
  void broken?.close().catch(() => {});
  if (closing) {
    const unwritten = queue.reduce((n, b) => n + b.count, 0);
    stop(`${messageOf(error)} (${unwritten} records left unwritten)`);
    void finish();
    return;
  }
  report({ kind: "failed", message: messageOf(error) });
  retryTimer = setTimeout(() => {
    retryTimer = null;
    void write();
  }, retryMs);
  retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
}

async function finish(): Promise<void> {
  if (finished) return;
  finished = true;
  try {
    await store?.close();
  } catch (error) {
    if (!stopped) stop(error);
  }
  writeText(setup.shared, SLOT.headText, prevHash);
  Atomics.store(slots, SLOT.closed, 1);
  Atomics.notify(slots, SLOT.closed);
  parentPort?.close();
}

parentPort?.on("message", (message: BatchMessage) => {
  if (message.kind === "batch") {
    if (stopped) return;
    let records: JournalRecord[];
    try {
      records = decodeBatch(message, prevHash, lastSeq);
    } catch (error) {
      stop(error);
      return;
    }
    const last = records[records.length - 1];
    if (last !== undefined) {
      prevHash = last.hash;
      lastSeq = last.seq;
    }
    const rows = setup.target.kind === "postgres" ? copyRows(records) : records;
    queue.push({ rows, count: records.length, last: lastSeq, carried: message.carried });
    void write();
    return;
  }
  if (message.kind === "read") {
    if (stopped || failure !== null) answer({ ok: false, message: failure ?? "the journal stopped" });
    else {
      reads.push(message.request);
      void answerReads();
    }
    return;
  }
  closing = true;
  if (retryTimer !== null) clearTimeout(retryTimer);
  retryTimer = null;
  if (writing) return;
  if (queue.length > 0 && !stopped) void write();
  else void finish();
});

await open();
