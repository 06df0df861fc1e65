/**
 * Checkpoints a SQLite journal's WAL on a thread of its own (wal-checkpointer-worker.ts, a second connection), so that
 * the journal's commits do not. SQLite runs an automatic checkpoint inside the commit that takes the WAL past 1,000
 * pages: it copies the WAL's pages into the database file and fsyncs it before that COMMIT returns. With the FIX
 * gateway at 2,000 orders/s that was 2-3 commits a second, each 4-9 times as long as a usual commit (p50, a probe at
 * load 4-9), and every acknowledgement waiting on it or queued behind it paid for it.
 *
 * The journal's worker calls `committed` after each commit, which wakes the checkpointer (shared memory,
 * `Atomics.notify`) unless it is resting: it runs a PASSIVE checkpoint, which copies what the WAL holds beside the
 * writer's next commits without waiting for or blocking them, then rests `CHECKPOINT_INTERVAL_MS` (the commits
 * meanwhile go to the next one). A count of commits was not enough: under load commits grow (more batches wait), and 32
 * of them could reach the 1,000 pages before the checkpointer was woken, so the writer still did most of the work. A
 * writer transaction that begins after such a checkpoint has copied the whole WAL starts the WAL over, so it stays
 * small and its appends overwrite blocks the file already has; one that began before it finished cannot, and when the
 * WAL reaches 1,000 pages regardless, the writer's own automatic checkpoint runs as before, but finds all but the last
 * pages copied. Durability does not depend on this thread: a commit is durable once its WAL append is fsynced, as
 * before. A checkpointer that fails stops without a word; the automatic checkpoint carries on alone.
 */
import { Worker } from "node:worker_threads";
import { workerScript } from "../core/blocking-worker.js";

/** The checkpointer's rest after a checkpoint (a journal taking 16,000 events/s adds about 70 WAL pages meanwhile). */
export const CHECKPOINT_INTERVAL_MS = 20;

/** Int32 slots shared with the thread: commits so far (it checkpoints when they move), and 1 once it must stop. */
export const CHECKPOINTER_SLOT = { asked: 0, stop: 1, count: 2 } as const;

export interface WalCheckpointerSetup {
  readonly path: string;
  readonly synchronous: "full" | "normal";
  readonly shared: SharedArrayBuffer;
}

export class WalCheckpointer {
  private readonly shared = new SharedArrayBuffer(CHECKPOINTER_SLOT.count * 4);
  private readonly slots = new Int32Array(this.shared);
  private readonly exited: Promise<void>;

  constructor(path: string, synchronous: "full" | "normal") {
    const setup: WalCheckpointerSetup = { path, synchronous, shared: this.shared };
    const worker = new Worker(workerScript(import.meta.url, "wal-checkpointer-worker.js", "journal"), {
      workerData: setup,
    });
    worker.on("error", () => {});
    this.exited = new Promise((resolve) => worker.once("exit", () => resolve()));
  }

  /** One more commit: the thread checkpoints, at once or after its rest. */
  committed(): void {
    Atomics.add(this.slots, CHECKPOINTER_SLOT.asked, 1);
    Atomics.notify(this.slots, CHECKPOINTER_SLOT.asked);
  }

  /** Stops the thread once its checkpoint in progress, if any, is done; resolves when it has closed its connection. */
  async close(): Promise<void> {
    Atomics.store(this.slots, CHECKPOINTER_SLOT.stop, 1);
    Atomics.add(this.slots, CHECKPOINTER_SLOT.asked, 1);
    Atomics.notify(this.slots, CHECKPOINTER_SLOT.asked);
    Atomics.notify(this.slots, CHECKPOINTER_SLOT.stop);
    await this.exited;
  }
}
