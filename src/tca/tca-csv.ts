/**
 * The TCA report as CSV files, one row per record, for pandas and spreadsheets: tca-orders.csv, tca-parents.csv,
 * tca-fills.csv, tca-venues.csv, tca-strategies.csv, tca-logics.csv and tca-tactics.csv. Columns are the row fields (tca-rows.ts) in
 * snake_case, in the rows' field order; a null is an empty cell (pandas reads NaN); text is quoted when it needs it.
 * Pure text: the caller writes the files.
 */
import type { TcaReport } from "./tca-rows.js";

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/(\d+)s_bps$/, "_$1s_bps");
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of one shape as CSV; the header comes from the first row's fields (an empty table is an empty file). */
export function toCsv(rows: readonly object[]): string {
  if (rows.length === 0) return "";
  const keys = Object.keys(rows[0] as object);
  const lines = [keys.map(snake).join(",")];
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    lines.push(keys.map((k) => cell(r[k])).join(","));
  }
  return `${lines.join("\n")}\n`;
}

/** File name -> CSV text, for every table of the report. */
export function tcaCsvFiles(report: TcaReport): Map<string, string> {
  return new Map([
    ["tca-orders.csv", toCsv(report.orders)],
    ["tca-parents.csv", toCsv(report.parents)],
    ["tca-fills.csv", toCsv(report.fills)],
    ["tca-venues.csv", toCsv(report.venues)],
    ["tca-strategies.csv", toCsv(report.strategies)],
    ["tca-logics.csv", toCsv(report.logics)],
    ["tca-tactics.csv", toCsv(report.tactics)],
  ]);
}
