/**
 * Replay throughput on the real files in ../shared/data (never copied into the repository), each figure beside the
 * cost of merely reading and parsing the same file, measured in the same run:
 *
 * LOBSTER (AMZN level 1, full day; AAPL level 10, first 999 messages):
 * - parse: read the message file and parse it into column batches (lobster-reader.ts), messages/s; the orderbook file
 *   likewise, rows/s;
 * - book: the pre-parsed messages through the book with the resync rule (lobster-replay.ts; a row is read only where a
 *   level surfaces), messages/s;
 * - book + compare: the same, comparing every level of every row (the inner loop of `--check`, one book);
 * - check end to end: `checkLobster` from the files (parse both files, two books, every row compared), messages/s.
 * Binance (spot and USD-M captures, gzip):
 * - parse: gunzip, split lines, JSON.parse and parse every depth level's price and quantity to integers, in level
 *   updates/s (and capture lines/s);
 * - book: the pre-parsed level updates of the diffs the sequencing rules apply, set into the L2 book, updates/s;
 * - replay end to end: gunzip + `BinanceReplay` (sequencing, book, bookTicker check), level updates/s.
 *
 * Method: every measurement runs `warmup` untimed rounds (JIT), then `rounds` timed ones of at least 20 ms each (a small
 * file is replayed several times per round); the median per run is quoted.
 * One process, one core; gzip is inflated with gunzipSync here so the bench is synchronous (the CLI streams it).
 * A file that is missing is reported and skipped, never fatal.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parseCaptureLine } from "../src/market/replay/binance-capture.js";
import { BinanceReplay } from "../src/market/replay/binance-replay.js";
import { DepthSync } from "../src/market/replay/binance-sync.js";
import { bytesText, LineSplitter } from "../src/market/replay/byte-lines.js";
import { FeedScales } from "../src/market/replay/feed-scales.js";
import { L2Book } from "../src/market/replay/l2-book.js";
import { checkLobster } from "../src/market/replay/lobster-check.js";
import type { LobsterBookRows, LobsterMessages } from "../src/market/replay/lobster-format.js";
import { readLobsterBook, readLobsterMessages } from "../src/market/replay/lobster-reader.js";
import { LobsterReplay } from "../src/market/replay/lobster-replay.js";
import { RowProblems } from "../src/market/replay/row-problems.js";
import { median, pad, si } from "./harness.js";

const DATA = join(import.meta.dirname, "..", "..", "..", "shared", "data");

export interface ReplayBenchOptions {
  readonly lobster: readonly { readonly name: string; readonly messages: string; readonly orderbook: string }[];
  readonly binance: readonly { readonly name: string; readonly file: string }[];
  /** Untimed and timed rounds per LOBSTER measurement. */
  readonly warmup: number;
  readonly rounds: number;
  /** The same for Binance, whose files take ~10x longer to parse. */
  readonly binanceWarmup: number;
  readonly binanceRounds: number;
}

const AMZN = "AMZN_2012-06-21_34200000_57600000";
const AAPL = "AAPL_2012-06-21_34200000_57600000";

export const DEFAULT_REPLAY_BENCH: ReplayBenchOptions = {
  lobster: [
    {
      name: "AMZN level 1 (full day)",
      messages: join(DATA, "lobster", `${AMZN}_message_1.csv`),
      orderbook: join(DATA, "lobster", `${AMZN}_orderbook_1.csv`),
    },
    {
      name: "AAPL level 10 (first 999)",
      messages: join(DATA, "lobster", `${AAPL}_message_10.first999.csv`),
      orderbook: join(DATA, "lobster", `${AAPL}_orderbook_10.first999.csv`),
    },
  ],
  binance: [
    { name: "Binance spot BTCUSDT", file: join(DATA, "crypto", "binance", "spot_btcusdt_20240808.gz") },
    { name: "Binance USD-M BTCUSDT", file: join(DATA, "crypto", "binance", "usdm_btcusdt_20240808.gz") },
  ],
  warmup: 5,
  rounds: 15,
  binanceWarmup: 2,
  binanceRounds: 5,
};

/** A timed round lasts at least this long: a small file is replayed several times per round, so the timer's own cost and
 * the machine's jitter stay small beside it. */
const MIN_ROUND_SECONDS = 0.02;

/**
 * Median seconds per run of `fn`: `warmup` untimed rounds, then `rounds` timed ones, each running `fn` as many times as
 * it takes to last MIN_ROUND_SECONDS (the count is fixed from the last warm-up run).
 */
