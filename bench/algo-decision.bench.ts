/**
 * Strategy decision latency: one `ParentAlgo.decide` per market-data event per active parent. Target (issue: execution
 * algorithms): median under 5 µs.
 *
 * Part 1, the algorithm alone. For each algorithm (twap, vwap, pov, is) 32 parents in ACME (config/demo.yaml), chosen
 * by the auto policy for an explicit strategy over a 60-minute window, are driven mid-window: every call is the next
 * parent's decision 100 ms of simulated time after its previous one (the executor's quote gap), on a quote that moved
 * (the sizes change every call; the mid moves one tick with p = 0.02 per call, about half the decisions of a parent
 * see a new mid; the spread flips between 1 and 2 ticks with p = 0.02), with the market's volume growing at the volume
 * profile's rate.
 * A small simulation outside the timed region carries out the decisions (aggressive children fill at once, passive and
 * midpoint children rest and fill at random, cancels succeed), so each parent has 0-3 lit children and a dark one, and
 * drifts ahead of and behind its schedule as a real one does. Each call is timed alone with `process.hrtime.bigint()`.
 * Baselines in the same run, timed the same way on the same inputs: the empty timer, and the least any strategy must
 * do: read the NBBO and the parent's position, compute a linear TWAP target inline and the shortfall to take.
 *
 * Part 2, the executor's decision path (AlgoExecutor): a real simulated morning of config/demo.yaml (market model,
 * venues, engine) with N parents working in ACME; every consolidated-quote change in ACME makes the executor decide
 * for each of its parents not decided in the last 100 ms and carry out the actions (reserve, send, cancel children).
 * The bench times the executor's quote handler per call by wrapping it on the instance (src is not changed), and
 * `ParentAlgo.prototype.decide` inside it, so it can split the algorithm's share from the executor's own.
 * Known limits: the wrappers' own timer calls (about 2 x 50 ns per decision) are included in the executor figures.
 */
import { fileURLToPath } from "node:url";
import { ALGO_NAMES, type AlgoName } from "../src/algo/algo-parameters.js";
import { chooseAlgo, impactModel } from "../src/algo/auto-policy.js";
import { createSchedule } from "../src/algo/create-schedule.js";
import { type AlgoAction, type AlgoMarket, ParentAlgo, type WorkingChild } from "../src/algo/parent-algo.js";
import { buildDay } from "../src/cli/sim-day.js";
import { loadReferenceData } from "../src/config/load-config.js";
import { loadVolumeProfile } from "../src/config/volume-profile-file.js";
import { isoToMicros, MICROS_PER_SECOND } from "../src/core/clock.js";
import { Random } from "../src/core/random.js";
import { VolumeProfile } from "../src/market/volume-profile.js";
import type { ChildTactic } from "../src/model/client-events.js";
import type { Instrument } from "../src/model/instrument.js";
import { SESSION_SECONDS } from "../src/model/market-parameters.js";
import type { Side } from "../src/model/order-types.js";
import type { ReferenceData } from "../src/model/reference-data.js";
import { collectGarbage, median, pad, percentile } from "./harness.js";

export interface AlgoDecisionOptions {
  config: string;
  profile: string;
  symbol: string;
  parentsPerAlgo: number;
  warmupCalls: number;
  calls: number;
  repetitions: number;
  /** Parents in one symbol for the executor part (empty: skip it). */
  executorParents: number[];
  executorMinutes: number;
}

export const DEFAULT_ALGO_DECISION: AlgoDecisionOptions = {
  config: fileURLToPath(new URL("../../config/demo.yaml", import.meta.url)),
  profile: fileURLToPath(new URL("../../../shared/data/derived/intraday_volume_profile_5min.csv", import.meta.url)),
  symbol: "ACME",
  parentsPerAlgo: 32,
  warmupCalls: 20_000,
  calls: 200_000,
  repetitions: 3,
  executorParents: [1, 10, 100],
  executorMinutes: 20,
};

const OPEN = isoToMicros("2026-01-05T14:30:00Z");
const SESSION_END = OPEN + SESSION_SECONDS * MICROS_PER_SECOND;
const MINUTE = 60 * MICROS_PER_SECOND;
const QUOTE_GAP = 100_000;
const MICROS_PER_DAY = SESSION_SECONDS * MICROS_PER_SECOND;

