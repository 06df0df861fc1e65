/**
 * `replay tardis`: reads one Tardis.dev CSV (or Binance depth CSV) and does what its schema allows (tardis-schema.ts):
 * - incremental_book_L2 / binance_depth: rebuilds the L2 book (a run of snapshot rows replaces the book; other rows set
 *   a level's absolute amount, 0 removes it), counts snapshots and updates, and checks the book is never crossed at the
 *   end of a timestamp (Binance CSV: also the update-id chain, pu == previous u, counting gaps);
 * - book_snapshot_N: checks each row's levels are in price order and not crossed, keeps the last as the final book;
 * - trades, quotes: parses and counts (crossed quotes counted).
 * Pure `LineSink`: line 1 is the header; bad rows go to `RowProblems` (error, or counted skip when lenient).
 * Known limit: one exchange and symbol per file is assumed for the book schemas (Tardis files are per symbol).
 */
import { UserError } from "../../core/errors.js";
import { formatDecimal } from "../../core/fixed-point.js";
import { parseAsciiFixed, parseAsciiInt } from "./ascii-number.js";
import { bytesText, type LineSink, splitFields } from "./byte-lines.js";
import { L2Book } from "./l2-book.js";
import { describeProblem, type RowProblems } from "./row-problems.js";
import { detectSchema, KNOWN_SCHEMAS, type SchemaMatch, TARDIS_DECIMALS, type TardisSchema } from "./tardis-schema.js";

export interface TardisReport {
  readonly file: string;
  readonly schema: TardisSchema;
  /** Levels per side of a book_snapshot_N file, else 0. */
  readonly levels: number;
  readonly exchange: string;
  readonly symbol: string;
  readonly rows: number;
  /** Book schemas: snapshot runs seen, level updates applied, update-id gaps (Binance CSV), crossed book states. */
  readonly snapshots: number;
  readonly updates: number;
  readonly gaps: number;
  readonly crossed: number;
  readonly finalBbo: {
    readonly bid: string;
    readonly bidQty: string;
    readonly ask: string;
    readonly askQty: string;
  } | null;
}

export class TardisReplay implements LineSink {
  private match: SchemaMatch | null = null;
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private readonly book = new L2Book();
  private exchange = "";
  private symbol = "";
  private rows = 0;
  private snapshots = 0;
  private updates = 0;
  private gaps = 0;
  private crossed = 0;
  private inSnapshot = false;
  private lastTimestamp = Number.NaN;
  private lastUpdateId = Number.NaN;
  private snapshotUpdateId = Number.NaN;

  constructor(
    private readonly file: string,
    private readonly problems: RowProblems,
  ) {}

  line(bytes: Uint8Array, start: number, end: number, lineNumber: number): void {
    if (this.match === null) {
      this.header(bytesText(bytes, start, end), lineNumber);
      return;
    }
    const match = this.match;
    const count = splitFields(bytes, start, end, this.starts, this.ends);
    if (count !== match.columns.length) {
      this.bad(
        lineNumber,
        "row",
        `expected ${match.columns.length} comma-separated fields, got ${start === end ? "an empty line" : count}`,
      );
      return;
    }
    this.rows++;
    switch (match.schema) {
      case "incremental_book_L2":
        this.incremental(bytes, lineNumber);
        return;
      case "binance_depth":
        this.binanceDepth(bytes, lineNumber);
        return;
      case "book_snapshot":
        this.snapshotRow(bytes, lineNumber, match.levels);
        return;
      case "trades":
        this.trade(bytes, lineNumber);
        return;
      case "quotes":
        this.quote(bytes, lineNumber);
        return;
    }
  }

  finish(): TardisReport {
    if (this.match === null) {
      throw new UserError(
        "replay-bad-row",
        describeProblem({ file: this.file, line: 1, field: "header", message: "the file is empty" }),
      );
    }
    this.endOfTimestamp();
    const { bids, asks } = this.book;
    const text = (units: number): string => trim(formatDecimal(units, TARDIS_DECIMALS));
    return {
      file: this.file,
      schema: this.match.schema,
      levels: this.match.levels,
      exchange: this.exchange,
      symbol: this.symbol,
      rows: this.rows,
      snapshots: this.snapshots,
      updates: this.updates,
      gaps: this.gaps,
      crossed: this.crossed,
      finalBbo:
        bids.depth > 0 && asks.depth > 0
          ? {
              bid: text(bids.priceAt(0)),
              bidQty: text(bids.qtyAt(0)),
              ask: text(asks.priceAt(0)),
              askQty: text(asks.qtyAt(0)),
            }
          : null,
    };
  }

