/**
 * A venue's reference data: what kind of venue it is, what it charges, how far away it is, and which orders it takes.
 * Every venue implementation (simulated lit book, simulated dark pool, FIX venue) is configured from one `VenueSpec`.
 *
 * Conventions: fees are decimal strings in the instrument's currency per share, positive = the member pays, negative =
 * a rebate (a maker-taker venue has a negative maker fee; an inverted venue a negative taker fee). `feeMicrosPerShare`
 * turns one into an exact integer of 10^-6 currency per share. Latencies are in whole microseconds, one-way.
 * `minQuantity` is in lots of each instrument the venue trades. A dark venue matches at the midpoint of the NBBO.
 * Invariant (after `parseReferenceData`): every optional field has been defaulted, `instruments` names instruments
 * that exist, and `venueSpecIssues` finds nothing.
 */

import { InvariantError } from "../core/errors.js";
import { parseDecimal } from "../core/fixed-point.js";
import type { SpecIssue } from "./instrument.js";
import { DEFAULT_VENUE_MARKET, type VenueMarket } from "./market-parameters.js";
import type { OrdType, TimeInForce } from "./order-types.js";

export type VenueKind = "lit" | "dark";
export const VENUE_KINDS: readonly VenueKind[] = ["lit", "dark"];

/** What happens when an incoming order would trade with a resting order of the same account. */
export type SelfTradePrevention = "none" | "cancel-resting" | "cancel-incoming" | "cancel-both";
export const SELF_TRADE_PREVENTIONS: readonly SelfTradePrevention[] = [
  "none",
  "cancel-resting",
  "cancel-incoming",
  "cancel-both",
];

/** A one-way delay in microseconds. A lognormal draw is capped at `maxMicros` when given. */
export type LatencyDistribution =
  | { readonly kind: "constant"; readonly micros: number }
  | { readonly kind: "uniform"; readonly minMicros: number; readonly maxMicros: number }
  | { readonly kind: "lognormal"; readonly medianMicros: number; readonly sigma: number; readonly maxMicros?: number };

export interface VenueFees {
  /** Currency per share for adding liquidity; negative is a rebate. */
  readonly makerFeePerShare: string;
  /** Currency per share for removing liquidity; negative is a rebate. */
  readonly takerFeePerShare: string;
}

export interface VenueSupports {
  readonly postOnly: boolean;
  readonly hidden: boolean;
  readonly iceberg: boolean;
}

export interface VenueSpec {
  readonly id: string;
  readonly name: string;
  readonly kind: VenueKind;
  readonly fees: VenueFees;
  /** From the engine sending an order (or cancel) to the venue acting on it; acknowledgements come back the same way. */
  readonly orderEntryLatency: LatencyDistribution;
  /** From a change in the venue's book to the engine seeing it. */
  readonly marketDataLatency: LatencyDistribution;
  readonly orderTypes: readonly OrdType[];
  readonly timesInForce: readonly TimeInForce[];
  readonly supports: VenueSupports;
  /** Smallest order accepted, in lots (1 = no minimum). */
  readonly minQuantity: number;
  readonly selfTradePrevention: SelfTradePrevention;
  /** Symbols traded here. */
  readonly instruments: readonly string[];
  /**
   * The simulated market's parameters for this venue (activity and depth of a lit venue, contra flow of a dark pool).
   * Always set by `parseReferenceData`; optional so that a spec built in code may leave it out (see `venueMarketOf`).
   */
  readonly market?: VenueMarket | undefined;
}

export const DEFAULT_MIN_QUANTITY = 1;
export const DEFAULT_SELF_TRADE_PREVENTION: SelfTradePrevention = "cancel-incoming";
/** Fees are kept to 10^-6 currency per share. */
export const FEE_DECIMALS = 6;

/** An exact fee in 10^-6 currency per share: "-0.0020" -> -2000. Throws for a string that was not validated. */
export function feeMicrosPerShare(fee: string): number {
  const parsed = parseDecimal(fee, FEE_DECIMALS);
  if (!parsed.ok) throw new InvariantError(`fee ${JSON.stringify(fee)} is not valid (${parsed.reason})`);
  return parsed.value;
}

