/**
 * `tributary evaluate`: the measured proof of the execution algorithms. The same parent order (by default: buy
 * 150,000 ACME over 30 minutes, ~4% of the expected volume) is executed in many simulated sessions (one per seed,
 * with impact: our aggressive volume moves the price) by each algorithm and by two baselines run on the same seeds:
 * one market order for everything at arrival, and a naive TWAP of equal market-order slices. For each it reports the
 * implementation shortfall (bps against the arrival mid, fees and the unexecuted rest's opportunity cost included):
 * mean and standard deviation over the seeds; VWAP's slippage against the interval VWAP; POV's realised
 * participation; each algorithm's schedule tracking error (RMS of executed minus target, in % of the order, sampled
 * every 10 s); and IS at several risk aversions (kappa T), whose cost/risk points trace the efficient frontier.
 * The routing comparison runs one algorithm (IS at the moderate urgency) with each routing logic of the smart order
 * router and its two baselines (everything to the single best venue; equal parts to every venue): cost including
 * fees, fill rate, time to complete, the share executed in the dark pool, and how often and how much an aggressive
 * spray over-filled (lots beyond the order: the firm's position, outside the client's cost).
 * Every session is a full simulation with the seed's own market: the same seed gives the same numbers.
 */

import type { AlgoName, AlgoParameters } from "../algo/algo-parameters.js";
import { impactModel } from "../algo/auto-policy.js";
import { riskAversionFor } from "../algo/is.js";
import { MICROS_PER_SECOND } from "../core/clock.js";
import type { VolumeProfile } from "../market/volume-profile.js";
import { SESSION_SECONDS } from "../model/market-parameters.js";
import type { Side } from "../model/order-types.js";
import type { ReferenceData } from "../model/reference-data.js";
import type { RoutingLogic } from "../router/routing.js";
import type { ExecutedFill } from "../tca/execution-cost.js";
import { implementationShortfall, type Summary, slippageBps, summarise } from "../tca/execution-cost.js";
import { BaselineTrader } from "./evaluate-baselines.js";
import { buildDay, type Day } from "./sim-day.js";

const MINUTE = 60 * MICROS_PER_SECOND;
const SAMPLE_MICROS = 10 * MICROS_PER_SECOND;

export interface EvaluationSetup {
  readonly data: ReferenceData;
  readonly profile: VolumeProfile;
  readonly seeds: readonly number[];
  readonly startMicros: number;
  readonly symbol: string;
  readonly side: Side;
  /** The order, in shares (a decimal string). */
  readonly shares: string;
  readonly warmupMinutes: number;
  readonly windowMinutes: number;
  /** IS urgencies (kappa T) for the frontier; the first moderate one is "is" in the main table. */
  readonly frontier: readonly number[];
  readonly moderateKappaT: number;
  readonly povRate: number;
  /** The routing logics compared (the baselines best-venue and equal-split among them); empty: no comparison. */
  readonly routing: readonly RoutingLogic[];
  /** An aggressive spray's over-send multiple (default: the executor's, 1.5). */
  readonly overSend?: number | undefined;
  /** The routing comparison alone: no algorithm table, no frontier (default false). */
  readonly routingOnly?: boolean;
  readonly progress?: ((done: number, total: number) => void) | undefined;
}

export type CaseKind = "market" | "naive-twap" | AlgoName;

export interface EvaluationCase {
  readonly name: string;
  readonly kind: CaseKind;
  /** IS only. */
  readonly kappaT?: number;
  /** The routing logic (default: the router's choice by urgency). */
  readonly routing?: RoutingLogic;
}

export interface RunResult {
  readonly shortfallBps: number;
  readonly fillRate: number;
  readonly vwapSlippageBps: number;
  readonly participation: number;
  /** RMS of (executed - target) / order over the window, %; NaN for the baselines. */
  readonly trackingErrorPct: number;
  /** Minutes from arrival to the last fill when the order completed; the window when it did not. */
  readonly completionMinutes: number;
  /** Share of the executed lots that traded in a dark pool. */
  readonly darkShare: number;
  /** Lots filled beyond the order (the parent's over-fill position), % of the order. */
  readonly overFillPct: number;
}

