/**
 * Throughput and per-operation latency of Tributary's `OrderBook` against npm `nodejs-order-book` (v10), the baseline
 * measured in the same run, on the identical pre-generated mixed workload (bench/workload.ts).
 *
 * Method. Each book is measured in its own Node process (a child of the bench), so one library's heap and garbage never
 * share the other's timed loop: with both in one process, V8's background sweeping of the baseline's garbage ran
 * during Tributary's repetitions and cost it up to half its throughput on this 2-core machine. The children run in the
 * order tributary, nodejs, nodejs, tributary, so a noisy stretch of the machine falls on both alike; the figures pool
 * both children of a book. Each book is driven by its own monomorphic loop over the typed-array tape, so the harness
 * costs the same for both: a switch and a few array reads per operation. Every repetition starts from a fresh book
 * filled by the untimed setup phase, then a full GC, which promotes the book to V8's old generation as a long-running
 * venue's book would be (collecting before building it instead left the book in the young generation for the whole
 * timed loop, where every pointer store paid the generational write barrier: about 40% of Tributary's throughput).
 * Each child warms up (JIT) before it measures. Throughput: the whole timed loop is timed once per repetition, by the wall clock and by
 * the process's CPU time (all threads); the medians are quoted. Latency: a separate pass times every operation alone with
 * `process.hrtime.bigint()`; an empty loop timed the same way shows the timer's own cost, which is included in every
 * figure (so the ratios understate the difference).
 * After every repetition each book's end state (order count, best bid/ask, a checksum of every live order's leaves) is
 * checked against the generator's shadow book; a mismatch aborts the bench.
 *
 * Fairness notes: nodejs-order-book is typed for string ids but keys a plain object by them, so it gets the integer
 * ids as they are (cheaper for it than strings). Its `modify` always cancels and re-enters (loses priority); the tape
 * only holds moves to a new price with qty = current leaves, which Tributary's `replace` handles the same way.
 * Tributary runs with `SILENT_LISTENER` and no self-trade prevention; nodejs-order-book builds its result objects
 * as it always does (that is its API).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { LimitOrderOptions } from "nodejs-order-book";
import { OrderBook as NodejsOrderBook, Side as NodejsSide } from "nodejs-order-book";
import { SILENT_LISTENER } from "../src/venue/sim/book/matching-book.js";
import { OrderBook } from "../src/venue/sim/book/order-book.js";
import { collectGarbage, median, pad, percentile, si } from "./harness.js";
import {
  type BookState,
  describeWorkload,
  generateWorkload,
  OP_CANCEL,
  OP_LIMIT_GTC,
  OP_LIMIT_IOC,
  OP_MOVE,
  OP_NAMES,
  type OpTape,
  type Workload,
  type WorkloadOptions,
} from "./workload.js";

const ACCOUNT = 1;
const NODEJS_IOC = "IOC" as NonNullable<LimitOrderOptions["timeInForce"]>;

interface BookAdapter<B> {
  readonly name: string;
  create(): B;
  /** Applies every operation of the tape, untimed inside. */
  apply(book: B, tape: OpTape): void;
  /** Applies every operation, writing each one's duration in nanoseconds to `out`. */
  applyTimed(book: B, tape: OpTape, out: Float64Array): void;
  state(book: B, liveIds: Uint32Array): BookState;
}

/**
 * The two loops of an adapter around its step (apply operation i of the tape); built per adapter, so each loop calls
 * one step function and V8 inlines it.
 */
function loops<B>(step: (book: B, tape: OpTape, i: number) => void): Pick<BookAdapter<B>, "apply" | "applyTimed"> {
  return {
    apply(book, tape) {
      for (let i = 0; i < tape.length; i++) step(book, tape, i);
    },
    applyTimed(book, tape, out) {
      for (let i = 0; i < tape.length; i++) {
        const t0 = process.hrtime.bigint();
        step(book, tape, i);
        out[i] = Number(process.hrtime.bigint() - t0);
      }
    },
  };
}

function tributaryStep(book: OrderBook, tape: OpTape, i: number): void {
  const id = tape.id[i] as number;
  const q = tape.qty[i] as number;
  switch (tape.op[i]) {
    case OP_LIMIT_GTC:
      book.limit(id, ACCOUNT, tape.side[i] === 0 ? "buy" : "sell", tape.price[i] as number, q, "gtc", false, q);
      break;
    case OP_LIMIT_IOC:
      book.limit(id, ACCOUNT, tape.side[i] === 0 ? "buy" : "sell", tape.price[i] as number, q, "ioc", false, q);
      break;
    case OP_CANCEL:
      book.cancel(id);
      break;
    case OP_MOVE:
      book.replace(id, tape.price[i] as number, q);
      break;
  }
}

