/**
 * Simulated-day throughput: a full 09:30-16:00 day of config/demo.yaml (3 instruments, 2 lit venues and a dark pool)
 * with the market model running, as `tributary demo` runs it (venues, market model, consolidated quote, the summary's
 * market observer), minus the fingerprint and the summary. Target: under 10 s; figure: market events per second
 * (scheduler events: order entry and reports through latency channels, market-data deliveries, arrivals, lifetimes,
 * fundamental steps).
 *
 * Baselines measured in the same run:
 * - the raw cost of the same book operations without the model: every order, cancel and replace the day sent to a lit
 *   venue, recorded in an untimed pass, replayed straight into bare `OrderBook`s (SILENT_LISTENER), no sessions,
 *   latency, reports, market data or scheduler;
 * - the scheduler alone: as many no-op timers as the day's events through a `VirtualScheduler` holding as many pending
 *   timers as the day held on average.
 * The ratios say what one event of the simulation costs over a bare timer, and what the whole simulation costs over
 * its matching. Known limit: the replay cannot reproduce the order in which latency interleaved sessions, so its
 * books differ a little from the day's (a cancel may find its order already gone, which costs the book less).
 */
import { fileURLToPath } from "node:url";
import { buildDay } from "../src/cli/sim-day.js";
import { loadReferenceData } from "../src/config/load-config.js";
import { loadVolumeProfile } from "../src/config/volume-profile-file.js";
import { isoToMicros, MICROS_PER_SECOND } from "../src/core/clock.js";
import { Random } from "../src/core/random.js";
import { VirtualScheduler } from "../src/core/scheduler.js";
import { MarketModel } from "../src/market/market-model.js";
import type { VolumeProfile } from "../src/market/volume-profile.js";
import type { ReferenceData } from "../src/model/reference-data.js";
import { SILENT_LISTENER } from "../src/venue/sim/book/matching-book.js";
import { OrderBook } from "../src/venue/sim/book/order-book.js";
import { createSimVenues } from "../src/venue/sim/sim-venues.js";
import type { OrderEntrySession, Venue } from "../src/venue/venue.js";
import { collectGarbage, median, si } from "./harness.js";

export interface SimDayOptions {
  config: string;
  profile: string;
  seed: number;
  minutes: number;
  repetitions: number;
}

export const DEFAULT_SIM_DAY: SimDayOptions = {
  config: fileURLToPath(new URL("../../config/demo.yaml", import.meta.url)),
  profile: fileURLToPath(new URL("../../../shared/data/derived/intraday_volume_profile_5min.csv", import.meta.url)),
  seed: 1,
  minutes: 390,
  repetitions: 3,
};

const START = isoToMicros("2026-01-05T14:30:00Z");

interface DayRun {
  wallSeconds: number;
  cpuSeconds: number;
  events: number;
  reports: number;
  meanPending: number;
}

/** One timed day, as the demo runs it. */
function runDay(data: ReferenceData, profile: VolumeProfile, options: SimDayOptions): DayRun {
  let reports = 0;
  const day = buildDay({
    data,
    profile,
    seed: options.seed,
    startMicros: START,
    minutes: options.minutes,
    onReport: () => {
      reports++;
    },
  });
  let pendingSum = 0;
  let pendingSamples = 0;
  for (let t = START + MICROS_PER_SECOND; t < day.endMicros; t += 10 * MICROS_PER_SECOND) {
    day.scheduler.at(t, () => {
      pendingSum += day.scheduler.pending;
      pendingSamples++;
    });
  }
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  day.model.start(day.endMicros);
  const events = day.scheduler.runUntilIdle() - pendingSamples;
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return {
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    events,
    reports,
    meanPending: pendingSum / pendingSamples,
  };
}

// ---- baseline 1: the same book operations on bare books ----------------------------------------------------------

const OP_LIMIT = 0;
const OP_IOC = 1;
const OP_CANCEL = 2;
const OP_REPLACE = 3;

interface BookTape {
  /** Book index (venue x symbol), op, id, account, side (0 buy), price, qty per operation. */
  book: Uint16Array;
  op: Uint8Array;
  id: Float64Array;
  account: Uint8Array;
  side: Uint8Array;
  price: Float64Array;
  qty: Float64Array;
  length: number;
  books: { venue: Venue; symbol: string }[];
}

