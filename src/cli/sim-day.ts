/**
 * One simulated session, wired: the simulated venues of the reference data, the market model that keeps them alive,
 * and the observer that measures spreads and volatility for the summary, on a virtual clock from one seed. The demo
 * runs it; tests and the sim-day bench build it the same way (and may add their own participants before running).
 * Random streams are forked in a fixed order (venues, then the model), so a seed gives the same session every time.
 */
import { MICROS_PER_SECOND } from "../core/clock.js";
import { Random } from "../core/random.js";
import { VirtualScheduler } from "../core/scheduler.js";
import { MarketModel } from "../market/market-model.js";
import type { VolumeProfile } from "../market/volume-profile.js";
import type { ExecutionReport } from "../model/execution-report.js";
import type { ReferenceData } from "../model/reference-data.js";
import { createSimVenues, type SimVenues } from "../venue/sim/sim-venues.js";
import { DemoMarketStats } from "./demo-market-stats.js";

export interface DaySetup {
  readonly data: ReferenceData;
  readonly profile: VolumeProfile;
  readonly seed: number;
  readonly startMicros: number;
  readonly minutes: number;
  readonly onReport: (report: ExecutionReport) => void;
  readonly progress?: (minutesDone: number) => void;
}

export interface Day {
  readonly scheduler: VirtualScheduler;
  readonly sim: SimVenues;
  readonly model: MarketModel;
  readonly stats: DemoMarketStats;
  readonly endMicros: number;
  /** Scheduler events processed. */
  events: number;
}

/** Builds the venues, the market model and the observer, without running anything. */
export function buildDay(setup: DaySetup): Day {
  const scheduler = new VirtualScheduler(setup.startMicros);
  const random = new Random(setup.seed);
  const sim = createSimVenues(setup.data, scheduler, random.fork());
  const endMicros = setup.startMicros + setup.minutes * 60 * MICROS_PER_SECOND;
  const stats = new DemoMarketStats(sim.quotes, setup.startMicros, endMicros);
  const model = new MarketModel(sim.venues, setup.data.instruments, scheduler, random.fork(), {
    profile: setup.profile,
    sessionStart: setup.startMicros,
    onReport: setup.onReport,
  });
  return { scheduler, sim, model, stats, endMicros, events: 0 };
}

/** Runs a simulated session minute by minute, then delivers what is still in flight; returns the day. */
export function simulateDay(setup: DaySetup): Day {
  const day = buildDay(setup);
  day.model.start(day.endMicros);
  for (let minute = 1; minute <= setup.minutes; minute++) {
    day.events += day.scheduler.runUntil(setup.startMicros + minute * 60 * MICROS_PER_SECOND);
    setup.progress?.(minute);
  }
  // Reports still in flight at the close arrive after it; they belong to the session.
  day.events += day.scheduler.runUntilIdle();
  return day;
}
