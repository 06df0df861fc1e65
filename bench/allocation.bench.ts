/**
 * Allocation speed (targets: one fill across a parent of 10,000 constituent orders in under 1 ms; the whole
 * fill -> allocation -> per-order report path under NautilusTrader's published 15.6 µs per fill).
 *
 * 1. Big parent: 10,000 market buy orders of 100-1,000 shares in one parent; `fills` fills of 1-1,000 lots at one
 *    price, each timed alone (`process.hrtime.bigint()`), p50 / p99 / max:
 *    - the pro-rata policy alone (`ProRataPolicy.allocate` over the 10,000 eligible orders, state updated as in the
 *      engine);
 *    - `engine.applyParentFill` end to end (eligible scan, allocation, checks, ParentFilled, FillAllocated and one
 *      execution report per order that received lots, to one listener);
 *    - baseline measured in the same run: the textbook largest-remainder allocation of each fill alone (exact shares
 *      in floating point, floor, then an `Array.prototype.sort` of the 10,000 remainders), no state, no events.
 * 2. Fill path: a parent of 10 orders; `pathFills` fills of 1-100 lots through `engine.applyParentFill` with one
 *    listener; µs per fill and events per second (every ParentFilled, FillAllocated and execution report counted).
 */
import type { ParentOrder } from "../src/aggregation/parent-order.js";
import { ProRataPolicy } from "../src/allocation/pro-rata.js";
import { Random } from "../src/core/random.js";
import type { Engine } from "../src/engine/engine.js";
import type { ClientOrder } from "../src/model/client-order.js";
import { benchEngine } from "./engine-workload.js";
import { collectGarbage, pad, percentile, si } from "./harness.js";

export interface AllocationBenchOptions {
  constituents: number;
  fills: number;
  pathFills: number;
}

export const DEFAULT_ALLOCATION: AllocationBenchOptions = { constituents: 10_000, fills: 2_000, pathFills: 200_000 };

const PRICE = 1_500_000;

function bigParent(constituents: number, seed: number): { engine: Engine; parent: ParentOrder } {
  const random = new Random(seed);
  const engine = benchEngine({ risk: undefined });
  for (let i = 0; i < constituents; i++) {
    const result = engine.submit({
      clOrdId: `B${i}`,
      source: "OMS",
      account: `ACC${i % 200}`,
      symbol: "ACME",
      side: "buy",
      quantity: String(random.int(100, 1000)),
      orderType: "market",
    });
    if (!result.ok) throw new Error(result.message);
  }
  const parent = engine.parent(1);
  if (parent === undefined || parent.openOrders !== constituents)
    throw new Error("the orders did not aggregate into one parent");
  return { engine, parent };
}

function stats(nanos: Float64Array): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(nanos).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] as number };
}

function fillSizes(count: number, seed: number): Int32Array {
  const random = new Random(seed);
  const sizes = new Int32Array(count);
  for (let i = 0; i < count; i++) sizes[i] = random.int(1, 1000);
  return sizes;
}

/** Textbook largest remainder for one fill: float shares, floor, sort by remainder. No state, no events. */
function naiveLargestRemainder(
  weights: Float64Array,
  total: number,
  qty: number,
  out: Int32Array,
  order: number[],
): void {
  let given = 0;
  const rema = new Float64Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const exact = (qty * (weights[i] as number)) / total;
    const lots = Math.floor(exact);
    out[i] = lots;
    rema[i] = exact - lots;
    given += lots;
  }
  order.sort((a, b) => (rema[b] as number) - (rema[a] as number) || a - b);
  for (let k = 0; k < qty - given; k++) {
    const i = order[k] as number;
    out[i] = (out[i] as number) + 1;
  }
}

