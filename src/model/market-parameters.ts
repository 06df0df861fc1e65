/**
 * The simulated market's parameters, as reference data: per instrument (spread, depth, order sizes, resilience, price
 * impact) and per venue (a lit venue's share of the activity and depth; a dark pool's contra liquidity). Every field is
 * optional in the config; defaults are derived from the instrument's average daily volume (ADV) and volatility so that
 * a config without a `market` section still gives a living market.
 *
 * Units: depths and sizes in lots of the instrument; times in seconds; impact coefficients are dimensionless multiples
 * of the daily volatility per unit of ADV (see `ImpactParameters`). Spreads and caps in ticks.
 * Invariant: after `instrumentMarket`/`venueMarket`, every field is set and `*MarketIssues` found nothing.
 * Known limits: one set of lit parameters per instrument (a venue scales depth and activity, and may override the
 * spread, but cannot reshape the book); dark parameters are per dark venue, sizes relative to each instrument.
 */
import type { SpecIssue } from "./instrument.js";
import type { VenueKind } from "./venue-spec.js";

export const TRADING_DAYS_PER_YEAR = 252;
/** A regular US equity session, 09:30-16:00. */
export const SESSION_SECONDS = 6.5 * 3600;
/** The same session in µs: the "trading day" of the algorithms' time units. */
export const SESSION_MICROS = SESSION_SECONDS * 1_000_000;

/** Per-instrument market parameters as written in the config; every field optional. */
export interface InstrumentMarketSpec {
  readonly spreadTicks?: number | undefined;
  readonly levels?: number | undefined;
  readonly depthPerLevel?: number | undefined;
  readonly limitOrderSize?: number | undefined;
  readonly marketOrderSize?: number | undefined;
  readonly resilienceSeconds?: number | undefined;
  readonly permanentImpact?: number | undefined;
  readonly transientImpact?: number | undefined;
  readonly transientHalfLifeSeconds?: number | undefined;
}

/** Per-instrument market parameters, fully defaulted. */
export interface InstrumentMarket {
  /** Quoted spread the liquidity providers aim for around the fundamental, in ticks (>= 1). */
  readonly spreadTicks: number;
  /** Price levels quoted on each side. */
  readonly levels: number;
  /** Steady-state resting quantity per level and side on one lit venue (before the venue's `depthScale`), lots. */
  readonly depthPerLevel: number;
  /** Mean size of a background limit order, lots. */
  readonly limitOrderSize: number;
  /** Mean size of a background market order, lots. Market orders add up to ADV over a day. */
  readonly marketOrderSize: number;
  /** Time constant of book refill: a resting background order lives Exp(this) seconds, a level refills like 1-e^-t/T. */
  readonly resilienceSeconds: number;
  /** Permanent impact: ln(fundamental) moves by this x daily volatility x signed volume / ADV. */
  readonly permanentImpact: number;
  /** Transient impact, same units, decaying with `transientHalfLifeSeconds`. */
  readonly transientImpact: number;
  readonly transientHalfLifeSeconds: number;
}

export const DEFAULT_SPREAD_TICKS = 1;
export const DEFAULT_LEVELS = 10;
/** depthPerLevel = ADV / this (per venue and side): 5,000 shares for a 50M-share stock. */
export const DEFAULT_ADV_PER_DEPTH = 10_000;
export const DEFAULT_RESILIENCE_SECONDS = 15;
export const DEFAULT_PERMANENT_IMPACT = 1;
export const DEFAULT_TRANSIENT_IMPACT = 4;
export const DEFAULT_TRANSIENT_HALF_LIFE_SECONDS = 300;
/** Guards on simulation cost: the orders a level holds (depthPerLevel / limitOrderSize) ... */
export const MAX_ORDERS_PER_LEVEL = 1_000;
/** ... and the background market orders a day (averageDailyVolume / marketOrderSize). */
export const MAX_MARKET_ORDERS_PER_DAY = 1_000_000;

