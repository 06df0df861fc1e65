/**
 * What the router has learned about each venue and instrument from our own children, updated online and kept across
 * runs: fill probability by tactic and price level, fill rate, time to fill, reject rate, markouts and the hidden
 * liquidity found in dark pools.
 *
 * Definitions:
 * - Every statistic is an exponentially weighted sum: each new observation of a statistic first multiplies its sums by
 *   `decay`, then adds itself, so an observation k observations old weighs decay^k (1 / (1 - decay) observations of
 *   memory; 0.995: about 200). Forgetting counts observations of that statistic, not time: a quiet venue keeps what it
 *   knew.
 * - Probabilities are Beta posterior means: (priorFills + hits) / (priorFills + priorMisses + trials).
 * - Fill probability: a done child that filled at least partly is a hit, per (venue, symbol, tactic, level). Rejected
 *   children count only towards the reject rate: fill statistics describe the venue's liquidity, the reject rate its
 *   reliability; the chance a child sent fills is (1 - rejectRate) * fillProbability.
 * - Fill rate: lots filled / lots ordered over done children, shrunk towards the prior mean with the weight of the
 *   children seen: (priorFills + n F / O) / (priorFills + priorMisses + n).
 * - Time to fill: sent to first fill, over children that filled; without `firstFillAt` the done time stands in (exact
 *   for a child that fills in one print, an upper bound otherwise).
 * - Reject rate: rejected / done children, with a prior of no rejects in priorFills + priorMisses children.
 * - Markout at h seconds: the mid move from a fill to the first mid seen at or after fill time + h, in bps of the mid at
 *   the fill (the fill price when there was no mid), signed so that positive = against us (after a buy the mid fell),
 *   weighted by the fill's lots; per tactic and pooled over tactics.
 * - Hidden liquidity: midpoint (dark) children done that filled at least partly, per midpoint child done.
 *
 * Invariants: times are µs and the fills of a symbol arrive in time order; filled <= ordered; a rejected child filled
 * nothing. Reads are two Map lookups and array indexing, with no allocation. Pending markouts wait in a ring per symbol
 * of at most `maxPendingMarkouts` fills: beyond it the oldest fill's outstanding markouts are dropped and counted.
 * Limits: markouts still pending are not persisted; the file is rewritten whole on each save. File I/O (save, load)
 * lives here because the executor asked for it on the class; it is the one `node:*` import in this folder.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { z } from "zod";
import { InvariantError, TributaryError, UserError } from "../core/errors.js";
import type { ChildTactic } from "../model/client-events.js";
import type { Side } from "../model/order-types.js";
import { formatPath } from "../model/reference-data.js";

/** A passive child's price vs the venue's near touch when sent; aggressive and midpoint children use "touch". */
export type PriceLevel = "inside" | "touch" | "behind";
export const PRICE_LEVELS: readonly PriceLevel[] = ["inside", "touch", "behind"];
export const MARKOUT_HORIZONS_SECONDS = [1, 5, 30, 60] as const;
export type MarkoutHorizon = (typeof MARKOUT_HORIZONS_SECONDS)[number];

export interface ScorecardOptions {
  /** Weight of history: exponential forgetting per observation, in (0, 1]; default 0.995. */
  readonly decay?: number;
  /** Beta prior pseudo-counts for probabilities; default 1 and 1 (prior mean 0.5). */
  readonly priorFills?: number;
  readonly priorMisses?: number;
  /** Fills per symbol whose markouts may wait at once; default 10 000. */
  readonly maxPendingMarkouts?: number;
}

export const SCORECARD_VERSION = 1;
const DEFAULT_DECAY = 0.995;
const DEFAULT_MAX_PENDING_MARKOUTS = 10_000;
const MICROS_PER_SECOND = 1_000_000;
const BPS = 10_000;

const TACTICS = ["passive", "midpoint", "aggressive"] as const satisfies readonly ChildTactic[];
const TACTIC_INDEX: Readonly<Record<ChildTactic, number>> = { passive: 0, midpoint: 1, aggressive: 2 };
const LEVEL_INDEX: Readonly<Record<PriceLevel, number>> = { inside: 0, touch: 1, behind: 2 };
const HORIZON_INDEX: ReadonlyMap<number, number> = new Map(MARKOUT_HORIZONS_SECONDS.map((s, i) => [s, i]));
const HORIZON_MICROS = MARKOUT_HORIZONS_SECONDS.map((s) => s * MICROS_PER_SECOND);
const HORIZONS = MARKOUT_HORIZONS_SECONDS.length;
const LEVELS = PRICE_LEVELS.length;
/** The markout row pooling every tactic, after the one row per tactic. */
const ALL_TACTICS = TACTICS.length;
const MIDPOINT = TACTIC_INDEX.midpoint;

