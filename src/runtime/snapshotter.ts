/**
 * Takes the live session's snapshots (snapshot-file.ts) so that a restart replays a bounded tail of the journal: one
 * whenever `every` events have been journaled since the last one (counted across restarts, from the seq of the
 * snapshot the session was resumed from), at a seq between two kernel steps (the next macrotask after the count is
 * reached), once the journal is durable up to it; and a last one at a graceful stop.
 * The kernel thread only names the seq: a worker thread (snapshot-worker.ts) follows the journal with a kernel of its
 * own up to that seq and makes and writes the snapshot there, so the kernel never pauses for it (hashing and
 * serialising 480,000 working orders took 6 s on the kernel thread). The price is a second copy of the state in memory
 * and the journal read back and applied once more (on the other core).
 * A snapshot costs in proportion to the state it holds, so the interval grows with it: never fewer events than one per
 * `SNAPSHOT_BYTES_PER_EVENT` bytes of the last snapshot (a state of 100,000 resting orders is not re-serialised every
 * 100,000 events: the cost per event stays constant). A failed snapshot is reported and the next one is tried at the
 * next count: the journal alone is always enough to recover.
 */
import { Worker } from "node:worker_threads";
import { workerScript } from "../core/blocking-worker.js";
import type { Engine } from "../engine/engine.js";
import type { SnapshotReport, SnapshotRequest, SnapshotWorkerSetup } from "./snapshot-worker-protocol.js";

export interface SnapshotJournal {
  durable(seq: number): Promise<void>;
}

/** Bytes of snapshot per event of interval: at 64, taking a snapshot costs about as much as journaling its interval. */
export const SNAPSHOT_BYTES_PER_EVENT = 64;

export class Snapshotter {
  private readonly worker: Worker;
  /** A snapshot is asked for and not yet written (or failed). */
  private busy = false;
  /** Events between two snapshots: `every`, or more once the state is large (above). */
  private interval: number;
  /** The seq of the last snapshot asked for (or resumed from). */
  private lastTaken: number;
  /** Waiting for the worker's report at a seq (the final snapshot). */
  private readonly waiting = new Map<number, (report: SnapshotReport) => void>();
  /** The seq of the last snapshot written (or resumed from). */
  private lastSeq: number;
  /** The worker's heap after its last snapshot (0: none yet): the memory the second copy of the state takes. */
  workerHeapBytes = 0;

  constructor(
    private readonly engine: Engine,
    private readonly journal: SnapshotJournal,
    setup: SnapshotWorkerSetup,
    private readonly every: number,
    private readonly onError: (error: Error) => void,
    resumedFrom = 0,
  ) {
    this.lastTaken = resumedFrom;
    this.lastSeq = resumedFrom;
    this.interval = every;
    this.worker = new Worker(workerScript(import.meta.url, "snapshot-worker.js", "runtime"), { workerData: setup });
    // A snapshot in progress never holds the process open: the journal alone recovers.
    this.worker.unref();
    this.worker.on("message", (report: SnapshotReport) => this.reported(report));
    this.worker.on("error", (error) => {
      this.onError(error);
      for (const [seq, waiter] of this.waiting) waiter({ kind: "failed", seq, message: error.message });
      this.waiting.clear();
    });
    engine.on((event) => {
      if (this.every > 0 && event.seq - this.lastTaken >= this.interval && !this.busy) {
        this.busy = true;
        setImmediate(() => this.take());
      }
    });
  }

  /**
   * The last snapshot, at the engine's last seq, once the journal is closed (every record durable): at a graceful stop.
   * Written after any snapshot in progress; the worker then ends.
   */
  async final(): Promise<void> {
    const seq = this.engine.lastSeq;
    try {
      if (seq === 0 || seq === this.lastSeq) return;
      const report = await new Promise<SnapshotReport>((resolve) => {
        this.waiting.set(seq, resolve);
        this.ask(seq);
      });
      if (report.kind === "failed") throw new Error(`snapshot at ${seq}: ${report.message}`);
    } finally {
      await this.worker.terminate();
    }
  }

  /** Ends the worker without a last snapshot. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private take(): void {
    const seq = this.engine.lastSeq;
    this.lastTaken = seq;
    this.journal.durable(seq).then(
      () => this.ask(seq),
      (error: Error) => {
        this.busy = false;
        this.onError(error);
      },
    );
  }

  private ask(seq: number): void {
    this.worker.postMessage({ seq } satisfies SnapshotRequest);
  }

  private reported(report: SnapshotReport): void {
    const waiter = this.waiting.get(report.seq);
    this.waiting.delete(report.seq);
    if (report.kind === "written") {
      this.interval = Math.max(this.every, Math.ceil(report.bytes / SNAPSHOT_BYTES_PER_EVENT));
      this.lastSeq = report.seq;
      this.workerHeapBytes = report.heapUsedBytes;
    } else if (waiter === undefined) this.onError(new Error(`snapshot at ${report.seq}: ${report.message}`));
    if (waiter !== undefined) waiter(report);
    else this.busy = false;
  }
}
