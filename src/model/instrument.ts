/**
 * An instrument's reference data and its number scales: the one place that turns a client's decimal strings into the
 * integers the engine works in, and back.
 *
 * Units (DESIGN.md §3):
 * - A price is an integer count of 10^-pricePrecision currency units (a "price unit"). The quoting tick,
 *   `priceIncrement`, is `tickUnits` price units and always an EVEN integer, so the midpoint of two prices on tick is an
 *   exact integer (by default pricePrecision = decimals(priceIncrement) + 2: tick "0.01" -> 1 unit = 0.0001, tick = 100).
 * - A quantity is an integer count of lots; one lot is `lotSize` shares, which may be a fraction ("0.0001") or a round
 *   lot ("100"). Client quantities are written in shares and must be a whole number of lots.
 * Every conversion is exact digit arithmetic on the decimal string (via `parseDecimal`), never `parseFloat(x) * scale`,
 * and every integer it yields is a safe integer. Floats come out only through `priceToNumber`/`quantityToShares`, for
 * analytics.
 * The optional `market` section (the simulated market's parameters, market-parameters.ts) is defaulted from the ADV;
 * `impact` is what an impact-aware algorithm reads of it.
 * Known limits: prices must be > 0 (no negative-price instruments); the tick must be 1, 2, 2.5 or 5 times a power of
 * ten, which excludes binary fractions such as 1/32 (US Treasury futures).
 */

import { InvariantError } from "../core/errors.js";
import { type DecimalError, decimalPlaces, formatDecimal, parseDecimal } from "../core/fixed-point.js";
import {
  type ImpactParameters,
  type InstrumentMarket,
  type InstrumentMarketSpec,
  impactParameters,
  instrumentMarket,
  instrumentMarketIssues,
} from "./market-parameters.js";

/** The reference data an instrument is built from (already shaped by the config schema). */
export interface InstrumentSpec {
  readonly symbol: string;
  /** ISO 4217 code, e.g. "USD". */
  readonly currency: string;
  /** The quoting tick as a decimal string, e.g. "0.01". */
  readonly priceIncrement: string;
  /** Decimal places of the internal price unit; default decimals(priceIncrement) + 2. */
  readonly pricePrecision?: number | undefined;
  /** Shares per lot as a decimal string: "1", "100", "0.0001". */
  readonly lotSize: string;
  /** A typical price, on tick, for simulation and sanity checks. */
  readonly referencePrice: string;
  /** Average daily volume in lots (integer). */
  readonly averageDailyVolume: number;
  /** Annualised volatility as a fraction: 0.25 = 25%. */
  readonly annualVolatility: number;
  /** The simulated market's parameters for this instrument; every field optional (defaults from ADV). */
  readonly market?: InstrumentMarketSpec | undefined;
}

/** One problem found in reference data: the field path below the object checked, and what is wrong, for a person. */
export interface SpecIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export type PriceParseError = DecimalError | "off-tick";
export type PriceParse = { ok: true; value: number } | { ok: false; reason: PriceParseError };

export type QuantityParseError = "not-a-decimal" | "out-of-range" | "not-a-lot-multiple" | "not-positive";
export type QuantityParse = { ok: true; value: number } | { ok: false; reason: QuantityParseError };

/** Largest supported pricePrecision: leaves 4 integer digits of price within 2^53 units at worst. */
export const MAX_PRICE_PRECISION = 12;
/** Finest supported lot: 10^-9 share. */
export const MAX_LOT_DECIMALS = 9;
/** Sanity bound on annualVolatility: above this it is almost surely a percentage written as a number (25 for 0.25). */
export const MAX_ANNUAL_VOLATILITY = 10;

const UNSIGNED_DECIMAL = /^\d+(?:\.\d+)?$/;
/** Significant digits a tick may have: 1, 2, 2.5 or 5 times a power of ten. */
const TICK_MANTISSAS = new Set(["1", "2", "25", "5"]);