/** Runs the day untimed with every lit session recorded; returns the book operations in the order they were sent. */
function recordBookOps(data: ReferenceData, profile: VolumeProfile, options: SimDayOptions): BookTape {
  const ops: { book: number; op: number; id: number; account: number; side: number; price: number; qty: number }[] = [];
  const books: { venue: Venue; symbol: string }[] = [];
  const bookIndex = new Map<string, number>();
  const ids = new Map<string, number>();
  const accounts = new Map<string, number>();
  const bookOf = (venue: Venue, symbol: string): number => {
    const key = `${venue.id}/${symbol}`;
    let index = bookIndex.get(key);
    if (index === undefined) {
      index = books.length;
      books.push({ venue, symbol });
      bookIndex.set(key, index);
    }
    return index;
  };
  const recording = (venue: Venue): Venue => ({
    id: venue.id,
    kind: venue.kind,
    spec: venue.spec,
    subscribe: (listener) => venue.subscribe(listener),
    connect(listener): OrderEntrySession {
      const session = venue.connect(listener);
      return {
        submit(o) {
          const id = ids.size + 1;
          ids.set(`${venue.id}/${o.clOrdId}`, id);
          let account = accounts.get(o.account);
          if (account === undefined) {
            account = accounts.size + 1;
            accounts.set(o.account, account);
          }
          const ioc = o.timeInForce === "ioc" || o.ordType === "market";
          ops.push({
            book: bookOf(venue, o.symbol),
            op: ioc ? OP_IOC : OP_LIMIT,
            id,
            account,
            side: o.side === "buy" ? 0 : 1,
            price: o.price ?? (o.side === "buy" ? Number.MAX_SAFE_INTEGER : 1),
            qty: o.orderQty,
          });
          session.submit(o);
        },
        cancel(c) {
          const id = ids.get(`${venue.id}/${c.origClOrdId}`) ?? 0;
          ops.push({ book: bookOf(venue, c.symbol), op: OP_CANCEL, id, account: 0, side: 0, price: 0, qty: 0 });
          session.cancel(c);
        },
        replace(r) {
          const id = ids.get(`${venue.id}/${r.origClOrdId}`) ?? 0;
          ids.set(`${venue.id}/${r.clOrdId}`, id);
          ops.push({
            book: bookOf(venue, r.symbol),
            op: OP_REPLACE,
            id,
            account: 0,
            side: 0,
            price: r.price ?? 0,
            qty: r.orderQty,
          });
          session.replace(r);
        },
      };
    },
  });
  const scheduler = new VirtualScheduler(START);
  const random = new Random(options.seed);
  const sim = createSimVenues(data, scheduler, random.fork());
  const venues = sim.venues.map((v) => (v.kind === "lit" ? recording(v) : v));
  const model = new MarketModel(venues, data.instruments, scheduler, random.fork(), {
    profile,
    sessionStart: START,
  });
  model.start(START + options.minutes * 60 * MICROS_PER_SECOND);
  scheduler.runUntilIdle();
  const n = ops.length;
  const tape: BookTape = {
    book: new Uint16Array(n),
    op: new Uint8Array(n),
    id: new Float64Array(n),
    account: new Uint8Array(n),
    side: new Uint8Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    length: n,
    books,
  };
  ops.forEach((o, i) => {
    tape.book[i] = o.book;
    tape.op[i] = o.op;
    tape.id[i] = o.id;
    tape.account[i] = o.account;
    tape.side[i] = o.side;
    tape.price[i] = o.price;
    tape.qty[i] = o.qty;
  });
  return tape;
}

