/**
 * The LOBSTER file formats (lobsterdata.com; see ../shared/data/lobster/LOBSTER_SampleFiles_ReadMe.txt), held in
 * columns of typed arrays so a replay loop reads numbers, not objects.
 *
 * Message file, one event per line: time (seconds after midnight, up to nanoseconds), type, order id, size (shares),
 * price (dollars x 10^4), direction (1 buy, -1 sell: the side of the resting order). Orderbook file: row k is the book
 * after message k, 4 columns per level (ask price, ask size, bid price, bid size), best level first; a level that does
 * not exist reads -9999999999 (bid) or 9999999999 (ask) with size 0.
 *
 * Units kept as LOBSTER gives them: times in integer nanoseconds after midnight (exact), prices in 10^-4 dollars
 * (which are the price units of `lobsterInstrument`: tick "0.01" = 100 units), sizes in shares (lot "1").
 * A message that a lenient reader skipped stays in its column as type SKIPPED, so message k and row k stay aligned.
 */
import { formatDecimal } from "../../core/fixed-point.js";
import { Instrument } from "../../model/instrument.js";

export const SKIPPED = 0;
export const SUBMISSION = 1;
export const CANCELLATION = 2;
export const DELETION = 3;
export const EXECUTION = 4;
export const HIDDEN_EXECUTION = 5;
/** In newer LOBSTER output: a cross (auction) trade; no effect on the visible book. */
export const CROSS_TRADE = 6;
export const TRADING_HALT = 7;

export const MESSAGE_TYPE_NAMES: readonly string[] = [
  "skipped",
  "submission",
  "cancellation",
  "deletion",
  "execution",
  "hidden-execution",
  "cross-trade",
  "trading-halt",
];

/** Counts messages by type: index = type. */
export class MessageTypeCounts {
  private readonly counts = new Float64Array(MESSAGE_TYPE_NAMES.length);

  add(type: number): void {
    this.counts[type] = (this.counts[type] as number) + 1;
  }

  /** Count per type name (skipped lines are reported separately). */
  byName(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let t = 1; t < MESSAGE_TYPE_NAMES.length; t++) out[MESSAGE_TYPE_NAMES[t] as string] = this.counts[t] as number;
    return out;
  }
}

/** The prices LOBSTER writes for a level that does not exist. */
export const EMPTY_ASK_PRICE = 9999999999;
export const EMPTY_BID_PRICE = -9999999999;

/** Rows per batch: big enough that per-batch costs vanish, small enough to stream any file. */
export const BATCH_ROWS = 8192;

/** Consecutive messages of a message file, in columns. */
export interface LobsterMessages {
  /** Messages filled in (the arrays may be longer). */
  count: number;
  /** Line number of the first message in the file. */
  readonly firstLine: number;
  readonly timeNs: Float64Array;
  /** 1..7, or SKIPPED for a line a lenient reader dropped. */
  readonly type: Uint8Array;
  readonly orderId: Float64Array;
  readonly size: Float64Array;
  readonly price: Float64Array;
  /** 1 buy, -1 sell. */
  readonly direction: Int8Array;
}

/** Consecutive rows of an orderbook file: row r, level i (0 = best) starts at `(r * levels + i) * 4`. */
export interface LobsterBookRows {
  /** Rows filled in (the arrays may be longer). */
  count: number;
  readonly firstLine: number;
  readonly levels: number;
  /** ask price, ask size, bid price, bid size per level; empty levels as LOBSTER writes them. */
  readonly data: Float64Array;
  /** 1 for a row a lenient reader dropped (its data is zeros and it is not compared). */
  readonly skipped: Uint8Array;
}

export function newMessageBatch(firstLine: number, capacity = BATCH_ROWS): LobsterMessages {
  return {
    count: 0,
    firstLine,
    timeNs: new Float64Array(capacity),
    type: new Uint8Array(capacity),
    orderId: new Float64Array(capacity),
    size: new Float64Array(capacity),
    price: new Float64Array(capacity),
    direction: new Int8Array(capacity),
  };
}

/** A LOBSTER price (dollars x 10^4) as dollars, with cents always and sub-cents when there are any: "223.95". */
export function formatLobsterPrice(price: number): string {
  const text = formatDecimal(price, 4);
  return text.endsWith("00") ? text.slice(0, -2) : text;
}

/** What a LOBSTER file name says: `TICKER_YYYY-MM-DD_startMs_endMs_message_LEVEL.csv` (or `_orderbook_`). */
export interface LobsterFileName {
  readonly ticker: string;
  readonly date: string;
  readonly levels: number;
}

export function parseLobsterFileName(path: string): LobsterFileName | null {
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const m = /^([A-Za-z0-9.]+)_(\d{4}-\d{2}-\d{2})_\d+_\d+_(?:message|orderbook)_(\d+)/.exec(base);
  if (m === null) return null;
  return { ticker: m[1] as string, date: m[2] as string, levels: Number(m[3]) };
}

/**
 * The instrument a LOBSTER replay trades: tick $0.01 with 4-decimal price units, so LOBSTER's prices (dollars x 10^4)
 * are price units as they are; whole shares. Sub-penny prices replay in the book but an order there is off tick.
 */
export function lobsterInstrument(symbol: string, referencePriceUnits: number): Instrument {
  const tick = 100;
  const onTick = Math.max(tick, Math.round(referencePriceUnits / tick) * tick);
  return new Instrument({
    symbol,
    currency: "USD",
    priceIncrement: "0.01",
    pricePrecision: 4,
    lotSize: "1",
    referencePrice: `${Math.floor(onTick / 10_000)}.${String((onTick % 10_000) / tick).padStart(2, "0")}`,
    averageDailyVolume: 1_000_000,
    annualVolatility: 0.3,
  });
}

/** Microseconds since the epoch of midnight, New York time, on `date` (YYYY-MM-DD): LOBSTER's time origin. */
export function newYorkMidnightMicros(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  // US daylight saving time since 2007: from the second Sunday of March to the first Sunday of November.
  const dstStart = nthSunday(y, 2, 2);
  const dstEnd = nthSunday(y, 10, 1);
  const offsetHours = utcMidnight >= dstStart && utcMidnight < dstEnd ? 4 : 5;
  return (utcMidnight + offsetHours * 3_600_000) * 1000;
}

function nthSunday(year: number, month: number, n: number): number {
  const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
  const day = 1 + ((7 - first) % 7) + (n - 1) * 7;
  return Date.UTC(year, month, day);
}