/** The recorded profile; the generated U-shape when it cannot be read, said on stderr (the figures differ). */
export function loadProfile(path: string): VolumeProfile {
  try {
    return loadVolumeProfile(path);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}: using a generated U-shaped volume profile\n`);
    return VolumeProfile.generatedU(SESSION_SECONDS);
  }
}

// ---- part 1: ParentAlgo.decide ---------------------------------------------------------------------------------------

interface SimChild extends WorkingChild {
  leavesQty: number;
}

interface BenchParent {
  algo: ParentAlgo;
  side: Side;
  quantity: number;
  executed: number;
  children: SimChild[];
  /** For the baseline: the linear plan. */
  start: number;
  end: number;
}

type MutableMarket = { -readonly [K in keyof AlgoMarket]: AlgoMarket[K] };

type Kind = AlgoName | "baseline" | "timer";

interface KindResult {
  p50: number;
  p99: number;
  p999: number;
  mean: number;
  /** Share of calls by working children seen (0, 1, 2, 3, 4+) and actions returned per call. */
  childHistogram: number[];
  actionsPerCall: number;
  behind: number;
}

function minChildLots(data: ReferenceData, symbol: string): number {
  let min = Number.POSITIVE_INFINITY;
  for (const venue of data.venues) if (venue.instruments.includes(symbol)) min = Math.min(min, venue.minQuantity);
  return Number.isFinite(min) ? min : 1;
}

/** Inline baseline: read the touch and the position, linear target, shortfall to take at the far touch. */
function baselineDecide(now: number, p: BenchParent, market: AlgoMarket, out: AlgoAction[]): number {
  const target = linearTarget(now, p.start, 0, p.end, p.quantity);
  const short = target - p.executed;
  if (short <= 0) return 0;
  const buy = p.side === "buy";
  const price = buy ? market.ask : market.bid;
  const displayed = buy ? market.askQty : market.bidQty;
  const qty = Math.floor(Math.min(short, displayed));
  if (qty <= 0 || !Number.isFinite(price)) return 0;
  out.push({ kind: "place", tactic: "aggressive", price, qty });
  return 1;
}

function runKind(
  kind: Kind,
  data: ReferenceData,
  instrument: Instrument,
  profile: VolumeProfile,
  options: AlgoDecisionOptions,
  timed: boolean,
): KindResult {
  const random = new Random(42);
  const marketRandom = random.fork();
  const minLots = minChildLots(data, instrument.symbol);
  const tick = instrument.tickUnits;
  const n = options.parentsPerAlgo;
  const windowStart = OPEN + 30 * MINUTE;
  const parents: BenchParent[] = [];
  const algoName: AlgoName = kind === "baseline" || kind === "timer" ? "twap" : kind;
  for (let i = 0; i < n; i++) {
    const start = windowStart + i * 10 * MICROS_PER_SECOND;
    const end = start + 60 * MINUTE;
    const quantity = 20_000 + 5_000 * (i % 8);
    const chosen = chooseAlgo({
      intent: algoName,
      now: start,
      startTime: start,
      endTime: end,
      sessionEnd: SESSION_END,
      quantity,
      instrument,
      price: instrument.referencePriceUnits,
      maxParticipation: null,
      minChildLots: minLots,
    });
    const schedule = createSchedule(chosen, {
      profile,
      sessionOpen: OPEN,
      dailyVolume: instrument.averageDailyVolume,
      impact: impactModel(instrument, instrument.referencePriceUnits),
      random: random.fork(),
    });
    const side: Side = i % 2 === 0 ? "buy" : "sell";
    parents.push({
      algo: new ParentAlgo(chosen, schedule, side),
      side,
      quantity,
      executed: 0,
      children: [],
      start,
      end,
    });
  }
  let mid = instrument.referencePriceUnits;
  let wide = false;
  let volume = 0;
  const market: MutableMarket = {
    bid: mid - tick / 2,
    ask: mid + tick / 2,
    bidQty: 5_000,
    askQty: 5_000,
    tick,
    ownBid: Number.NEGATIVE_INFINITY,
    ownAsk: Number.POSITIVE_INFINITY,
    ownBidQty: 0,
    ownAskQty: 0,
    volume: 0,
    volumeRate: 0,
    darkMinLots: 1,
  };
  // Every parent decides first 10 minutes into its window (a warm start: what it would have executed by then).
  let now = windowStart + (n - 1) * 10 * MICROS_PER_SECOND + 10 * MINUTE;
  const adv = instrument.averageDailyVolume;
  volume = Math.round(adv * 0.25);
  for (const p of parents) p.executed = Math.floor(p.quantity * ((now - p.start) / (p.end - p.start)) * 0.9);
  const step = QUOTE_GAP / n;
  const total = options.warmupCalls + options.calls;
  const samples = new Float64Array(options.calls);
  const histogram = [0, 0, 0, 0, 0];
  let actions = 0;
  let behind = 0;
  const out: AlgoAction[] = [];
  let childSeq = 1;
  const position = { executed: 0, openQty: 0, limitPrice: null as number | null };
  for (let call = 0; call < total; call++) {
    const p = parents[call % n] as BenchParent;
    // The market moves: mid random walk (one tick half the time), a 1-2 tick spread, fresh sizes, volume prints.
    now += step;
    const u = marketRandom.float();
    if (u < 0.01) mid += tick;
    else if (u < 0.02) mid -= tick;
    if (marketRandom.float() < 0.02) wide = !wide;
    market.bid = mid - (wide ? tick : tick / 2);
    market.ask = mid + (wide ? tick : tick / 2);
    market.bidQty = 500 + marketRandom.int(0, 9_500);
    market.askQty = 500 + marketRandom.int(0, 9_500);
    const rate = (adv / MICROS_PER_DAY) * profile.multiplier((now - OPEN) / MICROS_PER_SECOND);
    volume += Math.round(marketRandom.exponential(rate * step));
    market.volume = volume;
    market.volumeRate = rate;
    // Our own lit children in the symbol: this parent's (the others rest in the same book, on both sides).
    let ownBid = Number.NEGATIVE_INFINITY;
    let ownAsk = Number.POSITIVE_INFINITY;
    for (const c of p.children) {
      if (c.tactic !== "passive") continue;
      if (p.side === "buy") ownBid = Math.max(ownBid, c.price);
      else ownAsk = Math.min(ownAsk, c.price);
    }
    let ownBidQty = 0;
    let ownAskQty = 0;
    for (const c of p.children) {
      if (c.tactic === "passive" && c.price === (p.side === "buy" ? market.bid : market.ask)) {
        if (p.side === "buy") ownBidQty += c.leavesQty;
        else ownAskQty += c.leavesQty;
      }
    }
    market.ownBid = ownBid;
    market.ownAsk = ownAsk;
    market.ownBidQty = ownBidQty;
    market.ownAskQty = ownAskQty;
    // Passive children fill at random (more often at the touch).
    for (let i = p.children.length - 1; i >= 0; i--) {
      const c = p.children[i] as SimChild;
      const atTouch = p.side === "buy" ? c.price >= market.bid : c.price <= market.ask;
      if (marketRandom.float() < (atTouch ? 0.05 : 0.01)) {
        const fill = Math.min(c.leavesQty, 1 + marketRandom.int(0, 999));
        c.leavesQty -= fill;
        p.executed += fill;
        if (c.leavesQty <= 0) p.children.splice(i, 1);
      }
    }
    position.executed = p.executed;
    position.openQty = p.quantity - p.executed;
    out.length = 0;
    const measured = call >= options.warmupCalls;
    if (measured) histogram[Math.min(4, p.children.length)] = (histogram[Math.min(4, p.children.length)] as number) + 1;
    let t0: bigint;
    let t1: bigint;
    if (kind === "timer") {
      t0 = process.hrtime.bigint();
      t1 = process.hrtime.bigint();
    } else if (kind === "baseline") {
      t0 = process.hrtime.bigint();
      baselineDecide(now, p, market, out);
      t1 = process.hrtime.bigint();
      // The baseline's own decisions are not carried out: it runs on the real parents' trajectories.
      out.length = 0;
      p.algo.decide(now, position, market, p.children, out);
    } else {
      t0 = process.hrtime.bigint();
      p.algo.decide(now, position, market, p.children, out);
      t1 = process.hrtime.bigint();
    }
    if (measured && timed) samples[call - options.warmupCalls] = Number(t1 - t0);
    if (measured) {
      actions += out.length;
      if (out.some((a) => a.kind === "place" && a.tactic === "aggressive")) behind++;
    }
    // Carry out the actions: cancels and replaces succeed at once, aggressive children fill what is displayed, others
    // rest.
    for (const a of out) {
      if (a.kind === "cancel") {
        const i = p.children.findIndex((c) => c.childId === a.childId);
        if (i >= 0) p.children.splice(i, 1);
      } else if (a.kind === "replace") {
        const i = p.children.findIndex((c) => c.childId === a.childId);
        const old = p.children[i];
        if (old !== undefined) p.children[i] = { ...old, price: a.price, pricedAt: now };
      } else if (a.tactic === "aggressive") {
        p.executed += Math.min(a.qty, p.side === "buy" ? market.askQty : market.bidQty);
      } else {
        p.children.push({
          childId: `C${childSeq++}`,
          tactic: a.tactic as ChildTactic,
          price: a.price,
          pricedAt: now,
          leavesQty: a.qty,
          cancelPending: false,
        });
      }
    }
    if (p.executed > p.quantity) p.executed = p.quantity;
  }
  samples.sort();
  let sum = 0;
  for (const s of samples) sum += s;
  const measuredCalls = options.calls;
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    p999: percentile(samples, 99.9),
    mean: sum / measuredCalls,
    childHistogram: histogram.map((h) => h / measuredCalls),
    actionsPerCall: actions / measuredCalls,
    behind: behind / measuredCalls,
  };
}

// ---- part 2: the executor's decision path ----------------------------------------------------------------------------

interface ExecutorResult {
  parents: number;
  quoteCalls: number;
  decisions: number;
  callP50: number;
  callP99: number;
  perDecisionP50: number;
  perDecisionP99: number;
  algoShare: number;
  decideP50: number;
}

function runExecutor(
  data: ReferenceData,
  profile: VolumeProfile,
  options: AlgoDecisionOptions,
  parents: number,
): ExecutorResult {
  const symbol = options.symbol;
  const instrument = data.instruments.get(symbol) as Instrument;
  const strategies = ["twap", "vwap", "pov", "is"] as const;
  const callTimes: number[] = [];
  const perDecision: number[] = [];
  const decideTimes: number[] = [];
  let inQuote = false;
  let quoteNanos = 0;
  let decisions = 0;
  const proto = ParentAlgo.prototype as unknown as { decide: (...args: unknown[]) => number };
  const originalDecide = proto.decide;
  proto.decide = function (this: ParentAlgo, ...args: unknown[]): number {
    if (!inQuote) return originalDecide.apply(this, args);
    const t0 = process.hrtime.bigint();
    const r = originalDecide.apply(this, args);
    const dt = Number(process.hrtime.bigint() - t0);
    decideTimes.push(dt);
    return r;
  };
  try {
    const day = buildDay({
      data,
      profile,
      seed: 7,
      startMicros: OPEN,
      minutes: 390,
      onReport: () => {},
      sources: [{ id: "BENCH", kind: "bench" }],
      clientOrders: (d) => {
        d.scheduler.at(OPEN + MINUTE, () => {
          for (let i = 0; i < parents; i++) {
            const strategy = strategies[i % 4] as (typeof strategies)[number];
            const side = Math.floor(i / 4) % 2 === 0 ? "buy" : "sell";
            const k = Math.floor(i / 8);
            const result = d.engine.submit({
              clOrdId: `E${i}`,
              source: "BENCH",
              account: `A${i % 17}`,
              symbol,
              side,
              quantity: String(2_000 + 1_000 * (i % 5)),
              orderType: "market",
              strategy,
              startTime: OPEN + MINUTE,
              endTime: OPEN + 60 * MINUTE + k * 5 * MINUTE,
            });
            if (!result.ok) throw new Error(`algo-decision: order refused: ${result.message}`);
          }
        });
      },
    });
    const executor = day.executor as unknown as {
      onQuote(symbol: string): void;
      stats: { decisions: number };
    };
    const onQuote = executor.onQuote.bind(executor);
    executor.onQuote = (changed: string): void => {
      if (changed !== symbol) {
        onQuote(changed);
        return;
      }
      const before = executor.stats.decisions;
      inQuote = true;
      const t0 = process.hrtime.bigint();
      onQuote(changed);
      const dt = Number(process.hrtime.bigint() - t0);
      inQuote = false;
      const made = executor.stats.decisions - before;
      if (made === 0) return;
      callTimes.push(dt);
      perDecision.push(dt / made);
      decisions += made;
      quoteNanos += dt;
    };
    day.model.start(day.endMicros);
    // Warm-up: the first minutes (the parents start and place their first children), then the timed minutes.
    day.scheduler.runUntil(OPEN + 5 * MINUTE);
    callTimes.length = 0;
    perDecision.length = 0;
    decideTimes.length = 0;
    decisions = 0;
    quoteNanos = 0;
    let algoTotal = 0;
    const sumAlgo = (): void => {
      algoTotal = decideTimes.reduce((a, b) => a + b, 0);
    };
    day.scheduler.runUntil(OPEN + (5 + options.executorMinutes) * MINUTE);
    sumAlgo();
    const calls = Float64Array.from(callTimes).sort();
    const per = Float64Array.from(perDecision).sort();
    const dec = Float64Array.from(decideTimes).sort();
    void instrument;
    return {
      parents,
      quoteCalls: calls.length,
      decisions,
      callP50: percentile(calls, 50),
      callP99: percentile(calls, 99),
      perDecisionP50: percentile(per, 50),
      perDecisionP99: percentile(per, 99),
      algoShare: quoteNanos > 0 ? algoTotal / quoteNanos : Number.NaN,
      decideP50: percentile(dec, 50),
    };
  } finally {
    proto.decide = originalDecide;
  }
}

// ---- report ------------------------------------------------------------------------------------------------------------

function us(nanos: number): string {
  return (nanos / 1000).toFixed(2);
}

export interface AlgoDecisionResult {
  p50: Record<string, number>;
}

export function runAlgoDecisionBench(options: AlgoDecisionOptions, log: (line: string) => void): AlgoDecisionResult {
  const data = loadReferenceData(options.config);
  const profile = loadProfile(options.profile);
  const instrument = data.instruments.get(options.symbol) as Instrument;
  log(
    `workload, part 1: ParentAlgo.decide for ${options.parentsPerAlgo} parents per algorithm in ${options.symbol} ` +
      `(auto policy, explicit strategy, 60-minute windows, 20k-40k shares, buy and sell), mid-window; each parent ` +
      `decides every 100 ms of simulated time on a moving quote with growing volume (${profile.label} profile); ` +
      `${options.warmupCalls.toLocaleString("en-US")} warm-up + ${options.calls.toLocaleString("en-US")} timed calls ` +
      `per algorithm, each timed alone (hrtime.bigint); ${options.repetitions} repetitions, medians quoted`,
  );
  // A first untimed pass over every kind: the call sites see all four schedules before any timing, as in the engine.
  const kinds: Kind[] = ["timer", "baseline", ...ALGO_NAMES];
  for (const kind of kinds) runKind(kind, data, instrument, profile, { ...options, calls: 20_000 }, false);
  const runs = new Map<Kind, KindResult[]>(kinds.map((k) => [k, []]));
  for (let r = 0; r < options.repetitions; r++) {
    for (const kind of kinds) {
      collectGarbage();
      (runs.get(kind) as KindResult[]).push(runKind(kind, data, instrument, profile, options, true));
    }
  }
  const med = (kind: Kind, f: (r: KindResult) => number): number => median((runs.get(kind) as KindResult[]).map(f));
  const baseP50 = med("baseline", (r) => r.p50);
  const baseP99 = med("baseline", (r) => r.p99);
  log("");
  log("  per call, µs (median of repetitions; the timer's own cost is included in every figure)");
  log(
    `  ${"".padEnd(22)}${pad("p50", 8)}${pad("p99", 8)}${pad("p99.9", 8)}${pad("mean", 8)}` +
      `${pad("p50/base", 10)}${pad("p99/base", 10)}  children 0/1/2/3/4+ (share of calls), actions/call`,
  );
  const p50: Record<string, number> = {};
  for (const kind of kinds) {
    const row = runs.get(kind) as KindResult[];
    const a = med(kind, (r) => r.p50);
    const b = med(kind, (r) => r.p99);
    const label = kind === "timer" ? "empty timer" : kind === "baseline" ? "baseline (NBBO+TWAP)" : kind;
    p50[kind] = a;
    const hist = (row[0] as KindResult).childHistogram.map((h) => h.toFixed(2)).join("/");
    log(
      `  ${label.padEnd(22)}${pad(us(a), 8)}${pad(us(b), 8)}${pad(us(med(kind, (r) => r.p999)), 8)}` +
        `${pad(us(med(kind, (r) => r.mean)), 8)}${pad(`${(a / baseP50).toFixed(1)}x`, 10)}` +
        `${pad(`${(b / baseP99).toFixed(1)}x`, 10)}  ${hist}, ${(row[0] as KindResult).actionsPerCall.toFixed(3)}` +
        ` (aggressive in ${(100 * (row[0] as KindResult).behind).toFixed(1)}%)`,
    );
    if (kind !== "timer" && kind !== "baseline") {
      log(`    runs p50: ${row.map((r) => us(r.p50)).join(", ")} µs; p99: ${row.map((r) => us(r.p99)).join(", ")} µs`);
    }
  }
  const worst = Math.max(...ALGO_NAMES.map((k) => p50[k] as number));
  log(`  target p50 < 5 µs: worst algorithm p50 ${us(worst)} µs: ${worst < 5000 ? "met" : "NOT met"}`);

  if (options.executorParents.length > 0) {
    log("");
    log(
      `workload, part 2: AlgoExecutor quote-driven decisions in ${options.symbol}: a simulated day of ` +
        `${options.config.split("/").slice(-2).join("/")} (market model, seed 7), N parents in ${options.symbol} ` +
        `(twap/vwap/pov/is, buy and sell, 2k-6k shares, windows 60 min plus 5 min per 8 parents, from 09:31); minutes 5-` +
        `${5 + options.executorMinutes} timed: every executor quote handler call that made decisions`,
    );
    log(
      `  ${"N".padEnd(6)}${pad("calls", 8)}${pad("decisions", 11)}${pad("call p50", 10)}${pad("call p99", 10)}` +
        `${pad("per-dec p50", 13)}${pad("per-dec p99", 13)}${pad("decide p50", 12)}${pad("algo share", 12)}`,
    );
    for (const n of options.executorParents) {
      collectGarbage();
      const results = [0, 1, 2].slice(0, options.repetitions).map(() => runExecutor(data, profile, options, n));
      const m = (f: (r: ExecutorResult) => number): number => median(results.map(f));
      const first = results[0] as ExecutorResult;
      log(
        `  ${String(n).padEnd(6)}${pad(String(first.quoteCalls), 8)}${pad(String(first.decisions), 11)}` +
          `${pad(us(m((r) => r.callP50)), 10)}${pad(us(m((r) => r.callP99)), 10)}` +
          `${pad(us(m((r) => r.perDecisionP50)), 13)}${pad(us(m((r) => r.perDecisionP99)), 13)}` +
          `${pad(us(m((r) => r.decideP50)), 12)}${pad(`${(100 * m((r) => r.algoShare)).toFixed(0)}%`, 12)}`,
      );
    }
    log("  (µs; per-dec = a quote handler call's time / the decisions it made; decide = ParentAlgo.decide inside it)");
  }
  return { p50 };
}

/** The baseline's target: linear interpolation from (t0, e0) to (t1, e1), clamped to the ends. */
function linearTarget(time: number, t0: number, e0: number, t1: number, e1: number): number {
  if (time <= t0) return e0;
  if (time >= t1) return e1;
  return e0 + ((e1 - e0) * (time - t0)) / (t1 - t0);
}