export interface CaseReport {
  readonly name: string;
  readonly kind: CaseKind;
  readonly kappaT: number | null;
  readonly shortfallBps: Summary;
  readonly fillRate: Summary;
  readonly vwapSlippageBps: Summary;
  readonly participation: Summary;
  readonly trackingErrorPct: Summary;
  readonly completionMinutes: Summary;
  readonly darkShare: Summary;
  readonly overFillPct: Summary;
  /** Seeds whose run over-filled. */
  readonly overFillRuns: number;
  /** Per seed, in seed order (paired comparisons: every case ran on the same seeds). */
  readonly runs: readonly RunResult[];
}

export interface EvaluationReport {
  readonly symbol: string;
  readonly side: Side;
  readonly shares: string;
  readonly windowMinutes: number;
  readonly seeds: number;
  readonly cases: readonly CaseReport[];
  readonly frontier: readonly CaseReport[];
  /** IS (moderate urgency) by routing logic. */
  readonly routing: readonly CaseReport[];
}

/**
 * The paired difference of shortfall (this case minus `other`) seed by seed: mean and standard error. Every case runs
 * on the same seeds, so the market's own randomness, which dominates each case's spread, cancels out.
 */
export function pairedDifference(a: CaseReport, b: CaseReport): { mean: number; stdError: number } {
  const d = a.runs.map((r, i) => r.shortfallBps - (b.runs[i] as RunResult).shortfallBps);
  const s = summarise(d);
  return { mean: s.mean, stdError: s.n > 1 ? s.std / Math.sqrt(s.n) : Number.NaN };
}

/**
 * The paired difference of routing case `name` minus `baseline` pooled over several evaluations (parent sizes, each on
 * its own sessions): the mean of their mean differences, each evaluation weighing the same, and its standard error,
 * sqrt(sum of their squared standard errors) / their number (independent evaluations). Null when an evaluation lacks
 * either case.
 */
export function pooledDifference(
  reports: readonly EvaluationReport[],
  name: string,
  baseline: string,
): { mean: number; stdError: number } | null {
  let mean = 0;
  let variance = 0;
  for (const report of reports) {
    const a = report.routing.find((c) => c.name === name);
    const b = report.routing.find((c) => c.name === baseline);
    if (a === undefined || b === undefined) return null;
    const d = pairedDifference(a, b);
    mean += d.mean;
    variance += d.stdError ** 2;
  }
  const m = reports.length;
  return m === 0 ? null : { mean: mean / m, stdError: Math.sqrt(variance) / m };
}

export function evaluationCases(setup: EvaluationSetup): {
  main: EvaluationCase[];
  frontier: EvaluationCase[];
  routing: EvaluationCase[];
} {
  const algorithms = setup.routingOnly !== true;
  return {
    main: !algorithms
      ? []
      : [
          { name: "market (baseline)", kind: "market" },
          { name: "naive TWAP (baseline)", kind: "naive-twap" },
          { name: "TWAP", kind: "twap" },
          { name: "VWAP", kind: "vwap" },
          { name: `POV ${Math.round(setup.povRate * 100)}%`, kind: "pov" },
          { name: `IS (kappa T ${setup.moderateKappaT})`, kind: "is", kappaT: setup.moderateKappaT },
        ],
    frontier: !algorithms
      ? []
      : setup.frontier.map((k) => ({ name: `IS kappa T ${k}`, kind: "is" as const, kappaT: k })),
    routing: setup.routing.map((logic) => ({
      name: logic === "best-venue" || logic === "equal-split" ? `${logic} (baseline)` : logic,
      kind: "is" as const,
      kappaT: setup.moderateKappaT,
      routing: logic,
    })),
  };
}

