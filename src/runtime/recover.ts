/**
 * Recovery: an engine rebuilt from its journal after a restart (`tributary serve --resume`, the crash test).
 * The journal's records are read back in seq order, in chunks, and applied to a new engine (`Engine.restore`) before
 * anything listens to it; the child orders that were working are folded out of the same records (`OpenChildren`) for
 * the executor to reconcile with the venues (`AlgoExecutor.resume`); the live session's open and close come from its
 * `session` record. The journal then continues its chain from the same head.
 * With a snapshot (snapshot-file.ts) that belongs to this journal (the record at its seq has its hash), the engine
 * starts from it, is checked against its state hash, and replays only the records after it; a snapshot of another
 * journal or beyond its head is ignored (and said so), one whose state hash does not match is an error.
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

export async function recoverEngine(
  store: JournalStore,
  engine: Engine,
  snapshot: SessionSnapshot | null = null,
): Promise<Recovered> {
  const started = performance.now();
  const head = await store.head();
  const last = head?.seq ?? 0;
  let openChildren = new OpenChildren();
  let session: SessionChanged | null = null;
  let first = 1;
  let snapshotIgnored: string | null = null;
  if (snapshot !== null) {
    const record = snapshot.seq <= last ? (await store.readRange(snapshot.seq, snapshot.seq))[0] : undefined;
    if (record === undefined) snapshotIgnored = `its seq ${snapshot.seq} is beyond the journal's head ${last}`;
    else if (snapshot.kernel.version !== KERNEL_SNAPSHOT_VERSION)
      snapshotIgnored = `it is a version ${snapshot.kernel.version} kernel snapshot (this engine reads ${KERNEL_SNAPSHOT_VERSION})`;
    else if (record.hash !== snapshot.recordHash) snapshotIgnored = `it belongs to another journal`;
    else {
      engine.restoreSnapshot(snapshot.kernel);
      const hash = engine.stateHash();
      if (hash !== snapshot.stateHash) {
        throw new InvariantError(`snapshot at seq ${snapshot.seq}: state hash ${hash}, expected ${snapshot.stateHash}`);
      }
      openChildren = OpenChildren.from(snapshot.openChildren);
      session = snapshot.session;
      first = snapshot.seq + 1;
    }
  }
  for (let from = first; from <= last; from += CHUNK) {
    const records = await store.readRange(from, Math.min(last, from + CHUNK - 1));
    const events: EngineEvent[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const event = JSON.parse((records[i] as { payload: string }).payload) as EngineEvent;
      events[i] = event;
      openChildren.apply(event);
      if (session === null && event.type === "session") session = event;
    }
    engine.restore(events);
  }
  engine.finishRestore();
  const lastSeq = engine.lastSeq;
  if (lastSeq !== last) throw new InvariantError(`recovery read ${lastSeq} of ${last} records`);
  return {
    lastSeq,
    openChildren,
    session,
    fromSnapshot: first - 1,
    snapshotIgnored,
    millis: performance.now() - started,
  };
}