// ---- persisted state -------------------------------------------------------------------------------------------

const weight = z.number().min(0);
const fillCell = z
  .strictObject({ sent: z.number().int().min(0), filled: weight, done: weight })
  .refine((cell) => cell.filled <= cell.done, { path: ["filled"], error: "must not exceed done" });
const tacticCell = z
  .strictObject({
    children: weight,
    lotsFilled: weight,
    lotsOrdered: weight,
    timeToFillSum: weight,
    timeToFillWeight: weight,
  })
  .refine((cell) => cell.lotsFilled <= cell.lotsOrdered, {
    path: ["lotsFilled"],
    error: "must not exceed lotsOrdered",
  });
const markoutCell = z.strictObject({ sum: z.number(), weight });
const markoutsByHorizon = z.strictObject({ "1": markoutCell, "5": markoutCell, "30": markoutCell, "60": markoutCell });

function byTactic<T extends z.ZodType>(cell: T) {
  return z.strictObject({ passive: cell, midpoint: cell, aggressive: cell });
}

const venueSymbolState = z.strictObject({
  fills: byTactic(z.strictObject({ inside: fillCell, touch: fillCell, behind: fillCell })),
  tactics: byTactic(tacticCell),
  rejects: z
    .strictObject({ rejected: weight, done: weight })
    .refine((cell) => cell.rejected <= cell.done, { path: ["rejected"], error: "must not exceed done" }),
  markouts: z.strictObject({
    passive: markoutsByHorizon,
    midpoint: markoutsByHorizon,
    aggressive: markoutsByHorizon,
    all: markoutsByHorizon,
  }),
});

/** The scorecard as plain JSON: `venues[venue][symbol]`, decayed sums as defined in the header. */
export const scorecardStateSchema = z.strictObject({
  version: z.literal(SCORECARD_VERSION),
  options: z
    .strictObject({ decay: z.number().gt(0).max(1), priorFills: weight, priorMisses: weight })
    .refine((o) => o.priorFills + o.priorMisses > 0, { path: ["priorMisses"], error: "priors must not both be 0" }),
  venues: z.record(z.string().min(1), z.record(z.string().min(1), venueSymbolState)),
});

export type ScorecardState = z.output<typeof scorecardStateSchema>;
type VenueSymbolState = z.output<typeof venueSymbolState>;

/** What the router has learned about one venue for one symbol, for explaining a decision. */
export interface ScorecardSnapshot {
  readonly venue: string;
  readonly symbol: string;
  readonly fillProbability: Readonly<Record<ChildTactic, Readonly<Record<PriceLevel, number>>>>;
  readonly fillRate: Readonly<Record<ChildTactic, number>>;
  /** µs; null without data. */
  readonly timeToFillMicros: Readonly<Record<ChildTactic, number | null>>;
  readonly rejectRate: number;
  /** bps, positive = adverse; null without data. */
  readonly markoutBps: Readonly<Record<MarkoutHorizon, number | null>>;
  readonly hiddenLiquidityRate: number;
  /** Children sent (all time, not decayed), and markouts dropped for this symbol in this run. */
  readonly childrenSent: number;
  readonly droppedMarkouts: number;
}

// ---- live state ----------------------------------------------------------------------------------------------------

/** One venue and symbol. Cells are indexed tactic * LEVELS + level, tactic, and row * HORIZONS + horizon. */
class VenueStats {
  readonly sent = new Float64Array(TACTICS.length * LEVELS);
  readonly filled = new Float64Array(TACTICS.length * LEVELS);
  readonly done = new Float64Array(TACTICS.length * LEVELS);
  readonly children = new Float64Array(TACTICS.length);
  readonly lotsFilled = new Float64Array(TACTICS.length);
  readonly lotsOrdered = new Float64Array(TACTICS.length);
  readonly timeToFillSum = new Float64Array(TACTICS.length);
  readonly timeToFillWeight = new Float64Array(TACTICS.length);
  rejected = 0;
  finished = 0;
  readonly markoutSum = new Float64Array((TACTICS.length + 1) * HORIZONS);
  readonly markoutWeight = new Float64Array((TACTICS.length + 1) * HORIZONS);
}

