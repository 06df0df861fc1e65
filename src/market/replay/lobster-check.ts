/**
 * `replay lobster --check`: rebuilds the book from a LOBSTER message file twice in one pass, with the resync rule and
 * from the messages alone (lobster-replay.ts), and compares both with LOBSTER's own orderbook file after every message
 * (every level of a level-N file). Pure over batches: the CLI feeds it the readers' output, tests may feed it memory.
 *
 * Both books are seeded from the first orderbook row, which is the book after message 1, so row 1 matches by
 * construction and is not counted: rows 2..n are compared. With the rule every row must match; each row that does not is
 * a bug and is reported with what the row says and what was rebuilt (the first `maxShown`, and the count). Rows a
 * lenient reader skipped (or whose message it skipped) are not compared; a level that should have surfaced at a
 * skipped row cannot, and the rows after it will say so.
 */

import { UserError } from "../../core/errors.js";
import { formatDecimal } from "../../core/fixed-point.js";
import {
  EMPTY_ASK_PRICE,
  EMPTY_BID_PRICE,
  formatLobsterPrice,
  type LobsterBookRows,
  type LobsterMessages,
  MessageTypeCounts,
  SKIPPED,
} from "./lobster-format.js";
import { type LobsterFiles, pairedBatches } from "./lobster-pairs.js";
import { LobsterReplay } from "./lobster-replay.js";
import type { PriceLadder } from "./price-ladder.js";

export interface LobsterMismatch {
  /** Line of the message and of the row (the same number in both files). */
  readonly line: number;
  /** The message, as the file writes it. */
  readonly message: string;
  /** The levels that differ: "ask 1: row 223.95 x 100, rebuilt 223.95 x 200". */
  readonly differences: readonly string[];
}

export interface LobsterCheckReport {
  readonly messagesFile: string;
  readonly orderbookFile: string;
  readonly levels: number;
  readonly messages: number;
  readonly messagesByType: Readonly<Record<string, number>>;
  /** Rows compared: every row but the first (the seed) and the skipped ones. */
  readonly rowsCompared: number;
  readonly withResync: {
    readonly rowsMatched: number;
    readonly share: number;
    /** Levels taken from the orderbook rows because they entered the window from below. */
    readonly levelsSurfaced: number;
    /** Stale levels dropped when a level surfaced past them. */
    readonly staleLevelsRemoved: number;
    readonly mismatches: number;
    readonly shown: readonly LobsterMismatch[];
  };
  readonly messagesOnly: {
    readonly rowsMatched: number;
    readonly share: number;
    /** Reductions at a price where the book had no level, or below zero: what the messages alone cannot explain. */
    readonly missingLevels: number;
    readonly overdrawnLevels: number;
  };
  /** Executions, cancellations and deletions of orders whose submission the file does not show. */
  readonly unknownOrderReductions: number;
  readonly skippedMessages: number;
  readonly skippedRows: number;
}

export interface LobsterCheckOptions {
  readonly files: LobsterFiles;
  /** How many mismatching rows the report describes in full (all are counted). */
  readonly maxShown: number;
}

