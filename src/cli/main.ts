#!/usr/bin/env node
/**
 * The `tributary` command. User mistakes (a bad flag, file or config value) print one line naming what is wrong and
 * exit with status 2; anything else is a bug and keeps its stack trace.
 */
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { UserError } from "../core/errors.js";
import { runDemo } from "./demo.js";
import { formatSummary } from "./demo-summary.js";
import { progressBar } from "./progress.js";

const DEFAULT_CONFIG = fileURLToPath(new URL("../../../config/demo.yaml", import.meta.url));

function integerFlag(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

function positiveNumberFlag(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > max) {
      throw new InvalidArgumentError(`${name} must be a number above 0 and at most ${max}, got "${value}"`);
    }
    return n;
  };
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
  .option("--rate <n>", "mean orders per second per venue and instrument", positiveNumberFlag("--rate", 1000), 2)
  .option("--out <dir>", "write summary.json and fills.csv into this directory")
  .option("--json", "print the summary as JSON on stdout (no table, no progress bar)", false)
  .action(
    (opts: {
      seed: number;
      config: string;
      start: string;
      minutes: number;
      rate: number;
      out?: string;
      json: boolean;
    }) => {
      const bar = progressBar(!opts.json && process.stderr.isTTY === true, opts.minutes, "simulated minutes");
      const summary = runDemo({
        seed: opts.seed,
        config: opts.config,
        start: opts.start,
        minutes: opts.minutes,
        rate: opts.rate,
        out: opts.out ?? null,
        progress: (done) => bar.update(done),
      });
      bar.stop();
      process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
    },
  );

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
