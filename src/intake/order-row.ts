/**
 * The order file format, one row at a time (the file reader in src/config/order-file.ts streams lines into this):
 *
 * - CSV: a header line naming the columns, then one order per line. Columns (any order):
 *   `cl_ord_id,source,account,symbol,side,quantity,order_type,limit_price,urgency,strategy,start_time,end_time,
 *   max_participation,allow_cross` plus an optional `tags` (`name=value;name=value`). The first seven are required;
 *   an empty cell is an absent value. Fields may be double-quoted ("" is a quote inside); no field spans lines.
 * - JSONL: one JSON object per line with the same snake_case keys; `tags` an object of strings. Numbers are accepted
 *   for whole quantities and prices only (a JSON 0.1 has already lost its exact decimal value).
 * Blank lines and lines starting with `#` are skipped in both (in CSV, quote a cl_ord_id that starts with `#`). A row that cannot be read becomes a `RowRefusal`
 * naming the line and the field; every field-level check is left to intake, so a file row and an API call are
 * validated by the same code.
 */
import type { NewOrderInput } from "../model/client-commands.js";
import type { Refusal, ValidationRejectReason } from "../model/client-order-reasons.js";

export const ORDER_FILE_COLUMNS = [
  "cl_ord_id",
  "source",
  "account",
  "symbol",
  "side",
  "quantity",
  "order_type",
  "limit_price",
  "urgency",
  "strategy",
  "start_time",
  "end_time",
  "max_participation",
  "allow_cross",
] as const;

export const ORDER_FILE_HEADER = ORDER_FILE_COLUMNS.join(",");
const OPTIONAL_COLUMNS = new Set([
  "limit_price",
  "urgency",
  "strategy",
  "start_time",
  "end_time",
  "max_participation",
  "allow_cross",
  "tags",
]);
const KNOWN_COLUMNS: ReadonlySet<string> = new Set([...ORDER_FILE_COLUMNS, "tags"]);

export type OrderFileFormat = "csv" | "jsonl";

/** A row read from an order file: an order to submit, or a refusal of the row itself. */
export type OrderRow =
  | { readonly line: number; readonly input: NewOrderInput }
  | { readonly line: number; readonly clOrdId: string; readonly refusal: Refusal<ValidationRejectReason> };

