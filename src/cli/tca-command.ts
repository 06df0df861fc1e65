/**
 * `tributary tca`: transaction cost analysis of a stored journal (src/tca/), from SQLite (`--db FILE`, default
 * tributary.db) or PostgreSQL (`--pg URL`, `--pg-schema`), with the reference data (`--config`) that gives the
 * instruments' scales. It reads every record in seq order, feeds the payloads to the TCA builder, and prints the
 * summary table, or with `--json` the summary and every row as JSON. `--parent ID` analyses one parent alone (its
 * orders, children, fills and crosses); `--csv DIR` writes the CSV files, `--html FILE` the self-contained report
 * (`--evaluate FILE` adds the strategy comparison from `tributary evaluate --json`).
 * Also the file writing the demo shares: `writeTcaFiles` (CSVs and report.html into a directory).
 * A missing or foreign journal, an unknown parent or an instrument missing from the reference data is a `UserError`.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { loadReferenceData } from "../config/load-config.js";
import { UserError } from "../core/errors.js";
import type { JournalStore } from "../journal/journal-store.js";
import type { EngineEvent } from "../model/client-events.js";
import type { Instrument } from "../model/instrument.js";
import { TcaBuilder } from "../tca/tca-builder.js";
import { tcaCsvFiles } from "../tca/tca-csv.js";
import { type ChartLibrary, type EvaluationCases, tcaHtml } from "../tca/tca-html.js";
import type { TcaReport } from "../tca/tca-rows.js";
import { formatTcaSummary, tcaSummary } from "../tca/tca-summary.js";
import { DEFAULT_JOURNAL_FILE, type StoreOptions, withStore } from "./audit-command.js";

interface TcaOptions extends StoreOptions {
  config: string;
  parent?: number;
  html?: string;
  csv?: string;
  json: boolean;
  evaluate?: string;
}

const CHUNK = 20_000;

/** uPlot's browser build and stylesheet, read from node_modules, to inline into a report (no network fetch). */
export function chartLibrary(): ChartLibrary {
  const require = createRequire(import.meta.url);
  const dist = join(require.resolve("uplot"), "..");
  return {
    script: readFileSync(join(dist, "uPlot.iife.min.js"), "utf8"),
    css: readFileSync(join(dist, "uPlot.min.css"), "utf8"),
  };
}

/** Writes text files into `dir`; a failure is a UserError naming the file. */
function writeFiles(dir: string, files: ReadonlyMap<string, string>): void {
  let path = dir;
  try {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of files) {
      path = join(dir, name);
      writeFileSync(path, text);
    }
  } catch (error) {
    throw new UserError("bad-out-dir", `cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes the CSV files and report.html of `report` into `dir`. */
export function writeTcaFiles(dir: string, report: TcaReport, title: string): void {
  const files = tcaCsvFiles(report);
  files.set("report.html", tcaHtml(report, chartLibrary(), { title }));
  writeFiles(dir, files);
}

/** The TCA of every event in a stored journal, or of one parent's (null: no such parent). */
export async function tcaOfStore(
  store: JournalStore,
  instruments: ReadonlyMap<string, Instrument>,
  onlyParent: number | null = null,
): Promise<TcaReport> {
  const builder = new TcaBuilder(instruments, onlyParent);
  const head = await store.head();
  for (let from = 1; head !== null && from <= head.seq; from += CHUNK) {
    for (const record of await store.readRange(from, Math.min(head.seq, from + CHUNK - 1))) {
      const event = JSON.parse(record.payload) as EngineEvent;
      if ("symbol" in event && typeof event.symbol === "string" && !instruments.has(event.symbol))
        throw new UserError(
          "tca-unknown-instrument",
          `${store.location}: seq ${record.seq}: instrument ${event.symbol} is not in the reference data (--config)`,
        );
      builder.add(event);
    }
  }
  const report = builder.finish();
  if (onlyParent !== null && report.parents.length === 0)
    throw new UserError("journal-unknown-parent", `${store.location}: no parent ${onlyParent} in the journal`);
  return report;
}

function parentId(value: string): number {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError(`--parent must be a parent id (a whole number), got "${value}"`);
  return Number(value);
}

export function registerTca(program: Command, defaults: { config: string }): void {
  program
    .command("tca")
    .description("transaction cost analysis of a stored journal: shortfall, benchmarks, markouts, venues, strategies")
    .option("--db <file>", `the SQLite journal (default ${DEFAULT_JOURNAL_FILE})`)
    .option("--pg <url>", "the PostgreSQL journal, postgres://user@host:port/database")
    .option("--pg-schema <name>", "the PostgreSQL schema holding the journal", "public")
    .option("--config <file>", "reference data of the run (the instruments' price and lot scales)", defaults.config)
    .option("--parent <id>", "only this parent order, its client orders and fills", parentId)
    .option("--html <file>", "write the self-contained HTML report here")
    .option("--csv <dir>", "write tca-orders/parents/fills/venues/logics/tactics/strategies.csv here")
    .option("--evaluate <file>", "`tributary evaluate --json` output to chart in the HTML report")
    .option("--json", "print the summary and every row as JSON", false)
    .action(async (opts: TcaOptions) => {
      if (opts.evaluate !== undefined && opts.html === undefined)
        throw new UserError("bad-flag", "tca: --evaluate charts the comparison in the HTML report: give --html too");
      const instruments = loadReferenceData(opts.config).instruments;
      const evaluation = opts.evaluate === undefined ? null : readEvaluation(opts.evaluate);
      // The location names a PostgreSQL journal without its password: the report may be shared.
      const { report, location } = await withStore(
        opts,
        async (store) => ({
          report: await tcaOfStore(store, instruments, opts.parent ?? null),
          location: store.location,
        }),
        "tca",
      );
      if (opts.csv !== undefined) writeFiles(opts.csv, tcaCsvFiles(report));
      if (opts.html !== undefined) {
        const html = tcaHtml(report, chartLibrary(), { title: `TCA of ${location}`, evaluation });
        writeFiles(dirname(resolve(opts.html)), new Map([[basename(opts.html), html]]));
      }
      const summary = tcaSummary(report);
      if (opts.json) {
        const { charts: _charts, ...rows } = report;
        process.stdout.write(`${JSON.stringify({ summary, ...rows }, null, 2)}\n`);
      } else process.stdout.write(formatTcaSummary(summary));
    });
}

/** `tributary evaluate --json` output, parsed; a file that is not one is a UserError. */
function readEvaluation(path: string): EvaluationCases {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UserError("bad-file", `--evaluate: ${path}: ${(error as Error).message}`, { cause: error });
  }
  const cases = (value as { cases?: unknown } | null)?.cases;
  const valid =
    Array.isArray(cases) &&
    cases.every(
      (c) =>
        typeof c?.name === "string" &&
        typeof c?.shortfallBps?.mean === "number" &&
        typeof c?.vwapSlippageBps?.mean === "number",
    );
  if (!valid) throw new UserError("bad-file", `--evaluate: ${path}: not the output of \`tributary evaluate --json\``);
  return value as EvaluationCases;
}
