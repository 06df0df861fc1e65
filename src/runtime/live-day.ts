/**
 * A live session, wired: the same venues, market model and client-order side as `buildDay` (cli/sim-day.ts), but on
 * the wall clock (`WallScheduler`), so orders from live sources (the FIX gateway) really execute against the
 * simulated venues while time passes. The session opens now and closes after `minutes`; the market model runs until
 * the close, the executor works every parent with the execution algorithms, and `stop()` halts the clock.
 * Random streams are forked in the same order as `buildDay` (venues, model, client orders, executor), so the market's
 * random draws match a simulated day with the same seed (its timing does not: events run at wall-clock times).
 *
 * FIX venues (`fixVenues`): the venues of the reference data they name are reached over FIX 4.4 (venue/fix/fix-venue.ts)
 * instead of simulated; the market model keeps the simulated ones that are left (none: it moves nothing), and the
 * consolidated view takes the FIX venues' market data. Their sessions keep sequence numbers and sent messages in
 * `fixVenueStore`; a resumed day does not reset them at the first Logon, so the venues resend what we missed. Their
 * orders leave only once the journal has the events that decided them (`journal`: journal-gated-venue.ts). They
 * connect after the executor has taken over (and handed them back the children still working), so every report, a
 * resent one too, finds its child.
 */
import type { AllocationPolicyConfig } from "../allocation/allocation-policy.js";
import { MICROS_PER_SECOND } from "../core/clock.js";
import { InvariantError, UserError } from "../core/errors.js";
import { Random } from "../core/random.js";
import { AlgoExecutor } from "../engine/algo-executor.js";
import type { Engine } from "../engine/engine.js";
import type { OrderReleaseOptions } from "../engine/order-release.js";
import type { FixMessageStore } from "../fix/message-store.js";
import type { InitiatorTls } from "../fix/tcp-initiator.js";
import type { RiskConfig } from "../intake/risk-config.js";
import { MarketModel } from "../market/market-model.js";
import type { VolumeProfile } from "../market/volume-profile.js";
import type { SourceSpec } from "../model/client-commands.js";
import type { ExecutionReport } from "../model/execution-report.js";
import type { ReferenceData } from "../model/reference-data.js";
import { FixVenue } from "../venue/fix/fix-venue.js";
import { createSimVenues, type SimVenues } from "../venue/sim/sim-venues.js";
import type { Venue } from "../venue/venue.js";
import { createDayEngine } from "./day-engine.js";
import { type DurableJournal, DurableSends, JournalGatedVenue } from "./journal-gated-venue.js";
import type { Recovered } from "./recover.js";
import { WallScheduler } from "./wall-scheduler.js";

/** A venue of the reference data reached over FIX (serve config `fixVenues`). */
export interface FixVenueSetup {
  /** The venue's id in the reference data. */
  readonly venue: string;
  readonly host: string;
  readonly port: number;
  readonly senderCompId: string;
  readonly targetCompId: string;
  /** Seconds. */
  readonly heartBtInt: number;
  readonly minBackoffMillis: number;
  readonly maxBackoffMillis: number;
  /** ResetSeqNumFlag on every Logon (venues that reset on each one; the status requests then reconcile). */
  readonly resetOnEveryLogon: boolean;
  /** The venue's market data feeds the consolidated view. */
  readonly marketData: boolean;
  /** FIX over TLS (null: plain TCP). */
  readonly tls: InitiatorTls | null;
  /** Logon Password (554), or null. */
  readonly password: string | null;
}

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
   * event (child orders, fills) before the rest of that event's listeners have. `session` is the trading session's
   * open and close (µs since the epoch; a resumed session keeps its own).
   */
  readonly beforeExecutor?: (engine: Engine, session: { readonly open: number; readonly close: number }) => void;
  /**
   * Continues a session from its journal (`serve --resume`): rebuilds the new engine before anything listens to it
   * (runtime/recover.ts). The session keeps the open and close of its `session` record; the executor then takes over
   * the open parents and reconciles the children that were working.
   */
  readonly recover?: ((engine: Engine) => Promise<Recovered>) | undefined;
  /** Venues reached over FIX instead of simulated (see the header). */
  readonly fixVenues?: readonly FixVenueSetup[];
  /** The FIX venue sessions' store; needed with `fixVenues`. */
  readonly fixVenueStore?: FixMessageStore;
  /** The journal, read after `beforeExecutor`: orders to the FIX venues wait until it is durable. */
  readonly journal?: () => DurableJournal;
  /** FIX venue session events, one line each. */
  readonly fixLog?: (line: string) => void;
}

