/**
 * A schedule: how many lots of a parent should be executed by a given time. Each algorithm (twap.ts, vwap.ts, pov.ts,
 * is.ts) is a schedule; the tactics (child-tactics.ts) turn the gap between the schedule and what has been executed
 * into child orders.
 *
 * A schedule is planned from a starting point (time, lots executed, lots still to do, market volume so far) and
 * re-planned when the parent's quantity changes (orders join, leave or are amended) and, for the algorithms that
 * re-optimise, at every recalibration. Between plans `target` is a pure function of time and observed market volume.
 * Invariants: `target` is non-decreasing in time and volume, starts at the plan's executed lots and never exceeds
 * executed + remaining at plan time; `floor <= target <= ceiling`.
 * Hot path: `target`, `floor` and `ceiling` run on every decision (every market-data event of an active parent) and must
 * not allocate.
 */

export interface PlanPoint {
  /** µs. */
  readonly time: number;
  /** Lots executed so far (parent cumulative). */
  readonly executed: number;
  /** Lots still to execute. */
  readonly remaining: number;
  /** The market's cumulative volume in the instrument, lots (ours included). */
  readonly marketVolume: number;
}

export interface Schedule {
  /** Plans from `point` to the parent's end time. */
  plan(point: PlanPoint): void;
  /** Cumulative lots that should be executed by `time`, given the market volume observed then. */
  target(time: number, marketVolume: number): number;
  /** Below this the schedule is badly behind: the tactics take liquidity. NaN: use the tactics' own tolerance. */
  floor(time: number, marketVolume: number): number;
  /** Never execute beyond this (a participation ceiling); +Infinity when unbounded. */
  ceiling(time: number, marketVolume: number): number;
  /** The next time after `time` at which the target steps (a TWAP slice), or +Infinity when it moves continuously. */
  nextStep(time: number): number;
  /** Whether the schedule wants a fresh plan at `time` (periodic re-optimisation). */
  wantsReplan(time: number): boolean;
  /** Sees the market at decision time (before `target`); schedules that track realised volume keep what they need. */
  observe(time: number, marketVolume: number): void;
}