/**
 * The fills of one symbol whose markouts are due, oldest first, in a ring addressed by fill sequence number. Fills
 * arrive in time order, so each horizon's markouts come due in fill order: one cursor per horizon, and the 60 s cursor
 * (the slowest) marks the oldest fill still needed.
 */
class PendingMarkouts {
  private capacity: number;
  private time: Float64Array;
  private reference: Float64Array;
  private qty: Float64Array;
  /** +1 for a buy, -1 for a sell: a fall in the mid after a buy is adverse. */
  private sign: Int8Array;
  private tactic: Uint8Array;
  private stats: (VenueStats | undefined)[];
  private readonly cursors = new Float64Array(HORIZONS);
  private next = 0;
  lastFillTime = Number.NEGATIVE_INFINITY;
  dropped = 0;

  constructor(private readonly limit: number) {
    this.capacity = Math.min(64, limit);
    this.time = new Float64Array(this.capacity);
    this.reference = new Float64Array(this.capacity);
    this.qty = new Float64Array(this.capacity);
    this.sign = new Int8Array(this.capacity);
    this.tactic = new Uint8Array(this.capacity);
    this.stats = new Array(this.capacity);
  }

  push(stats: VenueStats, tactic: number, sign: number, qty: number, reference: number, now: number): void {
    const oldest = this.cursors[HORIZONS - 1] as number;
    if (this.next - oldest === this.capacity) {
      if (this.capacity < this.limit) this.grow(oldest);
      else this.dropOldest(oldest);
    }
    const i = this.next % this.capacity;
    this.time[i] = now;
    this.reference[i] = reference;
    this.qty[i] = qty;
    this.sign[i] = sign;
    this.tactic[i] = tactic;
    this.stats[i] = stats;
    this.next++;
    this.lastFillTime = now;
  }

  complete(mid: number, now: number, decay: number): void {
    for (let h = 0; h < HORIZONS; h++) {
      const after = HORIZON_MICROS[h] as number;
      let seq = this.cursors[h] as number;
      while (seq < this.next) {
        const i = seq % this.capacity;
        if ((this.time[i] as number) + after > now) break;
        const reference = this.reference[i] as number;
        const bps = ((this.sign[i] as number) * (reference - mid) * BPS) / reference;
        const qty = this.qty[i] as number;
        const stats = this.stats[i] as VenueStats;
        accumulate(stats, (this.tactic[i] as number) * HORIZONS + h, qty, bps, decay);
        accumulate(stats, ALL_TACTICS * HORIZONS + h, qty, bps, decay);
        seq++;
      }
      this.cursors[h] = seq;
    }
  }

  private grow(oldest: number): void {
    const capacity = Math.min(2 * this.capacity, this.limit);
    const time = new Float64Array(capacity);
    const reference = new Float64Array(capacity);
    const qty = new Float64Array(capacity);
    const sign = new Int8Array(capacity);
    const tactic = new Uint8Array(capacity);
    const stats = new Array<VenueStats | undefined>(capacity);
    for (let seq = oldest; seq < this.next; seq++) {
      const from = seq % this.capacity;
      const to = seq % capacity;
      time[to] = this.time[from] as number;
      reference[to] = this.reference[from] as number;
      qty[to] = this.qty[from] as number;
      sign[to] = this.sign[from] as number;
      tactic[to] = this.tactic[from] as number;
      stats[to] = this.stats[from];
    }
    this.capacity = capacity;
    this.time = time;
    this.reference = reference;
    this.qty = qty;
    this.sign = sign;
    this.tactic = tactic;
    this.stats = stats;
  }

  /** Frees the oldest fill's slot: its horizons not yet completed are dropped. */
  private dropOldest(oldest: number): void {
    for (let h = 0; h < HORIZONS; h++) {
      if (this.cursors[h] === oldest) {
        this.cursors[h] = oldest + 1;
        this.dropped++;
      }
    }
  }
}

function accumulate(stats: VenueStats, cell: number, qty: number, bps: number, decay: number): void {
  stats.markoutSum[cell] = decay * (stats.markoutSum[cell] as number) + qty * bps;
  stats.markoutWeight[cell] = decay * (stats.markoutWeight[cell] as number) + qty;
}

