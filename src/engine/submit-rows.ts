/**
 * Feeds rows of an order file into the engine: good rows are submitted, bad rows (unreadable, or refused by intake or
 * risk) are collected with their line, field and reason, and the rows after them still run. A row refused before
 * intake (malformed) is still recorded as an OrderRejected event, so the audit trail has every row.
 */
import type { OrderRow } from "../intake/order-row.js";
import type { OrderRejectReason } from "../model/client-order-reasons.js";
import type { Engine } from "./engine.js";

export interface RowReject {
  readonly line: number;
  readonly clOrdId: string;
  readonly reason: OrderRejectReason;
  readonly field: string | null;
  readonly message: string;
}

export interface SubmitRowsSummary {
  rows: number;
  accepted: number;
  rejected: RowReject[];
}

export function submitRow(engine: Engine, row: OrderRow, summary: SubmitRowsSummary): void {
  summary.rows++;
  if ("refusal" in row) {
    engine.recordReject({ source: "", clOrdId: row.clOrdId }, row.refusal);
    summary.rejected.push({ line: row.line, clOrdId: row.clOrdId, ...row.refusal });
    return;
  }
  const result = engine.submit(row.input);
  if (result.ok) summary.accepted++;
  else {
    summary.rejected.push({
      line: row.line,
      clOrdId: row.input.clOrdId,
      reason: result.reason,
      field: result.field,
      message: result.message,
    });
  }
}

/** Submits every row; returns the counts and the rejected rows in file order. */
export async function submitRows(
  engine: Engine,
  rows: Iterable<OrderRow> | AsyncIterable<OrderRow>,
): Promise<SubmitRowsSummary> {
  const summary: SubmitRowsSummary = { rows: 0, accepted: 0, rejected: [] };
  for await (const row of rows) submitRow(engine, row, summary);
  return summary;
}

/** One line per rejected row: `orders.csv:12: quantity: "10.5" is not a whole number of lots ... [quantity-not-lot-multiple]`. */
export function formatRowReject(file: string, reject: RowReject): string {
  const field = reject.field === null ? "" : `${reject.field}: `;
  const id = reject.clOrdId === "" ? "" : ` (cl_ord_id ${reject.clOrdId})`;
  return `${file}:${reject.line}: ${field}${reject.message} [${reject.reason}]${id}`;
}
