/**
 * A simulated day with 1,000 concurrent parent orders. Target (issue: execution algorithms): under 60 s.
 *
 * The day is config/demo.yaml's full 09:30-16:00 session with the market model (as `tributary demo` runs it, via
 * `simulateDay`), the recorded 5-minute volume profile, and client orders from one bench source whose keys make 1,008
 * distinct parents (a parent is keyed by symbol, side, intent and 5-minute start and end buckets: aggregation-key.ts):
 * per symbol (3) and side (2), 144 explicit-strategy parents (twap, vwap, pov, is x 36 windows starting 09:35-09:46
 * and ending 10:30-13:40), 12 urgency-low (start 09:35-09:46, 60-minute pace), 8 urgency-medium (same starts, 20-minute
 * pace) and 4 urgency-high (start 09:45-09:46, 5-minute pace): every one of them is being worked from 09:46:30 to
 * 09:50:30. Each parent gets one order, sent 30 s before its start time (start = bucket + 30-90 s); sizes are about
 * 0.02% of the instrument's ADV (0.5x-1.5x); 30% are limits 20 ticks through the mid at sending; none allows crossing
 * (a cross would complete a buy and a sell parent at once); POV asks for at most 0.2% of volume so it lasts.
 * The concurrency is measured, not assumed: from the engine's parent events, the most parents alive at once (created,
 * not done) and the most being worked at once (started, not done).
 *
 * Baseline in the same run: the same day (seed, config, profile) with no client orders: the market alone. The ratio
 * says what working the parents costs over simulating their market.
 */
import type { Day } from "../src/cli/sim-day.js";
import { simulateDay } from "../src/cli/sim-day.js";
import { loadReferenceData } from "../src/config/load-config.js";
import { isoToMicros, MICROS_PER_SECOND } from "../src/core/clock.js";
import type { Random } from "../src/core/random.js";
import type { VolumeProfile } from "../src/market/volume-profile.js";
import type { Intent } from "../src/model/client-order.js";
import type { Instrument } from "../src/model/instrument.js";
import type { Side } from "../src/model/order-types.js";
import type { ReferenceData } from "../src/model/reference-data.js";
import { loadProfile } from "./algo-decision.bench.js";
import { collectGarbage, median, si } from "./harness.js";
import { DEFAULT_SIM_DAY, type SimDayOptions } from "./sim-day.bench.js";

export interface AlgoDayOptions extends SimDayOptions {
  /** Share of the instrument's ADV per parent order. */
  sizeOfAdv: number;
  /** A loaded day still running after this many wall seconds is abandoned (reported with the minute it reached). */
  maxWallSeconds: number;
  /** Prints wall time every this many simulated minutes of a loaded day (0: never). */
  progressMinutes: number;
}

export const DEFAULT_ALGO_DAY: AlgoDayOptions = {
  ...DEFAULT_SIM_DAY,
  sizeOfAdv: 0.0002,
  maxWallSeconds: 240,
  progressMinutes: 30,
};

class Abandoned extends Error {
  constructor(readonly minute: number) {
    super(`abandoned at minute ${minute}`);
  }
}

const OPEN = isoToMicros("2026-01-05T14:30:00Z");
const BUCKET = 5 * 60 * MICROS_PER_SECOND;
const SOURCE = "ALGO";

interface OrderPlan {
  symbol: string;
  side: Side;
  intent: Intent;
  startBucket: number;
  endBucket: number;
}

/** The 1,008 parent keys: every window contains 09:46:30-09:50:30 at the intent's pace. */
export function planParents(data: ReferenceData): OrderPlan[] {
  const plans: OrderPlan[] = [];
  for (const symbol of data.instruments.keys()) {
    for (const side of ["buy", "sell"] as const) {
      for (const intent of ["twap", "vwap", "pov", "is"] as const) {
        for (let k = 0; k < 36; k++) {
          plans.push({ symbol, side, intent, startBucket: 1 + (k % 3), endBucket: 12 + 4 * Math.floor(k / 3) });
        }
      }
      for (let k = 0; k < 12; k++) {
        plans.push({ symbol, side, intent: "urgency-low", startBucket: 1 + (k % 3), endBucket: 20 + 5 * k });
      }
      for (let k = 0; k < 8; k++) {
        plans.push({ symbol, side, intent: "urgency-medium", startBucket: 1 + (k % 3), endBucket: 20 + 5 * k });
      }
      for (let k = 0; k < 4; k++) {
        plans.push({ symbol, side, intent: "urgency-high", startBucket: 3, endBucket: 20 + 10 * k });
      }
    }
  }
  return plans;
}