/** Splits one CSV line into fields; a string is the reason it cannot be read. */
export function splitCsvLine(line: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34) {
      // Quoted field.
      let value = "";
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return "unterminated quoted field";
        value += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === n) return fields;
      if (line.charCodeAt(i) !== 44) return `unexpected text after a quoted field at column ${fields.length}`;
      i++;
    } else {
      const comma = line.indexOf(",", i);
      if (comma < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

/** The column layout of a CSV order file, from its header line; throws a one-line `Error` for a bad header. */
export class CsvLayout {
  readonly columns: readonly string[];
  /** Position of each known column (-1: absent), resolved once from the header rather than by name per row. */
  private readonly at: Readonly<Record<(typeof ORDER_FILE_COLUMNS)[number] | "tags", number>>;

  constructor(headerLine: string) {
    const header = splitCsvLine(headerLine.replace(/^\uFEFF/, "").trim());
    if (typeof header === "string") throw new Error(`header: ${header}`);
    const columns = header.map((name) => name.trim().toLowerCase());
    const index: Record<string, number> = {};
    columns.forEach((name, i) => {
      if (!KNOWN_COLUMNS.has(name)) {
        throw new Error(`header: unknown column ${JSON.stringify(name)} (the columns are: ${ORDER_FILE_HEADER},tags)`);
      }
      if (name in index) throw new Error(`header: column ${name} appears twice`);
      index[name] = i;
    });
    for (const name of ORDER_FILE_COLUMNS) {
      if (!(name in index) && !OPTIONAL_COLUMNS.has(name))
        throw new Error(`header: missing column ${name} (expected ${ORDER_FILE_HEADER})`);
    }
    this.columns = columns;
    const at = {} as Record<(typeof ORDER_FILE_COLUMNS)[number] | "tags", number>;
    for (const name of KNOWN_COLUMNS) at[name as keyof typeof at] = index[name] ?? -1;
    this.at = at;
  }

  /** The order on one data line, or the reason the line cannot be read. */
  row(text: string, line: number): OrderRow {
    const fields = splitCsvLine(text);
    if (typeof fields === "string") return malformed(line, "", fields);
    const at = this.at;
    if (fields.length !== this.columns.length) {
      return malformed(
        line,
        field(fields, at.cl_ord_id) ?? "",
        `expected ${this.columns.length} fields, found ${fields.length}`,
      );
    }
    let tags: Record<string, string> | null = null;
    const tagText = optional(fields, at.tags);
    if (tagText !== null) {
      tags = {};
      for (const pair of tagText.split(";")) {
        if (pair.trim() === "") continue;
        const eq = pair.indexOf("=");
        if (eq <= 0) {
          return {
            line,
            clOrdId: field(fields, at.cl_ord_id) ?? "",
            refusal: {
              reason: "invalid-tags",
              field: "tags",
              message: `expected name=value;name=value, got ${JSON.stringify(tagText)}`,
            },
          };
        }
        tags[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
      }
    }
    return {
      line,
      input: {
        clOrdId: field(fields, at.cl_ord_id) ?? "",
        source: field(fields, at.source) ?? "",
        account: field(fields, at.account) ?? "",
        symbol: field(fields, at.symbol) ?? "",
        side: field(fields, at.side) ?? "",
        quantity: field(fields, at.quantity) ?? "",
        orderType: field(fields, at.order_type) ?? "",
        limitPrice: optional(fields, at.limit_price),
        urgency: optional(fields, at.urgency),
        strategy: optional(fields, at.strategy),
        startTime: optional(fields, at.start_time),
        endTime: optional(fields, at.end_time),
        maxParticipation: optional(fields, at.max_participation),
        allowCross: optional(fields, at.allow_cross),
        tags,
      },
    };
  }
}

/** The trimmed field at column `i` (-1: no such column), or undefined. */
function field(fields: readonly string[], i: number): string | undefined {
  return i < 0 ? undefined : fields[i]?.trim();
}

/** The same, with an empty field as null. */
function optional(fields: readonly string[], i: number): string | null {
  const value = field(fields, i);
  return value === undefined || value === "" ? null : value;
}

/** Order-file column name -> NewOrderInput field (the JSONL keys are the CSV header's names). */
export const ORDER_FILE_FIELDS: Readonly<Record<string, keyof NewOrderInput>> = {
  cl_ord_id: "clOrdId",
  source: "source",
  account: "account",
  symbol: "symbol",
  side: "side",
  quantity: "quantity",
  order_type: "orderType",
  limit_price: "limitPrice",
  urgency: "urgency",
  strategy: "strategy",
  start_time: "startTime",
  end_time: "endTime",
  max_participation: "maxParticipation",
  allow_cross: "allowCross",
  tags: "tags",
};

/** The order on one JSONL line, or the reason the line cannot be read. */
export function jsonRow(text: string, line: number): OrderRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return malformed(line, "", `invalid JSON: ${(error as Error).message.split("\n")[0]}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return malformed(line, "", "expected a JSON object");
  const record = value as Record<string, unknown>;
  const clOrdId = typeof record.cl_ord_id === "string" ? record.cl_ord_id : "";
  const input: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(record)) {
    const name = ORDER_FILE_FIELDS[key];
    if (name === undefined) {
      return {
        line,
        clOrdId,
        refusal: {
          reason: "unknown-field",
          field: key,
          message: `unknown field (the fields are: ${Object.keys(ORDER_FILE_FIELDS).join(", ")})`,
        },
      };
    }
    if (raw === null) continue;
    // A whole number is as good as its text for a quantity or a price; a fraction has lost its exact decimal value.
    // Every other type check is intake's, which names the field's own reason (as for an API call).
    if ((key === "quantity" || key === "limit_price") && typeof raw === "number") {
      if (!Number.isSafeInteger(raw)) {
        return {
          line,
          clOrdId,
          refusal: {
            reason: key === "quantity" ? "invalid-quantity" : "invalid-price",
            field: key,
            message: `expected a string, got the number ${raw} (write decimals as strings, e.g. "0.5")`,
          },
        };
      }
      input[name] = String(raw);
    } else input[name] = raw;
  }
  return { line, input: input as unknown as NewOrderInput };
}

function malformed(line: number, clOrdId: string, message: string): OrderRow {
  return { line, clOrdId, refusal: { reason: "malformed-row", field: null, message } };
}

/** A CSV order file's header is bad or missing: the file cannot be read at all (its message starts with the line). */
export class OrderFileHeaderError extends Error {}

/**
 * An order file read line by line, in order (a file streamed or held whole): `read` gives the row on each line, or null
 * for a blank line, a comment (`#` first: a CSV cl_ord_id that starts with `#` is written quoted) or the CSV header;
 * `finish` once the lines are done. A leading byte-order mark is dropped and a CRLF's CR too. A bad or missing CSV
 * header throws an `OrderFileHeaderError` whose message starts with `<line>: header:`.
 */
export class OrderLineReader {
  private layout: CsvLayout | null = null;
  private line = 0;

  constructor(private readonly format: OrderFileFormat) {}

  read(raw: string): OrderRow | null {
    const line = ++this.line;
    let text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === "" || text.startsWith("#")) return null;
    if (this.format === "jsonl") return jsonRow(text, line);
    if (this.layout === null) {
      try {
        this.layout = new CsvLayout(text);
      } catch (error) {
        throw new OrderFileHeaderError(`${line}: ${(error as Error).message}`);
      }
      return null;
    }
    return this.layout.row(text, line);
  }

  /** After the last line: a CSV file must have had its header (an empty file is a mistake, not zero orders). */
  finish(): void {
    if (this.format === "csv" && this.layout === null)
      throw new OrderFileHeaderError(
        `${this.line}: header: missing (the file has no header line: ${ORDER_FILE_HEADER})`,
      );
  }
}

/** Rows of an order file given its lines (1-based line numbers as in the file); see `OrderLineReader`. */
export function* orderRows(lines: Iterable<string>, format: OrderFileFormat): Generator<OrderRow> {
  const reader = new OrderLineReader(format);
  for (const raw of lines) {
    const row = reader.read(raw);
    if (row !== null) yield row;
  }
  reader.finish();
}
