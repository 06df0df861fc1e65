/**
 * Messages between `Snapshotter` (the kernel thread) and its worker (snapshot-worker.ts). Plain data: they cross
 * threads.
 */
import type { RiskConfig } from "../intake/risk-config.js";
import type { JournalTarget } from "../journal/journal-target.js";
import type { SourceSpec } from "../model/client-commands.js";

/** The same kernel as the live day's (runtime/day-engine.ts), the journal it writes, and the snapshot file. */
export interface SnapshotWorkerSetup {
  /** The reference data file the live day was built from. */
  readonly reference: string;
  readonly sources: readonly SourceSpec[];
  readonly risk: RiskConfig | undefined;
  /** How long done orders stay in the live engine's memory, µs (null: kept all day). */
  readonly releaseAfterMicros: number | null;
  readonly journal: JournalTarget;
  /** The snapshot file (snapshot-file.ts). */
  readonly path: string;
}

/** Take a snapshot at `seq`: a seq between two kernel steps, durable in the journal. */
export interface SnapshotRequest {
  readonly seq: number;
}

export type SnapshotReport =
  | {
      readonly kind: "written";
      readonly seq: number;
      readonly bytes: number;
      /** The worker's heap in use after the snapshot (after a full GC when node runs with --expose-gc). */
      readonly heapUsedBytes: number;
    }
  | { readonly kind: "failed"; readonly seq: number; readonly message: string };
