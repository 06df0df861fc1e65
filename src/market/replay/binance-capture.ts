/**
 * One line of a Binance websocket capture (the hftbacktest format: `<local timestamp ns> <json>`), recognised and
 * checked: a depth diff (`depthUpdate`: U, u, and on USD-M futures pu, with bid and ask levels), a best bid/offer
 * (`bookTicker`), a trade, or the REST depth snapshot (`lastUpdateId`, bids, asks). Anything else is counted as
 * `other`. Pure: text in, a typed message out, or a `CaptureProblem` naming the field.
 *
 * Prices and quantities stay decimal strings here: the scales come from the snapshot (binance-scales.ts), which may
 * arrive after the first diffs, and are applied when the book uses them.
 * Update ids are checked to be safe integers (spot ids are ~5e10, futures ~5e12). The local timestamp keeps
 * microseconds (its nanosecond digits would pass 2^53).
 */

export type PriceLevels = readonly (readonly [string, string])[];

export interface DepthDiff {
  readonly kind: "depth";
  readonly localMicros: number;
  /** data.s, or "" when absent. */
  readonly symbol: string;
  /** First and last update id in the event; `pu` (futures only, else -1) is the previous event's `u`. */
  readonly firstUpdateId: number;
  readonly lastUpdateId: number;
  readonly previousUpdateId: number;
  readonly bids: PriceLevels;
  readonly asks: PriceLevels;
}

export interface BookTicker {
  readonly kind: "bookTicker";
  readonly localMicros: number;
  readonly symbol: string;
  readonly updateId: number;
  readonly bidPrice: string;
  readonly bidQty: string;
  readonly askPrice: string;
  readonly askQty: string;
}

export interface DepthSnapshot {
  readonly kind: "snapshot";
  readonly localMicros: number;
  readonly lastUpdateId: number;
  readonly bids: PriceLevels;
  readonly asks: PriceLevels;
}

export interface OtherMessage {
  readonly kind: "trade" | "other";
  readonly localMicros: number;
}

export type CaptureMessage = DepthDiff | BookTicker | DepthSnapshot | OtherMessage;

export interface CaptureProblem {
  readonly kind: "problem";
  readonly field: string;
  readonly message: string;
}

/** Parses one capture line (without its newline). */
export function parseCaptureLine(text: string): CaptureMessage | CaptureProblem {
  const space = text.indexOf(" ");
  if (space <= 0) return problem("row", "expected `<local timestamp in ns> <json>`");
  const stamp = text.slice(0, space);
  if (!/^\d{4,19}$/.test(stamp))
    return problem("timestamp", `expected nanoseconds since the epoch, got ${show(stamp)}`);
  const localMicros = Number(stamp.slice(0, -3));
  let json: unknown;
  try {
    json = JSON.parse(text.slice(space + 1));
  } catch (error) {
    return problem("json", `not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(json)) return problem("json", "expected a JSON object");
  if ("lastUpdateId" in json) return snapshot(json, localMicros);
  const stream = json.stream;
  const data = json.data;
  if (typeof stream !== "string" || !isObject(data)) {
    return problem("json", 'expected a combined-stream message {"stream": ..., "data": {...}} or a depth snapshot');
  }
  if (data.e === "depthUpdate") return depth(data, localMicros);
  if (data.e === "bookTicker" || stream.endsWith("@bookTicker")) return ticker(data, localMicros);
  if (data.e === "trade") return { kind: "trade", localMicros };
  return { kind: "other", localMicros };
}

function depth(data: Record<string, unknown>, localMicros: number): DepthDiff | CaptureProblem {
  const first = updateId(data.U, "data.U");
  if (typeof first !== "number") return first;
  const last = updateId(data.u, "data.u");
  if (typeof last !== "number") return last;
  if (last < first) return problem("data.u", `${last} is below data.U ${first}`);
  let previous = -1;
  if (data.pu !== undefined) {
    const pu = updateId(data.pu, "data.pu");
    if (typeof pu !== "number") return pu;
    previous = pu;
  }
  const bids = levels(data.b, "data.b");
  if (!Array.isArray(bids)) return bids as CaptureProblem;
  const asks = levels(data.a, "data.a");
  if (!Array.isArray(asks)) return asks as CaptureProblem;
  return {
    kind: "depth",
    localMicros,
    symbol: typeof data.s === "string" ? data.s : "",
    firstUpdateId: first,
    lastUpdateId: last,
    previousUpdateId: previous,
    bids: bids as PriceLevels,
    asks: asks as PriceLevels,
  };
}

function ticker(data: Record<string, unknown>, localMicros: number): BookTicker | CaptureProblem {
  const id = updateId(data.u, "data.u");
  if (typeof id !== "number") return id;
  for (const key of ["b", "B", "a", "A"]) {
    if (typeof data[key] !== "string")
      return problem(`data.${key}`, `expected a decimal string, got ${show(data[key])}`);
  }
  return {
    kind: "bookTicker",
    localMicros,
    symbol: typeof data.s === "string" ? data.s : "",
    updateId: id,
    bidPrice: data.b as string,
    bidQty: data.B as string,
    askPrice: data.a as string,
    askQty: data.A as string,
  };
}

function snapshot(json: Record<string, unknown>, localMicros: number): DepthSnapshot | CaptureProblem {
  const id = updateId(json.lastUpdateId, "lastUpdateId");
  if (typeof id !== "number") return id;
  const bids = levels(json.bids, "bids");
  if (!Array.isArray(bids)) return bids as CaptureProblem;
  const asks = levels(json.asks, "asks");
  if (!Array.isArray(asks)) return asks as CaptureProblem;
  return { kind: "snapshot", localMicros, lastUpdateId: id, bids: bids as PriceLevels, asks: asks as PriceLevels };
}

function updateId(value: unknown, field: string): number | CaptureProblem {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  return problem(field, `expected an update id (a whole number >= 0), got ${show(value)}`);
}

/** Checks the shape [[price, qty], ...] with string members; the numbers are checked when the book scales them. */
function levels(value: unknown, field: string): PriceLevels | CaptureProblem {
  if (!Array.isArray(value)) return problem(field, `expected an array of [price, quantity] pairs, got ${show(value)}`);
  for (let i = 0; i < value.length; i++) {
    const level: unknown = value[i];
    if (!Array.isArray(level) || level.length < 2 || typeof level[0] !== "string" || typeof level[1] !== "string") {
      return problem(`${field}[${i}]`, `expected ["price", "quantity"] as strings, got ${show(level)}`);
    }
  }
  return value as PriceLevels;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function problem(field: string, message: string): CaptureProblem {
  return { kind: "problem", field, message };
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
