/**
 * The simulated market around our engine: per instrument a latent fundamental price (fundamental.ts), per instrument
 * and lit venue a zero-intelligence background flow quoting around it (zero-intelligence-flow.ts), per instrument and
 * dark pool natural midpoint liquidity (dark-liquidity.ts). It trades through the Venue port like any participant;
 * being the simulator, it alone reads the fundamental.
 *
 * Price impact: the model subscribes to every lit venue's trade prints. Aggressive volume that its own takers did not
 * generate (that is: ours) moves the fundamental at the next step, permanently and transiently (ImpactParameters on
 * the instrument); the background flow then quotes around the moved price. Taking liquidity also empties levels that
 * refill at the resilience rate: temporary impact. So trading fast costs more than trading slow.
 *
 * Timing: the fundamental steps every `stepMicros` (1 s by default); each step draws one normal per instrument, in
 * reference-data order, from its own stream. Arrival rates follow the volume profile from `sessionStart`.
 * Invariant: only the seeded Random and the scheduler's virtual time drive it. Known limits: impact is applied at the
 * next step (up to `stepMicros` late); our takes are told apart from the flow's own by netting the flow's taker fills
 * against the prints, so a print and its fill straddling a step move the fundamental for one step; dark midpoint
 * crosses (ours included) move nothing.
 */
import { MICROS_PER_SECOND } from "../core/clock.js";
import type { Random } from "../core/random.js";
import type { Scheduler, TimerHandle } from "../core/scheduler.js";
import type { ExecutionReport } from "../model/execution-report.js";
import type { Instrument } from "../model/instrument.js";
import type { MarketDataEvent } from "../model/market-data.js";
import { venueMarketOf } from "../model/venue-spec.js";
import type { MarketDataListener, Venue } from "../venue/venue.js";
import { DarkLiquidity } from "./dark-liquidity.js";
import { Fundamental } from "./fundamental.js";
import type { VolumeProfile } from "./volume-profile.js";
import { quoteTargets, ZeroIntelligenceFlow } from "./zero-intelligence-flow.js";

export interface MarketModelOptions {
  /** Intraday activity; its first bin starts at `sessionStart`. */
  readonly profile: VolumeProfile;
  /** The open, µs since the epoch. */
  readonly sessionStart: number;
  /** Fundamental step, µs; default 1 s. */
  readonly stepMicros?: number;
  /** Every execution report the model's participants receive (for fingerprints and fill files). */
  readonly onReport?: (report: ExecutionReport) => void;
}

interface InstrumentState {
  readonly instrument: Instrument;
  readonly fundamental: Fundamental;
  readonly lit: ZeroIntelligenceFlow[];
  readonly dark: DarkLiquidity[];
  /** Signed lots taken on lit venues since the last step, by anyone but the flow's own takers. */
  pending: number;
}

export class MarketModel implements MarketDataListener {
  private readonly states = new Map<string, InstrumentState>();
  private readonly stepRandom: Random;
  private readonly stepMicros: number;
  private stepTimer: TimerHandle | null = null;
  private until = Number.NEGATIVE_INFINITY;
  /** Signed lots taken by others (our engine) since the start, per symbol. */
  readonly externalTaken = new Map<string, number>();