export function checkLobster(
  messages: Iterable<LobsterMessages>,
  rows: Iterable<LobsterBookRows>,
  options: LobsterCheckOptions,
): LobsterCheckReport {
  let resynced: LobsterReplay | null = null;
  let alone: LobsterReplay | null = null;
  let levels = 0;
  let total = 0;
  let compared = 0;
  let matchedResync = 0;
  let matchedAlone = 0;
  let mismatches = 0;
  let skippedMessages = 0;
  let skippedRows = 0;
  const byType = new MessageTypeCounts();
  const shown: LobsterMismatch[] = [];

  for (const [batch, rowBatch] of pairedBatches(messages, rows, options.files)) {
    const { type, orderId, size, price, direction } = batch;
    const data = rowBatch.data;
    const skipped = rowBatch.skipped;
    const width = rowBatch.levels * 4;
    let start = 0;
    if (resynced === null || alone === null) {
      levels = rowBatch.levels;
      if (skipped[0] === 1) {
        throw new UserError(
          "replay-no-seed",
          `${options.files.orderbook}:${rowBatch.firstLine}: row: the first orderbook row seeds the book and cannot be skipped`,
        );
      }
      resynced = new LobsterReplay(levels, true);
      alone = new LobsterReplay(levels, false);
      // The first row is the book after message 1: apply it for its order id, then load the row over it.
      resynced.stepWithoutRow(
        type[0] as number,
        orderId[0] as number,
        size[0] as number,
        price[0] as number,
        direction[0] as number,
      );
      alone.stepWithoutRow(
        type[0] as number,
        orderId[0] as number,
        size[0] as number,
        price[0] as number,
        direction[0] as number,
      );
      resynced.seed(data, 0);
      alone.seed(data, 0);
      byType.add(type[0] as number);
      start = 1;
    }
    for (let i = start; i < batch.count; i++) {
      const t = type[i] as number;
      byType.add(t);
      const offset = i * width;
      if (t === SKIPPED) {
        skippedMessages++;
        if (skipped[i] === 1) skippedRows++;
        continue;
      }
      const id = orderId[i] as number;
      const q = size[i] as number;
      const p = price[i] as number;
      const d = direction[i] as number;
      if (skipped[i] === 1) {
        // No row to surface from or compare with: the message still moves both books.
        resynced.stepWithoutRow(t, id, q, p, d);
        alone.stepWithoutRow(t, id, q, p, d);
        skippedRows++;
        continue;
      }
      resynced.step(t, id, q, p, d, data, offset);
      alone.step(t, id, q, p, d, data, offset);
      compared++;
      if (alone.matches(data, offset)) matchedAlone++;
      if (resynced.matches(data, offset)) matchedResync++;
      else {
        mismatches++;
        if (shown.length < options.maxShown) shown.push(describeMismatch(resynced, batch, i, rowBatch, offset));
      }
    }
    total += batch.count;
  }

  const book = alone?.book;
  if (total === 0) throw new UserError("replay-empty", `${options.files.messages}: no messages`);
  return {
    messagesFile: options.files.messages,
    orderbookFile: options.files.orderbook,
    levels,
    messages: total,
    messagesByType: byType.byName(),
    rowsCompared: compared,
    withResync: {
      rowsMatched: matchedResync,
      share: compared === 0 ? 1 : matchedResync / compared,
      levelsSurfaced: resynced?.surfaced ?? 0,
      staleLevelsRemoved: resynced?.staleRemoved ?? 0,
      mismatches,
      shown,
    },
    messagesOnly: {
      rowsMatched: matchedAlone,
      share: compared === 0 ? 1 : matchedAlone / compared,
      missingLevels: book?.missingLevels ?? 0,
      overdrawnLevels: (book?.bids.overdrawn ?? 0) + (book?.asks.overdrawn ?? 0),
    },
    unknownOrderReductions: resynced?.book.unknownOrders ?? 0,
    skippedMessages,
    skippedRows,
  };
}

/** The message as its line reads, and each level where the rebuilt book and the row differ. */
function describeMismatch(
  replay: LobsterReplay,
  batch: LobsterMessages,
  i: number,
  rows: LobsterBookRows,
  offset: number,
): LobsterMismatch {
  const message = [
    formatDecimal(batch.timeNs[i] as number, 9)
      .replace(/0+$/, "")
      .replace(/\.$/, ""),
    batch.type[i],
    batch.orderId[i],
    batch.size[i],
    batch.price[i],
    batch.direction[i],
  ].join(",");
  const differences: string[] = [];
  const { asks, bids } = replay.book;
  for (let level = 0; level < rows.levels; level++) {
    const base = offset + level * 4;
    differ(
      differences,
      `ask ${level + 1}`,
      rows.data[base] as number,
      rows.data[base + 1] as number,
      EMPTY_ASK_PRICE,
      asks,
      level,
    );
    differ(
      differences,
      `bid ${level + 1}`,
      rows.data[base + 2] as number,
      rows.data[base + 3] as number,
      EMPTY_BID_PRICE,
      bids,
      level,
    );
  }
  return { line: batch.firstLine + i, message, differences };
}

function differ(
  out: string[],
  name: string,
  rowPrice: number,
  rowSize: number,
  empty: number,
  ladder: PriceLadder,
  rank: number,
): void {
  const row = rowPrice === empty ? "none" : `${formatLobsterPrice(rowPrice)} x ${rowSize}`;
  const rebuilt = rank < ladder.depth ? `${formatLobsterPrice(ladder.priceAt(rank))} x ${ladder.qtyAt(rank)}` : "none";
  if (row !== rebuilt) out.push(`${name}: row ${row}, rebuilt ${rebuilt}`);
}
