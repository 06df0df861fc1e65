/**
 * Recovery: an engine rebuilt from its journal after a restart (`tributary serve --resume`, the crash test).
 * The journal's records are read back in seq order, in chunks, and applied to a new engine (`Engine.restore`) before
 * anything listens to it; the child orders that were working are folded out of the same records (`OpenChildren`) for
 * the executor to reconcile with the venues (`AlgoExecutor.resume`); the live session's open and close come from its
 * `session` record. The journal then continues its chain from the same head.
 * Limits: replays from the first record (no snapshot yet), so restart time grows with the journal.
 */
import { InvariantError } from "../core/errors.js";
import type { Engine } from "../engine/engine.js";
import { OpenChildren } from "../engine/open-children.js";
import type { JournalStore } from "../journal/journal-store.js";
import type { EngineEvent, SessionChanged } from "../model/client-events.js";

export interface Recovered {
  /** The last seq applied (0: the journal was empty). */
  readonly lastSeq: number;
  /** The child orders that were working when the journal ends. */
  readonly openChildren: OpenChildren;
  /** The live session the journal belongs to (its first `session` record), or null. */
  readonly session: SessionChanged | null;
  readonly millis: number;
}

const CHUNK = 20_000;

export async function recoverEngine(store: JournalStore, engine: Engine): Promise<Recovered> {
  const started = performance.now();
  const head = await store.head();
  const last = head?.seq ?? 0;
  const openChildren = new OpenChildren();
  let session: SessionChanged | null = null;
  for (let from = 1; from <= last; from += CHUNK) {
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
  return { lastSeq, openChildren, session, millis: performance.now() - started };
}
