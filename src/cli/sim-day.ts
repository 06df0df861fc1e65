/**
 * One simulated session, wired: the simulated venues of the reference data, the market model that keeps them alive,
 * the observer that measures spreads and volatility for the summary, and the client-order side (the `Engine` kernel
 * and the `AlgoExecutor` that works its parents with the execution algorithms on the simulated lit venues and dark
 * pools), on a virtual clock from one seed. The
 * demo runs it; tests and the sim-day bench build it the same way (and may add their own participants before
 * running). The engine's child orders trade against the market model's books and move the market like any other
 * aggressive flow.
 * Random streams are forked in a fixed order (venues, then the model, then the client orders), so a seed gives the
 * same session every time (the executor's stream is forked after the client orders' one). A day with no client
 * orders runs the market exactly as before: no parent, no child order.
 */

import type { AllocationPolicyConfig } from "../allocation/allocation-policy.js";
import { MICROS_PER_SECOND } from "../core/clock.js";
import { Random } from "../core/random.js";
import { VirtualScheduler } from "../core/scheduler.js";
import { AlgoExecutor, type AlgoExecutorOptions } from "../engine/algo-executor.js";
import type { Engine } from "../engine/engine.js";
import type { OrderReleaseOptions } from "../engine/order-release.js";
import type { RiskConfig } from "../intake/risk-config.js";
import { MarketModel } from "../market/market-model.js";
import type { VolumeProfile } from "../market/volume-profile.js";
import type { SourceSpec } from "../model/client-commands.js";
import type { ExecutionReport } from "../model/execution-report.js";
import type { ReferenceData } from "../model/reference-data.js";
import { createDayEngine } from "../runtime/day-engine.js";
import { createSimVenues, type SimVenues } from "../venue/sim/sim-venues.js";
import { DemoMarketStats } from "./demo-market-stats.js";

export interface DaySetup {
  readonly data: ReferenceData;
  readonly profile: VolumeProfile;
  readonly seed: number;
  readonly startMicros: number;
  readonly minutes: number;
  /** Every execution report of the market model's participants (the background flow). */
  readonly onReport: (report: ExecutionReport) => void;
  /** Every execution report of our child orders. */
  readonly onChildReport?: (report: ExecutionReport) => void;
  readonly progress?: (minutesDone: number) => void;
  /** The order sources the engine accepts (default: none, so every client order is refused). */
  readonly sources?: readonly SourceSpec[];
  readonly allocation?: AllocationPolicyConfig;
  /** Pre-trade risk limits (default: none). */
  readonly risk?: RiskConfig | undefined;
  /** Release done orders from the engine's memory (default: the engine keeps every order for the day's reports). */
  readonly release?: OrderReleaseOptions | undefined;
  /**
   * Schedules the client orders of the day (called once, after the day is built and before it runs, with a random
   * stream of its own). Absent: no client orders and no algorithm executor.
   */
  readonly clientOrders?: (day: Day, random: Random) => void;
  /** Overrides the auto policy's algorithm choice for every parent (evaluation runs). */
  readonly chooseAlgo?: AlgoExecutorOptions["choose"];
  /** Overrides the router's choice of routing logic for every parent (evaluation runs). */
  readonly routing?: AlgoExecutorOptions["routing"];
  /** What the router knows of the venues from earlier runs (default: a fresh scorecard). */
  readonly scorecard?: AlgoExecutorOptions["scorecard"];
  /** An aggressive spray's most lots sent, as a multiple of the child (default: the executor's). */
  readonly overSend?: AlgoExecutorOptions["overSend"];
}

export interface Day {
  readonly scheduler: VirtualScheduler;
  readonly sim: SimVenues;
  readonly model: MarketModel;
  readonly stats: DemoMarketStats;
  readonly engine: Engine;
  /** Null on a day without client orders. */
  readonly executor: AlgoExecutor | null;
  readonly startMicros: number;
  readonly endMicros: number;
  /** Scheduler events processed. */
  events: number;
}

/** Builds the venues, the market model, the observer and the engine, without running anything. */
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
  const engine = createDayEngine(setup.data, scheduler, sim.quotes, {
    sources: setup.sources ?? [],
    allocation: setup.allocation,
    risk: setup.risk,
    release: setup.release,
  });
  const day: Day = {
    scheduler,
    sim,
    model,
    stats,
    engine,
    executor: null,
    startMicros: setup.startMicros,
    endMicros,
    events: 0,
  };
  if (setup.clientOrders !== undefined) {
    const ordersRandom = random.fork();
    (day as { executor: AlgoExecutor | null }).executor = new AlgoExecutor(engine, sim.venues, scheduler, sim.quotes, {
      sessionOpen: setup.startMicros,
      sessionEnd: endMicros,
      profile: setup.profile,
      random: random.fork(),
      choose: setup.chooseAlgo,
      routing: setup.routing,
      scorecard: setup.scorecard,
      overSend: setup.overSend,
      onReport: setup.onChildReport,
    });
    setup.clientOrders(day, ordersRandom);
  }
  return day;
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
