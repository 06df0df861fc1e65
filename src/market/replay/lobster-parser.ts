/**
 * Parsers of LOBSTER message and orderbook lines into column batches (lobster-format.ts). Pure: they are `LineSink`s
 * fed by a `LineSplitter`; the reader (lobster-reader.ts) does the file I/O. Full batches wait in `ready` until the
 * reader takes them; `finish()` hands over the last, partial one.
 *
 * Every field is checked in column order, so the first bad field of a row is the one named. Messages: 6 fields; time
 * >= 0 and never earlier than the previous message's; type 1..7; order id a whole number >= 0; size and price whole
 * numbers, > 0 for types 1-5; direction 1 or -1. Orderbook rows: 4 x levels fields (the first row fixes the number of
 * levels); every price and size a whole number; a missing level has LOBSTER's dummy price and size 0, a present one a
 * size > 0. A bad line is a `RowProblems` report: an error, or (lenient) a SKIPPED placeholder that keeps message k
 * aligned with row k.
 */
import { UserError } from "../../core/errors.js";
import { parseAsciiFixed, parseAsciiInt } from "./ascii-number.js";
import { bytesText, type LineSink, splitFields } from "./byte-lines.js";
import {
  BATCH_ROWS,
  EMPTY_ASK_PRICE,
  EMPTY_BID_PRICE,
  HIDDEN_EXECUTION,
  type LobsterBookRows,
  type LobsterMessages,
  newMessageBatch,
  SKIPPED,
  TRADING_HALT,
} from "./lobster-format.js";
import { describeProblem, type RowProblems } from "./row-problems.js";

const MESSAGE_FIELDS = ["time", "type", "order id", "size", "price", "direction"] as const;
const TIME_DECIMALS = 9;

export class LobsterMessageParser implements LineSink {
  /** Full batches not yet taken by the reader. */
  readonly ready: LobsterMessages[] = [];
  private batch: LobsterMessages | null = null;
  private lastTime = 0;
  private readonly starts = new Int32Array(MESSAGE_FIELDS.length);
  private readonly ends = new Int32Array(MESSAGE_FIELDS.length);

  constructor(
    private readonly file: string,
    private readonly problems: RowProblems,
    private readonly batchRows = BATCH_ROWS,
  ) {}

  line(bytes: Uint8Array, start: number, end: number, lineNumber: number): void {
    let batch = this.batch;
    if (batch === null) {
      batch = newMessageBatch(lineNumber, this.batchRows);
      this.batch = batch;
    }
    const i = batch.count++;
    if (!this.parse(bytes, start, end, lineNumber, batch, i)) {
      batch.type[i] = SKIPPED;
      batch.timeNs[i] = this.lastTime;
    }
    if (batch.count === this.batchRows) {
      this.ready.push(batch);
      this.batch = null;
    }
  }

  /** The last batch, partly filled, or null when there is none. */
  finish(): LobsterMessages | null {
    const batch = this.batch;
    this.batch = null;
    return batch !== null && batch.count > 0 ? batch : null;
  }

  private parse(
    bytes: Uint8Array,
    start: number,
    end: number,
    lineNumber: number,
    batch: LobsterMessages,
    i: number,
  ): boolean {
    const { starts, ends } = this;
    const fields = splitFields(bytes, start, end, starts, ends);
    if (fields !== MESSAGE_FIELDS.length) {
      const got = start === end ? "an empty line" : `${fields} field${fields === 1 ? "" : "s"}`;
      return this.bad(
        lineNumber,
        "row",
        `expected 6 comma-separated fields (time,type,order id,size,price,direction), got ${got}`,
      );
    }
    const time = parseAsciiFixed(bytes, starts[0] as number, ends[0] as number, TIME_DECIMALS);
    if (!(time >= 0)) return this.badNumber(bytes, lineNumber, 0, "seconds after midnight, at most 9 decimals");
    if (time < this.lastTime) {
      return this.bad(lineNumber, "time", `${this.text(bytes, 0)} is earlier than the previous message's time`);
    }
    const type = parseAsciiInt(bytes, starts[1] as number, ends[1] as number);
    if (!(type >= 1 && type <= TRADING_HALT)) {
      return this.bad(lineNumber, "type", `expected 1 to 7, got ${JSON.stringify(this.text(bytes, 1))}`);
    }
    const orderId = parseAsciiInt(bytes, starts[2] as number, ends[2] as number);
    if (!(orderId >= 0)) return this.badNumber(bytes, lineNumber, 2, "a whole number >= 0");
    const bookEvent = type <= HIDDEN_EXECUTION;
    const size = parseAsciiInt(bytes, starts[3] as number, ends[3] as number);
    if (!(bookEvent ? size > 0 : size >= 0)) {
      return this.badNumber(bytes, lineNumber, 3, bookEvent ? "a whole number of shares > 0" : "a whole number");
    }
    const price = parseAsciiInt(bytes, starts[4] as number, ends[4] as number);
    if (!(bookEvent ? price > 0 : Number.isSafeInteger(price))) {
      return this.badNumber(bytes, lineNumber, 4, bookEvent ? "dollars x 10000, a whole number > 0" : "a whole number");
    }
    const direction = parseAsciiInt(bytes, starts[5] as number, ends[5] as number);
    if (direction !== 1 && direction !== -1) {
      return this.bad(
        lineNumber,
        "direction",
        `expected 1 (buy) or -1 (sell), got ${JSON.stringify(this.text(bytes, 5))}`,
      );
    }
    this.lastTime = time;
    batch.timeNs[i] = time;
    batch.type[i] = type;
    batch.orderId[i] = orderId;
    batch.size[i] = size;
    batch.price[i] = price;
    batch.direction[i] = direction;
    return true;
  }

