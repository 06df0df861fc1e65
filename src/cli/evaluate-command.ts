/**
 * `tributary evaluate`: runs the evaluation (evaluate.ts) and prints its tables: each algorithm and baseline's
 * implementation shortfall over the seeds, the paired differences against both baselines, VWAP slippage, POV
 * participation, tracking error, and the IS frontier. `--json` prints the report instead (per-seed runs included).
 * Several order sizes (`--shares 300000,1500000`): one evaluation each, printed in turn, then the routing comparison
 * pooled over them (evaluate.ts `pooledDifference`); with `--json`, an array of the reports.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { loadReferenceData } from "../config/load-config.js";
import { loadVolumeProfile } from "../config/volume-profile-file.js";
import { isoToMicros } from "../core/clock.js";
import { UserError } from "../core/errors.js";
import { DEFAULT_OVER_SEND } from "../engine/algo-executor.js";
import { VolumeProfile } from "../market/volume-profile.js";
import { SESSION_SECONDS } from "../model/market-parameters.js";
import { ROUTING_LOGICS, type RoutingLogic } from "../router/routing.js";
import { type CaseReport, type EvaluationReport, evaluate, pairedDifference, pooledDifference } from "./evaluate.js";

interface Flags {
  seeds: number;
  firstSeed: number;
  config: string;
  volumeProfile?: string;
  start: string;
  symbol: string;
  side: string;
  shares: string[];
  window: number;
  warmup: number;
  povRate: number;
  kappaT: number;
  frontier: number[];
  routing: RoutingLogic[];
  overSend: number;
  routingOnly: boolean;
  json: boolean;
}

function positiveInt(name: string, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}, got "${value}"`);
    }
    return Number(value);
  };
}

function fraction(name: string) {
  return (value: string): number => {
    const x = Number(value);
    if (!/^\d*\.?\d+$/.test(value) || !(x > 0 && x <= 1)) {
      throw new InvalidArgumentError(`${name} must be a number in (0, 1], got "${value}"`);
    }
    return x;
  };
}

function positiveNumber(name: string) {
  return (value: string): number => {
    const x = Number(value);
    if (!/^\d*\.?\d+$/.test(value) || !(x > 0)) throw new InvalidArgumentError(`${name} must be > 0, got "${value}"`);
    return x;
  };
}

/**
 * `defaults.volumeProfile` is the recorded profile's path, or null (said on stderr) when it is not beside the
 * repository: the generated U-shape is then used. A `--volume-profile` file that cannot be read is an error.
 */
