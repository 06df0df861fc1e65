#!/usr/bin/env node
/**
 * The `tributary` command. User mistakes (a bad flag, file or config value) print one line naming what is wrong and
 * exit with status 2; anything else is a bug and keeps its stack trace.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError, Option } from "commander";
import { loadRiskConfig } from "../config/load-risk-config.js";
import { UserError } from "../core/errors.js";
import type { JournalTarget } from "../journal/journal-target.js";
import { ROUTING_LOGICS, type RoutingLogic } from "../router/routing.js";
import { registerAudit } from "./audit-command.js";
import { DEFAULT_ORDER_COUNT, DEMO_ALLOCATIONS, type DemoAllocation, runDemo } from "./demo.js";
import { formatSummary } from "./demo-summary.js";
import { registerEvaluate } from "./evaluate-command.js";
import { registerFix } from "./fix-command.js";
import { registerPretrade } from "./pretrade-command.js";
import { progressBar } from "./progress.js";
import { registerReplay } from "./replay-command.js";
import { registerServe } from "./serve-command.js";
import { registerTca } from "./tca-command.js";
import { registerVenueSim } from "./venue-sim-command.js";

const DEFAULT_CONFIG = fileURLToPath(new URL("../../../config/demo.yaml", import.meta.url));
/** Real data, read in place from the shared folder beside the repository (never copied into it). */
const DEFAULT_VOLUME_PROFILE = fileURLToPath(
  new URL("../../../../shared/data/derived/intraday_volume_profile_5min.csv", import.meta.url),
);

