/**
 * Recovery: an engine rebuilt from its journal after a restart (`tributary serve --resume`, the crash test).
 * The journal's records are read back in seq order, in chunks, and applied to a new engine (`Engine.restore`) before
 * anything listens to it; the child orders that were working are folded out of the same records (`OpenChildren`) for
 * the executor to reconcile with the venues (`AlgoExecutor.resume`); the live session's open and close come from its
 * `session` record. The journal then continues its chain from the same head.
 * With a snapshot (snapshot-file.ts) that belongs to this journal (the record at its seq has its hash), the engine
 * starts from it, is checked against its state hash, and replays only the records after it; a snapshot of another
 * journal or beyond its head is ignored (and said so), one whose state hash does not match is an error.
 * `JournalReplay` is the same reading kept open: the snapshot worker (snapshot-worker.ts) follows the journal with it.
 */
import { InvariantError } from "../core/errors.js";
import type { Engine } from "../engine/engine.js";
import { KERNEL_SNAPSHOT_VERSION } from "../engine/kernel-snapshot.js";
import { OpenChildren } from "../engine/open-children.js";
import type { JournalStore } from "../journal/journal-store.js";
import type { EngineEvent, SessionChanged } from "../model/client-events.js";
import type { SessionSnapshot } from "./snapshot-file.js";

export interface Recovered {
  /** The last seq applied (0: the journal was empty). */
  readonly lastSeq: number;
  /** The child orders that were working when the journal ends. */
  readonly openChildren: OpenChildren;
  /** The live session the journal belongs to (its first `session` record), or null. */
  readonly session: SessionChanged | null;
  /** The seq of the snapshot started from (0: none), or why the one given was not used. */
  readonly fromSnapshot: number;
  readonly snapshotIgnored: string | null;
  readonly millis: number;
}

const CHUNK = 20_000;

/**
 * An engine fed from its journal: started from a snapshot when one fits, then advanced over the records after it.
 * It calls `Engine.restore` only; ending the restore (`finishRestore`) is the caller's, once it stops following.
 */
export class JournalReplay {
  /** The child orders working at the last record applied. */
  readonly openChildren: OpenChildren;
  /** The live session's record, once one has been applied. */
  session: SessionChanged | null;

  private constructor(
    private readonly engine: Engine,
    start: { openChildren: OpenChildren; session: SessionChanged | null },
    /** The seq of the snapshot started from (0: none), or why the one given was not used. */
    readonly fromSnapshot: number,
    readonly snapshotIgnored: string | null,
  ) {
    this.openChildren = start.openChildren;
    this.session = start.session;
  }

  /** Starts `engine` (a new one) from `snapshot` when it belongs to the journal in `store`. */
  static async start(store: JournalStore, engine: Engine, snapshot: SessionSnapshot | null): Promise<JournalReplay> {
    const empty = { openChildren: new OpenChildren(), session: null };
    if (snapshot === null) return new JournalReplay(engine, empty, 0, null);
    const last = (await store.head())?.seq ?? 0;
    const record = snapshot.seq <= last ? (await store.readRange(snapshot.seq, snapshot.seq))[0] : undefined;
    let ignored: string;
    if (record === undefined) ignored = `its seq ${snapshot.seq} is beyond the journal's head ${last}`;
    else if (snapshot.kernel.version !== KERNEL_SNAPSHOT_VERSION)
      ignored = `it is a version ${snapshot.kernel.version} kernel snapshot (this engine reads ${KERNEL_SNAPSHOT_VERSION})`;
    else if (record.hash !== snapshot.recordHash) ignored = `it belongs to another journal`;
    else {
      engine.restoreSnapshot(snapshot.kernel);
      const hash = engine.stateHash();
      if (hash !== snapshot.stateHash) {
        throw new InvariantError(`snapshot at seq ${snapshot.seq}: state hash ${hash}, expected ${snapshot.stateHash}`);
      }
      const start = { openChildren: OpenChildren.from(snapshot.openChildren), session: snapshot.session };
      return new JournalReplay(engine, start, snapshot.seq, null);
    }
    return new JournalReplay(engine, empty, 0, ignored);
  }

  /** Applies the journal's records after the engine's last seq, up to `to`. */
  async advance(store: JournalStore, to: number): Promise<void> {
    for (let from = this.engine.lastSeq + 1; from <= to; from += CHUNK) {
      const payloads = await store.readPayloads(from, Math.min(to, from + CHUNK - 1));
      const events: EngineEvent[] = new Array(payloads.length);
      for (let i = 0; i < payloads.length; i++) {
        const event = JSON.parse(payloads[i] as string) as EngineEvent;
        events[i] = event;
        this.openChildren.apply(event);
        if (this.session === null && event.type === "session") this.session = event;
      }
      this.engine.restore(events);
    }
    if (this.engine.lastSeq !== to) throw new InvariantError(`replay read ${this.engine.lastSeq} of ${to} records`);
  }
}

export async function recoverEngine(
  store: JournalStore,
  engine: Engine,
  snapshot: SessionSnapshot | null = null,
): Promise<Recovered> {
  const started = performance.now();
  const last = (await store.head())?.seq ?? 0;
  const replay = await JournalReplay.start(store, engine, snapshot);
  await replay.advance(store, last);
  engine.finishRestore();
  return {
    lastSeq: engine.lastSeq,
    openChildren: replay.openChildren,
    session: replay.session,
    fromSnapshot: replay.fromSnapshot,
    snapshotIgnored: replay.snapshotIgnored,
    millis: performance.now() - started,
  };
}