// ---- the scorecard -------------------------------------------------------------------------------------------------

export class VenueScorecard {
  readonly decay: number;
  readonly priorFills: number;
  readonly priorMisses: number;
  private readonly maxPendingMarkouts: number;
  private readonly priorMean: number;
  private readonly venues = new Map<string, Map<string, VenueStats>>();
  private readonly pending = new Map<string, PendingMarkouts>();

  constructor(options: ScorecardOptions = {}) {
    this.decay = options.decay ?? DEFAULT_DECAY;
    this.priorFills = options.priorFills ?? 1;
    this.priorMisses = options.priorMisses ?? 1;
    this.maxPendingMarkouts = options.maxPendingMarkouts ?? DEFAULT_MAX_PENDING_MARKOUTS;
    if (!(this.decay > 0 && this.decay <= 1)) throw new InvariantError(`venue scorecard: decay ${this.decay}`);
    if (!(this.priorFills >= 0 && this.priorMisses >= 0 && this.priorFills + this.priorMisses > 0)) {
      throw new InvariantError(`venue scorecard: priors ${this.priorFills}, ${this.priorMisses}`);
    }
    if (!Number.isSafeInteger(this.maxPendingMarkouts) || this.maxPendingMarkouts < 1) {
      throw new InvariantError(`venue scorecard: maxPendingMarkouts ${this.maxPendingMarkouts}`);
    }
    this.priorMean = this.priorFills / (this.priorFills + this.priorMisses);
  }

  /** A child order was sent (µs clock). */
  onSent(venue: string, symbol: string, tactic: ChildTactic, level: PriceLevel, _now: number): void {
    const stats = this.statsFor(venue, symbol);
    const cell = cellOf(tactic, level);
    stats.sent[cell] = (stats.sent[cell] as number) + 1;
  }

  /**
   * A fill of one of our children at `venue`: qty lots at price (price units), our side, the NBBO mid then (price units;
   * NaN if none). Schedules the markouts.
   */
  onFill(
    venue: string,
    symbol: string,
    side: Side,
    tactic: ChildTactic,
    qty: number,
    price: number,
    mid: number,
    now: number,
  ): void {
    if (!(qty > 0) || !(price > 0)) throw new InvariantError(`venue scorecard: fill of ${qty} at ${price}`);
    const reference = mid > 0 ? mid : price;
    let pending = this.pending.get(symbol);
    if (pending === undefined) {
      pending = new PendingMarkouts(this.maxPendingMarkouts);
      this.pending.set(symbol, pending);
    }
    if (now < pending.lastFillTime) {
      throw new InvariantError(`venue scorecard: ${symbol} fill at ${now} before ${pending.lastFillTime}`);
    }
    pending.push(this.statsFor(venue, symbol), tacticIndex(tactic), side === "buy" ? 1 : -1, qty, reference, now);
  }

  /**
   * A child is done (filled, cancelled, expired, rejected): what it filled of what it asked, how long it lived.
   * `firstFillAt`, when known, is the time of its first fill (else the done time stands in for time to fill).
   */
  onDone(
    venue: string,
    symbol: string,
    tactic: ChildTactic,
    level: PriceLevel,
    filledQty: number,
    orderQty: number,
    sentAt: number,
    now: number,
    rejected: boolean,
    firstFillAt?: number,
  ): void {
    if (!(orderQty > 0 && filledQty >= 0 && filledQty <= orderQty) || (rejected && filledQty > 0)) {
      throw new InvariantError(`venue scorecard: child filled ${filledQty} of ${orderQty}, rejected ${rejected}`);
    }
    const filledAt = firstFillAt ?? now;
    if (!(sentAt <= filledAt && filledAt <= now)) {
      throw new InvariantError(`venue scorecard: child sent at ${sentAt}, first fill ${filledAt}, done ${now}`);
    }
    const d = this.decay;
    const stats = this.statsFor(venue, symbol);
    stats.rejected = d * stats.rejected + (rejected ? 1 : 0);
    stats.finished = d * stats.finished + 1;
    if (rejected) return;
    const cell = cellOf(tactic, level);
    const hit = filledQty > 0 ? 1 : 0;
    stats.filled[cell] = d * (stats.filled[cell] as number) + hit;
    stats.done[cell] = d * (stats.done[cell] as number) + 1;
    const t = tacticIndex(tactic);
    stats.children[t] = d * (stats.children[t] as number) + 1;
    stats.lotsFilled[t] = d * (stats.lotsFilled[t] as number) + filledQty;
    stats.lotsOrdered[t] = d * (stats.lotsOrdered[t] as number) + orderQty;
    if (hit === 1) {
      stats.timeToFillSum[t] = d * (stats.timeToFillSum[t] as number) + (filledAt - sentAt);
      stats.timeToFillWeight[t] = d * (stats.timeToFillWeight[t] as number) + 1;
    }
  }