/** The instrument's market parameters with defaults from its ADV. */
export function instrumentMarket(averageDailyVolume: number, spec: InstrumentMarketSpec = {}): InstrumentMarket {
  const depthPerLevel = spec.depthPerLevel ?? Math.max(1, Math.round(averageDailyVolume / DEFAULT_ADV_PER_DEPTH));
  return {
    spreadTicks: spec.spreadTicks ?? DEFAULT_SPREAD_TICKS,
    levels: spec.levels ?? DEFAULT_LEVELS,
    depthPerLevel,
    limitOrderSize: spec.limitOrderSize ?? Math.max(1, Math.round(depthPerLevel / 2)),
    marketOrderSize: spec.marketOrderSize ?? Math.max(1, Math.round(depthPerLevel / 2)),
    resilienceSeconds: spec.resilienceSeconds ?? DEFAULT_RESILIENCE_SECONDS,
    permanentImpact: spec.permanentImpact ?? DEFAULT_PERMANENT_IMPACT,
    transientImpact: spec.transientImpact ?? DEFAULT_TRANSIENT_IMPACT,
    transientHalfLifeSeconds: spec.transientHalfLifeSeconds ?? DEFAULT_TRANSIENT_HALF_LIFE_SECONDS,
  };
}

/**
 * Problems with an instrument's `market` section, paths relative to it. Besides ranges, two guards on simulation
 * cost, checked on the defaulted values: at most MAX_ORDERS_PER_LEVEL orders per level, at most MAX_MARKET_ORDERS_PER_DAY
 * background market orders a day.
 */