interface Tracking {
  accepted: number;
  refused: number;
  alive: number;
  maxAlive: number;
  startAt: Map<number, number>;
  doneAt: Map<number, number>;
}

function clientOrders(data: ReferenceData, options: AlgoDayOptions, tracking: Tracking) {
  return (day: Day, random: Random): void => {
    const { engine, scheduler, sim } = day;
    engine.on((event) => {
      if (event.type === "parent-created") {
        tracking.alive++;
        if (tracking.alive > tracking.maxAlive) tracking.maxAlive = tracking.alive;
      } else if (event.type === "parent-changed" && event.change === "done") {
        tracking.alive--;
        tracking.doneAt.set(event.parentId, event.time);
      }
    });
    const plans = planParents(data);
    plans.forEach((plan, i) => {
      const instrument = data.instruments.get(plan.symbol) as Instrument;
      const start = OPEN + plan.startBucket * BUCKET + 30 * MICROS_PER_SECOND + random.int(0, 60) * MICROS_PER_SECOND;
      const end = OPEN + plan.endBucket * BUCKET + random.int(0, 240) * MICROS_PER_SECOND;
      const shareUnit = Math.max(1, instrument.quantityToShares(1));
      const advShares = instrument.averageDailyVolume * instrument.quantityToShares(1);
      const target = advShares * options.sizeOfAdv * (0.5 + random.float());
      const shares = Math.max(shareUnit, Math.round(target / shareUnit) * shareUnit);
      const limit = random.bool(0.3);
      // No crossing: a cross completes a buy and a sell parent at once, and the point is to keep them working.
      const allowCross = false;
      const explicit = !plan.intent.startsWith("urgency-");
      scheduler.at(start - 30 * MICROS_PER_SECOND, () => {
        let limitPrice: string | null = null;
        if (limit) {
          const quote = sim.quotes.nbbo(plan.symbol);
          const mid = quote.bid < quote.ask ? (quote.bid + quote.ask) / 2 : instrument.referencePriceUnits;
          const through = 20 * instrument.tickUnits * (plan.side === "buy" ? 1 : -1);
          const ticks = Math.round((mid + through) / instrument.tickUnits) * instrument.tickUnits;
          limitPrice = instrument.priceToNumber(ticks).toFixed(2);
        }
        const result = engine.submit({
          clOrdId: `A${i}`,
          source: SOURCE,
          account: `ACC${i % 50}`,
          symbol: plan.symbol,
          side: plan.side,
          quantity: String(shares),
          orderType: limit ? "limit" : "market",
          limitPrice,
          urgency: explicit ? null : plan.intent.slice("urgency-".length),
          strategy: explicit ? plan.intent : null,
          startTime: start,
          endTime: end,
          maxParticipation: plan.intent === "pov" ? "0.002" : null,
          allowCross,
        });
        if (result.ok) {
          tracking.accepted++;
          if (!tracking.startAt.has(result.parentId)) tracking.startAt.set(result.parentId, start);
        } else tracking.refused++;
      });
    });
  };
}

