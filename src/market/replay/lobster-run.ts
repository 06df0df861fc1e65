/**
 * `replay lobster` without `--check`: one pass of the book through a LOBSTER message file with the resync rule (rows are
 * read only where a level surfaces), and a summary of what happened and where the book ended. Pure over batches.
 */
import { UserError } from "../../core/errors.js";
import {
  formatLobsterPrice,
  type LobsterBookRows,
  type LobsterMessages,
  MessageTypeCounts,
  SKIPPED,
} from "./lobster-format.js";
import { type LobsterFiles, pairedBatches } from "./lobster-pairs.js";
import { LobsterReplay } from "./lobster-replay.js";
import type { PriceLadder } from "./price-ladder.js";

export interface LobsterRunSummary {
  readonly messagesFile: string;
  readonly orderbookFile: string;
  readonly levels: number;
  readonly messages: number;
  readonly messagesByType: Readonly<Record<string, number>>;
  readonly levelsSurfaced: number;
  readonly unknownOrderReductions: number;
  /** The visible window at the end, best first, prices in dollars. */
  readonly finalBook: { readonly bids: readonly string[]; readonly asks: readonly string[] };
}

export function replayLobster(
  messages: Iterable<LobsterMessages>,
  rows: Iterable<LobsterBookRows>,
  files: LobsterFiles,
): LobsterRunSummary {
  let replay: LobsterReplay | null = null;
  let total = 0;
  const byType = new MessageTypeCounts();
  for (const [batch, rowBatch] of pairedBatches(messages, rows, files)) {
    const { type, orderId, size, price, direction } = batch;
    const width = rowBatch.levels * 4;
    let start = 0;
    if (replay === null) {
      replay = new LobsterReplay(rowBatch.levels, true);
      replay.stepWithoutRow(
        type[0] as number,
        orderId[0] as number,
        size[0] as number,
        price[0] as number,
        direction[0] as number,
      );
      replay.seed(rowBatch.data, 0);
      byType.add(type[0] as number);
      start = 1;
    }
    for (let i = start; i < batch.count; i++) {
      const t = type[i] as number;
      byType.add(t);
      if (t === SKIPPED) continue;
      if (rowBatch.skipped[i] === 1) {
        replay.stepWithoutRow(t, orderId[i] as number, size[i] as number, price[i] as number, direction[i] as number);
      } else {
        replay.step(
          t,
          orderId[i] as number,
          size[i] as number,
          price[i] as number,
          direction[i] as number,
          rowBatch.data,
          i * width,
        );
      }
    }
    total += batch.count;
  }
  if (replay === null) throw new UserError("replay-empty", `${files.messages}: no messages`);
  const levels = replay.levels;
  return {
    messagesFile: files.messages,
    orderbookFile: files.orderbook,
    levels,
    messages: total,
    messagesByType: byType.byName(),
    levelsSurfaced: replay.surfaced,
    unknownOrderReductions: replay.book.unknownOrders,
    finalBook: {
      bids: window(replay.book.bids, levels),
      asks: window(replay.book.asks, levels),
    },
  };
}

function window(ladder: PriceLadder, levels: number): string[] {
  const out: string[] = [];
  for (let rank = 0; rank < Math.min(levels, ladder.depth); rank++) {
    out.push(`${formatLobsterPrice(ladder.priceAt(rank))} x ${ladder.qtyAt(rank)}`);
  }
  return out;
}
