/**
 * Adapter: streams an order file (.csv, or .jsonl / .ndjson) line by line into `OrderRow`s (see
 * src/intake/order-row.ts for the format). The file is never held in memory whole. A file that cannot be read or a bad
 * CSV header is a `UserError` with one line naming the file and line; a bad data row is a row refusal, not an error.
 */
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { extname } from "node:path";
import { createInterface } from "node:readline";
import { UserError } from "../core/errors.js";
import { type OrderFileFormat, OrderFileHeaderError, OrderLineReader, type OrderRow } from "../intake/order-row.js";

export function orderFileFormat(path: string): OrderFileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  throw new UserError(
    "order-file-unsupported",
    `${path}: unsupported order file type ${JSON.stringify(ext || "(none)")}; expected .csv, .jsonl or .ndjson`,
  );
}

export async function* readOrderFile(path: string): AsyncGenerator<OrderRow> {
  const format = orderFileFormat(path);
  try {
    await access(path);
  } catch (error) {
    throw new UserError("order-file-not-found", `${path}: no such file`, { cause: error });
  }
  const lines = createInterface({
    input: createReadStream(path, { encoding: "utf8" }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const reader = new OrderLineReader(format);
  try {
    for await (const text of lines) {
      const row = reader.read(text);
      if (row !== null) yield row;
    }
    reader.finish();
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (error instanceof OrderFileHeaderError)
      throw new UserError("order-file-header", `${path}:${error.message}`, { cause: error });
    throw new UserError("order-file-unreadable", `${path}: cannot be read (${(error as Error).message})`, {
      cause: error,
    });
  } finally {
    lines.close();
  }
}
