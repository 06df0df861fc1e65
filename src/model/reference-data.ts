/**
 * The reference data of a run (`{ instruments, venues }`), its schema, and the one function that turns untrusted
 * parsed config into it.
 *
 * Validation happens in two passes: the zod schema checks shape and types (objects are strict: an unknown key is an
 * error, since a misspelt optional field would otherwise be silently ignored); then `instrumentSpecIssues`,
 * `venueSpecIssues` and the cross-field checks here check meaning (ticks, decimals, latency bounds, unique symbols and
 * ids, venues naming known instruments). Any problem becomes ONE line: `file[:line]: field.path: reason`, plus a count
 * of the others. Decimal values must be strings: a YAML/JSON number such as 0.1 has already lost its exact decimal
 * value, so it is refused rather than guessed.
 * Instruments and venues may carry an optional `market` section for the simulated market (market-parameters.ts):
 * checked for ranges, and on venues for fields that do not apply to the venue's kind.
 * Invariant of the result: every instrument is constructible, every venue is fully defaulted (its `market` too) and
 * trades only known symbols.
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { Instrument, type InstrumentSpec, instrumentSpecIssues, type SpecIssue } from "./instrument.js";
import { venueMarket, venueMarketIssues } from "./market-parameters.js";
import { ORD_TYPES, TIMES_IN_FORCE } from "./order-types.js";
import {
  DEFAULT_MIN_QUANTITY,
  DEFAULT_SELF_TRADE_PREVENTION,
  type LatencyDistribution,
  SELF_TRADE_PREVENTIONS,
  VENUE_KINDS,
  type VenueSpec,
  venueSpecIssues,
} from "./venue-spec.js";

export interface ReferenceData {
  /** By symbol, in file order. */
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** In file order. */
  readonly venues: readonly VenueSpec[];
}

/** A field path in the raw config: keys and list indexes. */
export type ConfigPath = readonly (string | number)[];

export interface ParseReferenceDataOptions {
  /** Where the value at `path` sits in the source file (1-based line), when the caller knows; for the message. */
  readonly lineOf?: (path: ConfigPath) => number | undefined;
}

// ---------------------------------------------------------------------------------------------------------------------
// Schema (shape and types only; meaning is checked after it)

const SIGNED_DECIMAL = /^[+-]?\d+(?:\.\d+)?$/;

/** A decimal kept as a string; `example` shows the expected form in the message. */
function decimalString(example: string) {
  const message = (input: unknown): string =>
    input === undefined
      ? `missing: expected a decimal string like "${example}"`
      : `expected a decimal string like "${example}", got ${describe(input)}`;
  return z.string({ error: (iss) => message(iss.input) }).regex(SIGNED_DECIMAL, { error: (iss) => message(iss.input) });
}

/** A strict object whose unknown-key message lists the keys it does allow. */
function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? `unknown field (the fields here are: ${allowed})` : undefined),
  });
}

const latencySchema = z.discriminatedUnion("kind", [
  strictObject({ kind: z.literal("constant"), micros: z.number() }),
  strictObject({ kind: z.literal("uniform"), minMicros: z.number(), maxMicros: z.number() }),
  strictObject({
    kind: z.literal("lognormal"),
    medianMicros: z.number(),
    sigma: z.number(),
    maxMicros: z.number().optional(),
  }),
]);

const instrumentSchema = strictObject({
  symbol: z.string().min(1),
  currency: z.string(),
  priceIncrement: decimalString("0.01"),
  pricePrecision: z.number().optional(),
  lotSize: decimalString("1"),
  referencePrice: decimalString("150.00"),
  averageDailyVolume: z.number(),
  annualVolatility: z.number(),
  market: strictObject({
    spreadTicks: z.number().optional(),
    levels: z.number().optional(),
    depthPerLevel: z.number().optional(),
    limitOrderSize: z.number().optional(),
    marketOrderSize: z.number().optional(),
    resilienceSeconds: z.number().optional(),
    permanentImpact: z.number().optional(),
    transientImpact: z.number().optional(),
    transientHalfLifeSeconds: z.number().optional(),
  }).optional(),
});

/** A venue's market section: lit fields and dark fields in one shape; which apply is checked against `kind`. */
const venueMarketSchema = strictObject({
  activityShare: z.number().optional(),
  depthScale: z.number().optional(),
  spreadTicks: z.number().optional(),
  volumeRatio: z.number().optional(),
  orderSizeMultiple: z.number().optional(),
  orderSizeSigma: z.number().optional(),
  minQtyProbability: z.number().optional(),
  minQtyFraction: z.number().optional(),
  lifetimeSeconds: z.number().optional(),
  capTicks: z.number().optional(),
});

