/**
 * `tributary pretrade`: pre-trade analytics for selling a block. Prints the Almgren-Chriss optimal schedule (holdings
 * and trades per period, kappa and half-life, expected cost, variance and standard deviation) beside the straight
 * line, and, given the average daily volume and annual volatility, Kissell's I-Star impact estimate. The defaults are
 * the paper's Table 1 example (../shared/oracles/almgren-chriss-2000.md), so `tributary pretrade` alone prints it.
 *
 * Every flag is checked as it is parsed (a bad one is a commander `InvalidArgumentError` naming the flag); checks that
 * need several flags (eta_tilde > 0, I-Star flags given together) are `UserError`s naming the flags. main.ts prints
 * either as one line and exits 2. In JSON, `null` stands for an infinite value (kappa with --lambda inf, the half-life
 * with --lambda 0).
 */
import { type Command, InvalidArgumentError } from "commander";
import {
  type AlmgrenChrissInputs,
  type AlmgrenChrissSchedule,
  almgrenChrissProblem,
  optimalSchedule,
  straightLineSchedule,
} from "../algo/index.js";
import { UserError } from "../core/errors.js";
import { I_STAR_ALL_DATA, type IStarEstimate, type IStarParameters, iStar, iStarProblem } from "../tca/index.js";

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

interface Bound {
  readonly min: number;
  /** True when the bound itself is refused (> min rather than >= min). */
  readonly exclusive: boolean;
  readonly max?: number;
  readonly infinity?: boolean;
  readonly whole?: boolean;
}