/** Both fees of a venue in 10^-6 currency per share. */
export function venueFeeMicros(fees: VenueFees): { makerMicrosPerShare: number; takerMicrosPerShare: number } {
  return {
    makerMicrosPerShare: feeMicrosPerShare(fees.makerFeePerShare),
    takerMicrosPerShare: feeMicrosPerShare(fees.takerFeePerShare),
  };
}

/** The venue's market parameters, defaulted when the spec was built without them. */
export function venueMarketOf(venue: VenueSpec): VenueMarket {
  return venue.market ?? DEFAULT_VENUE_MARKET;
}

/** Whether `venue` trades `symbol`. */
export function venueTrades(venue: VenueSpec, symbol: string): boolean {
  return venue.instruments.includes(symbol);
}

/** Problems with one venue's own fields (cross-venue and cross-instrument checks live in `parseReferenceData`). */
export function venueSpecIssues(spec: VenueSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const key of ["makerFeePerShare", "takerFeePerShare"] as const) {
    const fee = spec.fees[key];
    const parsed = parseDecimal(fee, FEE_DECIMALS);
    if (!parsed.ok) {
      const why =
        parsed.reason === "too-many-decimals"
          ? `has more than ${FEE_DECIMALS} decimals`
          : parsed.reason === "out-of-range"
            ? "is out of range"
            : "is not a decimal string";
      issues.push({ path: ["fees", key], message: `${JSON.stringify(fee)} ${why}` });
    }
  }
  for (const key of ["orderEntryLatency", "marketDataLatency"] as const) {
    for (const issue of latencyIssues(spec[key])) issues.push({ path: [key, ...issue.path], message: issue.message });
  }
  pushDuplicates(issues, "orderTypes", spec.orderTypes);
  pushDuplicates(issues, "timesInForce", spec.timesInForce);
  pushDuplicates(issues, "instruments", spec.instruments);
  if (!Number.isSafeInteger(spec.minQuantity) || spec.minQuantity < 1) {
    issues.push({ path: ["minQuantity"], message: `expected a whole number of lots >= 1, got ${spec.minQuantity}` });
  }
  return issues;
}

function latencyIssues(latency: LatencyDistribution): SpecIssue[] {
  const micros = (field: string, value: number): SpecIssue[] =>
    Number.isSafeInteger(value) && value >= 0
      ? []
      : [{ path: [field], message: `expected a whole number of microseconds >= 0, got ${value}` }];
  switch (latency.kind) {
    case "constant":
      return micros("micros", latency.micros);
    case "uniform": {
      const issues = [...micros("minMicros", latency.minMicros), ...micros("maxMicros", latency.maxMicros)];
      if (issues.length === 0 && latency.minMicros > latency.maxMicros) {
        issues.push({
          path: ["maxMicros"],
          message: `${latency.maxMicros} is below minMicros ${latency.minMicros}`,
        });
      }
      return issues;
    }
    case "lognormal": {
      const issues = micros("medianMicros", latency.medianMicros);
      if (!Number.isFinite(latency.sigma) || latency.sigma < 0) {
        issues.push({ path: ["sigma"], message: `expected a number >= 0, got ${latency.sigma}` });
      }
      if (latency.maxMicros !== undefined) {
        issues.push(...micros("maxMicros", latency.maxMicros));
        if (issues.length === 0 && latency.maxMicros < latency.medianMicros) {
          issues.push({
            path: ["maxMicros"],
            message: `${latency.maxMicros} is below medianMicros ${latency.medianMicros}`,
          });
        }
      }
      return issues;
    }
  }
}

function pushDuplicates(issues: SpecIssue[], field: string, values: readonly string[]): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) issues.push({ path: [field, index], message: `${JSON.stringify(value)} is listed twice` });
    seen.add(value);
  });
}
