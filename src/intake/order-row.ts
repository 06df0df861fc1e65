/**
 * The order file format, one row at a time (the file reader in src/config/order-file.ts streams lines into this):
 *
 * - CSV: a header line naming the columns, then one order per line. Columns (any order):
 *   `cl_ord_id,source,account,symbol,side,quantity,order_type,limit_price,urgency,strategy,start_time,end_time,
 *   max_participation,allow_cross` plus an optional `tags` (`name=value;name=value`). The first seven are required;
 *   an empty cell is an absent value. Fields may be double-quoted ("" is a quote inside); no field spans lines.
 * - JSONL: one JSON object per line with the same snake_case keys; `tags` an object of strings. Numbers are accepted
 *   for whole quantities and prices only (a JSON 0.1 has already lost its exact decimal value).
 * Blank lines and lines starting with `#` are skipped in both. A row that cannot be read becomes a `RowRefusal`
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
  private readonly index: Readonly<Record<string, number>>;

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
    this.index = index;
  }

  /** The order on one data line, or the reason the line cannot be read. */
  row(text: string, line: number): OrderRow {
    const fields = splitCsvLine(text);
    if (typeof fields === "string") return malformed(line, "", fields);
    const get = (name: string): string | undefined => {
      const i = this.index[name];
      return i === undefined ? undefined : (fields[i] as string | undefined)?.trim();
    };
    if (fields.length !== this.columns.length) {
      return malformed(line, get("cl_ord_id") ?? "", `expected ${this.columns.length} fields, found ${fields.length}`);
    }
    const opt = (name: string): string | null => {
      const value = get(name);
      return value === undefined || value === "" ? null : value;
    };
    let tags: Record<string, string> | null = null;
    const tagText = opt("tags");
    if (tagText !== null) {
      tags = {};
      for (const pair of tagText.split(";")) {
        if (pair.trim() === "") continue;
        const eq = pair.indexOf("=");
        if (eq <= 0) {
          return {
            line,
            clOrdId: get("cl_ord_id") ?? "",
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
        clOrdId: get("cl_ord_id") ?? "",
        source: get("source") ?? "",
        account: get("account") ?? "",
        symbol: get("symbol") ?? "",
        side: get("side") ?? "",
        quantity: get("quantity") ?? "",
        orderType: get("order_type") ?? "",
        limitPrice: opt("limit_price"),
        urgency: opt("urgency"),
        strategy: opt("strategy"),
        startTime: opt("start_time"),
        endTime: opt("end_time"),
        maxParticipation: opt("max_participation"),
        allowCross: opt("allow_cross"),
        tags,
      },
    };
  }
}

const JSON_FIELDS: Readonly<Record<string, keyof NewOrderInput>> = {
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
    const name = JSON_FIELDS[key];
    if (name === undefined) {
      return {
        line,
        clOrdId,
        refusal: {
          reason: "unknown-field",
          field: key,
          message: `unknown field (the fields are: ${Object.keys(JSON_FIELDS).join(", ")})`,
        },
      };
    }
    if (raw === null) continue;
    const textual =
      key !== "tags" &&
      key !== "allow_cross" &&
      key !== "start_time" &&
      key !== "end_time" &&
      key !== "max_participation";
    if (textual && typeof raw === "number") {
      if (!Number.isSafeInteger(raw) || (key !== "quantity" && key !== "limit_price")) {
        return {
          line,
          clOrdId,
          refusal: {
            reason: key === "quantity" ? "invalid-quantity" : key === "limit_price" ? "invalid-price" : "missing-field",
            field: key,
            message: `expected a string, got the number ${raw} (write decimals as strings, e.g. "0.5")`,
          },
        };
      }
      input[name] = String(raw);
    } else if (textual && typeof raw !== "string") {
      return {
        line,
        clOrdId,
        refusal: { reason: "missing-field", field: key, message: `expected a string, got ${JSON.stringify(raw)}` },
      };
    } else input[name] = raw;
  }
  return { line, input: input as unknown as NewOrderInput };
}

function malformed(line: number, clOrdId: string, message: string): OrderRow {
  return { line, clOrdId, refusal: { reason: "malformed-row", field: null, message } };
}

/**
 * Rows of an order file given its lines (1-based line numbers as in the file). For CSV the first non-blank,
 * non-comment line is the header; a bad header throws an `Error` whose message starts with `<line>: header:`.
 */
export function* orderRows(lines: Iterable<string>, format: OrderFileFormat): Generator<OrderRow> {
  let layout: CsvLayout | null = null;
  let line = 0;
  for (const raw of lines) {
    line++;
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() === "" || text.startsWith("#")) continue;
    if (format === "jsonl") {
      yield jsonRow(text, line);
      continue;
    }
    if (layout === null) {
      try {
        layout = new CsvLayout(text);
      } catch (error) {
        throw new Error(`${line}: ${(error as Error).message}`);
      }
      continue;
    }
    yield layout.row(text, line);
  }
}
