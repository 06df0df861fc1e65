/**
 * The bar path of the VWAP benchmark against a real day (../shared/oracles/tca.md): LOBSTER AMZN 2012-06-21, read with
 * the repository's LOBSTER reader, cut into one-second bars by the same builder that records the engine's market, then
 * queried through MarketSeries. All executions (types 4 and 5): 810,755 shares at VWAP 222.634765; visible ones
 * (type 4): 8,974 prints, 613,248 shares at 222.640138; the last mid 220.5750.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EXECUTION, HIDDEN_EXECUTION, newYorkMidnightMicros } from "../market/replay/lobster-format.js";
import { pairedBatches } from "../market/replay/lobster-pairs.js";
import { readLobsterBook, readLobsterMessages } from "../market/replay/lobster-reader.js";
import { RowProblems } from "../market/replay/row-problems.js";
import { MarketBarBuilder } from "./market-bar-builder.js";
import { MarketSeries } from "./market-series.js";

const DIR = fileURLToPath(new URL("../../../shared/data/lobster/", import.meta.url));
const messages = `${DIR}AMZN_2012-06-21_34200000_57600000_message_1.csv`;
const orderbook = `${DIR}AMZN_2012-06-21_34200000_57600000_orderbook_1.csv`;

/** Bars of the day; `visibleOnly` keeps type-4 prints (hidden executions are left out of the volume). */
function amznSeries(visibleOnly: boolean): { series: MarketSeries; prints: number } {
  const series = new MarketSeries("AMZN");
  let seq = 0;
  const builder = new MarketBarBuilder("AMZN", (bar) => series.add({ ...bar, seq: ++seq, time: 0 }));
  const problems = new RowProblems(false);
  const midnight = newYorkMidnightMicros("2012-06-21");
  let prints = 0;
  for (const [m, b] of pairedBatches(readLobsterMessages(messages, problems), readLobsterBook(orderbook, problems), {
    messages,
    orderbook,
  })) {
    for (let k = 0; k < m.count; k++) {
      const time = midnight + Math.floor((m.timeNs[k] as number) / 1000);
      const type = m.type[k];
      if (type === EXECUTION || (type === HIDDEN_EXECUTION && !visibleOnly)) {
        builder.trade(time, m.price[k] as number, m.size[k] as number);
        prints++;
      }
      const row = k * b.levels * 4;
      builder.quote(time, b.data[row + 2] as number, b.data[row] as number);
    }
  }
  builder.flush();
  return { series, prints };
}

describe("VWAP from market bars: LOBSTER AMZN 2012-06-21", () => {
  it("all executions: 810,755 shares, VWAP 222.634765; last mid 220.5750", () => {
    const { series } = amznSeries(false);
    const all = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] as const;
    expect(series.volume(...all)).toBe(810_755);
    // Prices are dollars x 10^4.
    expect(series.dayVwap() / 1e4).toBeCloseTo(222.634765, 6);
    expect(series.midAt(series.lastEnd) / 1e4).toBeCloseTo(220.575, 10);
    // An interval VWAP is the same sum over fewer bars: the two halves bracket the day.
    const noon = newYorkMidnightMicros("2012-06-21") + 12 * 3600 * 1e6;
    const [morning, afternoon] = [series.vwap(all[0], noon - 1), series.vwap(noon, all[1])];
    const day = series.dayVwap();
    expect(Math.min(morning, afternoon)).toBeLessThanOrEqual(day);
    expect(Math.max(morning, afternoon)).toBeGreaterThanOrEqual(day);
  });

  it("visible executions only: 8,974 prints, 613,248 shares, VWAP 222.640138", () => {
    const { series, prints } = amznSeries(true);
    expect(prints).toBe(8_974);
    expect(series.volume(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(613_248);
    expect(series.dayVwap() / 1e4).toBeCloseTo(222.640138, 6);
  });
});
