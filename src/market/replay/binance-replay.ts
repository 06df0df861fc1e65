/**
 * `replay binance`: rebuilds a Binance order book from a websocket capture (the depth snapshot plus depth diffs, by the
 * sequencing rules in binance-sync.ts) and checks it against the exchange's own best bid/offer stream: every bookTicker
 * whose update id u equals the u of an applied diff (or the snapshot's lastUpdateId) must show exactly the rebuilt
 * best bid and ask, prices and quantities. Diffs before the snapshot wait in a buffer; a bookTicker may arrive before
 * or after the diff with its id, so both sides wait for each other by id (diff ids are increasing, so a ticker whose id
 * is passed without a match had no diff of its own and is counted as not comparable).
 *
 * Pure: `line(text, n)` takes one capture line at a time; `replayBinanceCapture` feeds it from byte chunks (the reader
 * streams the gzip). Rules (spot or USD-M) come from the data: diffs with `pu` are futures.
 * Known limits: one symbol per capture; one snapshot (a gap cannot be repaired, only counted and reported); memory of
 * past diff ids for late tickers is bounded (`REMEMBERED_IDS`).
 */

import { type BookTicker, type DepthDiff, type PriceLevels, parseCaptureLine } from "./binance-capture.js";
import { type DepthRules, DepthSync } from "./binance-sync.js";
import { bytesText, type LineSink, LineSplitter } from "./byte-lines.js";
import { FeedScales } from "./feed-scales.js";
import { L2Book } from "./l2-book.js";
import type { RowProblems } from "./row-problems.js";

/** How many applied diff ids (with the best bid/offer after them) are kept for tickers that arrive late. */
const REMEMBERED_IDS = 1 << 16;

export interface BinanceReplayOptions {
  readonly file: string;
  readonly problems: RowProblems;
  /** How many mismatches and gaps the report describes in full (all are counted). */
  readonly maxShown: number;
}

export interface BboMismatch {
  readonly line: number;
  readonly updateId: number;
  readonly ticker: string;
  readonly rebuilt: string;
}

export interface BinanceReport {
  readonly file: string;
  readonly rules: DepthRules | "unknown";
  readonly symbol: string;
  /** Price and quantity steps the snapshot implied. */
  readonly tick: string;
  readonly lot: string;
  readonly lines: number;
  readonly snapshot: {
    readonly line: number;
    readonly lastUpdateId: number;
    readonly bids: number;
    readonly asks: number;
  } | null;
  readonly depthDiffs: number;
  readonly diffsBufferedBeforeSnapshot: number;
  readonly diffsDropped: number;
  readonly diffsApplied: number;
  /** Price levels set by applied diffs: the "depth updates" of the throughput figures. */
  readonly levelUpdates: number;
  readonly gaps: number;
  readonly gapLines: readonly number[];
  readonly bookTickers: number;
  readonly trades: number;
  readonly otherMessages: number;
  readonly check: {
    readonly tickersCompared: number;
    readonly tickersMatched: number;
    readonly mismatches: number;
    readonly shown: readonly BboMismatch[];
    /** Tickers whose update id is no applied diff's u (Binance batches diffs): nothing to compare them with. */
    readonly tickersWithoutDiff: number;
    readonly crossedAfterDiff: number;
  };
  readonly finalBbo: {
    readonly bid: string;
    readonly bidQty: string;
    readonly ask: string;
    readonly askQty: string;
  } | null;
}

interface PendingTicker {
  readonly ticker: BookTicker;
  readonly line: number;
}

export class BinanceReplay {
  readonly book = new L2Book();
  private sync: DepthSync | null = null;
  private rules: DepthRules | null = null;
  private scales: FeedScales | null = null;
  private symbol = "";
  private snapshotInfo: BinanceReport["snapshot"] = null;
  private readonly buffered: { diff: DepthDiff; line: number }[] = [];
  private readonly pending = new Map<number, PendingTicker>();
  private readonly bboById = new Map<number, Float64Array>();
  private readonly gapLines: number[] = [];
  private readonly shown: BboMismatch[] = [];
  private scratchPrices = new Float64Array(1024);
  private scratchQtys = new Float64Array(1024);
  private lines = 0;
  private depthDiffs = 0;
  private bufferedTotal = 0;
  private applied = 0;
  private levelUpdates = 0;
  private tickers = 0;
  private trades = 0;
  private others = 0;
  private compared = 0;
  private matched = 0;
  private mismatches = 0;
  private withoutDiff = 0;
  private crossed = 0;

  constructor(private readonly options: BinanceReplayOptions) {}