/** Most parents started and not done at once, from their start and done times. */
function maxWorked(tracking: Tracking, endMicros: number): { max: number; at: number } {
  const points: [number, number][] = [];
  for (const [parent, start] of tracking.startAt) {
    const done = tracking.doneAt.get(parent) ?? endMicros;
    if (done <= start) continue;
    points.push([start, 1], [done, -1]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  let at = 0;
  for (const [time, delta] of points) {
    now += delta;
    if (now > max) {
      max = now;
      at = time;
    }
  }
  return { max, at };
}

interface DayRun {
  /** The simulated minute reached when the day was abandoned, or null when it completed. */
  abandonedAt: number | null;
  wallSeconds: number;
  cpuSeconds: number;
  events: number;
  marketReports: number;
  childReports: number;
  childOrders: number;
  decisions: number;
  lotsFilled: number;
  cancels: number;
  accepted: number;
  refused: number;
  parents: number;
  maxAlive: number;
  maxWorked: number;
  maxWorkedAt: number;
  ordersFilled: number;
  heapMB: number;
}

function runDay(
  data: ReferenceData,
  profile: VolumeProfile,
  options: AlgoDayOptions,
  withOrders: boolean,
  log: (line: string) => void,
): DayRun {
  let marketReports = 0;
  let childReports = 0;
  const tracking: Tracking = {
    accepted: 0,
    refused: 0,
    alive: 0,
    maxAlive: 0,
    startAt: new Map(),
    doneAt: new Map(),
  };
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let built: Day | null = null;
  let abandonedAt: number | null = null;
  const orders = withOrders ? clientOrders(data, options, tracking) : null;
  let returned: Day | null = null;
  try {
    returned = simulateDay({
      data,
      profile,
      seed: options.seed,
      startMicros: OPEN,
      minutes: options.minutes,
      onReport: () => {
        marketReports++;
      },
      onChildReport: () => {
        childReports++;
      },
      progress: (minute) => {
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        if (withOrders && options.progressMinutes > 0 && minute % options.progressMinutes === 0) {
          log(`    ${clock(OPEN + minute * 60 * MICROS_PER_SECOND)}: ${seconds.toFixed(1)} s wall`);
        }
        if (seconds > options.maxWallSeconds) throw new Abandoned(minute);
      },
      ...(orders === null
        ? {}
        : {
            sources: [{ id: SOURCE, kind: "bench" }],
            clientOrders: (d: Day, random: Random) => {
              built = d;
              orders(d, random);
            },
          }),
    });
  } catch (error) {
    if (!(error instanceof Abandoned)) throw error;
    abandonedAt = error.minute;
  }
  const day = (built as Day | null) ?? returned;
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const heapMB = process.memoryUsage().heapUsed / 1e6;
  const stats = day?.executor?.stats;
  const worked = maxWorked(tracking, OPEN + options.minutes * 60 * MICROS_PER_SECOND);
  let ordersFilled = 0;
  for (const order of day?.engine.orders ?? []) if (order.cumQty === order.orderQty) ordersFilled++;
  return {
    abandonedAt,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    events: day?.events ?? Number.NaN,
    marketReports,
    childReports,
    childOrders: stats?.childrenSent ?? 0,
    decisions: stats?.decisions ?? 0,
    lotsFilled: stats?.lotsFilled ?? 0,
    cancels: stats?.cancelsSent ?? 0,
    accepted: tracking.accepted,
    refused: tracking.refused,
    parents: tracking.startAt.size,
    maxAlive: tracking.maxAlive,
    maxWorked: worked.max,
    maxWorkedAt: worked.at,
    ordersFilled,
    heapMB,
  };
}

function clock(micros: number): string {
  const minutes = Math.floor((micros - OPEN) / 60_000_000) + 9 * 60 + 30;
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

export interface AlgoDayResult {
  wallSeconds: number;
  baselineSeconds: number;
}

export function runAlgoDayBench(options: AlgoDayOptions, log: (line: string) => void): AlgoDayResult {
  const data = loadReferenceData(options.config);
  const profile = loadProfile(options.profile);
  const plans = planParents(data);
  log(
    `workload: ${options.minutes} simulated minutes of ${options.config.split("/").slice(-2).join("/")} ` +
      `(${[...data.instruments.keys()].join(", ")}; ${data.venues.map((v) => v.id).join(", ")}), market model with ` +
      `the ${profile.label} profile, seed ${options.seed}; ${plans.length} client orders with distinct parent keys ` +
      `(twap/vwap/pov/is x 36 windows, urgency low 12 / medium 8 / high 4, per symbol and side; each about ` +
      `${(options.sizeOfAdv * 100).toFixed(2)}% of ADV; all worked at 09:46:30-09:50:30); baseline: the same day with no ` +
      `client orders; ${options.repetitions} repetitions of each, alternating, a full GC before each`,
  );
  const loaded: DayRun[] = [];
  const market: DayRun[] = [];
  let abandoned = false;
  for (let r = 0; r < options.repetitions; r++) {
    collectGarbage();
    const base = runDay(data, profile, options, false, log);
    market.push(base);
    log(
      `  market only ${r + 1}: ${base.wallSeconds.toFixed(2)} s wall, ${base.cpuSeconds.toFixed(2)} s CPU, ` +
        `${si(base.events)} events`,
    );
    if (abandoned) continue;
    collectGarbage();
    const run = runDay(data, profile, options, true, log);
    loaded.push(run);
    const note =
      run.abandonedAt === null
        ? ""
        : `ABANDONED at ${clock(OPEN + run.abandonedAt * 60 * MICROS_PER_SECOND)} (over ${options.maxWallSeconds} s): `;
    log(
      `  with parents ${r + 1}: ${note}${run.wallSeconds.toFixed(2)} s wall, ${run.cpuSeconds.toFixed(2)} s CPU, ` +
        `${si(run.events)} events, ${si(run.childOrders)} child orders, ${si(run.decisions)} decisions, ` +
        `heap ${run.heapMB.toFixed(0)} MB after`,
    );
    abandoned = run.abandonedAt !== null;
  }
  const first = loaded[0] as DayRun;
  if (loaded.some((r) => r.events !== first.events || r.childOrders !== first.childOrders)) {
    log("  WARNING: repetitions of one seed differ: the simulation is not deterministic");
  }
  const wall = median(loaded.map((r) => r.wallSeconds));
  const baseWall = median(market.map((r) => r.wallSeconds));
  const baseEvents = (market[0] as DayRun).events;
  log("");
  log(
    `  client orders:           ${first.accepted} accepted, ${first.refused} refused; ${first.parents} parents; ` +
      `${first.ordersFilled} orders completely filled`,
  );
  log(
    `  concurrency:             ${first.maxAlive} parents alive at once (created, not done); ${first.maxWorked} ` +
      `worked at once (started, not done; first reached at ${clock(first.maxWorkedAt)})`,
  );
  log(
    `  child orders:            ${si(first.childOrders)} sent, ${si(first.cancels)} cancels, ${si(first.lotsFilled)} ` +
      `lots filled, ${si(first.childReports)} child execution reports; ${si(first.decisions)} algorithm decisions`,
  );
  if (first.abandonedAt !== null) {
    log(
      `  full day:                NOT completed: abandoned at ${clock(OPEN + first.abandonedAt * 60 * MICROS_PER_SECOND)} ` +
        `after ${first.wallSeconds.toFixed(1)} s wall (target < 60 s: NOT met); figures above are up to that minute`,
    );
  }
  log(
    `  full day (median):       ${wall.toFixed(2)} s wall, ${median(loaded.map((r) => r.cpuSeconds)).toFixed(2)} s ` +
      `CPU, ${si(first.events)} events (${si(first.events / wall)}/s)  (target < 60 s: ${wall < 60 ? "met" : "NOT met"})`,
  );
  log(
    `  baseline, market only:   ${baseWall.toFixed(2)} s wall, ${si(baseEvents)} events (${si(baseEvents / baseWall)}/s)`,
  );
  const minutesDone = first.abandonedAt ?? options.minutes;
  log(
    `  ratio day with parents / market only:  ${(wall / minutesDone / (baseWall / options.minutes)).toFixed(1)}x ` +
      `wall per simulated minute (${minutesDone} of ${options.minutes} minutes simulated with parents)`,
  );
  log(
    `  cost of the parents:     ${(wall - baseWall).toFixed(2)} s over the market; ` +
      `${(((wall - baseWall) * 1e6) / Math.max(1, first.decisions)).toFixed(2)} µs per decision, all in`,
  );
  return { wallSeconds: wall, baselineSeconds: baseWall };
}
