/**
 * Intake + validation + risk + aggregation throughput: 1,000,000 small orders submitted to a fresh `Engine` (target:
 * at least 1,000,000 orders/s on one core).
 *
 * Workload: bench/engine-workload.ts (three instruments incl. round and fractional lots, 70% limit orders, urgency and
 * strategy intents, some end times, 200 accounts, two sources), generated before timing. Every risk check runs (limits
 * set high enough that all orders pass). Crossing is off here: it is a fill path, measured in the allocation bench.
 *
 * Figures, each the median of `rounds` repetitions on a fresh engine (a full GC before each):
 * - `engine.submit` with no listener, and with one listener that counts events (a journal's minimum: OrderAccepted,
 *   the `new` execution report and ParentChanged per order);
 * - the order file path: the same orders as CSV lines in memory, parsed row by row (`orderRows`) and submitted;
 * Baselines measured in the same run, the raw cost of the layers below:
 * - "decimal parse + dedupe": per order, `parseQuantity` + `parsePrice` on its instrument and a `Map.set` by ClOrdID
 *   (the least any intake that validates numbers and refuses duplicates must do);
 * - "split only": `line.split(",")` of every CSV line (the least a CSV reader does).
 * Last, self-match prevention's memory with many parents facing each other: 1,000 buy and 1,000 sell parents in one
 * instrument (one order each, each in a window of its own, limits that do not cross; 200 accounts trading both
 * sides), crossing on, with prevention against the same with self-matches allowed (no self-match state).
 */

import { loadavg } from "node:os";
import { type SubmitRowsSummary, submitRow } from "../src/engine/submit-rows.js";
import { orderRows } from "../src/intake/order-row.js";
import type { NewOrderInput } from "../src/model/client-commands.js";
import type { Instrument } from "../src/model/instrument.js";
import { BENCH_START, benchEngine, generateOrders, INSTRUMENTS, toCsvLines } from "./engine-workload.js";
import { collectGarbage, mb, median, si } from "./harness.js";

export interface IntakeBenchOptions {
  orders: number;
  rounds: number;
}

export const DEFAULT_INTAKE: IntakeBenchOptions = { orders: 1_000_000, rounds: 3 };