export function evaluate(setup: EvaluationSetup): EvaluationReport {
  const { main, frontier, routing } = evaluationCases(setup);
  const all = [...main, ...frontier, ...routing];
  const total = all.length * setup.seeds.length;
  let done = 0;
  const report = (c: EvaluationCase): CaseReport => {
    const runs = setup.seeds.map((seed) => {
      const run = runCase(setup, c, seed);
      setup.progress?.(++done, total);
      return run;
    });
    const pick = (f: (r: RunResult) => number) => summarise(runs.map(f).filter((x) => !Number.isNaN(x)));
    return {
      name: c.name,
      kind: c.kind,
      kappaT: c.kappaT ?? null,
      shortfallBps: pick((r) => r.shortfallBps),
      fillRate: pick((r) => r.fillRate),
      vwapSlippageBps: pick((r) => r.vwapSlippageBps),
      participation: pick((r) => r.participation),
      trackingErrorPct: pick((r) => r.trackingErrorPct),
      completionMinutes: pick((r) => r.completionMinutes),
      darkShare: pick((r) => r.darkShare),
      overFillPct: pick((r) => r.overFillPct),
      overFillRuns: runs.filter((r) => r.overFillPct > 0).length,
      runs,
    };
  };
  return {
    symbol: setup.symbol,
    side: setup.side,
    shares: setup.shares,
    windowMinutes: setup.windowMinutes,
    seeds: setup.seeds.length,
    cases: main.map(report),
    frontier: frontier.map(report),
    routing: routing.map(report),
  };
}