  private header(text: string, lineNumber: number): void {
    const columns = text.split(",");
    const match = detectSchema(columns);
    if (match === null) {
      const message = `not a known CSV schema (${KNOWN_SCHEMAS}); the header starts ${JSON.stringify(text.slice(0, 80))}`;
      throw new UserError(
        "replay-bad-row",
        describeProblem({ file: this.file, line: lineNumber, field: "header", message }),
      );
    }
    this.match = match;
    this.starts = new Int32Array(match.columns.length);
    this.ends = new Int32Array(match.columns.length);
  }

  // ---- schemas ---------------------------------------------------------------------------------------------------

  private incremental(bytes: Uint8Array, lineNumber: number): void {
    this.names(bytes, 0, 1);
    const timestamp = this.int(bytes, lineNumber, 2);
    if (Number.isNaN(timestamp)) return;
    const snapshot = this.choice(bytes, lineNumber, 4, ["true", "false"]);
    const side = this.choice(bytes, lineNumber, 5, ["bid", "ask"]);
    if (snapshot < 0 || side < 0) return;
    const price = this.decimal(bytes, lineNumber, 6, true);
    const amount = this.decimal(bytes, lineNumber, 7, false);
    if (Number.isNaN(price) || Number.isNaN(amount)) return;
    if (timestamp !== this.lastTimestamp) this.endOfTimestamp();
    this.lastTimestamp = timestamp;
    this.setLevel(snapshot === 0, side === 0, price, amount);
  }

  private binanceDepth(bytes: Uint8Array, lineNumber: number): void {
    this.names(bytes, -1, 0);
    const timestamp = this.int(bytes, lineNumber, 1);
    const first = this.int(bytes, lineNumber, 2);
    const last = this.int(bytes, lineNumber, 3);
    if (Number.isNaN(timestamp) || Number.isNaN(first) || Number.isNaN(last)) return;
    const side = this.choice(bytes, lineNumber, 4, ["b", "a"]);
    const type = this.choice(bytes, lineNumber, 5, ["snap", "set"]);
    if (side < 0 || type < 0) return;
    const price = this.decimal(bytes, lineNumber, 6, true);
    const qty = this.decimal(bytes, lineNumber, 7, false);
    const pu = this.int(bytes, lineNumber, 8);
    if (Number.isNaN(price) || Number.isNaN(qty) || Number.isNaN(pu)) return;
    if (timestamp !== this.lastTimestamp) this.endOfTimestamp();
    this.lastTimestamp = timestamp;
    const snapshot = type === 0;
    if (snapshot) this.snapshotUpdateId = last;
    else if (last !== this.lastUpdateId) {
      // A new diff event: it must follow the previous one (or straddle the snapshot it starts from).
      const previous = this.lastUpdateId;
      const followsSnapshot = Number.isNaN(previous) && !Number.isNaN(this.snapshotUpdateId);
      const ok = Number.isNaN(previous)
        ? !followsSnapshot || (first <= this.snapshotUpdateId && this.snapshotUpdateId <= last)
        : pu === previous;
      if (!ok) this.gaps++;
      this.lastUpdateId = last;
    }
    this.setLevel(snapshot, side === 0, price, qty);
  }

  private snapshotRow(bytes: Uint8Array, lineNumber: number, levels: number): void {
    this.names(bytes, 0, 1);
    const book = this.book;
    book.clear();
    for (let i = 0; i < levels; i++) {
      for (const [offset, bid] of [
        [0, false],
        [2, true],
      ] as const) {
        const k = 4 + i * 4 + offset;
        if (this.starts[k] === this.ends[k] && this.starts[k + 1] === this.ends[k + 1]) continue; // no level
        const price = this.decimal(bytes, lineNumber, k, true);
        const amount = this.decimal(bytes, lineNumber, k + 1, false);
        if (Number.isNaN(price) || Number.isNaN(amount)) return;
        const ladder = bid ? book.bids : book.asks;
        if (ladder.depth > 0 && !ladder.isBetter(ladder.priceAt(ladder.depth - 1), price)) {
          this.bad(
            lineNumber,
            this.column(k),
            `${bytesText(bytes, this.starts[k] as number, this.ends[k] as number)} is out of price order`,
          );
          return;
        }
        if (amount > 0) ladder.set(price, amount);
      }
    }
    this.snapshots++;
    if (book.isCrossed()) this.crossed++;
  }