export function instrumentMarketIssues(spec: InstrumentMarketSpec, averageDailyVolume: number): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const check = new FieldChecker(issues);
  check.integer("spreadTicks", spec.spreadTicks, 1, 100);
  check.integer("levels", spec.levels, 1, 100);
  check.integer("depthPerLevel", spec.depthPerLevel, 1, Number.MAX_SAFE_INTEGER);
  check.integer("limitOrderSize", spec.limitOrderSize, 1, Number.MAX_SAFE_INTEGER);
  check.integer("marketOrderSize", spec.marketOrderSize, 1, Number.MAX_SAFE_INTEGER);
  check.range("resilienceSeconds", spec.resilienceSeconds, 0.1, 86_400);
  check.range("permanentImpact", spec.permanentImpact, 0, 1_000);
  check.range("transientImpact", spec.transientImpact, 0, 1_000);
  check.positive("transientHalfLifeSeconds", spec.transientHalfLifeSeconds, 86_400);
  if (issues.length > 0 || !(averageDailyVolume > 0)) return issues;
  const m = instrumentMarket(averageDailyVolume, spec);
  if (m.depthPerLevel > m.limitOrderSize * MAX_ORDERS_PER_LEVEL) {
    issues.push({
      path: ["limitOrderSize"],
      message:
        `${m.limitOrderSize} lots is below depthPerLevel / ${MAX_ORDERS_PER_LEVEL} (${m.depthPerLevel} lots): ` +
        `a level would hold more than ${MAX_ORDERS_PER_LEVEL} orders`,
    });
  }
  if (averageDailyVolume > m.marketOrderSize * MAX_MARKET_ORDERS_PER_DAY) {
    issues.push({
      path: ["marketOrderSize"],
      message:
        `${m.marketOrderSize} lots is below averageDailyVolume / ${MAX_MARKET_ORDERS_PER_DAY.toLocaleString("en-US")}: ` +
        "the simulated market would send more than that many market orders a day",
    });
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------------------------------
// Venues

/** Per-venue market parameters as written in the config: lit fields on lit venues, dark fields on dark pools. */
export interface VenueMarketSpec {
  readonly activityShare?: number | undefined;
  readonly depthScale?: number | undefined;
  readonly spreadTicks?: number | undefined;
  readonly volumeRatio?: number | undefined;
  readonly orderSizeMultiple?: number | undefined;
  readonly orderSizeSigma?: number | undefined;
  readonly minQtyProbability?: number | undefined;
  readonly minQtyFraction?: number | undefined;
  readonly lifetimeSeconds?: number | undefined;
  readonly capTicks?: number | undefined;
}

/** Per-venue market parameters, fully defaulted (the other kind's fields keep their defaults and are unused). */
export interface VenueMarket {
  /** Lit: relative weight of this venue in each instrument's background flow (normalised over the lit venues). */
  readonly activityShare: number;
  /** Lit: multiplies each instrument's depthPerLevel here. */
  readonly depthScale: number;
  /** Lit: overrides the instruments' spreadTicks here; null keeps theirs. */
  readonly spreadTicks: number | null;
  /** Dark: contra midpoint order volume arriving per unit of lit volume in the instrument. */
  readonly volumeRatio: number;
  /** Dark: median order size as a multiple of the instrument's marketOrderSize. */
  readonly orderSizeMultiple: number;
  /** Dark: lognormal sigma of order sizes. */
  readonly orderSizeSigma: number;
  /** Dark: share of orders that carry a minimum execution quantity. */
  readonly minQtyProbability: number;
  /** Dark: that minimum as a fraction of the order's size. */
  readonly minQtyFraction: number;
  /** Dark: mean time an order rests before its owner cancels it (exponential). */
  readonly lifetimeSeconds: number;
  /** Dark: the peg's limit, in ticks beyond the contra side's quote around the fundamental. */
  readonly capTicks: number;
}

export const DEFAULT_VENUE_MARKET: VenueMarket = {
  activityShare: 1,
  depthScale: 1,
  spreadTicks: null,
  volumeRatio: 0.25,
  orderSizeMultiple: 2,
  orderSizeSigma: 1,
  minQtyProbability: 0.3,
  minQtyFraction: 0.5,
  lifetimeSeconds: 120,
  capTicks: 2,
};

const LIT_FIELDS = ["activityShare", "depthScale", "spreadTicks"] as const;
const DARK_FIELDS = [
  "volumeRatio",
  "orderSizeMultiple",
  "orderSizeSigma",
  "minQtyProbability",
  "minQtyFraction",
  "lifetimeSeconds",
  "capTicks",
] as const;

export function venueMarket(spec: VenueMarketSpec = {}): VenueMarket {
  const d = DEFAULT_VENUE_MARKET;
  return {
    activityShare: spec.activityShare ?? d.activityShare,
    depthScale: spec.depthScale ?? d.depthScale,
    spreadTicks: spec.spreadTicks ?? d.spreadTicks,
    volumeRatio: spec.volumeRatio ?? d.volumeRatio,
    orderSizeMultiple: spec.orderSizeMultiple ?? d.orderSizeMultiple,
    orderSizeSigma: spec.orderSizeSigma ?? d.orderSizeSigma,
    minQtyProbability: spec.minQtyProbability ?? d.minQtyProbability,
    minQtyFraction: spec.minQtyFraction ?? d.minQtyFraction,
    lifetimeSeconds: spec.lifetimeSeconds ?? d.lifetimeSeconds,
    capTicks: spec.capTicks ?? d.capTicks,
  };
}

/** Problems with a venue's `market` section, paths relative to it. */
export function venueMarketIssues(kind: VenueKind, spec: VenueMarketSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const misplaced = kind === "lit" ? DARK_FIELDS : LIT_FIELDS;
  for (const field of misplaced) {
    if (spec[field] !== undefined) {
      issues.push({
        path: [field],
        message: `applies to ${kind === "lit" ? "dark" : "lit"} venues only; this venue is ${kind}`,
      });
    }
  }
  const check = new FieldChecker(issues);
  check.positive("activityShare", spec.activityShare, 1_000_000);
  check.positive("depthScale", spec.depthScale, 1_000);
  check.integer("spreadTicks", spec.spreadTicks, 1, 100);
  check.range("volumeRatio", spec.volumeRatio, 0, 100);
  check.positive("orderSizeMultiple", spec.orderSizeMultiple, 1_000);
  check.range("orderSizeSigma", spec.orderSizeSigma, 0, 5);
  check.range("minQtyProbability", spec.minQtyProbability, 0, 1);
  check.range("minQtyFraction", spec.minQtyFraction, 0, 1);
  check.positive("lifetimeSeconds", spec.lifetimeSeconds, 86_400);
  check.integer("capTicks", spec.capTicks, 0, 1_000);
  return issues;
}

// ---------------------------------------------------------------------------------------------------------------------
// Impact, as the Implementation Shortfall algorithm reads it

/**
 * The price impact the simulated market applies to aggressive volume it did not generate itself (ours), in the
 * instrument's terms. With q the signed lots bought (+) or sold (-) by taking liquidity on a lit venue:
 *   ln F  += permanentPerLot x q                                   (forever)
 *   ln F' += transientPerLot x q, decaying by half every transientHalfLifeSeconds
 * where F is the latent fundamental and F' the price the liquidity providers quote around (F times the transient).
 * Temporary impact on top comes from the book itself: a taker empties levels, which refill with time constant
 * `resilienceSeconds`, `depthPerLevel` lots per level and side per venue (times each venue's depthScale).
 */
export interface ImpactParameters {
  /** Daily volatility of ln F (annualVolatility / sqrt(252)). */
  readonly dailyVolatility: number;
  readonly permanentPerLot: number;
  readonly transientPerLot: number;
  readonly transientHalfLifeSeconds: number;
  readonly resilienceSeconds: number;
  readonly depthPerLevel: number;
  readonly levels: number;
  readonly spreadTicks: number;
}

export function impactParameters(
  market: InstrumentMarket,
  averageDailyVolume: number,
  annualVolatility: number,
): ImpactParameters {
  const dailyVolatility = annualVolatility / Math.sqrt(TRADING_DAYS_PER_YEAR);
  return {
    dailyVolatility,
    permanentPerLot: (market.permanentImpact * dailyVolatility) / averageDailyVolume,
    transientPerLot: (market.transientImpact * dailyVolatility) / averageDailyVolume,
    transientHalfLifeSeconds: market.transientHalfLifeSeconds,
    resilienceSeconds: market.resilienceSeconds,
    depthPerLevel: market.depthPerLevel,
    levels: market.levels,
    spreadTicks: market.spreadTicks,
  };
}

/** The relative price move (e.g. 0.0004 = 4 bps) left `ageSeconds` after taking `signedLots` (permanent + transient). */
export function impactAfter(impact: ImpactParameters, signedLots: number, ageSeconds: number): number {
  const decay = 0.5 ** (Math.max(0, ageSeconds) / impact.transientHalfLifeSeconds);
  return Math.expm1((impact.permanentPerLot + impact.transientPerLot * decay) * signedLots);
}

// ---------------------------------------------------------------------------------------------------------------------

/** Range checks that name the field; an absent (undefined/null) value is fine: it will be defaulted. */
class FieldChecker {
  constructor(private readonly issues: SpecIssue[]) {}

  integer(field: string, value: number | null | undefined, min: number, max: number): void {
    if (value === undefined || value === null) return;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      const upper = max === Number.MAX_SAFE_INTEGER ? "" : ` and at most ${max}`;
      this.issues.push({ path: [field], message: `expected a whole number >= ${min}${upper}, got ${value}` });
    }
  }

  positive(field: string, value: number | undefined, max: number): void {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value <= 0 || value > max) {
      this.issues.push({ path: [field], message: `expected a number above 0 and at most ${max}, got ${value}` });
    }
  }

  range(field: string, value: number | undefined, min: number, max: number): void {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value < min || value > max) {
      this.issues.push({ path: [field], message: `expected a number from ${min} to ${max}, got ${value}` });
    }
  }
}
