/**
 * Takes the live session's snapshots (snapshot-file.ts) so that a restart replays a bounded tail of the journal: one
 * whenever `every` events have been journaled since the last one (counted across restarts, from the seq of the
 * snapshot the session was resumed from), taken between two kernel steps (the next macrotask after the count is reached) and written once
 * the journal is durable up to its seq; and a last one at a graceful stop.
 * A snapshot costs in proportion to the state it holds (every open order is hashed and serialised, on the kernel
 * thread), so the interval grows with it: never fewer events than one per `SNAPSHOT_BYTES_PER_EVENT` bytes of the last
 * snapshot. A state of 100,000 resting orders is not re-serialised every 100,000 events (the cost per event stays
 * constant), and a restart still replays no more events than the state's own size warrants. It follows the child orders working
 * (`OpenChildren`) and the session record from the engine's events. A failed write is reported and the next one is
 * tried at the next count: the journal alone is always enough to recover.
 */

import type { Engine } from "../engine/engine.js";
import type { OpenChildren } from "../engine/open-children.js";
import { type JournalTarget, openJournalStore } from "../journal/journal-target.js";
import type { SessionChanged } from "../model/client-events.js";
import { captureSnapshot, writeSnapshot } from "./snapshot-file.js";

export interface SnapshotJournal {
  readonly target: JournalTarget;
  durable(seq: number): Promise<void>;
}

/** Bytes of snapshot per event of interval: at 64, taking a snapshot costs about as much as journaling its interval. */
export const SNAPSHOT_BYTES_PER_EVENT = 64;

export class Snapshotter {
  private busy = false;
  /** Events between two snapshots: `every`, or more once the state is large (above). */
  private interval: number;
  /** The seq of the last snapshot taken (or resumed from). */
  private lastTaken: number;
  private session: SessionChanged | null;
  /** Snapshots written, and the seq of the last one. */
  written = 0;
  lastSeq = 0;

  constructor(
    private readonly engine: Engine,
    private readonly journal: SnapshotJournal,
    /** The snapshot file (snapshot-file.ts). */
    private readonly path: string,
    private readonly open: OpenChildren,
    session: SessionChanged | null,
    private readonly every: number,
    private readonly onError: (error: Error) => void,
    resumedFrom = 0,
  ) {
    this.session = session;
    this.lastTaken = resumedFrom;
    this.interval = every;
    engine.on((event) => {
      open.apply(event);
      if (event.type === "session" && this.session === null) this.session = event;
      if (this.every > 0 && event.seq - this.lastTaken >= this.interval && !this.busy) {
        this.busy = true;
        setImmediate(() => this.take());
      }
    });
  }

  /** The last snapshot, with the journal closed (its head hash known): at a graceful stop. */
  final(headHash: string): void {
    if (this.engine.lastSeq === 0) return;
    const taken = captureSnapshot(this.engine, this.open, this.session);
    this.write({ ...taken, recordHash: headHash });
  }

  private take(): void {
    const taken = captureSnapshot(this.engine, this.open, this.session);
    this.lastTaken = taken.seq;
    this.journal.durable(taken.seq).then(
      () => {
        this.recordHash(taken.seq)
          .then((recordHash) => this.write({ ...taken, recordHash }))
          .catch((error: Error) => this.onError(error))
          .finally(() => {
            this.busy = false;
          });
      },
      (error: Error) => {
        this.busy = false;
        this.onError(error);
      },
    );
  }

  /** The hash of the journal's record `seq`, read back from its store. */
  private async recordHash(seq: number): Promise<string> {
    const store = await openJournalStore(this.journal.target, "open");
    try {
      const record = (await store.readRange(seq, seq))[0];
      if (record === undefined) throw new Error(`journal has no record ${seq}`);
      return record.hash;
    } finally {
      await store.close();
    }
  }

  private write(snapshot: Parameters<typeof writeSnapshot>[1]): void {
    const bytes = writeSnapshot(this.path, snapshot);
    this.interval = Math.max(this.every, Math.ceil(bytes / SNAPSHOT_BYTES_PER_EVENT));
    this.written++;
    this.lastSeq = snapshot.seq;
  }
}