export class Instrument {
  readonly symbol: string;
  readonly currency: string;
  readonly priceIncrement: string;
  readonly pricePrecision: number;
  readonly lotSize: string;
  readonly referencePrice: string;
  readonly averageDailyVolume: number;
  readonly annualVolatility: number;
  /** The tick in price units: always even and > 0. */
  readonly tickUnits: number;
  /** Decimals a price is shown with: those of the tick (a midpoint may show more). */
  readonly priceDecimals: number;
  /** `referencePrice` in price units. */
  readonly referencePriceUnits: number;
  /** Decimal places of `lotSize` (trailing zeros dropped) and the lot in units of 10^-lotDecimals share. */
  readonly lotDecimals: number;
  readonly lotUnits: number;
  /** The simulated market's parameters, defaulted (see market-parameters.ts). */
  readonly market: InstrumentMarket;
  /** The price impact the simulated market applies to our aggressive volume, for impact-aware algorithms. */
  readonly impact: ImpactParameters;

  /** Throws `InvariantError` for data that has not been validated (see `instrumentSpecIssues`). */
  constructor(spec: InstrumentSpec) {
    const issues = instrumentSpecIssues(spec);
    const first = issues[0];
    if (first) {
      throw new InvariantError(`instrument ${JSON.stringify(spec.symbol)}: ${first.path.join(".")}: ${first.message}`);
    }
    const scales = scalesOf(spec);
    this.symbol = spec.symbol;
    this.currency = spec.currency;
    this.priceIncrement = spec.priceIncrement;
    this.pricePrecision = scales.pricePrecision;
    this.lotSize = spec.lotSize;
    this.referencePrice = spec.referencePrice;
    this.averageDailyVolume = spec.averageDailyVolume;
    this.annualVolatility = spec.annualVolatility;
    this.tickUnits = scales.tickUnits;
    this.priceDecimals = scales.priceDecimals;
    this.lotDecimals = scales.lotDecimals;
    this.lotUnits = scales.lotUnits;
    const ref = parsePriceAt(spec.referencePrice, scales.pricePrecision, scales.tickUnits);
    this.referencePriceUnits = ref.ok ? ref.value : Number.NaN; // always ok: checked above
    this.market = instrumentMarket(spec.averageDailyVolume, spec.market);
    this.impact = impactParameters(this.market, spec.averageDailyVolume, spec.annualVolatility);
  }

  /** Parses a price (e.g. "150.25") to price units; it must be > 0 and on tick. */
  parsePrice(text: string): PriceParse {
    return parsePriceAt(text, this.pricePrecision, this.tickUnits);
  }

  /** Parses a quantity in shares (e.g. "250", "0.5") to a positive whole number of lots. */
  parseQuantity(text: string): QuantityParse {
    const parsed = parseDecimal(text, this.lotDecimals);
    if (!parsed.ok) {
      // More decimals than the lot has can only be a fraction of a lot.
      return { ok: false, reason: parsed.reason === "too-many-decimals" ? "not-a-lot-multiple" : parsed.reason };
    }
    if (parsed.value <= 0) return { ok: false, reason: "not-positive" };
    if (parsed.value % this.lotUnits !== 0) return { ok: false, reason: "not-a-lot-multiple" };
    return { ok: true, value: parsed.value / this.lotUnits };
  }

  /** Price units as a decimal string with the tick's decimals, or more when needed (a midpoint): 1500050 -> "150.005". */
  formatPrice(units: number): string {
    if (!Number.isSafeInteger(units)) throw new InvariantError(`${this.symbol}: price ${units} is not a safe integer`);
    return trimZeros(formatDecimal(units, this.pricePrecision), this.priceDecimals);
  }

  /** Lots as a decimal string of shares without trailing zeros: 3 lots of "100" -> "300"; 5 of "0.0001" -> "0.0005". */
  formatQuantity(lots: number): string {
    if (!Number.isSafeInteger(lots)) throw new InvariantError(`${this.symbol}: quantity ${lots} is not a safe integer`);
    // lots * lotUnits may pass 2^53 for a round lot; bigint keeps it exact.
    const shares = BigInt(lots) * BigInt(this.lotUnits);
    return trimZeros(formatBigDecimal(shares, this.lotDecimals), 0);
  }

