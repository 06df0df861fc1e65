/**
 * How one parent order is to be worked: the algorithm and its parameters, as chosen by the auto policy
 * (auto-policy.ts) from the parent's intent and size, or as asked for explicitly. Times are µs on the engine clock;
 * quantities are lots. Every field is plain data so a decision can be journaled and replayed.
 */
import type { Urgency } from "../model/client-order.js";

export type AlgoName = "twap" | "vwap" | "pov" | "is";
export const ALGO_NAMES: readonly AlgoName[] = ["twap", "vwap", "pov", "is"];

export interface AlgoParameters {
  readonly algo: AlgoName;
  readonly urgency: Urgency;
  /** The window the parent is worked in: it should be done by `endTime` (µs). */
  readonly startTime: number;
  readonly endTime: number;
  /**
   * 0..1: how far behind schedule the algorithm lets itself fall before it takes liquidity (0: only when a whole
   * look-ahead period behind; 1: at once), and whether passive orders improve the touch (>= 0.5).
   */
  readonly aggressiveness: number;
  /** Complete by `endTime` whatever the cost (take what is left in the final phase). */
  readonly completeByEnd: boolean;
  /** Post part of the passive quantity as midpoint orders in dark pools. */
  readonly useDark: boolean;
  /** Cap on our share of the market's volume since the start (0..1), or null. */
  readonly maxParticipation: number | null;
  /** Child order size bounds, lots. */
  readonly minChildLots: number;
  readonly maxChildLots: number;
  /** POV: target, minimum and maximum participation rates (0..1). */
  readonly povRate: number;
  readonly povMinRate: number;
  readonly povMaxRate: number;
  /** IS: Almgren-Chriss risk aversion lambda, per currency unit (the paper's 1/$). */
  readonly riskAversion: number;
  /** TWAP: number of slices over the window, and how much slice times and sizes are randomised (0..1). */
  readonly slices: number;
  readonly randomisation: number;
  /** Time between recalibrations (IS re-optimisation, VWAP re-forecast), µs. */
  readonly recalibrationMicros: number;
}