  private text(bytes: Uint8Array, field: number): string {
    return bytesText(bytes, this.starts[field] as number, this.ends[field] as number);
  }

  private badNumber(bytes: Uint8Array, lineNumber: number, field: number, expected: string): false {
    const shown = JSON.stringify(this.text(bytes, field));
    return this.bad(lineNumber, MESSAGE_FIELDS[field] as string, `expected ${expected}, got ${shown}`);
  }

  private bad(lineNumber: number, field: string, message: string): false {
    this.problems.report(this.file, lineNumber, field, message);
    return false;
  }
}

export class LobsterBookParser implements LineSink {
  readonly ready: LobsterBookRows[] = [];
  private batch: LobsterBookRows | null = null;
  /** Levels per row, fixed by the first line; 0 until then. */
  levels = 0;
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);

  constructor(
    private readonly file: string,
    private readonly problems: RowProblems,
    private readonly batchRows = BATCH_ROWS,
  ) {}

  line(bytes: Uint8Array, start: number, end: number, lineNumber: number): void {
    if (this.levels === 0) this.fixLevels(bytes, start, end, lineNumber);
    let batch = this.batch;
    if (batch === null) {
      batch = {
        count: 0,
        firstLine: lineNumber,
        levels: this.levels,
        data: new Float64Array(this.batchRows * this.levels * 4),
        skipped: new Uint8Array(this.batchRows),
      };
      this.batch = batch;
    }
    const r = batch.count++;
    if (!this.parse(bytes, start, end, lineNumber, batch, r)) {
      batch.skipped[r] = 1;
      batch.data.fill(0, r * this.levels * 4, (r + 1) * this.levels * 4);
    }
    if (batch.count === this.batchRows) {
      this.ready.push(batch);
      this.batch = null;
    }
  }

  finish(): LobsterBookRows | null {
    const batch = this.batch;
    this.batch = null;
    return batch !== null && batch.count > 0 ? batch : null;
  }

  /** The first row says how many levels the file has; it cannot be skipped. */
  private fixLevels(bytes: Uint8Array, start: number, end: number, lineNumber: number): void {
    const fields = splitFields(bytes, start, end, new Int32Array(0), new Int32Array(0));
    if (start === end || fields % 4 !== 0) {
      const got = start === end ? "an empty line" : `${fields} fields`;
      const message = `expected 4 fields per level (ask price, ask size, bid price, bid size), got ${got}`;
      throw new UserError(
        "replay-bad-row",
        describeProblem({ file: this.file, line: lineNumber, field: "row", message }),
      );
    }
    this.levels = fields / 4;
    this.starts = new Int32Array(fields);
    this.ends = new Int32Array(fields);
  }

  private parse(
    bytes: Uint8Array,
    start: number,
    end: number,
    lineNumber: number,
    batch: LobsterBookRows,
    r: number,
  ): boolean {
    const { starts, ends, levels } = this;
    const width = levels * 4;
    const fields = splitFields(bytes, start, end, starts, ends);
    if (fields !== width) {
      const got = start === end ? "an empty line" : `${fields}`;
      return this.bad(
        lineNumber,
        "row",
        `expected ${width} fields (${levels} level${levels === 1 ? "" : "s"} x 4), got ${got}`,
      );
    }
    const data = batch.data;
    const base = r * width;
    for (let k = 0; k < width; k++) {
      const value = parseAsciiInt(bytes, starts[k] as number, ends[k] as number);
      if (Number.isNaN(value)) {
        const text = JSON.stringify(bytesText(bytes, starts[k] as number, ends[k] as number));
        return this.bad(lineNumber, bookFieldName(k), `expected a whole number, got ${text}`);
      }
      data[base + k] = value;
    }
    for (let level = 0; level < levels; level++) {
      for (let side = 0; side < 2; side++) {
        const k = level * 4 + side * 2;
        const price = data[base + k] as number;
        const size = data[base + k + 1] as number;
        const empty = side === 0 ? EMPTY_ASK_PRICE : EMPTY_BID_PRICE;
        if (price === empty ? size !== 0 : !(price > 0 && size > 0)) {
          const message =
            price === empty
              ? `${size} at a missing level (price ${empty}): expected 0`
              : price > 0
                ? `${size} at price ${price}: a present level has a size > 0`
                : `price ${price} is neither > 0 nor the missing-level value ${empty}`;
          return this.bad(lineNumber, bookFieldName(price === empty || price > 0 ? k + 1 : k), message);
        }
      }
    }
    return true;
  }

  private bad(lineNumber: number, field: string, message: string): false {
    this.problems.report(this.file, lineNumber, field, message);
    return false;
  }
}

/** LOBSTER's name of orderbook column k (0-based): "ask price 1", "bid size 10". */
export function bookFieldName(k: number): string {
  const level = Math.floor(k / 4) + 1;
  return `${["ask price", "ask size", "bid price", "bid size"][k % 4] as string} ${level}`;
}