export function runAllocationBench(options: AllocationBenchOptions, log: (line: string) => void): void {
  const n = options.constituents;
  log(
    `workload: one parent of ${si(n)} market orders (100-1,000 shares each), ${si(options.fills)} fills of 1-1,000 lots, each timed alone`,
  );
  const sizes = fillSizes(options.fills, 99);

  // Policy alone.
  const policyTimes = new Float64Array(options.fills);
  {
    const { parent } = bigParent(n, 1);
    const eligible = [...parent.orders()];
    const out = new Float64Array(n);
    // Market fills: each order's cap is its open quantity, as the engine gives it, lowered by every allocation.
    const caps = Float64Array.from(eligible, (o) => o.orderQty - o.cumQty);
    const lowerCaps = () => {
      for (let i = 0; i < n; i++) caps[i] = (caps[i] as number) - (out[i] as number);
    };
    const policy = new ProRataPolicy();
    for (let w = 0; w < 200; w++) {
      policy.allocate(parent, eligible, caps, 1, out); // warm-up (advances the epoch by 200 lots)
      lowerCaps();
    }
    collectGarbage();
    for (let f = 0; f < options.fills; f++) {
      const t0 = process.hrtime.bigint();
      policy.allocate(parent, eligible, caps, sizes[f] as number, out);
      policyTimes[f] = Number(process.hrtime.bigint() - t0);
      lowerCaps();
    }
  }

  // Engine end to end.
  const engineTimes = new Float64Array(options.fills);
  let reports = 0;
  {
    const { engine, parent } = bigParent(n, 1);
    engine.on((event) => {
      if (event.type === "execution-report") reports++;
    });
    for (let w = 0; w < 200; w++) engine.applyParentFill(parent.parentId, 1, PRICE, "LITA");
    reports = 0;
    collectGarbage();
    for (let f = 0; f < options.fills; f++) {
      const t0 = process.hrtime.bigint();
      engine.applyParentFill(parent.parentId, sizes[f] as number, PRICE, "LITA");
      engineTimes[f] = Number(process.hrtime.bigint() - t0);
    }
  }

  // Baseline: textbook largest remainder per fill.
  const naiveTimes = new Float64Array(options.fills);
  {
    const { parent } = bigParent(n, 1);
    const weights = Float64Array.from([...parent.orders()].map((o: ClientOrder) => o.leavesQty));
    const total = weights.reduce((a, b) => a + b, 0);
    const out = new Int32Array(n);
    const order = Array.from({ length: n }, (_, i) => i);
    for (let w = 0; w < 200; w++) naiveLargestRemainder(weights, total, 500, out, order);
    collectGarbage();
    for (let f = 0; f < options.fills; f++) {
      const t0 = process.hrtime.bigint();
      naiveLargestRemainder(weights, total, sizes[f] as number, out, order);
      naiveTimes[f] = Number(process.hrtime.bigint() - t0);
    }
  }

  const us = (ns: number): string => (ns / 1000).toFixed(1);
  log("");
  log(`| one fill across ${si(n)} orders | p50 µs | p99 µs | max µs |`);
  log("| --- | ---: | ---: | ---: |");
  for (const [name, times] of [
    ["pro-rata policy alone", policyTimes],
    ["engine.applyParentFill (allocation + events + reports)", engineTimes],
    ["baseline: textbook largest remainder (sort)", naiveTimes],
  ] as const) {
    const s = stats(times);
    log(`| ${name} | ${us(s.p50)} | ${us(s.p99)} | ${us(s.max)} |`);
  }
  log(`(execution reports per fill in the engine run: ${(reports / options.fills).toFixed(0)} on average)`);

  // Fill path on a small parent.
  const engine = benchEngine({ risk: undefined });
  for (let i = 0; i < 10; i++) {
    engine.submit({
      clOrdId: `S${i}`,
      source: "OMS",
      account: `ACC${i}`,
      symbol: "ACME",
      side: "buy",
      quantity: "100000000",
      orderType: "market",
    });
  }
  let events = 0;
  engine.on(() => {
    events++;
  });
  const random = new Random(7);
  const path = new Int32Array(options.pathFills);
  for (let i = 0; i < path.length; i++) path[i] = random.int(1, 100);
  for (let i = 0; i < 20_000; i++) engine.applyParentFill(1, path[i % path.length] as number, PRICE, "LITA");
  events = 0;
  collectGarbage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < path.length; i++) engine.applyParentFill(1, path[i] as number, PRICE, "LITA");
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const perFill = (seconds * 1e6) / path.length;
  log("");
  log(`fill path (parent of 10 orders, ${si(path.length)} fills of 1-100 lots, one listener):`);
  log(
    `  ${pad(perFill.toFixed(2), 6)} µs per fill, ${si(path.length / seconds)} fills/s, ${si(events / seconds)} events/s (${(events / path.length).toFixed(1)} events per fill)`,
  );
  log(`  vs NautilusTrader's published fill-handling path, 15.6 µs per fill: ${(15.6 / perFill).toFixed(1)}x`);
}