  constructor(
    venues: readonly Venue[],
    instruments: ReadonlyMap<string, Instrument>,
    private readonly scheduler: Scheduler,
    random: Random,
    options: MarketModelOptions,
  ) {
    this.stepMicros = options.stepMicros ?? MICROS_PER_SECOND;
    this.stepRandom = random.fork();
    const onReport = options.onReport ?? (() => {});
    for (const instrument of instruments.values()) {
      this.states.set(instrument.symbol, {
        instrument,
        fundamental: new Fundamental(instrument),
        lit: [],
        dark: [],
        pending: 0,
      });
      this.externalTaken.set(instrument.symbol, 0);
    }
    const context = {
      scheduler,
      profile: options.profile,
      sessionStart: options.sessionStart,
      onReport,
      onOwnTake: (symbol: string, signedLots: number) => {
        const state = this.states.get(symbol);
        if (state !== undefined) state.pending -= signedLots;
      },
    };
    const lit = venues.filter((v) => v.kind === "lit");
    for (const venue of lit) {
      for (const symbol of venue.spec.instruments) {
        const state = this.states.get(symbol) as InstrumentState;
        const m = state.instrument.market;
        const here = venueMarketOf(venue.spec);
        const totalShare = lit
          .filter((v) => v.spec.instruments.includes(symbol))
          .reduce((sum, v) => sum + venueMarketOf(v.spec).activityShare, 0);
        const share = here.activityShare / totalShare;
        const params = {
          levels: m.levels,
          spreadTicks: here.spreadTicks ?? m.spreadTicks,
          depthPerLevel: Math.max(1, Math.round(m.depthPerLevel * here.depthScale)),
          limitOrderSize: m.limitOrderSize,
          marketOrderSize: m.marketOrderSize,
          resilienceSeconds: m.resilienceSeconds,
          marketOrdersPerSecond:
            (share * state.instrument.averageDailyVolume) / m.marketOrderSize / options.profile.sessionSeconds,
        };
        state.lit.push(new ZeroIntelligenceFlow(venue, state.instrument, params, context, random.fork()));
      }
      venue.subscribe(this);
    }
    for (const venue of venues.filter((v) => v.kind === "dark")) {
      for (const symbol of venue.spec.instruments) {
        const state = this.states.get(symbol) as InstrumentState;
        const tick = state.instrument.tickUnits;
        const spread = state.instrument.market.spreadTicks;
        const targets = () => quoteTargets(state.fundamental.price, tick, spread);
        state.dark.push(
          new DarkLiquidity(
            venue,
            state.instrument,
            venueMarketOf(venue.spec),
            scheduler,
            random.fork(),
            targets,
            onReport,
          ),
        );
      }
    }
  }

  /** Seeds every book and runs the market until `until` (µs); then everything stops (see `stop`). */
  start(until: number): void {
    this.until = until;
    for (const state of this.states.values()) {
      for (const flow of state.lit) flow.start(state.fundamental.price, until);
      for (const dark of state.dark) dark.start();
    }
    this.scheduleStep();
    this.scheduler.at(until, () => this.stop());
  }

  /** Stops the fundamental, every arrival and every lifetime; resting orders stay on the books. */
  stop(): void {
    if (this.stepTimer !== null) this.scheduler.cancel(this.stepTimer);
    this.stepTimer = null;
    for (const state of this.states.values()) {
      for (const flow of state.lit) flow.stop();
      for (const dark of state.dark) dark.stop();
    }
  }

  /** The fundamental of `symbol` (the simulator's secret: for the simulator, its tests and its summaries). */
  fundamental(symbol: string): Fundamental | undefined {
    return this.states.get(symbol)?.fundamental;
  }

  /** The background flows, for inspection. */
  flows(symbol: string): readonly ZeroIntelligenceFlow[] {
    return this.states.get(symbol)?.lit ?? [];
  }

  darkFlows(symbol: string): readonly DarkLiquidity[] {
    return this.states.get(symbol)?.dark ?? [];
  }

  onMarketData(event: MarketDataEvent): void {
    if (event.type !== "trade" || event.aggressor === null) return;
    const state = this.states.get(event.symbol);
    if (state === undefined) return;
    state.pending += event.aggressor === "buy" ? event.qty : -event.qty;
    for (const dark of state.dark) dark.onLitVolume(event.qty);
  }

  private scheduleStep(): void {
    const at = this.scheduler.now() + this.stepMicros;
    if (at > this.until) return;
    this.stepTimer = this.scheduler.at(at, () => {
      this.step();
      this.scheduleStep();
    });
  }

  private step(): void {
    const dt = this.stepMicros / MICROS_PER_SECOND;
    for (const state of this.states.values()) {
      const taken = state.pending;
      state.pending = 0;
      this.externalTaken.set(state.instrument.symbol, (this.externalTaken.get(state.instrument.symbol) ?? 0) + taken);
      state.fundamental.step(dt, this.stepRandom.normal(), taken);
      const price = state.fundamental.price;
      for (const flow of state.lit) flow.requote(price);
    }
  }
}