  line(text: string, lineNumber: number): void {
    this.lines = lineNumber;
    const message = parseCaptureLine(text);
    switch (message.kind) {
      case "problem":
        this.bad(lineNumber, message.field, message.message);
        return;
      case "snapshot":
        if (this.snapshotInfo !== null) {
          this.bad(lineNumber, "lastUpdateId", "a second depth snapshot: a capture replays from one snapshot");
          return;
        }
        this.onSnapshot(message.lastUpdateId, message.bids, message.asks, lineNumber);
        return;
      case "depth":
        this.depthDiffs++;
        if (this.symbol === "") this.symbol = message.symbol;
        if (this.rules === null) this.rules = message.previousUpdateId >= 0 ? "usdm" : "spot";
        if (this.sync === null && this.snapshotInfo !== null) this.startSync();
        if (this.sync === null) {
          this.buffered.push({ diff: message, line: lineNumber });
          this.bufferedTotal++;
        } else this.onDiff(message, lineNumber);
        return;
      case "bookTicker":
        this.tickers++;
        if (this.symbol === "") this.symbol = message.symbol;
        this.onTicker(message, lineNumber);
        return;
      case "trade":
        this.trades++;
        return;
      case "other":
        this.others++;
        return;
    }
  }

  /** The capture is over: tickers still waiting for a diff never got one. */
  finish(): BinanceReport {
    this.withoutDiff += this.pending.size;
    this.pending.clear();
    const scales = this.scales;
    const { bids, asks } = this.book;
    const instrument = scales?.instrument;
    const bbo =
      instrument !== undefined && scales !== null && bids.depth > 0 && asks.depth > 0
        ? {
            bid: instrument.formatPrice(bids.priceAt(0)),
            bidQty: instrument.formatQuantity(bids.qtyAt(0)),
            ask: instrument.formatPrice(asks.priceAt(0)),
            askQty: instrument.formatQuantity(asks.qtyAt(0)),
          }
        : null;
    return {
      file: this.options.file,
      rules: this.rules ?? "unknown",
      symbol: this.symbol,
      tick: instrument?.priceIncrement ?? "",
      lot: instrument?.lotSize ?? "",
      lines: this.lines,
      snapshot: this.snapshotInfo,
      depthDiffs: this.depthDiffs,
      diffsBufferedBeforeSnapshot: this.bufferedTotal,
      diffsDropped: this.sync?.dropped ?? 0,
      diffsApplied: this.applied,
      levelUpdates: this.levelUpdates,
      gaps: this.sync?.gaps ?? 0,
      gapLines: this.gapLines,
      bookTickers: this.tickers,
      trades: this.trades,
      otherMessages: this.others,
      check: {
        tickersCompared: this.compared,
        tickersMatched: this.matched,
        mismatches: this.mismatches,
        shown: this.shown,
        tickersWithoutDiff: this.withoutDiff,
        crossedAfterDiff: this.crossed,
      },
      finalBbo: bbo,
    };
  }

  private onSnapshot(lastUpdateId: number, bids: PriceLevels, asks: PriceLevels, lineNumber: number): void {
    const scales = FeedScales.fromLevels(this.symbol, [bids, asks]);
    if (scales === null) {
      this.bad(lineNumber, "bids", "prices or quantities with more decimals than the engine supports");
      return;
    }
    this.scales = scales;
    this.book.clear();
    if (!this.load(bids, "bids", lineNumber, true) || !this.load(asks, "asks", lineNumber, false)) {
      this.book.clear();
      this.scales = null;
      return;
    }
    this.snapshotInfo = { line: lineNumber, lastUpdateId, bids: bids.length, asks: asks.length };
    this.remember(lastUpdateId);
    this.settleTickers(lastUpdateId);
    if (this.rules !== null) this.startSync();
  }

  /** Both the snapshot and the rules are known: diffs buffered so far are offered in arrival order. */
  private startSync(): void {
    const sync = new DepthSync(this.rules as DepthRules);
    sync.snapshot((this.snapshotInfo as NonNullable<BinanceReport["snapshot"]>).lastUpdateId);
    this.sync = sync;
    for (const { diff, line } of this.buffered.splice(0)) this.onDiff(diff, line);
  }

  private onDiff(diff: DepthDiff, lineNumber: number): void {
    const sync = this.sync as DepthSync;
    const verdict = sync.offer(diff.firstUpdateId, diff.lastUpdateId, diff.previousUpdateId);
    if (verdict === "drop") return;
    if (verdict === "gap" && this.gapLines.length < this.options.maxShown) this.gapLines.push(lineNumber);
    if (!this.load(diff.bids, "data.b", lineNumber, true) || !this.load(diff.asks, "data.a", lineNumber, false)) return;
    this.applied++;
    if (this.book.isCrossed()) this.crossed++;
    this.remember(diff.lastUpdateId);
    this.settleTickers(diff.lastUpdateId);
  }