function integerFlag(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

/** The recorded profile when it is beside the repository; otherwise null (the generated U-shape), said on stderr. */
function defaultVolumeProfile(): string | null {
  if (existsSync(DEFAULT_VOLUME_PROFILE)) return DEFAULT_VOLUME_PROFILE;
  process.stderr.write(
    `tributary: note: ${DEFAULT_VOLUME_PROFILE} not found; using a generated U-shaped volume profile\n`,
  );
  return null;
}

const program = new Command()
  .name("tributary")
  .description("Smart order execution engine: simulated venues, execution algorithms, smart order routing, TCA.")
  .exitOverride()
  .showHelpAfterError(false)
  .configureOutput({ outputError: (text, write) => write(`tributary: ${text.replace(/^error: /, "")}`) });

program
  .command("demo")
  .description("run a simulated trading session on the configured venues and print what happened")
  .option("--seed <n>", "random seed: the same seed gives the same fills", integerFlag("--seed", 0, 2 ** 31 - 1), 1)
  .option("--config <file>", "reference data (instruments and venues), YAML or JSON", DEFAULT_CONFIG)
  .option("--start <iso>", "session start, ISO-8601 UTC", "2026-01-05T14:30:00Z")
  .option(
    "--minutes <n>",
    "session length in minutes (390 = a full US equity day)",
    integerFlag("--minutes", 1, 1440),
    390,
  )
  .option(
    "--volume-profile <file>",
    "intraday volume profile CSV (5-minute bins from the open); default: the recorded one in ../shared/data, or a" +
      " generated U-shape when that is absent",
  )
  .option("--profile-series <name>", 'which series of the profile, or "mean" of all', "mean")
  .option(
    "--order-count <n>",
    "generated client orders (many sources and accounts, a long tail of small orders, both sides)",
    integerFlag("--order-count", 0, 1_000_000),
    DEFAULT_ORDER_COUNT,
  )
  .option("--orders <file>", "client orders from an order file (.csv, .jsonl) instead of generated ones")
  .addOption(
    new Option("--allocation <policy>", "how a parent's fills are shared among its client orders")
      .choices(DEMO_ALLOCATIONS)
      .default("pro-rata"),
  )
  .option(
    "--priority-accounts <list>",
    "with --allocation by-account: the accounts served first, in order (A,B)",
    (v) =>
      v
        .split(",")
        .map((a) => a.trim())
        .filter((a) => a !== ""),
  )
  .option("--risk <file>", "pre-trade risk limits, YAML or JSON (see README: Risk configuration; default: none)")
  .option("--out <dir>", "write summary.json, orders.csv, fills.csv, allocations.csv and market-fills.csv here")
  .option("--json", "print the summary as JSON on stdout (no table, no progress bar)", false)
  .option("--db <file>", "journal every engine event to this SQLite file (default with --out: <out>/journal.db)")
  .option("--pg <url>", "journal every engine event to PostgreSQL instead, postgres://user@host:port/database")
  .option(
    "--pg-schema <name>",
    "the PostgreSQL schema for the journal (made when absent; must hold no journal)",
    "public",
  )
  .option("--no-journal", "write no journal")
  .option("--scorecard <file>", "the router's venue scorecard: read at the start if it exists, written at the end")
  .addOption(
    new Option("--routing <logic>", "one routing logic for every parent (default: by each parent's urgency)").choices(
      ROUTING_LOGICS,
    ),
  )
  .action(
    (opts: {
      seed: number;
      config: string;
      start: string;
      minutes: number;
      volumeProfile?: string;
      profileSeries: string;
      orderCount: number;
      allocation: DemoAllocation;
      orders?: string;
      priorityAccounts?: string[];
      risk?: string;
      out?: string;
      json: boolean;
      db?: string;
      pg?: string;
      pgSchema: string;
      journal: boolean;
      scorecard?: string;
      routing?: RoutingLogic;
    }) => {
      if (opts.pg !== undefined && opts.db !== undefined)
        throw new UserError("bad-flag", "demo: give --db or --pg, not both");
      if (opts.pg !== undefined && !opts.journal)
        throw new UserError("bad-flag", "demo: --pg names a journal and --no-journal asks for none: give one");
      const sqlite = opts.db ?? (opts.out === undefined ? null : join(opts.out, "journal.db"));
      // "normal" sync for SQLite: a simulation needs the file to survive a crash, not a power cut.
      const journal: JournalTarget | null = !opts.journal
        ? null
        : opts.pg !== undefined
          ? { kind: "postgres", url: opts.pg, schema: opts.pgSchema }
          : sqlite === null
            ? null
            : { kind: "sqlite", path: sqlite, synchronous: "normal" };
      const bar = progressBar(!opts.json && process.stderr.isTTY === true, opts.minutes, "simulated minutes");
      const summary = runDemo({
        seed: opts.seed,
        config: opts.config,
        start: opts.start,
        minutes: opts.minutes,
        volumeProfile: opts.volumeProfile ?? defaultVolumeProfile(),
        profileSeries: opts.profileSeries,
        out: opts.out ?? null,
        orderCount: opts.orderCount,
        allocation: opts.allocation,
        ...(opts.priorityAccounts === undefined ? {} : { priorityAccounts: opts.priorityAccounts }),
        orders: opts.orders ?? null,
        risk: opts.risk === undefined ? undefined : loadRiskConfig(opts.risk),
        onRowReject: (line) => process.stderr.write(`${line}\n`),
        progress: (done) => bar.update(done),
        journal,
        scorecard: opts.scorecard ?? null,
        routing: opts.routing ?? null,
      });
      bar.stop();
      process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
    },
  );

registerReplay(program);
registerAudit(program);
registerTca(program, { config: DEFAULT_CONFIG });
registerPretrade(program);
registerEvaluate(program, { config: DEFAULT_CONFIG, volumeProfile: defaultVolumeProfile });
registerFix(program);
registerServe(program);
registerVenueSim(program, { config: DEFAULT_CONFIG });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof UserError) {
    process.stderr.write(`tributary: ${error.message}\n`);
    process.exit(2);
  }
  const code = (error as { code?: string }).code;
  if (typeof code === "string" && code.startsWith("commander.")) {
    const helpOrVersion =
      code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help";
    process.exit(helpOrVersion ? 0 : 2);
  }
  throw error;
}