export function registerEvaluate(
  program: Command,
  defaults: { config: string; volumeProfile: () => string | null },
): void {
  program
    .command("evaluate")
    .description(
      "run the same parent order through every algorithm and two baselines over many seeded sessions; print the costs",
    )
    .option("--seeds <n>", "number of seeded sessions per case", positiveInt("--seeds", 1000), 30)
    .option("--first-seed <n>", "the first seed (then +1, +2, ...)", positiveInt("--first-seed", 2 ** 31 - 1), 1)
    .option("--config <file>", "reference data (instruments and venues)", defaults.config)
    .option("--volume-profile <file>", "intraday volume profile CSV (default: the recorded one in ../shared/data)")
    .option("--start <iso>", "session start, ISO-8601 UTC", "2026-01-05T14:30:00Z")
    .option("--symbol <symbol>", "instrument of the parent order", "ACME")
    .option("--side <side>", "buy or sell", "buy")
    .option(
      "--shares <list>",
      "order size in shares (a decimal); several, comma-separated: one evaluation each, and the routing comparison pooled",
      (v: string) => v.split(",").map((x) => x.trim()),
      ["300000"],
    )
    .option("--window <minutes>", "execution window, minutes", positiveInt("--window", 390), 10)
    .option("--warmup <minutes>", "market warm-up before arrival, minutes", positiveInt("--warmup", 60), 2)
    .option("--pov-rate <rate>", "POV target participation", fraction("--pov-rate"), 0.1)
    .option("--kappa-t <k>", "IS urgency (kappa x horizon) in the main table", positiveNumber("--kappa-t"), 2)
    .option(
      "--frontier <list>",
      "IS urgencies (kappa T) for the frontier, comma-separated",
      (v: string) => v.split(",").map((x) => positiveNumber("--frontier")(x.trim())),
      [0.5, 1, 2, 4, 8],
    )
    .option(
      "--routing <list>",
      `routing logics compared on IS, comma-separated (${ROUTING_LOGICS.join(", ")}; "none" for no comparison)`,
      (v: string) => routingList(v),
      [...ROUTING_LOGICS],
    )
    .option(
      "--over-send <x>",
      "aggressive-spray: the most it sends, as a multiple of the child (1 to 10)",
      overSendFactor,
      DEFAULT_OVER_SEND,
    )
    .option("--routing-only", "the routing comparison alone (no algorithm table, no frontier)", false)
    .option("--json", "print the report as JSON", false)
    .action((flags: Flags) => {
      if (flags.side !== "buy" && flags.side !== "sell") {
        throw new UserError("bad-flag", `--side must be buy or sell, got "${flags.side}"`);
      }
      const startMicros = isoToMicros(flags.start);
      if (Number.isNaN(startMicros)) throw new UserError("bad-flag", `--start: "${flags.start}" is not ISO-8601 UTC`);
      const data = loadReferenceData(flags.config);
      const instrument = data.instruments.get(flags.symbol);
      if (instrument === undefined) {
        throw new UserError("bad-flag", `--symbol: ${flags.symbol} is not an instrument of ${flags.config}`);
      }
      for (const shares of flags.shares) {
        const qty = instrument.parseQuantity(shares);
        if (!qty.ok || qty.value <= 0) {
          const lot = `${flags.symbol}'s lot is ${instrument.lotSize} share${instrument.lotSize === "1" ? "" : "s"}`;
          const why =
            qty.ok || qty.reason !== "not-a-lot-multiple"
              ? "is not a positive number of shares"
              : `is not a whole number of lots (${lot})`;
          throw new UserError("bad-flag", `--shares: "${shares}" ${why}`);
        }
      }
      if (flags.firstSeed + flags.seeds - 1 > 2 ** 31 - 1)
        throw new UserError(
          "bad-flag",
          `--first-seed ${flags.firstSeed} with --seeds ${flags.seeds} runs past seed 2^31-1`,
        );
      const profileFile = flags.volumeProfile ?? defaults.volumeProfile();
      const profile = profileFile === null ? VolumeProfile.generatedU(SESSION_SECONDS) : loadVolumeProfile(profileFile);
      const seeds = Array.from({ length: flags.seeds }, (_, i) => flags.firstSeed + i);
      const reports: EvaluationReport[] = [];
      for (const shares of flags.shares) {
        if (!flags.json && flags.shares.length > 1) process.stderr.write(`${shares} shares:\n`);
        const report = evaluate({
          data,
          profile,
          seeds,
          startMicros,
          symbol: flags.symbol,
          side: flags.side,
          shares,
          warmupMinutes: flags.warmup,
          windowMinutes: flags.window,
          frontier: flags.frontier,
          moderateKappaT: flags.kappaT,
          povRate: flags.povRate,
          routing: flags.routing,
          overSend: flags.overSend,
          routingOnly: flags.routingOnly,
          progress: flags.json ? undefined : (done, total) => process.stderr.write(`\r${done}/${total} sessions`),
        });
        if (!flags.json) {
          process.stderr.write("\n");
          process.stdout.write(`${reports.length > 0 ? "\n" : ""}${formatEvaluation(report)}`);
        }
        reports.push(report);
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
      } else if (reports.length > 1 && flags.routing.length > 0) {
        process.stdout.write(`\n${formatPooledRouting(reports)}`);
      }
    });
}

function overSendFactor(value: string): number {
  const x = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(x >= 1 && x <= 10)) {
    throw new InvalidArgumentError(`--over-send must be a number from 1 to 10, got "${value}"`);
  }
  return x;
}

function routingList(value: string): RoutingLogic[] {
  if (value.trim() === "none") return [];
  return value.split(",").map((x) => {
    const logic = x.trim();
    if (!(ROUTING_LOGICS as readonly string[]).includes(logic)) {
      throw new InvalidArgumentError(`--routing: "${logic}" is not one of ${ROUTING_LOGICS.join(", ")} (or none)`);
    }
    return logic as RoutingLogic;
  });
}

const f = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : "-");

/** `c` minus `base`, seed by seed: mean +/- standard error; "-" against itself or no baseline. */
function paired(c: CaseReport, base: CaseReport | undefined): string {
  if (base === undefined || base === c) return "-";
  const d = pairedDifference(c, base);
  return `${f(d.mean)}±${f(d.stdError)}`;
}

