/**
 * Turns a `NewOrderInput` from any source into integer `ClientOrderTerms`, or refuses it with a stable reason code
 * and the field at fault (named as in the order file header: `limit_price`, `start_time`, ...). Checks run in header
 * order, so the first wrong field is the one reported. Pure: time comes in as `now`, instruments as a map.
 * Checks that need engine state (source known, ClOrdID unique, risk limits) are made by the engine after this.
 * Known limits: a quantity or price given as a JS number must be a safe integer (a fraction would already have lost
 * its exact decimal value); write decimals as strings.
 */
import { isoToMicros } from "../core/clock.js";
import { decimalUnits } from "../core/fixed-point.js";
import type { NewOrderInput } from "../model/client-commands.js";
import { type ClientOrderTerms, NO_TAGS, type Strategy, type Urgency } from "../model/client-order.js";
import type { Refusal, ValidationRejectReason } from "../model/client-order-reasons.js";
import { type Instrument, priceProblem } from "../model/instrument.js";
import type { OrdType, Side } from "../model/order-types.js";

export type NormaliseResult = ClientOrderTerms | Refusal<ValidationRejectReason>;

export function isRefusal<R extends string>(value: object): value is Refusal<R> {
  return "reason" in value;
}

const MAX_ID_LENGTH = 64;
const FRACTION = /^(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)$/;

function refuse(
  reason: ValidationRejectReason,
  field: string | null,
  message: string,
): Refusal<ValidationRejectReason> {
  return { reason, field, message };
}

function show(value: unknown): string {
  if (value === undefined || value === null || value === "") return "nothing";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return String(value);
}

/** An identifier field: printable ASCII without spaces, at most 64 characters. */
function idProblem(
  value: unknown,
  field: string,
  reason: ValidationRejectReason,
): Refusal<ValidationRejectReason> | null {
  if (value === undefined || value === null || value === "") return refuse("missing-field", field, "missing");
  if (typeof value !== "string" || !isIdText(value)) {
    return refuse(
      reason,
      field,
      `expected printable characters without spaces (at most ${MAX_ID_LENGTH}), got ${show(value)}`,
    );
  }
  return null;
}