  /**
   * The symbol's mid now (call on NBBO changes or a timer): completes the markouts that came due (a markout uses the
   * first mid seen at or after its due time). A mid that is not a positive number (no NBBO) completes nothing.
   */
  onMid(symbol: string, mid: number, now: number): void {
    if (!(mid > 0)) return;
    this.pending.get(symbol)?.complete(mid, now, this.decay);
  }

  /** P(a child fills at least partly) by venue, symbol, tactic and level; the prior mean before any observation. */
  fillProbability(venue: string, symbol: string, tactic: ChildTactic, level: PriceLevel): number {
    const stats = this.venues.get(venue)?.get(symbol);
    if (stats === undefined) return this.priorMean;
    const cell = cellOf(tactic, level);
    return this.beta(stats.filled[cell] as number, stats.done[cell] as number);
  }

  /** Filled lots / ordered lots, shrunk towards the prior mean by the children seen (the prior mean without data). */
  fillRate(venue: string, symbol: string, tactic: ChildTactic): number {
    const stats = this.venues.get(venue)?.get(symbol);
    if (stats === undefined) return this.priorMean;
    const t = tacticIndex(tactic);
    const ordered = stats.lotsOrdered[t] as number;
    if (ordered === 0) return this.priorMean;
    const n = stats.children[t] as number;
    return (
      (this.priorFills + (n * (stats.lotsFilled[t] as number)) / ordered) / (this.priorFills + this.priorMisses + n)
    );
  }

  /** Mean time from sent to first fill, µs (NaN without data). */
  timeToFillMicros(venue: string, symbol: string, tactic: ChildTactic): number {
    const stats = this.venues.get(venue)?.get(symbol);
    if (stats === undefined) return Number.NaN;
    const t = tacticIndex(tactic);
    const w = stats.timeToFillWeight[t] as number;
    return w > 0 ? (stats.timeToFillSum[t] as number) / w : Number.NaN;
  }

  rejectRate(venue: string, symbol: string): number {
    const stats = this.venues.get(venue)?.get(symbol);
    if (stats === undefined) return 0;
    return stats.rejected / (this.priorFills + this.priorMisses + stats.finished);
  }

  /**
   * Mean markout in bps at `seconds` after our fills, positive = the price moved against us (after a buy the mid fell);
   * pooled over tactics, or for one `tactic`; null without data.
   */
  markoutBps(venue: string, symbol: string, seconds: MarkoutHorizon, tactic?: ChildTactic): number | null {
    const h = HORIZON_INDEX.get(seconds);
    if (h === undefined) throw new InvariantError(`venue scorecard: no markout at ${seconds} s`);
    const stats = this.venues.get(venue)?.get(symbol);
    if (stats === undefined) return null;
    const cell = (tactic === undefined ? ALL_TACTICS : tacticIndex(tactic)) * HORIZONS + h;
    const w = stats.markoutWeight[cell] as number;
    return w > 0 ? (stats.markoutSum[cell] as number) / w : null;
  }

  /**
   * The mean markout in bps over the fills at several venues together (each weighted by its lots, as if one venue),
   * for one `tactic` or pooled over tactics; null without data at any of them.
   */
  pooledMarkoutBps(
    venues: readonly string[],
    symbol: string,
    seconds: MarkoutHorizon,
    tactic?: ChildTactic,
  ): number | null {
    const h = HORIZON_INDEX.get(seconds);
    if (h === undefined) throw new InvariantError(`venue scorecard: no markout at ${seconds} s`);
    const cell = (tactic === undefined ? ALL_TACTICS : tacticIndex(tactic)) * HORIZONS + h;
    let sum = 0;
    let w = 0;
    for (const venue of venues) {
      const stats = this.venues.get(venue)?.get(symbol);
      if (stats === undefined) continue;
      sum += stats.markoutSum[cell] as number;
      w += stats.markoutWeight[cell] as number;
    }
    return w > 0 ? sum / w : null;
  }

