/**
 * The pre-trade risk configuration: its zod schema and the one function that turns untrusted parsed YAML/JSON into a
 * validated `RiskConfig`. Any problem becomes ONE line naming the field: `risk.yaml: symbols.ACME.priceCollar: ...`.
 * Money and quantities are decimal STRINGS (a YAML number has already lost its exact decimal value); unknown keys are
 * errors. Every limit is optional: an absent limit does not apply.
 *
 * - maxOrderQuantity (shares) and maxOrderNotional (currency): per order, with per-symbol overrides under `symbols`;
 * - priceCollar: a fraction ("0.10" = 10%): a limit price further than that from the reference price is refused;
 * - accountGrossNotional / sourceGrossNotional: the default cap on the gross notional of each account / source (sum of
 *   executed notional plus the open quantity at its limit or reference price), with overrides under `accounts` and
 *   `sources`;
 * - restrictedSymbols: symbols no order may trade.
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { parseDecimal } from "../core/fixed-point.js";
import { formatPath } from "../model/reference-data.js";

const DECIMAL = /^\d+(?:\.\d+)?$/;

function decimal(example: string) {
  const message = (input: unknown): string =>
    input === undefined
      ? `missing: expected a decimal string like "${example}"`
      : `expected a decimal string like "${example}", got ${describe(input)}`;
  return z.string({ error: (iss) => message(iss.input) }).regex(DECIMAL, { error: (iss) => message(iss.input) });
}

function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown field (the fields here are: ${allowed})`
        : iss.input === undefined
          ? undefined
          : `expected a mapping, got ${describe(iss.input)}`,
  });
}

const fraction = decimal("0.10").refine((text) => Number(text) > 0 && Number(text) <= 1, {
  error: (iss) => `expected a fraction greater than 0 and at most 1 ("0.10" = 10%), got ${describe(iss.input)}`,
});

const symbolLimits = strict({
  maxOrderQuantity: decimal("100000").optional(),
  maxOrderNotional: decimal("5000000").optional(),
  priceCollar: fraction.optional(),
});

const grossLimit = strict({ grossNotional: decimal("50000000") });

export const riskConfigSchema = strict({
  maxOrderQuantity: decimal("100000").optional(),
  maxOrderNotional: decimal("5000000").optional(),
  priceCollar: fraction.optional(),
  accountGrossNotional: decimal("50000000").optional(),
  sourceGrossNotional: decimal("500000000").optional(),
  restrictedSymbols: z
    .array(z.string().min(1), { error: (iss) => `expected a list of symbols, got ${describe(iss.input)}` })
    .optional(),
  symbols: z.record(z.string(), symbolLimits, { error: (iss) => mappingMessage(iss.input, "symbol") }).optional(),
  accounts: z.record(z.string(), grossLimit, { error: (iss) => mappingMessage(iss.input, "account") }).optional(),
  sources: z.record(z.string(), grossLimit, { error: (iss) => mappingMessage(iss.input, "source") }).optional(),
});

export type RiskConfigInput = z.input<typeof riskConfigSchema>;

/** Validated risk limits. Quantities stay decimal strings of shares (converted per instrument); money is a float. */
export interface SymbolLimits {
  readonly maxOrderQuantity: string | null;
  readonly maxOrderNotional: number | null;
  /** Parts per million of the reference price. */
  readonly priceCollarPpm: number | null;
}

export interface RiskConfig {
  readonly defaults: SymbolLimits;
  readonly symbols: ReadonlyMap<string, SymbolLimits>;
  readonly accountGrossNotional: number | null;
  readonly sourceGrossNotional: number | null;
  readonly accounts: ReadonlyMap<string, number>;
  readonly sources: ReadonlyMap<string, number>;
  readonly restrictedSymbols: ReadonlySet<string>;
}

/** No limits at all. */
export const NO_RISK_LIMITS: RiskConfig = {
  defaults: { maxOrderQuantity: null, maxOrderNotional: null, priceCollarPpm: null },
  symbols: new Map(),
  accountGrossNotional: null,
  sourceGrossNotional: null,
  accounts: new Map(),
  sources: new Map(),
  restrictedSymbols: new Set(),
};

/** Validates `raw`; throws `UserError("risk-config-invalid")` with one line `label: field.path: reason`. */
export function parseRiskConfig(raw: unknown, label: string): RiskConfig {
  const parsed = riskConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    // An unknown key first: a misspelt one also makes the key it meant "missing", and the typo is the news.
    const issues = parsed.error.issues;
    const issue = (issues.find((i) => i.code === "unrecognized_keys") ?? issues[0]) as z.core.$ZodIssue;
    const path = issue.path.filter((step): step is string | number => typeof step !== "symbol");
    const full = issue.code === "unrecognized_keys" && issue.keys[0] !== undefined ? [...path, issue.keys[0]] : path;
    const others = parsed.error.issues.length - 1;
    const more = others === 0 ? "" : ` (and ${others} more problem${others === 1 ? "" : "s"})`;
    const field = full.length === 0 ? "" : `${formatPath(full)}: `;
    throw new UserError("risk-config-invalid", `${label}: ${field}${issue.message}${more}`);
  }
  const data = parsed.data;
  const limits = (entry: z.output<typeof symbolLimits> | undefined, base: SymbolLimits | null): SymbolLimits => ({
    maxOrderQuantity: entry?.maxOrderQuantity ?? base?.maxOrderQuantity ?? null,
    maxOrderNotional: money(entry?.maxOrderNotional) ?? base?.maxOrderNotional ?? null,
    priceCollarPpm: ppm(entry?.priceCollar) ?? base?.priceCollarPpm ?? null,
  });
  const defaults = limits(data, null);
  const symbols = new Map<string, SymbolLimits>();
  for (const [symbol, entry] of Object.entries(data.symbols ?? {})) symbols.set(symbol, limits(entry, defaults));
  const gross = (record: Record<string, { grossNotional: string }> | undefined): Map<string, number> =>
    new Map(Object.entries(record ?? {}).map(([id, entry]) => [id, Number(entry.grossNotional)]));
  return {
    defaults,
    symbols,
    accountGrossNotional: money(data.accountGrossNotional),
    sourceGrossNotional: money(data.sourceGrossNotional),
    accounts: gross(data.accounts),
    sources: gross(data.sources),
    restrictedSymbols: new Set(data.restrictedSymbols ?? []),
  };
}

/**
 * The first symbol the limits name that is not an instrument of the reference data (a typo in `restrictedSymbols`
 * would restrict nothing), as `field: reason`; null when every one is known.
 */
export function unknownRiskSymbol(risk: RiskConfig, instruments: ReadonlyMap<string, unknown>): string | null {
  for (const symbol of risk.restrictedSymbols)
    if (!instruments.has(symbol)) return `restrictedSymbols: ${JSON.stringify(symbol)} is not an instrument`;
  for (const symbol of risk.symbols.keys()) if (!instruments.has(symbol)) return `symbols.${symbol}: not an instrument`;
  return null;
}

function money(text: string | undefined): number | null {
  return text === undefined ? null : Number(text);
}

function ppm(text: string | undefined): number | null {
  if (text === undefined) return null;
  const parsed = parseDecimal(text, 6);
  return parsed.ok ? parsed.value : Number(text) * 1e6;
}

function mappingMessage(input: unknown, key: string): string | undefined {
  if (typeof input === "object" && input !== null && !Array.isArray(input)) return undefined;
  return `expected a mapping from ${key} to limits, got ${describe(input)}`;
}

function describe(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "an empty value";
  if (typeof input === "string") return JSON.stringify(input);
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  return String(input);
}