  /**
   * Parses every level of one side first, then sets them, so a bad value leaves the book untouched. Returns false (after
   * reporting) when a value is bad.
   */
  private load(levels: PriceLevels, field: string, lineNumber: number, bids: boolean): boolean {
    const scales = this.scales as FeedScales;
    const n = levels.length;
    if (n > this.scratchPrices.length) {
      this.scratchPrices = new Float64Array(n * 2);
      this.scratchQtys = new Float64Array(n * 2);
    }
    const prices = this.scratchPrices;
    const qtys = this.scratchQtys;
    for (let i = 0; i < n; i++) {
      const level = levels[i] as readonly [string, string];
      const price = scales.price(level[0]);
      if (!(price > 0)) {
        this.bad(lineNumber, `${field}[${i}][0]`, scales.problem(level[0], "price"));
        return false;
      }
      const qty = scales.qty(level[1]);
      if (!(qty >= 0)) {
        this.bad(lineNumber, `${field}[${i}][1]`, scales.problem(level[1], "quantity"));
        return false;
      }
      prices[i] = price;
      qtys[i] = qty;
    }
    const ladder = bids ? this.book.bids : this.book.asks;
    for (let i = 0; i < n; i++) ladder.set(prices[i] as number, qtys[i] as number);
    this.levelUpdates += n;
    return true;
  }

  private onTicker(ticker: BookTicker, lineNumber: number): void {
    const id = ticker.updateId;
    const sync = this.sync;
    const applied = sync === null ? (this.snapshotInfo?.lastUpdateId ?? -1) : sync.lastApplied;
    if (this.scales === null || id > applied) {
      this.pending.set(id, { ticker, line: lineNumber });
      return;
    }
    const bbo = this.bboById.get(id);
    if (bbo === undefined) this.withoutDiff++;
    else this.compare(ticker, lineNumber, bbo);
  }

  /** The book now reflects update `id`: tickers waiting for it are compared, those it passed had no diff. */
  private settleTickers(id: number): void {
    if (this.pending.size === 0) return;
    for (const [tickerId, waiting] of this.pending) {
      if (tickerId > id) continue;
      this.pending.delete(tickerId);
      if (tickerId === id) this.compare(waiting.ticker, waiting.line, this.bboById.get(id) as Float64Array);
      else this.withoutDiff++;
    }
  }

  private remember(id: number): void {
    const { bids, asks } = this.book;
    const bbo = new Float64Array([bids.priceAt(0), bids.qtyAt(0), asks.priceAt(0), asks.qtyAt(0)]);
    this.bboById.set(id, bbo);
    if (this.bboById.size > REMEMBERED_IDS) {
      const oldest = this.bboById.keys().next().value as number;
      this.bboById.delete(oldest);
    }
  }

  private compare(ticker: BookTicker, lineNumber: number, bbo: Float64Array): void {
    const scales = this.scales as FeedScales;
    const values = [ticker.bidPrice, ticker.bidQty, ticker.askPrice, ticker.askQty];
    const fields = ["data.b", "data.B", "data.a", "data.A"];
    let same = true;
    for (let k = 0; k < 4; k++) {
      const text = values[k] as string;
      const isPrice = k % 2 === 0;
      const value = isPrice ? scales.price(text) : scales.qty(text);
      if (Number.isNaN(value)) {
        this.bad(lineNumber, fields[k] as string, scales.problem(text, isPrice ? "price" : "quantity"));
        return;
      }
      if (value !== bbo[k]) same = false;
    }
    this.compared++;
    if (same) {
      this.matched++;
      return;
    }
    this.mismatches++;
    if (this.shown.length < this.options.maxShown) {
      const { instrument } = scales;
      const side = (price: number, qty: number): string =>
        Number.isNaN(price) ? "none" : `${instrument.formatPrice(price)} x ${instrument.formatQuantity(qty)}`;
      this.shown.push({
        line: lineNumber,
        updateId: ticker.updateId,
        ticker: `bid ${ticker.bidPrice} x ${ticker.bidQty}, ask ${ticker.askPrice} x ${ticker.askQty}`,
        rebuilt: `bid ${side(bbo[0] as number, bbo[1] as number)}, ask ${side(bbo[2] as number, bbo[3] as number)}`,
      });
    }
  }

  private bad(lineNumber: number, field: string, message: string): void {
    this.options.problems.report(this.options.file, lineNumber, field, message);
  }
}

/** Feeds a capture's byte chunks (decompressed) to a `BinanceReplay`, line by line, and returns its report. */
export async function replayBinanceCapture(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: BinanceReplayOptions,
): Promise<BinanceReport> {
  const replay = new BinanceReplay(options);
  const sink: LineSink = {
    line(bytes, start, end, lineNumber) {
      if (start === end) {
        options.problems.report(options.file, lineNumber, "row", "an empty line");
        return;
      }
      replay.line(bytesText(bytes, start, end), lineNumber);
    },
  };
  const lines = new LineSplitter(sink);
  for await (const chunk of chunks) lines.push(chunk);
  lines.end();
  return replay.finish();
}