const tributary: BookAdapter<OrderBook> = {
  name: "tributary OrderBook",
  create: () => new OrderBook(SILENT_LISTENER, "none"),
  ...loops(tributaryStep),
  state(book, liveIds) {
    let leavesChecksum = 0;
    for (const id of liveIds) leavesChecksum = (leavesChecksum + Math.imul(id, book.leaves(id))) >>> 0;
    return {
      orderCount: book.orderCount,
      bestBid: book.bestPrice("buy"),
      bestAsk: book.bestPrice("sell"),
      leavesChecksum,
    };
  },
};

/** nodejs-order-book's ids are typed as strings; it only uses them as object keys, so integers work unchanged. */
function nid(id: number): string {
  return id as unknown as string;
}

function nodejsStep(book: NodejsOrderBook, tape: OpTape, i: number): void {
  const id = nid(tape.id[i] as number);
  const side = tape.side[i] === 0 ? NodejsSide.BUY : NodejsSide.SELL;
  const price = tape.price[i] as number;
  const size = tape.qty[i] as number;
  switch (tape.op[i]) {
    case OP_LIMIT_GTC:
      book.limit({ id, side, price, size });
      break;
    case OP_LIMIT_IOC:
      book.limit({ id, side, price, size, timeInForce: NODEJS_IOC });
      break;
    case OP_CANCEL:
      book.cancel(id);
      break;
    case OP_MOVE:
      book.modify(id, { price, size });
      break;
  }
}

const nodejs: BookAdapter<NodejsOrderBook> = {
  name: "nodejs-order-book",
  create: () => new NodejsOrderBook(),
  ...loops(nodejsStep),
  state(book, liveIds) {
    const snapshot = book.snapshot();
    let orderCount = 0;
    for (const level of snapshot.bids) orderCount += level.orders.length;
    for (const level of snapshot.asks) orderCount += level.orders.length;
    let leavesChecksum = 0;
    for (const id of liveIds) {
      leavesChecksum = (leavesChecksum + Math.imul(id, book.order(nid(id))?.size ?? 0)) >>> 0;
    }
    return {
      orderCount,
      bestBid: snapshot.bids[0]?.price ?? Number.NaN,
      bestAsk: snapshot.asks[0]?.price ?? Number.NaN,
      leavesChecksum,
    };
  },
};

/** The empty loop: the same tape reads and timer calls, no book. Its durations are the timer's floor. */
function emptyTimed(tape: OpTape, out: Float64Array): number {
  const { op, id, length } = tape;
  let sink = 0;
  for (let i = 0; i < length; i++) {
    const t0 = process.hrtime.bigint();
    sink += (op[i] as number) + (id[i] as number);
    out[i] = Number(process.hrtime.bigint() - t0);
  }
  return sink;
}

function formatState(s: BookState): string {
  return `orders ${s.orderCount}, bid ${s.bestBid}, ask ${s.bestAsk}, leaves checksum ${s.leavesChecksum}`;
}

function sameState(a: BookState, b: BookState): boolean {
  return (
    a.orderCount === b.orderCount &&
    Object.is(a.bestBid, b.bestBid) &&
    Object.is(a.bestAsk, b.bestAsk) &&
    a.leavesChecksum === b.leavesChecksum
  );
}

function checkState<B>(adapter: BookAdapter<B>, book: B, workload: Workload): void {
  const state = adapter.state(book, workload.liveIds);
  if (!sameState(state, workload.expected)) {
    throw new Error(
      `${adapter.name} ended in a different state than the workload's shadow book:\n` +
        `  got      ${formatState(state)}\n  expected ${formatState(workload.expected)}`,
    );
  }
}

export interface Rate {
  /** Operations per second of wall-clock time: the headline figure. */
  wall: number;
  /**
   * Operations per second of this process's CPU time, all threads: not lowered by being descheduled on a busy machine,
   * but charged for V8's GC helper threads.
   */
  cpu: number;
}

/** One throughput repetition: a fresh book, the untimed setup, the timed ops. */
function throughputRun<B>(adapter: BookAdapter<B>, workload: Workload): Rate {
  const book = adapter.create();
  adapter.apply(book, workload.setup);
  collectGarbage();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  adapter.apply(book, workload.ops);
  const elapsedNs = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  checkState(adapter, book, workload);
  const ops = workload.ops.length;
  return { wall: (ops * 1e9) / elapsedNs, cpu: (ops * 1e6) / Math.max(1, cpu.user + cpu.system) };
}

