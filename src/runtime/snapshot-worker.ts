/**
 * The worker thread behind `Snapshotter`: it keeps a second kernel that follows the journal (`JournalReplay`), so
 * that a snapshot is made and written here, never on the kernel thread (at 480,000 working orders, hashing and
 * serialising the state takes seconds). Asked for a snapshot at a seq, it reads the durable records up to it, applies
 * them, and writes the kernel's state with the record's hash (snapshot-file.ts). Requests are served one at a time, in
 * order, so two writes of the temporary file never overlap.
 * It starts at the first request: from the snapshot file when it belongs to the journal (the one the live session
 * resumed from), else from the journal's first record. Its kernel is built as the live day's (day-engine.ts) with a
 * clock that never moves: it applies events and decides nothing.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadReferenceData } from "../config/load-config.js";
import { InvariantError } from "../core/errors.js";
import { VirtualScheduler } from "../core/scheduler.js";
import type { Engine } from "../engine/engine.js";
import type { ReleasedClOrdIds } from "../engine/order-release.js";
import type { JournalStore } from "../journal/journal-store.js";
import { openJournalStore } from "../journal/journal-target.js";
import { createDayEngine } from "./day-engine.js";
import { JournalReplay } from "./recover.js";
import { captureSnapshot, readSnapshot, writeSnapshot } from "./snapshot-file.js";
import type { SnapshotReport, SnapshotRequest, SnapshotWorkerSetup } from "./snapshot-worker-protocol.js";

const setup = workerData as SnapshotWorkerSetup;

/**
 * The follower releases done orders as the live engine does (its memory stays bounded the same way), but it takes no
 * new orders, so nobody asks it about a released ClOrdID.
 */
const UNASKED_CLORDIDS: ReleasedClOrdIds = {
  remember() {},
  has() {
    throw new InvariantError("the snapshot worker's kernel takes no orders");
  },
};

interface Follower {
  readonly store: JournalStore;
  readonly engine: Engine;
  readonly replay: JournalReplay;
}

let follower: Promise<Follower> | null = null;

function start(): Promise<Follower> {
  follower ??= (async () => {
    const data = loadReferenceData(setup.reference);
    const engine = createDayEngine(data, new VirtualScheduler(0), undefined, {
      sources: setup.sources,
      risk: setup.risk,
      release:
        setup.releaseAfterMicros === null
          ? undefined
          : { afterMicros: setup.releaseAfterMicros, clOrdIds: UNASKED_CLORDIDS },
    });
    const store = await openJournalStore(setup.journal, "open");
    const replay = await JournalReplay.start(store, engine, readSnapshot(setup.path));
    return { store, engine, replay };
  })();
  return follower;
}

async function take(seq: number): Promise<SnapshotReport> {
  const { store, replay, engine } = await start();
  if (seq < engine.lastSeq) throw new InvariantError(`snapshot at ${seq} asked after one at ${engine.lastSeq}`);
  await replay.advance(store, seq);
  const recordHash = (await store.readRange(seq, seq))[0]?.hash;
  if (recordHash === undefined) throw new InvariantError(`snapshot at ${seq}: no journal record`);
  const bytes = writeSnapshot(setup.path, {
    ...captureSnapshot(engine, replay.openChildren, replay.session),
    recordHash,
  });
  (globalThis as { gc?: () => void }).gc?.();
  return {
    kind: "written",
    seq,
    bytes,
    heapUsedBytes: process.memoryUsage().heapUsed,
  };
}

const port = parentPort;
if (port === null) throw new InvariantError("snapshot-worker.ts runs as a worker thread");
let queue = Promise.resolve();
port.on("message", ({ seq }: SnapshotRequest) => {
  queue = queue.then(() =>
    take(seq).then(
      (report) => port.postMessage(report),
      (error: Error) => {
        // The follower may have stopped halfway through a chunk: the next request starts a new one.
        const stopped = follower;
        follower = null;
        void stopped?.then((f) => f.store.close()).catch(() => {});
        port.postMessage({ kind: "failed", seq, message: error.message } satisfies SnapshotReport);
      },
    ),
  );
});