/** Wall and CPU seconds (user + system, every thread of the process: GC helpers included) of one run. */
function time(run: () => void): { wall: number; cpu: number } {
  collectGarbage();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  run();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

export function runIntakeBench(options: IntakeBenchOptions, log: (line: string) => void): void {
  const orders = generateOrders(options.orders);
  const lines = toCsvLines(orders);
  log(
    `workload: ${si(options.orders)} small orders (60% ACME, 20% NRTH round lots, 20% PNNY fractional; 70% limit), ${options.rounds} rounds, median`,
  );

  const rate = (seconds: number[]): number => options.orders / median(seconds);
  // Orders per wall second, and per CPU second: on a shared machine the wall rate includes waiting for a core, the CPU
  // rate is what one core does while it runs this (the "on one core").
  const results: [string, number, number][] = [];
  const measure = (name: string, run: () => void): void => {
    const runs: { wall: number; cpu: number }[] = [];
    run(); // warm-up (JIT)
    for (let r = 0; r < options.rounds; r++) runs.push(time(run));
    results.push([name, rate(runs.map((x) => x.wall)), rate(runs.map((x) => x.cpu))]);
  };

  let accepted = 0;
  measure("engine.submit, no listener", () => {
    const engine = benchEngine();
    for (let i = 0; i < orders.length; i++) engine.submit(orders[i] as NewOrderInput);
    accepted = engine.ordersHeld;
  });
  if (accepted !== orders.length) throw new Error(`only ${accepted} of ${orders.length} orders were accepted`);
  let events = 0;
  measure("engine.submit, one listener", () => {
    const engine = benchEngine();
    events = 0;
    engine.on(() => {
      events++;
    });
    for (let i = 0; i < orders.length; i++) engine.submit(orders[i] as NewOrderInput);
  });
  measure("CSV lines -> orderRows -> submit", () => {
    const engine = benchEngine();
    const summary: SubmitRowsSummary = { rows: 0, accepted: 0, rejected: [] };
    for (const row of orderRows(lines, "csv")) submitRow(engine, row, summary);
    if (summary.accepted !== orders.length) throw new Error(`CSV path accepted ${summary.accepted}`);
  });
  measure("baseline: decimal parse + dedupe", () => {
    const seen = new Map<string, number>();
    let sum = 0;
    for (let i = 0; i < orders.length; i++) {
      const o = orders[i] as NewOrderInput;
      const instrument = INSTRUMENTS.get(o.symbol) as Instrument;
      const q = instrument.parseQuantity(o.quantity);
      const p = o.limitPrice == null ? null : instrument.parsePrice(o.limitPrice);
      if (q.ok) sum += q.value;
      if (p?.ok) sum += p.value;
      seen.set(o.clOrdId, sum);
    }
    if (seen.size !== orders.length) throw new Error("dedupe baseline lost orders");
  });
  measure("baseline: split only", () => {
    let fields = 0;
    for (let i = 1; i < lines.length; i++) fields += (lines[i] as string).split(",").length;
    if (fields === 0) throw new Error("no fields");
  });

  const base = results.find(([name]) => name.startsWith("baseline: decimal"))?.[1] ?? Number.NaN;
  const split = results.find(([name]) => name.startsWith("baseline: split"))?.[1] ?? Number.NaN;
  log("");
  log(`1-minute load average ${(loadavg()[0] ?? 0).toFixed(1)}`);
  log("| path | orders/s (wall) | orders per CPU second | vs decimal parse + dedupe (wall) |");
  log("| --- | ---: | ---: | ---: |");
  for (const [name, wall, cpu] of results) log(`| ${name} | ${si(wall)} | ${si(cpu)} | ${(wall / base).toFixed(2)}x |`);
  log(
    `(split-only baseline for the CSV path: ${si(split)} lines/s; events per order with a listener: ${(events / orders.length).toFixed(2)})`,
  );

  // heapUsed + arrayBuffers, as the book memory bench counts: typed-array state (OrderFloats, the ClOrdID index) is
  // outside heapUsed.
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  collectGarbage();
  const before = used();
  const engine = benchEngine();
  for (let i = 0; i < orders.length; i++) engine.submit(orders[i] as NewOrderInput);
  collectGarbage();
  const retained = used() - before;
  let parents = 0;
  for (const _ of engine.parents()) parents++;
  log(
    `retained heap with ${si(orders.length)} working orders in ${parents} parents: ${mb(retained)} (${Math.round(retained / orders.length)} B/order)`,
  );

  const facing = (selfMatch: "prevent" | "allow"): { bytes: number; seconds: number } => {
    collectGarbage();
    const base = used();
    const engine = benchEngine({ crossing: { enabled: true, selfMatch } });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) {
      for (const side of ["buy", "sell"] as const) {
        const r = engine.submit({
          clOrdId: `${side}-${i}`,
          source: "OMS",
          account: `A${i % 200}`,
          symbol: "ACME",
          side,
          quantity: "100",
          orderType: "limit",
          limitPrice: side === "buy" ? "140.00" : "160.00",
          allowCross: true,
          endTime: new Date((BENCH_START + (i + 1) * 300_000_000) / 1000).toISOString(),
        });
        if (!r.ok) throw new Error(`facing parents: ${r.message}`);
      }
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    collectGarbage();
    const bytes = used() - base;
    // The engine is used after the measure, so the collection above cannot take it.
    let facingParents = 0;
    for (const _ of engine.parents()) facingParents++;
    if (facingParents !== 2000) throw new Error(`facing parents: ${facingParents} parents`);
    return { bytes, seconds };
  };
  const prevent = facing("prevent");
  const allow = facing("allow");
  log(
    `1,000 buy and 1,000 sell parents facing each other, crossing on: with self-match prevention ${mb(prevent.bytes)} ` +
      `in ${(prevent.seconds * 1000).toFixed(0)} ms, self-matches allowed ${mb(allow.bytes)} in ` +
      `${(allow.seconds * 1000).toFixed(0)} ms (${(prevent.bytes / allow.bytes).toFixed(2)}x the memory)`,
  );
}