  isOnTick(units: number): boolean {
    return Number.isSafeInteger(units) && units % this.tickUnits === 0;
  }

  /** For analytics only: the price as a float (correctly rounded: an exact integer over an exact power of ten). */
  priceToNumber(units: number): number {
    return units / 10 ** this.pricePrecision;
  }

  /** For analytics only: the quantity in shares as a float. */
  quantityToShares(lots: number): number {
    return (lots * this.lotUnits) / 10 ** this.lotDecimals;
  }
}

/** Every problem with `spec`, in field order; empty when `new Instrument(spec)` will succeed. */
export function instrumentSpecIssues(spec: InstrumentSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const add = (field: string, message: string): void => {
    issues.push({ path: [field], message });
  };

  if (!/^\S+$/.test(spec.symbol)) add("symbol", `expected a symbol without spaces, got ${JSON.stringify(spec.symbol)}`);
  if (!/^[A-Z]{3}$/.test(spec.currency)) {
    add("currency", `expected a 3-letter ISO 4217 code like "USD", got ${JSON.stringify(spec.currency)}`);
  }

  const inc = spec.priceIncrement;
  let incOk = false;
  if (!UNSIGNED_DECIMAL.test(inc)) {
    add("priceIncrement", `expected a positive decimal string like "0.01", got ${JSON.stringify(inc)}`);
  } else if (!/[1-9]/.test(inc)) {
    add("priceIncrement", `must be greater than zero, got ${JSON.stringify(inc)}`);
  } else if (!TICK_MANTISSAS.has(mantissa(inc))) {
    add(
      "priceIncrement",
      `${JSON.stringify(inc)} is not 1, 2, 2.5 or 5 times a power of ten (e.g. "0.01", "0.005", "0.25", "5")`,
    );
  } else if (significantDecimals(inc) > MAX_PRICE_PRECISION - 2) {
    add("priceIncrement", `${JSON.stringify(inc)} has more than ${MAX_PRICE_PRECISION - 2} decimals`);
  } else {
    incOk = true;
  }

  if (spec.pricePrecision !== undefined) {
    const p = spec.pricePrecision;
    if (!Number.isInteger(p) || p < 0 || p > MAX_PRICE_PRECISION) {
      add("pricePrecision", `expected an integer from 0 to ${MAX_PRICE_PRECISION}, got ${p}`);
      incOk = false;
    } else if (incOk) {
      const d = significantDecimals(inc);
      const units = parseDecimal(inc, p);
      if (p < d) {
        add("pricePrecision", `${p} is below the ${d} decimals of priceIncrement ${JSON.stringify(inc)}`);
        incOk = false;
      } else if (!units.ok) {
        add("pricePrecision", `priceIncrement ${JSON.stringify(inc)} is out of range at pricePrecision ${p}`);
        incOk = false;
      } else if (units.value % 2 !== 0) {
        add(
          "pricePrecision",
          `priceIncrement ${JSON.stringify(inc)} is ${units.value} unit${units.value === 1 ? "" : "s"} at pricePrecision ${p}, an odd number, so the ` +
            `midpoint of two ticks is not a whole unit; use pricePrecision ${d + 1} or more (or leave it out)`,
        );
        incOk = false;
      }
    }
  }

  const lot = spec.lotSize;
  if (!UNSIGNED_DECIMAL.test(lot)) {
    add(
      "lotSize",
      `expected a positive decimal string of shares like "1", "100" or "0.0001", got ${JSON.stringify(lot)}`,
    );
  } else if (!/[1-9]/.test(lot)) {
    add("lotSize", `must be greater than zero, got ${JSON.stringify(lot)}`);
  } else if (significantDecimals(lot) > MAX_LOT_DECIMALS) {
    add("lotSize", `${JSON.stringify(lot)} has more than ${MAX_LOT_DECIMALS} decimals`);
  } else if (!parseDecimal(lot, significantDecimals(lot)).ok) {
    add("lotSize", `${JSON.stringify(lot)} is out of range`);
  }

  if (incOk) {
    const { pricePrecision, tickUnits } = scalesOf(spec);
    const ref = parsePriceAt(spec.referencePrice, pricePrecision, tickUnits);
    if (!ref.ok) add("referencePrice", priceProblem(spec.referencePrice, ref.reason, inc, pricePrecision));
  }

  const adv = spec.averageDailyVolume;
  if (!Number.isSafeInteger(adv) || adv <= 0) {
    add("averageDailyVolume", `expected a positive whole number of lots, got ${adv}`);
  }
  const vol = spec.annualVolatility;
  if (!Number.isFinite(vol) || vol <= 0 || vol > MAX_ANNUAL_VOLATILITY) {
    add(
      "annualVolatility",
      `expected an annualised fraction like 0.25 (= 25%), greater than 0 and at most 10, got ${vol}`,
    );
  }
  if (spec.market !== undefined) {
    const found = instrumentMarketIssues(spec.market, Number.isSafeInteger(adv) ? adv : Number.NaN);
    for (const issue of found) issues.push({ ...issue, path: ["market", ...issue.path] });
  }
  return issues;
}