  private trade(bytes: Uint8Array, lineNumber: number): void {
    this.names(bytes, 0, 1);
    if (Number.isNaN(this.int(bytes, lineNumber, 2))) return;
    if (this.choice(bytes, lineNumber, 5, ["buy", "sell", "unknown"]) < 0) return;
    if (Number.isNaN(this.decimal(bytes, lineNumber, 6, true))) return;
    this.decimal(bytes, lineNumber, 7, true);
  }

  private quote(bytes: Uint8Array, lineNumber: number): void {
    this.names(bytes, 0, 1);
    if (Number.isNaN(this.int(bytes, lineNumber, 2))) return;
    const values: number[] = [];
    for (let k = 4; k < 8; k++) {
      // A side without a quote is written empty.
      if (this.starts[k] === this.ends[k]) values.push(Number.NaN);
      else {
        const v = this.decimal(bytes, lineNumber, k, k === 5 || k === 6);
        if (Number.isNaN(v)) return;
        values.push(v);
      }
    }
    const [, ask, bid] = values as [number, number, number, number];
    if (bid >= ask) this.crossed++;
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private setLevel(snapshot: boolean, bid: boolean, price: number, amount: number): void {
    if (snapshot && !this.inSnapshot) {
      this.book.clear();
      this.snapshots++;
    }
    this.inSnapshot = snapshot;
    (bid ? this.book.bids : this.book.asks).set(price, amount);
    if (!snapshot) this.updates++;
  }

  /** A timestamp's rows are all in: the book must not be crossed now. */
  private endOfTimestamp(): void {
    if (!Number.isNaN(this.lastTimestamp) && this.book.isCrossed()) this.crossed++;
  }

  private names(bytes: Uint8Array, exchange: number, symbol: number): void {
    if (this.rows !== 1) return;
    if (exchange >= 0) this.exchange = bytesText(bytes, this.starts[exchange] as number, this.ends[exchange] as number);
    this.symbol = bytesText(bytes, this.starts[symbol] as number, this.ends[symbol] as number);
  }

  private int(bytes: Uint8Array, lineNumber: number, k: number): number {
    const value = parseAsciiInt(bytes, this.starts[k] as number, this.ends[k] as number);
    if (Number.isNaN(value)) this.badField(bytes, lineNumber, k, "a whole number");
    return value;
  }

  private decimal(bytes: Uint8Array, lineNumber: number, k: number, positive: boolean): number {
    const value = parseAsciiFixed(bytes, this.starts[k] as number, this.ends[k] as number, TARDIS_DECIMALS);
    if (positive ? value > 0 : value >= 0) return value;
    this.badField(
      bytes,
      lineNumber,
      k,
      `a decimal ${positive ? "> 0" : ">= 0"} with at most ${TARDIS_DECIMALS} decimals`,
    );
    return Number.NaN;
  }

  private choice(bytes: Uint8Array, lineNumber: number, k: number, options: readonly string[]): number {
    const text = bytesText(bytes, this.starts[k] as number, this.ends[k] as number);
    const index = options.indexOf(text);
    if (index < 0)
      this.bad(lineNumber, this.column(k), `expected ${options.join(" or ")}, got ${JSON.stringify(text)}`);
    return index;
  }

  private badField(bytes: Uint8Array, lineNumber: number, k: number, expected: string): void {
    const text = bytesText(bytes, this.starts[k] as number, this.ends[k] as number);
    this.bad(lineNumber, this.column(k), `expected ${expected}, got ${JSON.stringify(text)}`);
  }

  private column(k: number): string {
    return (this.match as SchemaMatch).columns[k] as string;
  }

  private bad(lineNumber: number, field: string, message: string): void {
    this.problems.report(this.file, lineNumber, field, message);
  }
}

function trim(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}
