/**
 * The HTTP API's request bodies as zod schemas: the single source of truth for both validation (a route's
 * `preValidation`, `zodBody`) and the OpenAPI document (`z.toJSONSchema`). An order has exactly the order file's
 * snake_case fields (intake/order-row.ts, `ORDER_FILE_FIELDS`), with the JSONL file's types: decimals as strings,
 * whole quantities and prices also as JSON numbers. Structural problems (a missing field, an unknown one, a wrong JSON
 * type) are refused here with the order file's reason codes and the field's path (`orders[3].quantity`); everything
 * else (lots, ticks, symbols, times, risk) is left to intake, so HTTP and files are checked by the same code and
 * refused with the same reasons.
 */
import { z } from "zod";
import type { NewOrderInput } from "../model/client-commands.js";
import type { ClientCancelRejectReason, OrderRejectReason } from "../model/client-order-reasons.js";
import { issueField } from "./zod-issue.js";

const text = z.string();
const decimal = z.union([z.string(), z.number().int().refine(Number.isSafeInteger, "not a safe integer")]);
const time = z.union([z.string(), z.number().int()]);

export const orderBody = z
  .strictObject({
    cl_ord_id: text.describe("the client's order id, unique per source (printable, no spaces, at most 64 characters)"),
    source: text.optional().describe("the caller's own source id (optional: the token names the source)"),
    account: text.describe("the client account"),
    symbol: text.describe("an instrument of the reference data"),
    side: text.describe("buy or sell"),
    quantity: decimal.describe('shares as a decimal string ("0.5"), a whole number of the instrument\'s lots'),
    order_type: text.describe("market or limit"),
    limit_price: decimal.nullable().optional().describe("required for a limit order, on the tick"),
    urgency: text.nullable().optional().describe("low, medium or high"),
    strategy: text.nullable().optional().describe("twap, vwap, pov, is or auto"),
    start_time: time.nullable().optional().describe("ISO-8601 UTC or microseconds since the epoch"),
    end_time: time.nullable().optional().describe("ISO-8601 UTC or microseconds since the epoch"),
    max_participation: z.union([z.string(), z.number()]).nullable().optional().describe("a fraction in (0, 1]"),
    allow_cross: z.union([z.boolean(), z.string()]).nullable().optional().describe("may it cross internally"),
    tags: z.record(z.string(), z.string()).nullable().optional().describe("free name/value pairs"),
  })
  .describe("a client order: the order file's fields");

export type OrderBody = z.output<typeof orderBody>;

export function batchBody(maxOrders: number) {
  return z.strictObject({
    orders: z.array(orderBody).min(1, "at least one order").max(maxOrders, `at most ${maxOrders} orders per batch`),
  });
}

export const cancelBody = z.strictObject({
  cl_ord_id: text.optional().describe("the cancel request's own ClOrdID (new for the source)"),
});

export const replaceBody = z.strictObject({
  cl_ord_id: text.describe("the order's new ClOrdID (new for the source)"),
  quantity: decimal.optional().describe("the new total quantity in shares (executed shares included)"),
  limit_price: decimal.optional().describe("the new limit price"),
});

export const killBody = z.discriminatedUnion("scope", [
  z.strictObject({ scope: z.literal("global"), reason: text.optional() }),
  z.strictObject({ scope: z.literal("source"), id: text, reason: text.optional() }),
  z.strictObject({ scope: z.literal("account"), id: text, reason: text.optional() }),
]);

export const orderQuery = z.strictObject({
  source: text.optional().describe("admin only: the source whose order this is"),
});

/** A refused request: the reason code, the field at fault (its path in the body) and a message. */
export class RequestRefusal extends Error {
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
    this.name = "RequestRefusal";
  }
}

/** Reason codes of a field of the wrong JSON type: the order file's, so a client sees the same code either way. */
const TYPE_REASONS: Readonly<Record<string, OrderRejectReason | ClientCancelRejectReason>> = {
  cl_ord_id: "invalid-cl-ord-id",
  source: "unknown-source",
  account: "invalid-account",
  symbol: "unknown-symbol",
  side: "invalid-side",
  quantity: "invalid-quantity",
  order_type: "invalid-order-type",
  limit_price: "invalid-price",
  urgency: "invalid-urgency",
  strategy: "invalid-strategy",
  start_time: "invalid-time",
  end_time: "invalid-time",
  max_participation: "invalid-max-participation",
  allow_cross: "invalid-allow-cross",
  tags: "invalid-tags",
};

/** Parses `value` with `schema`, or throws a 400 `RequestRefusal` naming the first field at fault. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const field = issueField(issue);
  const last = field.path[field.path.length - 1];
  // A field a union types (quantity: a string or a whole number) reports an invalid union when absent, not a type.
  const missing =
    field.message === "missing" || (issue.code !== "unrecognized_keys" && valueAt(value, field.path) === undefined);
  const reason =
    issue.code === "unrecognized_keys"
      ? "unknown-field"
      : missing
        ? "missing-field"
        : ((typeof last === "string" ? TYPE_REASONS[last] : undefined) ?? "invalid-body");
  throw new RequestRefusal(400, reason, field.text === "" ? null : field.text, missing ? "missing" : field.message);
}

/** The value at `path` in a parsed JSON body; undefined when absent. */
function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let at = value;
  for (const step of path) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<string | number, unknown>)[step];
  }
  return at;
}

/**
 * An order body as the engine's input, for `source`: the JSONL file's mapping of field names (intake/order-row.ts `ORDER_FILE_FIELDS`; the
 * unit test holds the two together), whole numbers as decimal strings, null as absent, and a day order's end (`dayEnd`,
 * µs) when the body has no `end_time`. One object literal of one shape for every order: intake reads it monomorphically.
 */
export function orderInput(body: OrderBody, source: string, dayEnd: number): NewOrderInput {
  return {
    clOrdId: body.cl_ord_id,
    source,
    account: body.account,
    symbol: body.symbol,
    side: body.side,
    quantity: String(body.quantity),
    orderType: body.order_type,
    limitPrice: body.limit_price == null ? undefined : String(body.limit_price),
    urgency: body.urgency ?? undefined,
    strategy: body.strategy ?? undefined,
    startTime: body.start_time ?? undefined,
    endTime: body.end_time ?? dayEnd,
    maxParticipation: body.max_participation ?? undefined,
    allowCross: body.allow_cross ?? undefined,
    tags: body.tags ?? undefined,
  };
}

/** The JSON schema of a zod schema, for a Fastify route (and so the OpenAPI document). */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: "openapi-3.0", io: "input" }) as Record<
    string,
    unknown
  >;
  return rest;
}