export function formatEvaluation(report: EvaluationReport): string {
  const lines: string[] = [];
  lines.push(
    `${report.side} ${report.shares} ${report.symbol} over ${report.windowMinutes} min, ${report.seeds} seeds ` +
      "(implementation shortfall vs arrival mid, fees and opportunity cost included; bps)",
  );
  if (report.cases.length > 0) formatCases(report, lines);
  if (report.frontier.length > 0) {
    lines.push("");
    lines.push("IS efficient frontier: urgency (kappa T) -> mean cost and its standard deviation (risk), bps");
    lines.push(["kappa T".padStart(8), "mean".padStart(7), "std".padStart(7)].join("  "));
    for (const c of report.frontier) {
      lines.push(
        [
          f(c.kappaT ?? Number.NaN, 1).padStart(8),
          f(c.shortfallBps.mean).padStart(7),
          f(c.shortfallBps.std).padStart(7),
        ].join("  "),
      );
    }
  }
  if (report.routing.length > 0) {
    lines.push("");
    lines.push(
      `Routing: IS (kappa T ${f(report.routing[0]?.kappaT ?? Number.NaN, 1)}) by routing logic; cost = implementation ` +
        "shortfall with fees, bps; vs = paired difference seed by seed; over-filled = seeds with lots beyond the " +
        "order (the firm's position, not in the cost), over-fill = mean lots beyond it over all seeds, % of the order",
    );
    const best = report.routing.find((c) => c.name.startsWith("best-venue"));
    const equal = report.routing.find((c) => c.name.startsWith("equal-split"));
    lines.push(
      [
        "routing".padEnd(24),
        "cost",
        "std".padStart(5),
        "vs best venue".padStart(13),
        "vs equal split".padStart(14),
        "filled",
        "minutes",
        "dark share",
        "over-filled",
        "over-fill",
      ].join("  "),
    );
    for (const c of report.routing) {
      lines.push(
        [
          c.name.padEnd(24),
          f(c.shortfallBps.mean).padStart(4),
          f(c.shortfallBps.std).padStart(5),
          paired(c, best).padStart(13),
          paired(c, equal).padStart(14),
          `${f(100 * c.fillRate.mean, 1)}%`.padStart(6),
          f(c.completionMinutes.mean).padStart(7),
          `${f(100 * c.darkShare.mean, 1)}%`.padStart(10),
          `${c.overFillRuns}/${c.runs.length}`.padStart(11),
          `${f(c.overFillPct.mean, 2)}%`.padStart(9),
        ].join("  "),
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The algorithms and baselines table. */
function formatCases(report: EvaluationReport, lines: string[]): void {
  const [market, naive] = report.cases;
  const header = [
    "case".padEnd(24),
    "IS mean",
    "IS std",
    "vs market",
    "vs naive TWAP",
    "filled",
    "VWAP slip",
    "(std)",
    "particip.",
    "track err %",
  ];
  lines.push(header.join("  "));
  for (const c of report.cases) {
    lines.push(
      [
        c.name.padEnd(24),
        f(c.shortfallBps.mean).padStart(7),
        f(c.shortfallBps.std).padStart(6),
        paired(c, market).padStart(9),
        paired(c, naive).padStart(13),
        `${f(100 * c.fillRate.mean, 1)}%`.padStart(6),
        f(c.vwapSlippageBps.mean).padStart(9),
        f(c.vwapSlippageBps.std).padStart(5),
        `${f(100 * c.participation.mean, 1)}%`.padStart(9),
        f(c.trackingErrorPct.mean).padStart(11),
      ].join("  "),
    );
  }
}

/**
 * The routing comparison pooled over the evaluations of several parent sizes: each logic's cost averaged over the sizes
 * (each weighing the same) and its paired differences against both baselines, pooled (evaluate.ts `pooledDifference`).
 */
export function formatPooledRouting(reports: readonly EvaluationReport[]): string {
  const first = reports[0] as EvaluationReport;
  const lines = [
    `Routing pooled over ${reports.length} parent sizes (${reports.map((r) => r.shares).join(", ")} ${first.symbol}), ` +
      `${first.seeds} seeds each, each size weighing the same: mean cost (bps) and paired differences (mean +/- ` +
      "standard error)",
    ["routing".padEnd(24), "cost", "vs best venue".padStart(13), "vs equal split".padStart(14)].join("  "),
  ];
  const pooled = (name: string, baseline: string | undefined): string => {
    if (baseline === undefined || baseline === name) return "-";
    const d = pooledDifference(reports, name, baseline);
    return d === null ? "-" : `${f(d.mean)}±${f(d.stdError)}`;
  };
  const best = first.routing.find((c) => c.name.startsWith("best-venue"))?.name;
  const equal = first.routing.find((c) => c.name.startsWith("equal-split"))?.name;
  for (const c of first.routing) {
    let cost = 0;
    for (const r of reports) cost += r.routing.find((x) => x.name === c.name)?.shortfallBps.mean ?? Number.NaN;
    lines.push(
      [
        c.name.padEnd(24),
        f(cost / reports.length).padStart(4),
        pooled(c.name, best).padStart(13),
        pooled(c.name, equal).padStart(14),
      ].join("  "),
    );
  }
  return `${lines.join("\n")}\n`;
}
