/**
 * A live session, wired: the same venues, market model and client-order side as `buildDay` (cli/sim-day.ts), but on
 * the wall clock (`WallScheduler`), so orders from live sources (the FIX gateway) really execute against the
 * simulated venues while time passes. The session opens now and closes after `minutes`; the market model runs until
 * the close, the executor works every parent with the execution algorithms, and `stop()` halts the clock.
 * Random streams are forked in the same order as `buildDay` (venues, model, client orders, executor), so the market's
 * random draws match a simulated day with the same seed (its timing does not: events run at wall-clock times).
 */
import type { AllocationPolicyConfig } from "../allocation/allocation-policy.js";
import { MICROS_PER_SECOND } from "../core/clock.js";
import { UserError } from "../core/errors.js";
import { Random } from "../core/random.js";
import { AlgoExecutor } from "../engine/algo-executor.js";
import { Engine } from "../engine/engine.js";
import type { OrderReleaseOptions } from "../engine/order-release.js";
import type { RiskConfig } from "../intake/risk-config.js";
import { MarketModel } from "../market/market-model.js";
import type { VolumeProfile } from "../market/volume-profile.js";
import type { SourceSpec } from "../model/client-commands.js";
import type { ExecutionReport } from "../model/execution-report.js";
import type { ReferenceData } from "../model/reference-data.js";
import { feeMicrosPerShare } from "../model/venue-spec.js";
import { createSimVenues, type SimVenues } from "../venue/sim/sim-venues.js";
import type { Recovered } from "./recover.js";
import { WallScheduler } from "./wall-scheduler.js";

export interface LiveDaySetup {
  readonly data: ReferenceData;
  readonly profile: VolumeProfile;
  readonly seed: number;
  /** Session length, minutes. */
  readonly minutes: number;
  /** When the session opens (µs, wall clock); absent or past: now. Orders may come before; they trade from the open. */
  readonly openAt?: number | undefined;
  /** The order sources the engine accepts. */
  readonly sources: readonly SourceSpec[];
  readonly allocation?: AllocationPolicyConfig;
  /** Pre-trade risk limits (default: none). */
  readonly risk?: RiskConfig | undefined;
  /** Release done orders from the engine's memory (default: keep every order). */
  readonly release?: OrderReleaseOptions | undefined;
  /** Every execution report of the market model's participants (default: ignored). */
  readonly onReport?: (report: ExecutionReport) => void;
  readonly onChildReport?: (report: ExecutionReport) => void;
  /**
   * Called with the engine before the execution side subscribes to it: listeners added here (the journal, the FIX
   * gateway) hear every event in seq order. One added later hears the events the executor emits while handling an
   * event (child orders, fills) before the rest of that event's listeners have.
   */
  readonly beforeExecutor?: (engine: Engine) => void;
  /**
   * Continues a session from its journal (`serve --resume`): rebuilds the new engine before anything listens to it
   * (runtime/recover.ts). The session keeps the open and close of its `session` record; the executor then takes over
   * the open parents and reconciles the children that were working.
   */
  readonly recover?: ((engine: Engine) => Promise<Recovered>) | undefined;
}

export interface LiveDay {
  readonly scheduler: WallScheduler;
  readonly sim: SimVenues;
  readonly model: MarketModel;
  readonly engine: Engine;
  readonly executor: AlgoExecutor;
  readonly startMicros: number;
  readonly endMicros: number;
  /** Stops the wall clock: nothing scheduled runs any more. */
  stop(): void;
}

/**
 * Builds the live session and starts its market model (the engine takes orders at once). A new session is recorded
 * (`session` opened); a resumed one too (`session` resumed, with its original times).
 */
export async function startLiveDay(setup: LiveDaySetup): Promise<LiveDay> {
  const scheduler = new WallScheduler();
  const random = new Random(setup.seed);
  const sim = createSimVenues(setup.data, scheduler, random.fork());
  const engine = new Engine({
    instruments: setup.data.instruments,
    scheduler,
    quotes: sim.quotes,
    sources: setup.sources,
    allocation: setup.allocation,
    risk: setup.risk,
    release: setup.release,
    crossing: { takerFeeMicrosPerShare: highestLitTakerFee(setup.data) },
  });
  const recovered = setup.recover === undefined ? null : await setup.recover(engine);
  if (recovered !== null && recovered.session === null) {
    throw new UserError("resume-journal", "the journal has no session record: it was not written by tributary serve");
  }
  const startMicros = recovered?.session?.sessionOpen ?? Math.max(setup.openAt ?? 0, scheduler.now());
  const endMicros = recovered?.session?.sessionEnd ?? startMicros + Math.round(setup.minutes * 60 * MICROS_PER_SECOND);
  const model = new MarketModel(sim.venues, setup.data.instruments, scheduler, random.fork(), {
    profile: setup.profile,
    sessionStart: startMicros,
    onReport: setup.onReport ?? (() => {}),
  });
  setup.beforeExecutor?.(engine);
  random.fork(); // the client orders' stream in buildDay: kept so the executor's stream matches
  const executor = new AlgoExecutor(engine, sim.venues, scheduler, sim.quotes, {
    sessionOpen: startMicros,
    sessionEnd: endMicros,
    profile: setup.profile,
    random: random.fork(),
    onReport: setup.onChildReport,
  });
  engine.record({
    type: "session",
    seq: 0,
    time: 0,
    action: recovered === null ? "opened" : "resumed",
    sessionOpen: startMicros,
    sessionEnd: endMicros,
  });
  if (recovered !== null) executor.resume(recovered.openChildren);
  if (startMicros > scheduler.now()) scheduler.at(startMicros, () => model.start(endMicros));
  else model.start(endMicros);
  return { scheduler, sim, model, engine, executor, startMicros, endMicros, stop: () => scheduler.stop() };
}

function highestLitTakerFee(data: ReferenceData): number {
  let fee = 0;
  for (const venue of data.venues) {
    if (venue.kind === "lit") fee = Math.max(fee, feeMicrosPerShare(venue.fees.takerFeePerShare));
  }
  return fee;
}