function time(rounds: { warmup: number; rounds: number }, fn: () => void): number {
  let single = 0;
  for (let i = 0; i < rounds.warmup; i++) {
    const start = process.hrtime.bigint();
    fn();
    single = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const reps = Math.max(1, Math.ceil(MIN_ROUND_SECONDS / Math.max(single, 1e-6)));
  const seconds: number[] = [];
  for (let i = 0; i < rounds.rounds; i++) {
    const start = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) fn();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9 / reps);
  }
  return median(seconds);
}

function row(label: string, count: number, seconds: number, unit: string, baseline?: number): string {
  const rate = count / seconds;
  const ratio = baseline === undefined ? "" : `  ${(rate / baseline).toFixed(2)}x parse`;
  return `  ${label.padEnd(50)} ${pad(si(rate), 8)} ${unit}/s  (${(seconds * 1000).toFixed(2)} ms)${ratio}`;
}

function total(batches: readonly { count: number }[]): number {
  return batches.reduce((sum, b) => sum + b.count, 0);
}

/** One book through pre-parsed batches with the resync rule; `compare` also checks every row. Returns rows matched. */
function replayBatches(
  messages: readonly LobsterMessages[],
  rows: readonly LobsterBookRows[],
  compare: boolean,
): number {
  const first = rows[0] as LobsterBookRows;
  const replay = new LobsterReplay(first.levels, true);
  replay.seed(first.data, 0);
  let matched = 0;
  for (let b = 0; b < messages.length; b++) {
    const batch = messages[b] as LobsterMessages;
    const rowBatch = rows[b] as LobsterBookRows;
    const { type, orderId, size, price, direction } = batch;
    const data = rowBatch.data;
    const width = rowBatch.levels * 4;
    for (let i = b === 0 ? 1 : 0; i < batch.count; i++) {
      const offset = i * width;
      replay.step(
        type[i] as number,
        orderId[i] as number,
        size[i] as number,
        price[i] as number,
        direction[i] as number,
        data,
        offset,
      );
      if (compare && replay.matches(data, offset)) matched++;
    }
  }
  return matched;
}

function benchLobster(
  file: ReplayBenchOptions["lobster"][number],
  options: ReplayBenchOptions,
  log: (line: string) => void,
): void {
  if (!existsSync(file.messages) || !existsSync(file.orderbook)) {
    log(`${file.name}: skipped (${file.messages} not found)`);
    return;
  }
  const problems = new RowProblems(false);
  const messages = [...readLobsterMessages(file.messages, problems)];
  const rows = [...readLobsterBook(file.orderbook, problems)];
  const n = total(messages);
  const expected = total(rows) - 1;
  if (replayBatches(messages, rows, true) !== expected)
    throw new Error(`${file.name}: the replay does not match every row`);

  const parseMessages = time(options, () => {
    for (const _ of readLobsterMessages(file.messages, problems));
  });
  const parseRows = time(options, () => {
    for (const _ of readLobsterBook(file.orderbook, problems));
  });
  const book = time(options, () => replayBatches(messages, rows, false));
  const bookCompare = time(options, () => replayBatches(messages, rows, true));
  const files = { messages: file.messages, orderbook: file.orderbook };
  const check = time(options, () =>
    checkLobster(readLobsterMessages(file.messages, problems), readLobsterBook(file.orderbook, problems), {
      files,
      maxShown: 0,
    }),
  );
  const parseRate = n / parseMessages;
  log(`${file.name}: ${n.toLocaleString("en-US")} messages, ${(rows[0] as LobsterBookRows).levels} levels per side`);
  log(row("parse message file (baseline)", n, parseMessages, "msgs"));
  log(row("parse orderbook file", n, parseRows, "rows"));
  log(row("book, resync rule", n, book, "msgs", parseRate));
  log(row("book, resync rule + compare every row", n, bookCompare, "msgs", parseRate));
  log(row("--check end to end (2 files, 2 books)", n, check, "msgs", parseRate));
}

interface ParsedCapture {
  lines: number;
  /** side (1 bid, -1 ask), price units, lots: one triple per level update of an applied diff. */
  updates: Float64Array;
  count: number;
}