/** A person's explanation of why `text` is not a valid price of an instrument. */
export function priceProblem(text: string, reason: PriceParseError, increment: string, precision: number): string {
  const shown = JSON.stringify(text);
  switch (reason) {
    case "not-a-decimal":
      return `expected a decimal string like "150.25", got ${shown}`;
    case "too-many-decimals":
      return `${shown} has more decimals than priceIncrement ${JSON.stringify(increment)} allows (at most ${precision})`;
    case "out-of-range":
      return `${shown} is out of range: a price must be greater than zero and at most ${maxPriceText(precision)}`;
    case "off-tick":
      return `${shown} is not a multiple of priceIncrement ${JSON.stringify(increment)}`;
  }
}

function parsePriceAt(text: string, precision: number, tickUnits: number): PriceParse {
  const parsed = parseDecimal(text, precision);
  if (!parsed.ok) return parsed;
  if (parsed.value <= 0) return { ok: false, reason: "out-of-range" };
  if (parsed.value % tickUnits !== 0) return { ok: false, reason: "off-tick" };
  return parsed;
}

/** The derived scales of a spec whose priceIncrement, pricePrecision and lotSize are valid. */
function scalesOf(spec: InstrumentSpec): {
  pricePrecision: number;
  priceDecimals: number;
  tickUnits: number;
  lotDecimals: number;
  lotUnits: number;
} {
  const priceDecimals = significantDecimals(spec.priceIncrement);
  const pricePrecision = spec.pricePrecision ?? priceDecimals + 2;
  const tick = parseDecimal(spec.priceIncrement, pricePrecision);
  const lotDecimals = significantDecimals(spec.lotSize);
  const lot = parseDecimal(spec.lotSize, lotDecimals);
  return {
    pricePrecision,
    priceDecimals,
    tickUnits: tick.ok ? tick.value : Number.NaN,
    lotDecimals,
    lotUnits: lot.ok ? lot.value : Number.NaN,
  };
}

/** Decimal places of `text` ignoring trailing zeros: "0.0100" -> 2, "100" -> 0. */
function significantDecimals(text: string): number {
  return text.includes(".") ? decimalPlaces(text.replace(/0+$/, "").replace(/\.$/, "")) : 0;
}

/** The significant digits of an unsigned decimal: "0.0250" -> "25", "500" -> "5". */
function mantissa(text: string): string {
  return text.replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
}

/** Drops trailing fractional zeros of a formatted decimal, keeping at least `keep` decimals. */
function trimZeros(text: string, keep: number): string {
  const dot = text.indexOf(".");
  if (dot < 0) return text;
  let end = text.length;
  while (end > dot + 1 + keep && text[end - 1] === "0") end--;
  if (end === dot + 1) end = dot;
  return text.slice(0, end);
}

function formatBigDecimal(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, "0");
  const cut = digits.length - decimals;
  const text = decimals === 0 ? digits : `${digits.slice(0, cut)}.${digits.slice(cut)}`;
  return negative ? `-${text}` : text;
}

function maxPriceText(precision: number): string {
  return formatDecimal(Number.MAX_SAFE_INTEGER, precision);
}
