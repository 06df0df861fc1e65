/**
 * Checkpoints a SQLite journal's WAL on a thread of its own (wal-checkpointer-worker.ts, a second connection), so that
 * the journal's commits do not. SQLite runs an automatic checkpoint inside the commit that takes the WAL past 1,000
 * pages: it copies the WAL's pages into the database file and fsyncs it before that COMMIT returns. With the FIX
 * gateway at 2,000 orders/s that was 2-3 commits a second, each 4-9 times as long as a usual commit (p50, a probe at
 * load 4-9), and every acknowledgement waiting on it or queued behind it paid for it.
 *
 * The journal's worker calls `committed` after each commit; every `CHECKPOINT_EVERY` commits the checkpointer is
 * woken (shared memory, `Atomics.notify`) and runs a PASSIVE checkpoint, which copies what the WAL holds beside the
 * writer's next commits without waiting for or blocking them. A writer transaction that begins after such a
 * checkpoint has copied the whole WAL starts the WAL over, so it stays small and its appends overwrite blocks the file
 * already has; one that began before it finished cannot, and when the WAL reaches 1,000 pages regardless, the writer's
 * own automatic checkpoint runs as before, but finds all but the last pages copied (a journal alone taking 16,000
 * events/s in 1,000 commits/s, measured: the WAL started over after every 1-5 background checkpoints).
 * Durability does not depend on this thread: a commit is durable once its WAL append is fsynced, as before. A
 * checkpointer that fails stops without a word; the automatic checkpoint carries on alone.
 */
import { Worker } from "node:worker_threads";
import { workerScript } from "../core/blocking-worker.js";

/** Commits between two background checkpoints: well below the 1,000-page automatic one (a commit appends 5-10). */
export const CHECKPOINT_EVERY = 32;

/** Int32 slots shared with the thread: how many times it was asked to checkpoint, and 1 once it must stop. */
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
  private commits = 0;

  constructor(path: string, synchronous: "full" | "normal") {
    const setup: WalCheckpointerSetup = { path, synchronous, shared: this.shared };
    const worker = new Worker(workerScript(import.meta.url, "wal-checkpointer-worker.js", "journal"), {
      workerData: setup,
    });
    worker.on("error", () => {});
    this.exited = new Promise((resolve) => worker.once("exit", () => resolve()));
  }

  /** One more commit; every `CHECKPOINT_EVERY`, the thread checkpoints. */
  committed(): void {
    if (++this.commits % CHECKPOINT_EVERY !== 0) return;
    Atomics.add(this.slots, CHECKPOINTER_SLOT.asked, 1);
    Atomics.notify(this.slots, CHECKPOINTER_SLOT.asked);
  }

  /** Stops the thread once its checkpoint in progress, if any, is done; resolves when it has closed its connection. */
  async close(): Promise<void> {
    Atomics.store(this.slots, CHECKPOINTER_SLOT.stop, 1);
    Atomics.add(this.slots, CHECKPOINTER_SLOT.asked, 1);
    Atomics.notify(this.slots, CHECKPOINTER_SLOT.asked);
    await this.exited;
  }
}