/** gunzip + lines + JSON + integer levels; the diffs the sequencing rules apply, flattened. */
function parseCapture(gz: Buffer): ParsedCapture {
  const text = gunzipSync(gz);
  let scales: FeedScales | null = null;
  let sync: DepthSync | null = null;
  const buffered: {
    bids: readonly (readonly [string, string])[];
    asks: readonly (readonly [string, string])[];
    U: number;
    u: number;
    pu: number;
  }[] = [];
  let updates = new Float64Array(1 << 16);
  let count = 0;
  let lines = 0;
  const push = (side: number, levels: readonly (readonly [string, string])[]): void => {
    const s = scales as FeedScales;
    for (const [p, q] of levels) {
      if (count * 3 + 3 > updates.length) {
        const grown = new Float64Array(updates.length * 2);
        grown.set(updates);
        updates = grown;
      }
      updates[count * 3] = side;
      updates[count * 3 + 1] = s.price(p);
      updates[count * 3 + 2] = s.qty(q);
      count++;
    }
  };
  const offer = (d: (typeof buffered)[number]): void => {
    if ((sync as DepthSync).offer(d.U, d.u, d.pu) === "drop") return;
    push(1, d.bids);
    push(-1, d.asks);
  };
  const splitter = new LineSplitter({
    line(bytes, start, end) {
      lines++;
      const m = parseCaptureLine(bytesText(bytes, start, end));
      if (m.kind === "snapshot") {
        scales = FeedScales.fromLevels("", [m.bids, m.asks]);
        push(1, m.bids);
        push(-1, m.asks);
        sync = new DepthSync(buffered[0]?.pu !== undefined && buffered[0].pu >= 0 ? "usdm" : "spot");
        sync.snapshot(m.lastUpdateId);
        for (const d of buffered.splice(0)) offer(d);
      } else if (m.kind === "depth") {
        const d = { bids: m.bids, asks: m.asks, U: m.firstUpdateId, u: m.lastUpdateId, pu: m.previousUpdateId };
        if (sync === null) buffered.push(d);
        else offer(d);
      }
    },
  });
  splitter.push(text);
  splitter.end();
  return { lines, updates, count };
}

function applyUpdates(parsed: ParsedCapture): L2Book {
  const book = new L2Book();
  const u = parsed.updates;
  for (let i = 0; i < parsed.count; i++) {
    const k = i * 3;
    (u[k] === 1 ? book.bids : book.asks).set(u[k + 1] as number, u[k + 2] as number);
  }
  return book;
}

function benchBinance(
  file: ReplayBenchOptions["binance"][number],
  options: ReplayBenchOptions,
  log: (line: string) => void,
): void {
  if (!existsSync(file.file)) {
    log(`${file.name}: skipped (${file.file} not found)`);
    return;
  }
  const gz = readFileSync(file.file);
  const parsed = parseCapture(gz);
  const n = parsed.count;
  const rounds = { warmup: options.binanceWarmup, rounds: options.binanceRounds };
  const parse = time(rounds, () => parseCapture(gz));
  const book = time(rounds, () => applyUpdates(parsed));
  let report: ReturnType<BinanceReplay["finish"]> | null = null;
  const replay = time(rounds, () => {
    const r = new BinanceReplay({ file: file.file, problems: new RowProblems(false), maxShown: 0 });
    const splitter = new LineSplitter({
      line: (bytes, start, end, line) => r.line(bytesText(bytes, start, end), line),
    });
    splitter.push(gunzipSync(gz));
    splitter.end();
    report = r.finish();
  });
  const done = report as ReturnType<BinanceReplay["finish"]> | null;
  const parseRate = n / parse;
  log(
    `${file.name}: ${parsed.lines.toLocaleString("en-US")} capture lines, ${n.toLocaleString("en-US")} level updates (snapshot + applied diffs); gaps ${done?.gaps}, mismatches ${done?.check.mismatches}`,
  );
  log(row("parse: gunzip + JSON + integer levels (baseline)", n, parse, "updates"));
  log(`  ${"".padEnd(50)} ${pad(si(parsed.lines / parse), 8)} lines/s`);
  log(row("book: level updates into the L2 book", n, book, "updates", parseRate));
  log(row("replay end to end (sequencing, book, ticker check)", n, replay, "updates", parseRate));
}

export function runReplayBench(options: ReplayBenchOptions, log: (line: string) => void): void {
  log(
    `workload: real files under ${DATA}; medians of ${options.rounds} timed rounds after ${options.warmup} warm-up rounds (Binance: ${options.binanceRounds} after ${options.binanceWarmup})`,
  );
  for (const file of options.lobster) benchLobster(file, options, log);
  for (const file of options.binance) benchBinance(file, options, log);
}
