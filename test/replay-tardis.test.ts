/**
 * The Tardis.dev CSV samples (and Binance depth CSVs) in ../shared/data/crypto/tardis, read in place: every schema is
 * recognised and every row parses exactly; the book schemas rebuild a book that is never crossed.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RowProblems } from "../src/market/replay/row-problems.js";
import { replayTardisFile } from "../src/market/replay/tardis-reader.js";

const TARDIS = join(import.meta.dirname, "..", "..", "shared", "data", "crypto", "tardis");

describe("Tardis CSV samples", () => {
  it.each([
    ["binance-futures_book_snapshot_25_BTCUSDT.csv", "book_snapshot", 10, { levels: 25, crossed: 0 }],
    ["binance-futures_book_snapshot_5_BTCUSDT.csv", "book_snapshot", 10, { levels: 5, crossed: 0 }],
    ["binance_btcusdt-depth-snap.csv", "binance_depth", 100, { snapshots: 1, gaps: 0 }],
    ["binance_btcusdt-depth-update.csv", "binance_depth", 100, { updates: 100, gaps: 0, crossed: 0 }],
    ["bitmex_trades_XBTUSD.csv", "trades", 10, { exchange: "bitmex", symbol: "XBTUSD" }],
    ["deribit_incremental_book_L2_BTC-PERPETUAL.csv", "incremental_book_L2", 15, { snapshots: 1, crossed: 0 }],
    ["huobi-dm-swap_quotes_BTC-USD.csv", "quotes", 10, { crossed: 0 }],
  ])("%s: %s, %i rows", async (file, schema, rows, extra) => {
    const report = await replayTardisFile(join(TARDIS, file), new RowProblems(false));
    expect(report).toMatchObject({ schema, rows, ...extra });
  });

  it("ends the 25-level snapshot file on its last row's best bid and offer", async () => {
    const report = await replayTardisFile(
      join(TARDIS, "binance-futures_book_snapshot_25_BTCUSDT.csv"),
      new RowProblems(false),
    );
    expect(report.finalBbo).toEqual({ bid: "11657.07", bidQty: "10.881", ask: "11657.08", askQty: "1.475" });
  });
});