/** Replays the tape into fresh books; returns seconds. */
function replayBooks(tape: BookTape): number {
  const books = tape.books.map(({ venue }) => new OrderBook(SILENT_LISTENER, venue.spec.selfTradePrevention));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < tape.length; i++) {
    const book = books[tape.book[i] as number] as OrderBook;
    const id = tape.id[i] as number;
    const side = tape.side[i] === 0 ? "buy" : "sell";
    switch (tape.op[i]) {
      case OP_LIMIT:
        book.limit(
          id,
          tape.account[i] as number,
          side,
          tape.price[i] as number,
          tape.qty[i] as number,
          "day",
          false,
          tape.qty[i] as number,
        );
        break;
      case OP_IOC:
        book.limit(
          id,
          tape.account[i] as number,
          side,
          tape.price[i] as number,
          tape.qty[i] as number,
          "ioc",
          false,
          tape.qty[i] as number,
        );
        break;
      case OP_CANCEL:
        book.cancel(id);
        break;
      default: {
        const leaves = book.leaves(id);
        if (leaves > 0) book.replace(id, tape.price[i] as number, leaves);
      }
    }
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

// ---- baseline 2: the scheduler alone ------------------------------------------------------------------------------

/** `events` no-op timers through a scheduler holding about `pending` timers; returns seconds. */
function schedulerAlone(events: number, pending: number): number {
  const scheduler = new VirtualScheduler(0);
  const random = new Random(9);
  const chains = Math.max(1, Math.round(pending));
  const gaps = Float64Array.from({ length: 4096 }, () => 1 + Math.round(random.exponential(chains * 5_000)));
  let left = events;
  let g = 0;
  const tick = (): void => {
    if (--left < chains) return;
    scheduler.after(gaps[g++ & 4095] as number, tick);
  };
  for (let c = 0; c < chains; c++) scheduler.after(gaps[g++ & 4095] as number, tick);
  const t0 = process.hrtime.bigint();
  scheduler.runUntilIdle();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export interface SimDayResult {
  wallSeconds: number;
  eventsPerSecond: number;
}

export function runSimDayBench(options: SimDayOptions, log: (line: string) => void): SimDayResult {
  const data = loadReferenceData(options.config);
  const profile = loadVolumeProfile(options.profile);
  const venues = data.venues.map((v) => `${v.id} (${v.kind})`).join(", ");
  log(
    `workload: ${options.minutes} simulated minutes of ${options.config.split("/").slice(-2).join("/")}: ` +
      `${[...data.instruments.keys()].join(", ")} on ${venues}; market model with the ${profile.label} profile, ` +
      `seed ${options.seed}; ${options.repetitions} repetitions in one process, a full GC before each`,
  );
  const runs: DayRun[] = [];
  for (let r = 0; r < options.repetitions; r++) {
    collectGarbage();
    runs.push(runDay(data, profile, options));
    const run = runs[runs.length - 1] as DayRun;
    log(
      `  day ${r + 1}: ${run.wallSeconds.toFixed(2)} s wall, ${run.cpuSeconds.toFixed(2)} s CPU, ` +
        `${si(run.events)} events (${si(run.events / run.wallSeconds)}/s), ${si(run.reports)} execution reports`,
    );
  }
  const first = runs[0] as DayRun;
  if (runs.some((r) => r.events !== first.events || r.reports !== first.reports)) {
    throw new Error("sim-day: repetitions of one seed differ: the simulation is not deterministic");
  }
  const wall = median(runs.map((r) => r.wallSeconds));
  const cpu = median(runs.map((r) => r.cpuSeconds));

  const tape = recordBookOps(data, profile, options);
  collectGarbage();
  const replays = [replayBooks(tape), replayBooks(tape), replayBooks(tape)];
  const bookSeconds = median(replays);
  collectGarbage();
  const schedulerSeconds = median([0, 1, 2].map(() => schedulerAlone(first.events, first.meanPending)));

  const simulated = options.minutes * 60;
  log("");
  log(`  full day (median):      ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU  (target < 10 s)`);
  log(
    `  events/s (median):      ${si(first.events / wall)}  (${si(first.events)} events; ${Math.round(first.meanPending)} timers pending on average)`,
  );
  log(`  simulated time:         ${Math.round(simulated / wall)}x real time`);
  log(
    `  baseline, book ops:     ${si(tape.length)} lit book operations replayed on bare books in ${bookSeconds.toFixed(3)} s (${si(tape.length / bookSeconds)} ops/s)`,
  );
  log(
    `  baseline, scheduler:    ${si(first.events)} no-op timers in ${schedulerSeconds.toFixed(3)} s (${si(first.events / schedulerSeconds)} events/s)`,
  );
  log(`  ratio day / bare books:      ${(wall / bookSeconds).toFixed(1)}x`);
  log(`  ratio day / bare scheduler:  ${(wall / schedulerSeconds).toFixed(1)}x`);
  return { wallSeconds: wall, eventsPerSecond: first.events / wall };
}