/** One session: the case's execution of the order, measured. */
export function runCase(setup: EvaluationSetup, c: EvaluationCase, seed: number): RunResult {
  const instrument = setup.data.instruments.get(setup.symbol);
  if (instrument === undefined) throw new Error(`unknown symbol ${setup.symbol}`);
  const parsed = instrument.parseQuantity(setup.shares);
  if (!parsed.ok) throw new Error(`order size ${setup.shares}: ${parsed.reason}`);
  const lots = parsed.value;
  const arrival = setup.startMicros + setup.warmupMinutes * MINUTE;
  const end = arrival + setup.windowMinutes * MINUTE;
  const minutes = setup.warmupMinutes + setup.windowMinutes + 1;
  const fills: { qty: number; price: number; feeMicros: number; time: number; venue: string }[] = [];
  let arrivalMid = Number.NaN;
  let endMid = Number.NaN;
  const samples: number[] = [];
  const algorithmic = c.kind !== "market" && c.kind !== "naive-twap";
  const day: Day = buildDay({
    data: setup.data,
    profile: setup.profile,
    seed,
    startMicros: setup.startMicros,
    minutes,
    onReport: () => {},
    sources: [{ id: "EVAL", kind: "api" }],
    // The algorithm starts after the arrival mid is read (its first decision is a timer at arrival).
    chooseAlgo: (_parent, params) => overrideParams(c, params, setup, arrival, end, arrivalMid),
    routing: c.routing === undefined ? undefined : () => c.routing as RoutingLogic,
    overSend: setup.overSend,
    ...(algorithmic
      ? {
          clientOrders: (d: Day) => {
            d.scheduler.at(arrival, () => {
              d.engine.submit({
                clOrdId: "P1",
                source: "EVAL",
                account: "EVAL",
                symbol: setup.symbol,
                side: setup.side,
                quantity: setup.shares,
                orderType: "market",
                strategy: c.kind as AlgoName,
              });
            });
            d.engine.on((event) => {
              if (event.type === "parent-filled") {
                fills.push({
                  qty: event.qty,
                  price: event.price,
                  feeMicros: event.feeMicros,
                  time: event.time,
                  venue: event.venue,
                });
              }
            });
          },
        }
      : {}),
  });
  const view = day.sim.quotes.instrument(setup.symbol);
  // The mid now, or where it last stood when a side of the book is empty (a large order can sweep one side away:
  // its unexecuted rest is still valued, not NaN).
  const mid = (): number => view.quotes.lastTwoSidedMidAt(day.scheduler.now());
  day.scheduler.at(arrival, () => {
    arrivalMid = mid();
  });
  day.scheduler.at(end, () => {
    endMid = mid();
  });
  let baseline: BaselineTrader | null = null;
  if (!algorithmic) {
    baseline = new BaselineTrader(day.sim.venues, setup.symbol, setup.side);
    if (c.kind === "market") day.scheduler.at(arrival, () => (baseline as BaselineTrader).sendMarket(lots));
    else (baseline as BaselineTrader).scheduleSlices(day.scheduler, lots, setup.windowMinutes, arrival, MINUTE);
  } else {
    // Tracking error: executed vs the schedule's target, every 10 s while the parent works.
    for (let t = arrival + SAMPLE_MICROS; t <= end; t += SAMPLE_MICROS) {
      day.scheduler.at(t, () => {
        const parent = day.engine.parent(1);
        const algo = day.executor?.algoOf(1) ?? null;
        if (parent === undefined || algo === null) return;
        const target = Math.min(lots, algo.targetAt(t, view.tape.volume));
        samples.push((parent.cumQty - target) / lots);
      });
    }
  }
  day.model.start(day.endMicros);
  day.scheduler.runUntil(day.endMicros);
  day.scheduler.runUntilIdle();

  const executedFills = baseline === null ? fills : baseline.fills.map((f) => ({ ...f, time: 0, venue: "" }));
  const toFill = (f: { qty: number; price: number; feeMicros: number }): ExecutedFill => ({
    shares: instrument.quantityToShares(f.qty),
    price: instrument.priceToNumber(f.price),
    fee: f.feeMicros / 1e6,
  });
  const shortfall = implementationShortfall({
    side: setup.side,
    orderShares: instrument.quantityToShares(lots),
    arrivalPrice: instrument.priceToNumber(arrivalMid),
    fills: executedFills.map(toFill),
    endPrice: instrument.priceToNumber(endMid),
  });
  const executedLots = executedFills.reduce((n, f) => n + f.qty, 0);
  const lastFill = fills.length > 0 ? (fills[fills.length - 1] as { time: number }).time : end;
  const activeEnd = executedLots >= lots ? Math.max(lastFill, arrival + 1) : end;
  const marketVolume = view.tape.volumeBetween(arrival, activeEnd + 1);
  const intervalVwap = view.tape.vwapBetween(arrival, end);
  const dark = new Set(setup.data.venues.filter((v) => v.kind === "dark").map((v) => v.id));
  const darkLots = executedFills.reduce((n, f) => n + (dark.has(f.venue) ? f.qty : 0), 0);
  const overFilled = day.engine.overFills().reduce((n, p) => n + p.qty, 0);
  return {
    shortfallBps: shortfall.bps,
    fillRate: executedLots / lots,
    vwapSlippageBps:
      executedLots > 0
        ? slippageBps(setup.side, shortfall.averagePrice, instrument.priceToNumber(intervalVwap))
        : Number.NaN,
    participation: marketVolume > 0 ? executedLots / marketVolume : Number.NaN,
    trackingErrorPct:
      samples.length > 0 ? 100 * Math.sqrt(samples.reduce((a, x) => a + x * x, 0) / samples.length) : Number.NaN,
    completionMinutes: baseline === null ? (activeEnd - arrival) / MINUTE : Number.NaN,
    darkShare: executedLots > 0 ? darkLots / executedLots : Number.NaN,
    overFillPct: (100 * overFilled) / lots,
  };
}

function overrideParams(
  c: EvaluationCase,
  params: AlgoParameters,
  setup: EvaluationSetup,
  arrival: number,
  end: number,
  arrivalMid: number,
): AlgoParameters {
  const instrument = setup.data.instruments.get(setup.symbol);
  if (instrument === undefined) return params;
  const algo = c.kind as AlgoName;
  const days = (end - arrival) / (SESSION_SECONDS * MICROS_PER_SECOND);
  const model = impactModel(instrument, Number.isFinite(arrivalMid) ? arrivalMid : instrument.referencePriceUnits);
  return {
    ...params,
    algo,
    startTime: arrival,
    endTime: end,
    completeByEnd: algo !== "pov",
    povRate: setup.povRate,
    povMinRate: setup.povRate / 2,
    povMaxRate: Math.min(1, setup.povRate * 2),
    riskAversion: algo === "is" ? riskAversionFor(c.kappaT ?? setup.moderateKappaT, model, days) : 0,
    slices: setup.windowMinutes,
  };
}