export interface LiveDay {
  readonly scheduler: WallScheduler;
  /** The simulated venues (without those reached over FIX) and the consolidated view. */
  readonly sim: SimVenues;
  /** Every venue the engine trades on, in reference-data order. */
  readonly venues: readonly Venue[];
  readonly fixVenues: readonly FixVenue[];
  readonly model: MarketModel;
  readonly engine: Engine;
  readonly executor: AlgoExecutor;
  readonly startMicros: number;
  readonly endMicros: number;
  /** Stops the wall clock (nothing scheduled runs any more) and logs out of the FIX venues. */
  stop(): Promise<void>;
}

/**
 * Builds the live session and starts its market model (the engine takes orders at once). A new session is recorded
 * (`session` opened); a resumed one too (`session` resumed, with its original times).
 */
export async function startLiveDay(setup: LiveDaySetup): Promise<LiveDay> {
  const scheduler = new WallScheduler();
  const random = new Random(setup.seed);
  const fixSetups = setup.fixVenues ?? [];
  const fixIds = new Set(fixSetups.map((f) => f.venue));
  const simulated = { ...setup.data, venues: setup.data.venues.filter((v) => !fixIds.has(v.id)) };
  const sim = createSimVenues(simulated, scheduler, random.fork());
  const engine = createDayEngine(setup.data, scheduler, sim.quotes, {
    sources: setup.sources,
    allocation: setup.allocation,
    risk: setup.risk,
    release: setup.release,
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
  setup.beforeExecutor?.(engine, { open: startMicros, close: endMicros });
  const fixVenues = fixSetups.map((f) => {
    const spec = setup.data.venues.find((v) => v.id === f.venue);
    if (spec === undefined) throw new UserError("fix-venue", `fixVenues: no venue ${f.venue} in the reference data`);
    if (setup.fixVenueStore === undefined) throw new InvariantError("fixVenues without fixVenueStore");
    const venue = new FixVenue({
      spec,
      instruments: setup.data.instruments,
      scheduler,
      host: f.host,
      port: f.port,
      senderCompId: f.senderCompId,
      targetCompId: f.targetCompId,
      heartBtInt: f.heartBtInt,
      store: setup.fixVenueStore,
      resetOnEveryLogon: f.resetOnEveryLogon,
      resetOnFirstLogon: recovered === null,
      minBackoffMillis: f.minBackoffMillis,
      maxBackoffMillis: f.maxBackoffMillis,
      tls: f.tls,
      ...(f.password !== null ? { password: f.password } : {}),
      ...(setup.fixLog ? { log: setup.fixLog } : {}),
    });
    if (f.marketData) venue.subscribe(sim.quotes);
    return venue;
  });
  const journal = fixVenues.length === 0 ? undefined : setup.journal?.();
  if (fixVenues.length > 0 && journal === undefined) throw new InvariantError("fixVenues without a journal");
  const sends = journal === undefined ? null : new DurableSends(() => engine.lastSeq, journal);
  const venues = setup.data.venues.map((spec): Venue => {
    const fix = fixVenues.find((v) => v.id === spec.id);
    if (fix !== undefined && sends !== null) return new JournalGatedVenue(fix, sends);
    return sim.venues.find((v) => v.id === spec.id) as Venue;
  });
  random.fork(); // the client orders' stream in buildDay: kept so the executor's stream matches
  const executor = new AlgoExecutor(engine, venues, scheduler, sim.quotes, {
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
  for (const venue of fixVenues) venue.start();
  if (startMicros > scheduler.now()) scheduler.at(startMicros, () => model.start(endMicros));
  else model.start(endMicros);
  return {
    scheduler,
    sim,
    venues,
    fixVenues,
    model,
    engine,
    executor,
    startMicros,
    endMicros,
    async stop() {
      await Promise.all(fixVenues.map((v) => v.stop()));
      scheduler.stop();
    },
  };
}
