/**
 * Binance's rules for keeping a local order book from a REST depth snapshot and the depth-diff stream, as a pure state
 * machine over update ids (https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams and the USD-M
 * futures equivalent):
 *
 * - diffs that arrive before the snapshot are buffered (the caller keeps them and offers them once it has the snapshot);
 * - a diff entirely covered by the snapshot is dropped: spot u <= lastUpdateId; futures u < lastUpdateId;
 * - the first diff applied must straddle the snapshot: spot U <= lastUpdateId + 1 <= u; futures U <= lastUpdateId <= u;
 * - then every diff must follow the one before: spot U == previous u + 1; futures pu == previous u.
 *
 * A diff that breaks the chain is a gap: a live client would fetch a new snapshot. A capture has no second snapshot, so
 * the gap is counted (with the first diff's line after it) and the diff is applied anyway; the book is then suspect
 * and the check says so.
 */

export type DepthRules = "spot" | "usdm";

export type SyncVerdict = "apply" | "drop" | "gap";

export class DepthSync {
  /** u of the last diff applied (or the snapshot's lastUpdateId before any). -1 until the snapshot. */
  lastApplied = -1;
  gaps = 0;
  dropped = 0;
  private first = true;

  constructor(readonly rules: DepthRules) {}

  get hasSnapshot(): boolean {
    return this.lastApplied >= 0;
  }

  snapshot(lastUpdateId: number): void {
    this.lastApplied = lastUpdateId;
    this.first = true;
  }

  /**
   * What to do with a diff (U, u, pu) once the snapshot is in: drop it, apply it, or apply it although it breaks the
   * chain ("gap", counted). Applying moves `lastApplied` to u.
   */
  offer(firstUpdateId: number, lastUpdateId: number, previousUpdateId: number): SyncVerdict {
    const last = this.lastApplied;
    const spot = this.rules === "spot";
    if (this.first) {
      if (spot ? lastUpdateId <= last : lastUpdateId < last) {
        this.dropped++;
        return "drop";
      }
      const target = spot ? last + 1 : last;
      this.first = false;
      this.lastApplied = lastUpdateId;
      if (firstUpdateId <= target && target <= lastUpdateId) return "apply";
      this.gaps++;
      return "gap";
    }
    if (lastUpdateId <= last) {
      // An old diff replayed after newer ones: never apply it.
      this.dropped++;
      return "drop";
    }
    this.lastApplied = lastUpdateId;
    const follows = spot ? firstUpdateId === last + 1 : previousUpdateId === last;
    if (follows) return "apply";
    this.gaps++;
    return "gap";
  }
}
