/**
 * A snapshot of a live session beside its journal (`<journal>.snapshot`), so that a restart replays only the records
 * after it: the kernel's state (engine/kernel-snapshot.ts), the child orders working, and the session record, at one
 * seq. It is tied to the journal by that record's hash, and proved by the state hash: loading it must give the engine
 * the hash it had when it was taken. Written only once the journal is durable up to its seq, to a temporary file
 * renamed over the last one (a crash while writing leaves the previous snapshot).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync } from "node:fs";
import { UserError } from "../core/errors.js";
import { JsonFileWriter } from "../core/json-file-writer.js";
import type { Engine } from "../engine/engine.js";
import type { KernelSnapshot } from "../engine/kernel-snapshot.js";
import type { OpenChild, OpenChildren } from "../engine/open-children.js";
import type { SessionChanged } from "../model/client-events.js";

export const SNAPSHOT_FORMAT = "tributary-snapshot/1";

export interface SessionSnapshot {
  readonly format: string;
  readonly seq: number;
  /** The hash of the journal record at `seq`. */
  readonly recordHash: string;
  /** The engine's state hash at `seq`. */
  readonly stateHash: string;
  readonly kernel: KernelSnapshot;
  readonly openChildren: { readonly lastNumber: number; readonly children: readonly OpenChild[] };
  readonly session: SessionChanged | null;
}

export function snapshotPathOf(journalPath: string): string {
  return `${journalPath}.snapshot`;
}

/** Writes `snapshot` to `path` durably and atomically (temporary file, fsync, rename); returns its size in bytes. */
export function writeSnapshot(path: string, snapshot: SessionSnapshot): number {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, "w");
  const writer = new JsonFileWriter(fd);
  try {
    // Each order, parent and ClOrdID entry on its own: the text is written in pieces, never held whole.
    writer.write(snapshot, SNAPSHOT_WALK_DEPTH);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  return writer.bytes;
}

/** snapshot -> kernel -> orders, parents, clOrdIds (a source's list, long, is walked too) -> each entry. */
const SNAPSHOT_WALK_DEPTH = 3;

/** The snapshot at `path`, or null when there is none; a file that is not one is a clear error. */
export function readSnapshot(path: string): SessionSnapshot | null {
  if (!existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UserError("bad-snapshot", `${path}: not a readable snapshot (${(error as Error).message})`);
  }
  const s = parsed as Partial<SessionSnapshot> | null;
  if (s === null || typeof s !== "object" || s.format !== SNAPSHOT_FORMAT || typeof s.seq !== "number") {
    throw new UserError("bad-snapshot", `${path}: not a ${SNAPSHOT_FORMAT} snapshot`);
  }
  return s as SessionSnapshot;
}

/** What a snapshot holds, taken now (between two kernel steps); the record hash is filled in once durable. */
export function captureSnapshot(
  engine: Engine,
  openChildren: OpenChildren,
  session: SessionChanged | null,
): Omit<SessionSnapshot, "recordHash"> {
  return {
    format: SNAPSHOT_FORMAT,
    seq: engine.lastSeq,
    stateHash: engine.stateHash(),
    kernel: engine.snapshot(),
    // A copy: the live children change after this.
    openChildren: JSON.parse(JSON.stringify(openChildren.state())),
    session,
  };
}
