/**
 * Walks a LOBSTER message file and its orderbook file in lockstep: row k is the book after message k, so batch k of
 * one goes with batch k of the other. Readers cut both files into batches of the same number of lines (BATCH_ROWS), so
 * batches pair one to one; a file that ends early is a user error naming the file and line where the other goes on.
 */
import { UserError } from "../../core/errors.js";
import type { LobsterBookRows, LobsterMessages } from "./lobster-format.js";

export interface LobsterFiles {
  readonly messages: string;
  readonly orderbook: string;
}

export function* pairedBatches(
  messages: Iterable<LobsterMessages>,
  rows: Iterable<LobsterBookRows>,
  files: LobsterFiles,
): Generator<[LobsterMessages, LobsterBookRows]> {
  const rowIterator = rows[Symbol.iterator]();
  let seen = 0;
  for (const batch of messages) {
    const next = rowIterator.next();
    const rowBatch = next.done === true ? null : next.value;
    if (rowBatch === null || rowBatch.count !== batch.count || rowBatch.firstLine !== batch.firstLine) {
      const rowsThere = rowBatch === null ? 0 : Math.min(rowBatch.count, batch.count);
      if (rowBatch !== null && rowsThere > 0) yield [batch, rowBatch];
      const rowCount = seen + (rowBatch?.count ?? 0);
      const messageCount = seen + batch.count;
      throw lengthMismatch(files, messageCount, rowBatch === null ? seen : rowCount, rowIterator);
    }
    seen += batch.count;
    yield [batch, rowBatch];
  }
  const extra = rowIterator.next();
  if (extra.done !== true) throw lengthMismatch(files, seen, seen + extra.value.count, rowIterator);
}

function lengthMismatch(
  files: LobsterFiles,
  messages: number,
  rowsSoFar: number,
  rest: Iterator<LobsterBookRows>,
): UserError {
  if (rowsSoFar < messages) {
    return new UserError(
      "replay-length-mismatch",
      `${files.messages}:${rowsSoFar + 1}: row: message ${rowsSoFar + 1} has no orderbook row (${files.orderbook} ends at row ${rowsSoFar}); row k of the orderbook file is the book after message k`,
    );
  }
  let rows = rowsSoFar;
  for (let r = rest.next(); r.done !== true; r = rest.next()) rows += r.value.count;
  return new UserError(
    "replay-length-mismatch",
    `${files.orderbook}:${messages + 1}: row: orderbook row ${messages + 1} has no message (${files.messages} ends at message ${messages}; the orderbook file has ${rows} rows)`,
  );
}