  /** Dark (midpoint) children that filled at least partly per midpoint child done (the prior mean without data). */
  hiddenLiquidityRate(venue: string, symbol: string): number {
    const stats = this.venues.get(venue)?.get(symbol);
    if (stats === undefined) return this.priorMean;
    let hits = 0;
    let trials = 0;
    for (let cell = MIDPOINT * LEVELS; cell < (MIDPOINT + 1) * LEVELS; cell++) {
      hits += stats.filled[cell] as number;
      trials += stats.done[cell] as number;
    }
    return this.beta(hits, trials);
  }

  /** Markouts dropped for `symbol` because more than `maxPendingMarkouts` fills were waiting (this run). */
  droppedMarkouts(symbol: string): number {
    return this.pending.get(symbol)?.dropped ?? 0;
  }

  /** A compact snapshot for explaining a routing decision. */
  snapshot(venue: string, symbol: string): ScorecardSnapshot {
    const perTactic = <T>(f: (tactic: ChildTactic) => T): Record<ChildTactic, T> => ({
      passive: f("passive"),
      midpoint: f("midpoint"),
      aggressive: f("aggressive"),
    });
    const stats = this.venues.get(venue)?.get(symbol);
    let childrenSent = 0;
    if (stats !== undefined) for (const sent of stats.sent) childrenSent += sent;
    return {
      venue,
      symbol,
      fillProbability: perTactic((tactic) => ({
        inside: this.fillProbability(venue, symbol, tactic, "inside"),
        touch: this.fillProbability(venue, symbol, tactic, "touch"),
        behind: this.fillProbability(venue, symbol, tactic, "behind"),
      })),
      fillRate: perTactic((tactic) => this.fillRate(venue, symbol, tactic)),
      timeToFillMicros: perTactic((tactic) => {
        const micros = this.timeToFillMicros(venue, symbol, tactic);
        return Number.isNaN(micros) ? null : micros;
      }),
      rejectRate: this.rejectRate(venue, symbol),
      markoutBps: {
        1: this.markoutBps(venue, symbol, 1),
        5: this.markoutBps(venue, symbol, 5),
        30: this.markoutBps(venue, symbol, 30),
        60: this.markoutBps(venue, symbol, 60),
      },
      hiddenLiquidityRate: this.hiddenLiquidityRate(venue, symbol),
      childrenSent,
      droppedMarkouts: this.droppedMarkouts(symbol),
    };
  }

  /** Everything learned, as plain JSON (versioned). Markouts still pending are not included. */
  toJSON(): ScorecardState {
    const venues: Record<string, Record<string, VenueSymbolState>> = {};
    for (const [venue, symbols] of this.venues) {
      const bySymbol: Record<string, VenueSymbolState> = {};
      for (const [symbol, stats] of symbols) bySymbol[symbol] = stateOf(stats);
      venues[venue] = bySymbol;
    }
    return {
      version: SCORECARD_VERSION,
      options: { decay: this.decay, priorFills: this.priorFills, priorMisses: this.priorMisses },
      venues,
    };
  }

  /**
   * A scorecard from `toJSON`'s output; `options` given here win over the state's. Throws a `UserError` naming the
   * field when the state is malformed.
   */
  static fromJSON(state: unknown, options: ScorecardOptions = {}, where = "scorecard state"): VenueScorecard {
    const parsed = scorecardStateSchema.safeParse(state);
    if (!parsed.success) {
      const issue = parsed.error.issues[0] as z.core.$ZodIssue;
      const path = issue.path.filter((step): step is string | number => typeof step !== "symbol");
      const field = issue.code === "unrecognized_keys" ? [...path, ...issue.keys] : path;
      const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : "";
      throw new UserError("scorecard-invalid", `${where}: ${formatPath(field) || "(root)"}: ${issue.message}${more}`);
    }
    const data = parsed.data;
    const scorecard = new VenueScorecard({ ...data.options, ...options });
    for (const [venue, symbols] of Object.entries(data.venues)) {
      for (const [symbol, cell] of Object.entries(symbols)) restore(scorecard.statsFor(venue, symbol), cell);
    }
    return scorecard;
  }

  /** Writes `toJSON()` to `path` atomically: a temporary file beside it, flushed, then renamed over it. */
  save(path: string): void {
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      const fd = openSync(temporary, "w");
      try {
        writeSync(fd, JSON.stringify(this.toJSON()));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw new TributaryError("scorecard-write-failed", `${path}: cannot save the venue scorecard`, { cause: error });
    }
  }

