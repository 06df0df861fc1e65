/**
 * `tributary replay lobster | binance | tardis`: replays recorded market data through the book and, with `--check`,
 * compares the rebuilt book with the exchange's own record of it. User mistakes (missing file, bad flag, bad row
 * without `--lenient`) are `UserError`s: main.ts prints their one line and exits 2. A check that finds mismatches or
 * sequence gaps exits 1 after printing its report.
 */
import { performance } from "node:perf_hooks";
import { type Command, InvalidArgumentError } from "commander";
import { replayBinanceFile } from "../market/replay/binance-reader.js";
import { checkLobster } from "../market/replay/lobster-check.js";
import { readLobsterBook, readLobsterMessages } from "../market/replay/lobster-reader.js";
import { replayLobster } from "../market/replay/lobster-run.js";
import { RowProblems } from "../market/replay/row-problems.js";
import { replayTardisFile } from "../market/replay/tardis-reader.js";
import { formatBinance, formatLobsterCheck, formatLobsterRun, formatTardis } from "./replay-report.js";

const DEFAULT_MAX_SHOWN = 1000;

interface CommonOptions {
  lenient: boolean;
  json: boolean;
  maxShown: number;
}

function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`--max-shown must be a whole number, got "${value}"`);
  return Number(value);
}

function common(command: Command): Command {
  return command
    .option("--lenient", "skip and count bad rows instead of stopping at the first", false)
    .option("--json", "print the report as JSON on stdout", false)
    .option("--max-shown <n>", "mismatches and gaps described in full (all are counted)", count, DEFAULT_MAX_SHOWN);
}

function print(json: boolean, report: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${text()}\n`);
}

export function registerReplay(program: Command): void {
  const replay = program
    .command("replay")
    .description("replay recorded market data (LOBSTER, Binance captures, Tardis CSV) through the book");

  common(
    replay
      .command("lobster")
      .description(
        "rebuild the book from a LOBSTER message file; --check compares it with the orderbook file row by row",
      )
      .requiredOption("--messages <file>", "LOBSTER message file (TICKER_date_..._message_N.csv)")
      .requiredOption("--orderbook <file>", "the matching orderbook file (seeds the book, resyncs surfacing levels)")
      .option("--check", "compare the rebuilt book with every orderbook row, with and without the resync rule", false),
  ).action((opts: CommonOptions & { messages: string; orderbook: string; check: boolean }) => {
    const problems = new RowProblems(opts.lenient);
    const files = { messages: opts.messages, orderbook: opts.orderbook };
    const messages = readLobsterMessages(opts.messages, problems);
    const rows = readLobsterBook(opts.orderbook, problems);
    const started = performance.now();
    if (opts.check) {
      const report = checkLobster(messages, rows, { files, maxShown: opts.maxShown });
      const timing = { seconds: (performance.now() - started) / 1000, unit: "messages", count: report.messages };
      print(opts.json, { ...report, badRowsSkipped: problems.skipped, problems: problems.first }, () =>
        formatLobsterCheck(report, problems, timing),
      );
      if (report.withResync.mismatches > 0) process.exitCode = 1;
      return;
    }
    const summary = replayLobster(messages, rows, files);
    const timing = { seconds: (performance.now() - started) / 1000, unit: "messages", count: summary.messages };
    print(opts.json, { ...summary, badRowsSkipped: problems.skipped, problems: problems.first }, () =>
      formatLobsterRun(summary, problems, timing),
    );
  });

  common(
    replay
      .command("binance")
      .description("rebuild a Binance book from a websocket capture (.gz): snapshot + depth diffs by Binance's rules")
      .requiredOption("--file <file>", "capture: gzip text, one `<local_ts_ns> <json>` per line")
      .option("--check", "compare the rebuilt best bid/offer with every bookTicker of the same update id", false),
  ).action(async (opts: CommonOptions & { file: string; check: boolean }) => {
    const problems = new RowProblems(opts.lenient);
    const started = performance.now();
    const report = await replayBinanceFile(opts.file, { problems, maxShown: opts.maxShown });
    const timing = { seconds: (performance.now() - started) / 1000, unit: "depth diffs", count: report.depthDiffs };
    const shown = opts.check ? report : { ...report, check: undefined };
    print(opts.json, { ...shown, badRowsSkipped: problems.skipped, problems: problems.first }, () =>
      formatBinance(report, problems, timing, opts.check),
    );
    if (report.gaps > 0 || (opts.check && report.check.mismatches > 0)) process.exitCode = 1;
  });

  common(
    replay
      .command("tardis")
      .description("read a Tardis.dev CSV (incremental_book_L2, book_snapshot_N, trades, quotes) or Binance depth CSV")
      .requiredOption("--file <file>", "CSV file with its header line (.csv or .csv.gz)"),
  ).action(async (opts: CommonOptions & { file: string }) => {
    const problems = new RowProblems(opts.lenient);
    const started = performance.now();
    const report = await replayTardisFile(opts.file, problems);
    const timing = { seconds: (performance.now() - started) / 1000, unit: "rows", count: report.rows };
    print(opts.json, { ...report, badRowsSkipped: problems.skipped, problems: problems.first }, () =>
      formatTardis(report, problems, timing),
    );
    if (report.gaps > 0) process.exitCode = 1;
  });
}