const venueSchema = strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    error: (iss) => `expected an id of letters, digits, ".", "_" or "-", got ${describe(iss.input)}`,
  }),
  name: z.string().min(1),
  kind: z.enum(VENUE_KINDS),
  fees: strictObject({
    makerFeePerShare: decimalString("-0.0020"),
    takerFeePerShare: decimalString("0.0030"),
  }),
  orderEntryLatency: latencySchema,
  marketDataLatency: latencySchema,
  orderTypes: z.array(z.enum(ORD_TYPES)).min(1),
  timesInForce: z.array(z.enum(TIMES_IN_FORCE)).min(1),
  supports: strictObject({ postOnly: z.boolean(), hidden: z.boolean(), iceberg: z.boolean() }),
  minQuantity: z.number().optional(),
  selfTradePrevention: z.enum(SELF_TRADE_PREVENTIONS).optional(),
  instruments: z.array(z.string()).min(1).optional(),
  market: venueMarketSchema.optional(),
});

/** The whole reference-data file. */
export const referenceDataSchema = z.strictObject(
  { instruments: z.array(instrumentSchema).min(1), venues: z.array(venueSchema).min(1) },
  {
    error: (iss) => {
      if (iss.code === "unrecognized_keys") return "unknown field (the fields here are: instruments, venues)";
      if (iss.code === "invalid_type") {
        return `expected a mapping with "instruments" and "venues", got ${describe(iss.input)}`;
      }
      return undefined;
    },
  },
);

/** The config as written, before defaults (e.g. for building reference data in code or tests). */
export type ReferenceDataInput = z.input<typeof referenceDataSchema>;
type ParsedVenue = z.output<typeof venueSchema>;
type ParsedLatency = z.output<typeof latencySchema>;

// ---------------------------------------------------------------------------------------------------------------------
// Parsing

/**
 * Validates `raw` (parsed JSON or YAML) and builds the reference data; `fileLabel` names the source in messages.
 * Throws `UserError("config-invalid")` whose message is one line naming the file, the field path and the reason.
 */
export function parseReferenceData(
  raw: unknown,
  fileLabel: string,
  options: ParseReferenceDataOptions = {},
): ReferenceData {
  const fail = (issues: readonly SpecIssue[]): never => {
    const first = issues[0] as SpecIssue;
    const line = options.lineOf?.(first.path);
    const where = line === undefined ? fileLabel : `${fileLabel}:${line}`;
    const field = first.path.length === 0 ? "" : `${formatPath(first.path)}: `;
    const others = issues.length - 1;
    const more = others === 0 ? "" : ` (and ${others} more problem${others === 1 ? "" : "s"})`;
    throw new UserError("config-invalid", `${where}: ${field}${first.message}${more}`);
  };

  const shaped = referenceDataSchema.safeParse(raw, { error: zodMessage });
  if (!shaped.success) fail(shaped.error.issues.map(zodIssue));
  const data = (shaped as { data: z.output<typeof referenceDataSchema> }).data;

  const issues: SpecIssue[] = [];
  const within = (prefix: ConfigPath, found: readonly SpecIssue[]): void => {
    for (const issue of found) issues.push({ path: [...prefix, ...issue.path], message: issue.message });
  };

  const specs: InstrumentSpec[] = data.instruments.map(toInstrumentSpec);
  const firstSymbolAt = new Map<string, number>();
  specs.forEach((spec, i) => {
    within(["instruments", i], instrumentSpecIssues(spec));
    const earlier = firstSymbolAt.get(spec.symbol);
    if (earlier === undefined) firstSymbolAt.set(spec.symbol, i);
    else issues.push({ path: ["instruments", i, "symbol"], message: duplicate("symbol", spec.symbol, earlier) });
  });

  const allSymbols = specs.map((spec) => spec.symbol);
  const venues: VenueSpec[] = data.venues.map((venue) => toVenueSpec(venue, allSymbols));
  const firstIdAt = new Map<string, number>();
  venues.forEach((venue, v) => {
    within(["venues", v], venueSpecIssues(venue));
    within(["venues", v, "market"], venueMarketIssues(venue.kind, data.venues[v]?.market ?? {}));
    const earlier = firstIdAt.get(venue.id);
    if (earlier === undefined) firstIdAt.set(venue.id, v);
    else issues.push({ path: ["venues", v, "id"], message: duplicate("venue id", venue.id, earlier) });
    data.venues[v]?.instruments?.forEach((symbol, s) => {
      if (!firstSymbolAt.has(symbol)) {
        issues.push({
          path: ["venues", v, "instruments", s],
          message: `unknown symbol ${JSON.stringify(symbol)} (the instruments are: ${allSymbols.join(", ")})`,
        });
      }
    });
  });

  if (issues.length > 0) fail(issues);
  const instruments = new Map<string, Instrument>();
  for (const spec of specs) instruments.set(spec.symbol, new Instrument(spec));
  return { instruments, venues };
}

