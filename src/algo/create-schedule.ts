/**
 * Builds the schedule an `AlgoParameters` names, with what each algorithm needs from the market: the volume profile
 * and the session's open (VWAP), the instrument's impact model (IS), a seeded random stream (TWAP's anti-gaming).
 */
import type { Random } from "../core/random.js";
import type { VolumeProfile } from "../market/volume-profile.js";
import type { AlgoParameters } from "./algo-parameters.js";
import { type ImpactModel, IsSchedule } from "./is.js";
import { PovSchedule } from "./pov.js";
import type { Schedule } from "./schedule.js";
import { TwapSchedule } from "./twap.js";
import { VwapSchedule } from "./vwap.js";

export interface ScheduleContext {
  readonly profile: VolumeProfile;
  /** µs of the session's open (bin 0 of the profile). */
  readonly sessionOpen: number;
  /** The instrument's average daily volume, lots. */
  readonly dailyVolume: number;
  readonly impact: ImpactModel;
  readonly random: Random;
}

export function createSchedule(params: AlgoParameters, context: ScheduleContext): Schedule {
  switch (params.algo) {
    case "twap":
      return new TwapSchedule(params.startTime, params.endTime, params.slices, params.randomisation, context.random);
    case "vwap":
      return new VwapSchedule(
        params.startTime,
        params.endTime,
        context.profile,
        context.sessionOpen,
        context.dailyVolume,
        params.recalibrationMicros,
      );
    case "pov":
      return new PovSchedule(params.startTime, params.povRate, params.povMinRate, params.povMaxRate);
    case "is":
      return new IsSchedule(
        params.startTime,
        params.endTime,
        context.impact,
        params.riskAversion,
        params.recalibrationMicros,
      );
  }
}