function latencyRun<B>(adapter: BookAdapter<B>, workload: Workload, out: Float64Array): void {
  const book = adapter.create();
  adapter.apply(book, workload.setup);
  collectGarbage();
  adapter.applyTimed(book, workload.ops, out);
  checkState(adapter, book, workload);
}

export interface LatencySummary {
  p50: number;
  p99: number;
  p999: number;
  mean: number;
  /** p50 and p99 per op code. */
  byOp: { p50: number; p99: number }[];
}

function summarise(durations: Float64Array, tape: OpTape): LatencySummary {
  const byOp = OP_NAMES.map((_, code) => {
    let n = 0;
    for (let i = 0; i < tape.length; i++) if (tape.op[i] === code) n++;
    const subset = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < tape.length; i++) if (tape.op[i] === code) subset[k++] = durations[i] as number;
    subset.sort();
    return { p50: percentile(subset, 50), p99: percentile(subset, 99) };
  });
  let sum = 0;
  for (let i = 0; i < durations.length; i++) sum += durations[i] as number;
  const sorted = Float64Array.from(durations).sort();
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    mean: sum / durations.length,
    byOp,
  };
}

/** Median of each figure over several latency passes. */
function medianSummary(passes: LatencySummary[]): LatencySummary {
  const pick = (f: (s: LatencySummary) => number): number => median(passes.map(f));
  return {
    p50: pick((s) => s.p50),
    p99: pick((s) => s.p99),
    p999: pick((s) => s.p999),
    mean: pick((s) => s.mean),
    byOp: OP_NAMES.map((_, code) => ({
      p50: pick((s) => (s.byOp[code] as { p50: number }).p50),
      p99: pick((s) => (s.byOp[code] as { p99: number }).p99),
    })),
  };
}

export interface OrderBookBenchOptions {
  workload: WorkloadOptions;
  warmupRounds: number;
  throughputRounds: number;
  latencyRounds: number;
}

export interface OrderBookBenchResult {
  tributaryOpsPerSec: number;
  nodejsOpsPerSec: number;
  ratio: number;
  tributaryCpuOpsPerSec: number;
  nodejsCpuOpsPerSec: number;
  tributaryLatency: LatencySummary;
  nodejsLatency: LatencySummary;
  emptyLatency: LatencySummary;
}

/** What one child process measures of one book: every throughput repetition and every latency pass. */
export interface BookMeasurement {
  rates: Rate[];
  latency: LatencySummary[];
  /** The empty loop timed in the same process: the timer's floor. */
  empty: LatencySummary[];
}

export type BookName = "tributary" | "nodejs";

/** Measures one book in this process: warm-up, throughput repetitions, latency passes. Runs inside a child. */
export function measureBook(name: BookName, options: OrderBookBenchOptions): BookMeasurement {
  return name === "tributary" ? measure(tributary, options) : measure(nodejs, options);
}

function measure<B>(adapter: BookAdapter<B>, options: OrderBookBenchOptions): BookMeasurement {
  const workload = generateWorkload(options.workload);
  for (let r = 0; r < options.warmupRounds; r++) throughputRun(adapter, workload);
  const rates: Rate[] = [];
  for (let r = 0; r < options.throughputRounds; r++) rates.push(throughputRun(adapter, workload));
  const durations = new Float64Array(workload.ops.length);
  const latency: LatencySummary[] = [];
  const empty: LatencySummary[] = [];
  for (let r = 0; r < options.latencyRounds; r++) {
    collectGarbage();
    emptyTimed(workload.ops, durations);
    empty.push(summarise(durations, workload.ops));
    latencyRun(adapter, workload, durations);
    latency.push(summarise(durations, workload.ops));
  }
  return { rates, latency, empty };
}

const CHILD = fileURLToPath(new URL("./order-book.child.js", import.meta.url));

/** Runs `measureBook` in a fresh Node process, so no other book's heap or garbage shares its timed loop. */
function measureInChild(name: BookName, options: OrderBookBenchOptions): BookMeasurement {
  const out = execFileSync(process.execPath, ["--expose-gc", CHILD, name, JSON.stringify(options)], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out) as BookMeasurement;
}