function numberFlag(flag: string, bound: Bound) {
  return (value: string): number => {
    const text = value.trim();
    const n = bound.infinity === true && /^(\+?inf|\+?infinity)$/i.test(text) ? Number.POSITIVE_INFINITY : Number(text);
    if (!NUMBER.test(text) && n !== Number.POSITIVE_INFINITY) {
      throw new InvalidArgumentError(
        `${flag} must be a number${bound.infinity === true ? ' or "inf"' : ""}, got "${value}"`,
      );
    }
    if (bound.whole === true && !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${flag} must be a whole number, got "${value}"`);
    }
    if (!Number.isFinite(n) && bound.infinity !== true) {
      throw new InvalidArgumentError(`${flag} must be a finite number, got "${value}"`);
    }
    if (bound.exclusive ? !(n > bound.min) : !(n >= bound.min)) {
      throw new InvalidArgumentError(`${flag} must be ${bound.exclusive ? ">" : ">="} ${bound.min}, got ${value}`);
    }
    if (bound.max !== undefined && n > bound.max) {
      throw new InvalidArgumentError(`${flag} must be at most ${bound.max}, got ${value}`);
    }
    return n;
  };
}

function iStarParametersFlag(value: string): IStarParameters {
  const parts = value.split(",").map((p) => p.trim());
  if (parts.length !== 5 || parts.some((p) => !NUMBER.test(p))) {
    throw new InvalidArgumentError(`--i-star-params must be five numbers a1,a2,a3,a4,b1, got "${value}"`);
  }
  const [a1, a2, a3, a4, b1] = parts.map(Number) as [number, number, number, number, number];
  if (b1 < 0 || b1 > 1) throw new InvalidArgumentError(`--i-star-params: b1 must be in [0, 1], got ${b1}`);
  return { a1, a2, a3, a4, b1 };
}

interface PretradeOptions {
  qty: number;
  price: number;
  sigma: number;
  eta: number;
  gamma: number;
  epsilon: number;
  lambda: number;
  horizon: number;
  periods: number;
  adv?: number;
  annualVol?: number;
  participation?: number;
  iStarParams: IStarParameters;
  json: boolean;
}

/** Which flag sets which Almgren-Chriss field, to name it in an error. */
const FLAG_OF: Record<keyof AlmgrenChrissInputs, string> = {
  quantity: "--qty",
  horizon: "--horizon",
  periods: "--periods",
  sigma: "--sigma",
  eta: "--eta",
  gamma: "--gamma",
  epsilon: "--epsilon",
  lambda: "--lambda",
};

interface IStarReport {
  readonly participation: number;
  readonly participationDerived: boolean;
  readonly estimate: IStarEstimate;
  readonly cost: number;
}

function iStarReport(opts: PretradeOptions): IStarReport | null {
  if (opts.adv === undefined && opts.annualVol === undefined) {
    if (opts.participation !== undefined)
      throw new UserError("pretrade-flags", "--participation: needs --adv and --annual-vol");
    return null;
  }
  if (opts.adv === undefined)
    throw new UserError("pretrade-flags", "--annual-vol: needs --adv (average daily volume) too");
  if (opts.annualVol === undefined)
    throw new UserError("pretrade-flags", "--adv: needs --annual-vol (annualised volatility) too");
  // Without --participation, the pace of the schedule: the order over the order plus the market's volume in T days.
  const participationDerived = opts.participation === undefined;
  const participation = opts.participation ?? opts.qty / (opts.qty + opts.adv * opts.horizon);
  const inputs = { quantity: opts.qty, adv: opts.adv, annualVolatility: opts.annualVol, participation };
  const problem = iStarProblem(inputs, opts.iStarParams);
  if (problem !== null) throw new UserError("pretrade-flags", `I-Star ${problem.field}: ${problem.reason}`);
  const estimate = iStar(inputs, opts.iStarParams);
  return {
    participation,
    participationDerived,
    estimate,
    cost: (estimate.marketImpactBps / 1e4) * opts.qty * opts.price,
  };
}

function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

function scheduleJson(inputs: AlmgrenChrissInputs, s: AlmgrenChrissSchedule, notional: number) {
  return {
    holdings: Array.from(s.holdings),
    trades: Array.from(s.trades),
    expected_cost: s.expectedCost,
    expected_cost_bps: notional > 0 ? (s.expectedCost / notional) * 1e4 : null,
    variance: s.variance,
    std_dev: Math.sqrt(s.variance),
    utility: finite(s.expectedCost + (s.variance === 0 ? 0 : inputs.lambda * s.variance)),
  };
}

const money = (n: number) => n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const expo = (n: number) => n.toExponential(6);
const maybe = (n: number, f: (n: number) => string) => (Number.isFinite(n) ? f(n) : "inf");

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function formatText(
  opts: PretradeOptions,
  inputs: AlmgrenChrissInputs,
  best: AlmgrenChrissSchedule,
  line: AlmgrenChrissSchedule,
  impact: IStarReport | null,
): string {
  const tau = inputs.horizon / inputs.periods;
  const notional = opts.qty * opts.price;
  const out: string[] = [
    `Almgren-Chriss optimal execution: sell ${opts.qty.toLocaleString("en-US", { maximumFractionDigits: 6 })} shares at ${opts.price} over ${opts.horizon} time units` +
      ` in ${opts.periods} periods (tau ${tau})`,
    `sigma ${opts.sigma}  eta ${opts.eta}  gamma ${opts.gamma}  epsilon ${opts.epsilon}  lambda ${opts.lambda}`,
    `kappa ${maybe(best.kappa, (k) => k.toPrecision(8))} per time unit, half-life 1/kappa ` +
      `${best.kappa === 0 ? "inf" : maybe(1 / best.kappa, (h) => h.toPrecision(8))}`,
    "",
  ];
  const rows: string[][] = [
    ["period", "time", "optimal holdings", "optimal trade", "straight holdings", "straight trade"],
  ];
  for (let j = 0; j <= inputs.periods; j++) {
    rows.push([
      String(j),
      String(Number((j * tau).toPrecision(12))),
      money(best.holdings[j] as number),
      j === 0 ? "" : money(best.trades[j - 1] as number),
      money(line.holdings[j] as number),
      j === 0 ? "" : money(line.trades[j - 1] as number),
    ]);
  }
  out.push(table(rows), "");
  const bps = (e: number) => (notional > 0 ? ((e / notional) * 1e4).toFixed(2) : "-");
  const utility = (s: AlmgrenChrissSchedule) =>
    maybe(s.expectedCost + (s.variance === 0 ? 0 : inputs.lambda * s.variance), money);
  out.push(
    table([
      ["", "optimal", "straight line"],
      ["expected cost E", money(best.expectedCost), money(line.expectedCost)],
      ["E in bps of notional", bps(best.expectedCost), bps(line.expectedCost)],
      ["variance V", expo(best.variance), expo(line.variance)],
      ["std dev", money(Math.sqrt(best.variance)), money(Math.sqrt(line.variance))],
      ["E + lambda V", utility(best), utility(line)],
    ]),
  );
  if (impact !== null) {
    const e = impact.estimate;
    out.push(
      "",
      `I-Star market impact (Kissell; a1 ${opts.iStarParams.a1}, a2 ${opts.iStarParams.a2}, a3 ${opts.iStarParams.a3},` +
        ` a4 ${opts.iStarParams.a4}, b1 ${opts.iStarParams.b1})`,
      `Q/ADV ${e.sizeFraction.toFixed(4)}  annual vol ${opts.annualVol}  participation ${impact.participation.toFixed(4)}` +
        (impact.participationDerived ? " (qty / (qty + adv x horizon), horizon in days)" : ""),
      table([
        ["instantaneous impact I*", `${e.instantaneousBps.toFixed(4)} bp`],
        ["market impact MI", `${e.marketImpactBps.toFixed(4)} bp`],
        ["MI cost at --price", money(impact.cost)],
      ]),
    );
  }
  return out.join("\n");
}

export function registerPretrade(program: Command): void {
  const positive = (flag: string) => numberFlag(flag, { min: 0, exclusive: true });
  const nonNegative = (flag: string) => numberFlag(flag, { min: 0, exclusive: false });
  program
    .command("pretrade")
    .description(
      "pre-trade analytics: the Almgren-Chriss optimal schedule, its expected cost and variance against the straight" +
        " line, and the I-Star impact estimate (defaults: the paper's Table 1 example)",
    )
    .option("--qty <shares>", "X: shares to sell", positive("--qty"), 1_000_000)
    .option("--price <p>", "S0: price per share (for costs in bps and the I-Star cost)", positive("--price"), 50)
    .option("--sigma <s>", "volatility, $/share per sqrt(time unit)", nonNegative("--sigma"), 0.95)
    .option("--eta <e>", "temporary impact, ($/share)/(share/time unit)", positive("--eta"), 2.5e-6)
    .option("--gamma <g>", "permanent impact, $/share^2", nonNegative("--gamma"), 2.5e-7)
    .option("--epsilon <eps>", "fixed cost per share (half spread + fees)", nonNegative("--epsilon"), 0.0625)
    .option(
      "--lambda <l>",
      'risk aversion, 1/$ (0: straight line; "inf": sell at once)',
      numberFlag("--lambda", { min: 0, exclusive: false, infinity: true }),
      1e-6,
    )
    .option("--horizon <t>", "T: horizon in the time unit of sigma and eta", positive("--horizon"), 5)
    .option(
      "--periods <n>",
      "N: trading periods (tau = T/N)",
      numberFlag("--periods", { min: 1, exclusive: false, max: 100_000, whole: true }),
      5,
    )
    .option("--adv <shares>", "I-Star: average daily volume, shares", positive("--adv"))
    .option("--annual-vol <v>", "I-Star: annualised volatility as a decimal (0.30 = 30%)", positive("--annual-vol"))
    .option(
      "--participation <r>",
      "I-Star: participation rate in (0, 1]; default qty / (qty + adv x horizon), horizon in days",
      numberFlag("--participation", { min: 0, exclusive: true, max: 1 }),
    )
    .option("--i-star-params <a1,a2,a3,a4,b1>", "I-Star parameters", iStarParametersFlag, I_STAR_ALL_DATA)
    .option("--json", "print the analytics as JSON on stdout", false)
    .action((opts: PretradeOptions) => {
      const inputs: AlmgrenChrissInputs = {
        quantity: opts.qty,
        horizon: opts.horizon,
        periods: opts.periods,
        sigma: opts.sigma,
        eta: opts.eta,
        gamma: opts.gamma,
        epsilon: opts.epsilon,
        lambda: opts.lambda,
      };
      const problem = almgrenChrissProblem(inputs);
      if (problem !== null) {
        const flags = problem.reason.startsWith("eta_tilde")
          ? "--eta, --gamma, --horizon, --periods"
          : FLAG_OF[problem.field];
        throw new UserError("pretrade-flags", `${flags}: ${problem.reason}`);
      }
      const impact = iStarReport(opts);
      const best = optimalSchedule(inputs);
      const line = straightLineSchedule(inputs);
      if (!opts.json) {
        process.stdout.write(`${formatText(opts, inputs, best, line, impact)}\n`);
        return;
      }
      const notional = opts.qty * opts.price;
      const report = {
        inputs: { ...inputs, lambda: finite(inputs.lambda), price: opts.price, tau: inputs.horizon / inputs.periods },
        kappa: finite(best.kappa),
        half_life: best.kappa === 0 ? null : 1 / best.kappa,
        ...scheduleJson(inputs, best, notional),
        straight_line: scheduleJson(inputs, line, notional),
        ...(impact === null
          ? {}
          : {
              i_star: {
                parameters: opts.iStarParams,
                adv: opts.adv,
                annual_volatility: opts.annualVol,
                participation: impact.participation,
                participation_derived: impact.participationDerived,
                size_fraction: impact.estimate.sizeFraction,
                instantaneous_bps: impact.estimate.instantaneousBps,
                market_impact_bps: impact.estimate.marketImpactBps,
                temporary_bps: impact.estimate.temporaryBps,
                permanent_bps: impact.estimate.permanentBps,
                market_impact_cost: impact.cost,
              },
            }),
      };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });
}