/** Printable ASCII without spaces (0x21-0x7e), 1 to 64 characters: a char-code walk, no regex on the hot path. */
export function isIdText(value: string): boolean {
  const n = value.length;
  if (n === 0 || n > MAX_ID_LENGTH) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

export function parseSide(text: string): Side | null {
  if (text === "buy" || text === "sell") return text;
  const lower = text.toLowerCase();
  return lower === "buy" || lower === "sell" ? lower : null;
}

export function parseOrdType(text: string): OrdType | null {
  if (text === "limit" || text === "market") return text;
  const lower = text.toLowerCase();
  return lower === "limit" || lower === "market" ? lower : null;
}

/**
 * An urgency in any case, as the constant string; null when it is not one. The lower-case spelling is matched before
 * `toLowerCase`, which returns a fresh copy even of a lower-case string (a string allocated per order otherwise).
 */
function parseUrgency(text: string): Urgency | null {
  switch (text === "low" || text === "medium" || text === "high" ? text : text.toLowerCase()) {
    case "low":
      return "low";
    case "medium":
      return "medium";
    case "high":
      return "high";
    default:
      return null;
  }
}

/** A strategy in any case, as the constant string; null when it is not one (lower case first, as `parseUrgency`). */
function parseStrategy(text: string): Strategy | null {
  const lower = text === "twap" || text === "vwap" || text === "pov" || text === "is" || text === "auto";
  switch (lower ? text : text.toLowerCase()) {
    case "twap":
      return "twap";
    case "vwap":
      return "vwap";
    case "pov":
      return "pov";
    case "is":
      return "is";
    case "auto":
      return "auto";
    default:
      return null;
  }
}

/**
 * An optional time: ISO-8601 UTC or microseconds since the epoch; undefined when it is not one (a value of another type
 * included: callers in JavaScript and JSON files can pass anything).
 */
export function parseTime(value: unknown): number | null | undefined {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const micros = isoToMicros(value.trim());
  return Number.isNaN(micros) ? undefined : micros;
}

/** An optional flag: a boolean or its text (true/yes/y/1, false/no/n/0, any case); undefined when it is not one. */
export function parseBooleanFlag(value: unknown): boolean | undefined {
  if (value === null || value === undefined || value === "") return false;
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  switch (value.trim().toLowerCase()) {
    case "true":
    case "yes":
    case "y":
    case "1":
      return true;
    case "false":
    case "no":
    case "n":
    case "0":
      return false;
    default:
      return undefined;
  }
}

/** Parses a quantity in shares into lots of `instrument`, with the reason for a refusal. */
export function parseLots(
  instrument: Instrument,
  text: unknown,
  field: string,
): number | Refusal<ValidationRejectReason> {
  if (text === undefined || text === null || text === "") return refuse("missing-field", field, "missing");
  if (typeof text !== "string")
    return refuse("invalid-quantity", field, `expected a decimal string of shares, got ${show(text)}`);
  // Fast path (no allocation): a positive whole number of lots. Anything else goes to the instrument for its reason.
  const units = decimalUnits(text, instrument.lotDecimals);
  if (units > 0 && units % instrument.lotUnits === 0) return units / instrument.lotUnits;
  const parsed = instrument.parseQuantity(text);
  if (parsed.ok) return parsed.value;
  switch (parsed.reason) {
    case "not-a-decimal":
      return refuse("invalid-quantity", field, `expected a decimal number of shares like "100", got ${show(text)}`);
    case "not-positive":
      return refuse("quantity-not-positive", field, `must be greater than zero, got ${show(text)}`);
    case "out-of-range":
      return refuse("quantity-out-of-range", field, `${show(text)} is out of range`);
    case "not-a-lot-multiple":
      return refuse(
        "quantity-not-lot-multiple",
        field,
        `${show(text)} is not a whole number of lots of ${instrument.lotSize} share${instrument.lotSize === "1" ? "" : "s"} (${instrument.symbol})`,
      );
  }
}

/** Parses a limit price into price units of `instrument`, with the reason for a refusal. */
export function parseLimit(
  instrument: Instrument,
  text: unknown,
  field: string,
): number | Refusal<ValidationRejectReason> {
  if (typeof text !== "string")
    return refuse("invalid-price", field, `expected a decimal string like "150.25", got ${show(text)}`);
  // Fast path (no allocation): a positive price on tick. Anything else goes to the instrument for its reason.
  const units = decimalUnits(text, instrument.pricePrecision);
  if (units > 0 && units % instrument.tickUnits === 0) return units;
  const parsed = instrument.parsePrice(text);
  if (parsed.ok) return parsed.value;
  const message = priceProblem(text, parsed.reason, instrument.priceIncrement, instrument.pricePrecision);
  return refuse(parsed.reason === "off-tick" ? "price-off-tick" : "invalid-price", field, message);
}

/** Terms being written: `normaliseOrderInto` fills one in place. */
export type TermsDraft = { -readonly [K in keyof ClientOrderTerms]: ClientOrderTerms[K] };

export function newTermsDraft(): TermsDraft {
  return {
    clOrdId: "",
    source: "",
    account: "",
    symbol: "",
    side: "buy",
    orderQty: 0,
    ordType: "market",
    limitPrice: null,
    urgency: null,
    strategy: null,
    startTime: null,
    endTime: null,
    maxParticipation: null,
    allowCross: false,
    tags: NO_TAGS,
  };
}

/**
 * Validates `input` against the instruments at time `now`. Returns the order's terms, or the first problem found.
 * Quantity and limit price given as JS numbers must be safe integers (shares / currency units).
 */
export function normaliseOrder(
  input: NewOrderInput,
  instruments: ReadonlyMap<string, Instrument>,
  now: number,
): NormaliseResult {
  const terms = newTermsDraft();
  const checked = normaliseOrderInto(input, instruments, now, terms);
  return isRefusal(checked) ? checked : terms;
}

/**
 * `normaliseOrder` writing the terms into `into` (the engine's intake keeps one draft for every order, so that intake
 * builds no terms object per order): the order's instrument when `input` is valid (so that the caller need not look it
 * up again), else the first problem found (`into` untouched).
 */
export function normaliseOrderInto(
  input: NewOrderInput,
  instruments: ReadonlyMap<string, Instrument>,
  now: number,
  into: TermsDraft,
): Instrument | Refusal<ValidationRejectReason> {
  const idIssue = idProblem(input.clOrdId, "cl_ord_id", "invalid-cl-ord-id");
  if (idIssue !== null) return idIssue;
  const accountIssue = idProblem(input.account, "account", "invalid-account");
  if (accountIssue !== null) return accountIssue;

  const symbol = input.symbol;
  if (symbol === undefined || symbol === null || symbol === "") return refuse("missing-field", "symbol", "missing");
  const instrument = typeof symbol === "string" ? instruments.get(symbol) : undefined;
  if (instrument === undefined) return refuse("unknown-symbol", "symbol", `unknown symbol ${show(symbol)}`);

  if (input.side === undefined || input.side === null || input.side === "")
    return refuse("missing-field", "side", "missing");
  const side = typeof input.side === "string" ? parseSide(input.side) : null;
  if (side === null) return refuse("invalid-side", "side", `expected "buy" or "sell", got ${show(input.side)}`);

  const quantityText = typeof input.quantity === "number" ? integerText(input.quantity) : input.quantity;
  const orderQty = parseLots(instrument, quantityText, "quantity");
  if (typeof orderQty !== "number") return orderQty;

  if (input.orderType === undefined || input.orderType === null || input.orderType === "") {
    return refuse("missing-field", "order_type", "missing");
  }
  const ordType = typeof input.orderType === "string" ? parseOrdType(input.orderType) : null;
  if (ordType === null) {
    return refuse("invalid-order-type", "order_type", `expected "market" or "limit", got ${show(input.orderType)}`);
  }

  const rawLimit = typeof input.limitPrice === "number" ? integerText(input.limitPrice) : input.limitPrice;
  let limitPrice: number | null = null;
  if (ordType === "limit") {
    if (rawLimit === undefined || rawLimit === null || rawLimit === "") {
      return refuse("missing-limit-price", "limit_price", "a limit order needs a limit price");
    }
    const parsed = parseLimit(instrument, rawLimit, "limit_price");
    if (typeof parsed !== "number") return parsed;
    limitPrice = parsed;
  } else if (rawLimit !== undefined && rawLimit !== null && rawLimit !== "") {
    return refuse("price-on-market-order", "limit_price", `a market order takes no limit price, got ${show(rawLimit)}`);
  }

  let urgency: Urgency | null = null;
  const rawUrgency = input.urgency;
  if (rawUrgency !== undefined && rawUrgency !== null && rawUrgency !== "") {
    urgency = typeof rawUrgency === "string" ? parseUrgency(rawUrgency) : null;
    if (urgency === null) {
      return refuse("invalid-urgency", "urgency", `expected "low", "medium" or "high", got ${show(rawUrgency)}`);
    }
  }
  let strategy: Strategy | null = null;
  const rawStrategy = input.strategy;
  if (rawStrategy !== undefined && rawStrategy !== null && rawStrategy !== "") {
    strategy = typeof rawStrategy === "string" ? parseStrategy(rawStrategy) : null;
    if (strategy === null) {
      return refuse(
        "invalid-strategy",
        "strategy",
        `expected "twap", "vwap", "pov", "is" or "auto", got ${show(rawStrategy)}`,
      );
    }
    if (urgency !== null && strategy !== "auto") {
      return refuse(
        "conflicting-instructions",
        "strategy",
        `give an urgency or a strategy, not both (urgency ${urgency}, strategy ${strategy}); use strategy "auto" with an urgency`,
      );
    }
  }

  const startTime = parseTime(input.startTime);
  if (startTime === undefined) {
    return refuse(
      "invalid-time",
      "start_time",
      `expected an ISO-8601 UTC time like "2026-01-05T15:00:00Z", got ${show(input.startTime)}`,
    );
  }
  const endTime = parseTime(input.endTime);
  if (endTime === undefined) {
    return refuse(
      "invalid-time",
      "end_time",
      `expected an ISO-8601 UTC time like "2026-01-05T16:00:00Z", got ${show(input.endTime)}`,
    );
  }
  if (endTime !== null) {
    if (startTime !== null && endTime <= startTime) {
      return refuse("end-before-start", "end_time", "the end time must be after the start time");
    }
    if (endTime <= now) return refuse("end-in-past", "end_time", "the end time has already passed");
  }

  let maxParticipation: number | null = null;
  const rawPart = input.maxParticipation;
  if (rawPart !== undefined && rawPart !== null && rawPart !== "") {
    const value =
      typeof rawPart === "number"
        ? rawPart
        : typeof rawPart === "string" && FRACTION.test(rawPart.trim())
          ? Number(rawPart)
          : Number.NaN;
    if (!(value > 0 && value <= 1)) {
      return refuse(
        "invalid-max-participation",
        "max_participation",
        `expected a fraction greater than 0 and at most 1 (0.1 = 10%), got ${show(rawPart)}`,
      );
    }
    maxParticipation = value;
  }

  const allowCross = parseBooleanFlag(input.allowCross);
  if (allowCross === undefined) {
    return refuse("invalid-allow-cross", "allow_cross", `expected true or false, got ${show(input.allowCross)}`);
  }

  const tags = input.tags ?? NO_TAGS;
  if (typeof tags !== "object" || Array.isArray(tags)) {
    return refuse("invalid-tags", "tags", "expected a mapping of names to text");
  }
  for (const key in tags) {
    if (typeof tags[key] !== "string")
      return refuse("invalid-tags", "tags", `tag ${show(key)}: expected text, got ${show(tags[key])}`);
  }

  into.clOrdId = input.clOrdId;
  into.source = input.source;
  into.account = input.account;
  into.symbol = symbol;
  into.side = side;
  into.orderQty = orderQty;
  into.ordType = ordType;
  into.limitPrice = limitPrice;
  into.urgency = urgency;
  into.strategy = strategy;
  into.startTime = startTime;
  into.endTime = endTime;
  into.maxParticipation = maxParticipation;
  into.allowCross = allowCross;
  into.tags = tags;
  return instrument;
}

/** A JS number given for a decimal field: exact only as a safe integer. */
function integerText(value: number): string | number {
  return Number.isSafeInteger(value) ? String(value) : value;
}