function toInstrumentSpec(parsed: z.output<typeof instrumentSchema>): InstrumentSpec {
  const { pricePrecision, market, ...rest } = parsed;
  return {
    ...rest,
    ...(pricePrecision === undefined ? {} : { pricePrecision }),
    ...(market === undefined ? {} : { market }),
  };
}

function toVenueSpec(parsed: ParsedVenue, allSymbols: readonly string[]): VenueSpec {
  return {
    id: parsed.id,
    name: parsed.name,
    kind: parsed.kind,
    fees: parsed.fees,
    orderEntryLatency: toLatency(parsed.orderEntryLatency),
    marketDataLatency: toLatency(parsed.marketDataLatency),
    orderTypes: parsed.orderTypes,
    timesInForce: parsed.timesInForce,
    supports: parsed.supports,
    minQuantity: parsed.minQuantity ?? DEFAULT_MIN_QUANTITY,
    selfTradePrevention: parsed.selfTradePrevention ?? DEFAULT_SELF_TRADE_PREVENTION,
    instruments: parsed.instruments ?? allSymbols,
    market: venueMarket(parsed.market),
  };
}

function toLatency(parsed: ParsedLatency): LatencyDistribution {
  if (parsed.kind !== "lognormal" || parsed.maxMicros !== undefined) return parsed as LatencyDistribution;
  return { kind: "lognormal", medianMicros: parsed.medianMicros, sigma: parsed.sigma };
}

function duplicate(what: string, value: string, firstIndex: number): string {
  const list = what === "symbol" ? "instruments" : "venues";
  return `duplicate ${what} ${JSON.stringify(value)} (already used by ${list}[${firstIndex}])`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Messages

/** `["venues", 1, "fees", "takerFeePerShare"]` -> `venues[1].fees.takerFeePerShare`. */
export function formatPath(path: ConfigPath): string {
  let text = "";
  for (const step of path) {
    if (typeof step === "number") text += `[${step}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(step)) text += text === "" ? step : `.${step}`;
    else text += `[${JSON.stringify(step)}]`;
  }
  return text;
}

/** A config value as a person would recognise it in their file. */
function describe(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "an empty value";
  if (typeof input === "string") return JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}...` : input);
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  return String(input);
}

const TYPE_LABELS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
};

/** The per-parse zod error map: one short reason per issue (the path is added by the caller). */
function zodMessage(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case "invalid_type": {
      const expected = TYPE_LABELS[iss.expected] ?? iss.expected;
      return iss.input === undefined
        ? `missing: expected ${expected}`
        : `expected ${expected}, got ${describe(iss.input)}`;
    }
    case "too_small":
      if (iss.origin === "array") return `must list at least ${iss.minimum} entr${iss.minimum === 1 ? "y" : "ies"}`;
      if (iss.origin === "string") return "must not be empty";
      return `must be ${iss.inclusive ? "at least" : "greater than"} ${iss.minimum}, got ${describe(iss.input)}`;
    case "too_big":
      return `must be ${iss.inclusive ? "at most" : "less than"} ${iss.maximum}, got ${describe(iss.input)}`;
    case "invalid_value":
      return `expected ${oneOf(iss.values)}, got ${describe(iss.input)}`;
    case "invalid_union": {
      if (iss.discriminator === undefined) return undefined;
      const input = iss.input as Record<string, unknown> | undefined;
      const got = input?.[iss.discriminator];
      const expected = oneOf((iss.options ?? []) as unknown[]);
      return got === undefined ? `missing: expected ${expected}` : `expected ${expected}, got ${describe(got)}`;
    }
    default:
      return undefined;
  }
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  if (shown.length === 1) return shown[0] as string;
  return `one of ${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}`;
}

function zodIssue(issue: z.core.$ZodIssue): SpecIssue {
  const path = issue.path.filter((step): step is string | number => typeof step !== "symbol");
  if (issue.code === "unrecognized_keys") {
    const [key, ...others] = issue.keys;
    const also = others.length === 0 ? "" : `; also unknown: ${others.join(", ")}`;
    return { path: key === undefined ? path : [...path, key], message: `${issue.message}${also}` };
  }
  return { path, message: issue.message };
}