  /** Reads a scorecard saved by `save`; a missing file gives an empty scorecard. */
  static load(path: string, options: ScorecardOptions = {}): VenueScorecard {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return new VenueScorecard(options);
      throw new TributaryError("scorecard-unreadable", `${path}: cannot read the venue scorecard`, { cause: error });
    }
    let state: unknown;
    try {
      state = JSON.parse(text);
    } catch (error) {
      throw new UserError("scorecard-invalid", `${path}: invalid JSON: ${(error as Error).message}`, { cause: error });
    }
    return VenueScorecard.fromJSON(state, options, path);
  }

  private beta(hits: number, trials: number): number {
    return (this.priorFills + hits) / (this.priorFills + this.priorMisses + trials);
  }

  private statsFor(venue: string, symbol: string): VenueStats {
    let symbols = this.venues.get(venue);
    if (symbols === undefined) {
      symbols = new Map();
      this.venues.set(venue, symbols);
    }
    let stats = symbols.get(symbol);
    if (stats === undefined) {
      stats = new VenueStats();
      symbols.set(symbol, stats);
    }
    return stats;
  }
}

function tacticIndex(tactic: ChildTactic): number {
  const t = TACTIC_INDEX[tactic];
  if (t === undefined) throw new InvariantError(`venue scorecard: tactic ${tactic}`);
  return t;
}

function cellOf(tactic: ChildTactic, level: PriceLevel): number {
  const l = LEVEL_INDEX[level];
  if (l === undefined) throw new InvariantError(`venue scorecard: price level ${level}`);
  return tacticIndex(tactic) * LEVELS + l;
}

function stateOf(stats: VenueStats): VenueSymbolState {
  const perTactic = <T>(f: (t: number) => T) => ({ passive: f(0), midpoint: f(1), aggressive: f(2) });
  const markouts = (row: number) => {
    const cell = (h: number) => ({
      sum: stats.markoutSum[row * HORIZONS + h] as number,
      weight: stats.markoutWeight[row * HORIZONS + h] as number,
    });
    return { "1": cell(0), "5": cell(1), "30": cell(2), "60": cell(3) };
  };
  const fill = (c: number) => ({
    sent: stats.sent[c] as number,
    filled: stats.filled[c] as number,
    done: stats.done[c] as number,
  });
  return {
    fills: perTactic((t) => ({ inside: fill(t * LEVELS), touch: fill(t * LEVELS + 1), behind: fill(t * LEVELS + 2) })),
    tactics: perTactic((t) => ({
      children: stats.children[t] as number,
      lotsFilled: stats.lotsFilled[t] as number,
      lotsOrdered: stats.lotsOrdered[t] as number,
      timeToFillSum: stats.timeToFillSum[t] as number,
      timeToFillWeight: stats.timeToFillWeight[t] as number,
    })),
    rejects: { rejected: stats.rejected, done: stats.finished },
    markouts: { ...perTactic(markouts), all: markouts(ALL_TACTICS) },
  };
}

function restore(stats: VenueStats, state: VenueSymbolState): void {
  for (const tactic of TACTICS) {
    const t = TACTIC_INDEX[tactic];
    for (const level of PRICE_LEVELS) {
      const cell = state.fills[tactic][level];
      const c = t * LEVELS + LEVEL_INDEX[level];
      stats.sent[c] = cell.sent;
      stats.filled[c] = cell.filled;
      stats.done[c] = cell.done;
    }
    const cell = state.tactics[tactic];
    stats.children[t] = cell.children;
    stats.lotsFilled[t] = cell.lotsFilled;
    stats.lotsOrdered[t] = cell.lotsOrdered;
    stats.timeToFillSum[t] = cell.timeToFillSum;
    stats.timeToFillWeight[t] = cell.timeToFillWeight;
  }
  stats.rejected = state.rejects.rejected;
  stats.finished = state.rejects.done;
  const rows = [...TACTICS, "all"] as const;
  rows.forEach((row, r) => {
    MARKOUT_HORIZONS_SECONDS.forEach((seconds, h) => {
      const cell = state.markouts[row][`${seconds}`];
      stats.markoutSum[r * HORIZONS + h] = cell.sum;
      stats.markoutWeight[r * HORIZONS + h] = cell.weight;
    });
  });
}