export function runOrderBookBench(options: OrderBookBenchOptions, log: (line: string) => void): OrderBookBenchResult {
  const genStart = process.hrtime.bigint();
  const workload = generateWorkload(options.workload);
  const genMs = Number(process.hrtime.bigint() - genStart) / 1e6;
  log(describeWorkload(workload));
  log(`  (tape generated in ${genMs.toFixed(0)} ms, outside all timing)`);
  log(`expected end state (the generator's shadow book): ${formatState(workload.expected)}`);

  // Two child processes per book, in the order A B B A, each with half the repetitions and its own warm-up.
  const half: OrderBookBenchOptions = {
    ...options,
    throughputRounds: Math.ceil(options.throughputRounds / 2),
    latencyRounds: Math.ceil(options.latencyRounds / 2),
  };
  log(
    `each book runs in its own process, twice, in the order tributary, nodejs, nodejs, tributary; each process does` +
      ` ${options.warmupRounds} untimed warm-up round(s), then its repetitions`,
  );
  const runs: [BookName, BookMeasurement][] = (["tributary", "nodejs", "nodejs", "tributary"] as const).map((name) => [
    name,
    measureInChild(name, half),
  ]);
  const pooled = (name: BookName): BookMeasurement => ({
    rates: runs.filter(([n]) => n === name).flatMap(([, m]) => m.rates),
    latency: runs.filter(([n]) => n === name).flatMap(([, m]) => m.latency),
    empty: runs.filter(([n]) => n === name).flatMap(([, m]) => m.empty),
  });
  const trib = pooled("tributary");
  const node = pooled("nodejs");
  const tributaryRates = trib.rates;
  const nodejsRates = node.rates;
  const wall = (rates: Rate[]): number[] => rates.map((r) => r.wall);
  const cpu = (rates: Rate[]): number[] => rates.map((r) => r.cpu);
  const tributaryOpsPerSec = median(wall(tributaryRates));
  const nodejsOpsPerSec = median(wall(nodejsRates));
  const tributaryCpuOpsPerSec = median(cpu(tributaryRates));
  const nodejsCpuOpsPerSec = median(cpu(nodejsRates));
  const ratio = tributaryOpsPerSec / nodejsOpsPerSec;
  const range = (rates: number[]): string => `${si(Math.min(...rates))}..${si(Math.max(...rates))}`;
  log(
    `throughput (ops/s, median of ${tributaryRates.length} repetitions of ${si(workload.ops.length)} ops;` +
      " alongside, per second of the process's CPU time, all threads, GC helpers included):",
  );
  const line = (name: string, rates: Rate[], w: number, c: number): string =>
    `  ${name.padEnd(22)} ${pad(si(w), 8)} wall (range ${range(wall(rates))}), ${pad(si(c), 8)} per CPU second`;
  log(line(tributary.name, tributaryRates, tributaryOpsPerSec, tributaryCpuOpsPerSec));
  log(line(nodejs.name, nodejsRates, nodejsOpsPerSec, nodejsCpuOpsPerSec));
  log(
    `  ratio tributary / nodejs-order-book: ${ratio.toFixed(1)}x wall,` +
      ` ${(tributaryCpuOpsPerSec / nodejsCpuOpsPerSec).toFixed(1)}x CPU` +
      " (each book's end state checked against the shadow book after every repetition)",
  );

  const n = workload.ops.length;
  const empty = [...trib.empty, ...node.empty];
  const emptyLatency = medianSummary(empty);
  const tributaryLatency = medianSummary(trib.latency);
  const nodejsLatency = medianSummary(node.latency);
  log(
    "latency per operation (ns, each op timed alone with process.hrtime.bigint(), timer cost included;" +
      ` median over ${trib.latency.length} pass(es) of ${si(n)} ops each):`,
  );
  log(`  ${"".padEnd(22)} ${pad("p50", 8)} ${pad("p99", 8)} ${pad("p99.9", 8)} ${pad("mean", 8)}   p50/p99 by op`);
  const row = (name: string, s: LatencySummary): string =>
    `  ${name.padEnd(22)} ${pad(s.p50.toFixed(0), 8)} ${pad(s.p99.toFixed(0), 8)} ${pad(s.p999.toFixed(0), 8)} ` +
    `${pad(s.mean.toFixed(0), 8)}   ` +
    OP_NAMES.map((op, code) => {
      const b = s.byOp[code] as { p50: number; p99: number };
      return `${op} ${b.p50.toFixed(0)}/${b.p99.toFixed(0)}`;
    }).join(", ");
  log(row("empty loop (timer)", emptyLatency));
  log(row(tributary.name, tributaryLatency));
  log(row(nodejs.name, nodejsLatency));
  log(
    `  ratio nodejs-order-book / tributary: p50 ${(nodejsLatency.p50 / tributaryLatency.p50).toFixed(1)}x,` +
      ` p99 ${(nodejsLatency.p99 / tributaryLatency.p99).toFixed(1)}x,` +
      ` p99.9 ${(nodejsLatency.p999 / tributaryLatency.p999).toFixed(1)}x`,
  );
  return {
    tributaryOpsPerSec,
    nodejsOpsPerSec,
    ratio,
    tributaryCpuOpsPerSec,
    nodejsCpuOpsPerSec,
    tributaryLatency,
    nodejsLatency,
    emptyLatency,
  };
}
