/**
 * HTTP order intake of the live service: orders/s accepted by `POST /orders`, each one validated, taken by the engine
 * (intake, risk, aggregation), journaled to SQLite with synchronous=FULL and acknowledged (201) only once durable,
 * beside the same Fastify instance answering a trivial route (`GET /health`) in the same run: the framework's own
 * ceiling on this machine, so the ratio says what intake and durability cost.
 *
 * The service runs as `tributary serve` in a child process (simulated market live on the wall clock), autocannon in
 * this one, so the load generator does not share the service's event loop (on 2 cores: one each). Every order has a
 * unique ClOrdID (`setupRequest`; autocannon's `[<id>]` replacement miscounts Content-Length) and rests far from the
 * market (a limit buy at 90.00, ACME trades around 150), so it never trades: the work measured is intake, not
 * execution. After the run the service is stopped (SIGTERM) and its count of accepted orders is compared with the
 * 201s autocannon saw. Beside the single orders, the same orders `batch` at a time through `POST /orders/batch` (one
 * request, one journal commit wait, one answer for all of them: how a rebalance or a file arrives): orders/s is
 * requests/s times the batch, every order accepted (the count is checked the same way). Each timed run also reads the
 * service's CPU time from /proc before and after (its kernel thread's and all its threads'), per request or order
 * answered: a figure the machine's load moves less than the rates. The memory soak is bench/soak.bench.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { hashToken } from "../src/service/auth.js";
import { type CpuMicros, cpuMicrosPer, median, processCpu, si } from "./harness.js";
import { type BenchService, startBenchService } from "./service-process.js";

export interface HttpIntakeBenchOptions {
  readonly seconds: number;
  readonly connections: number;
  readonly rounds: number;
  /** Orders per `POST /orders/batch` request in the batch rows. */
  readonly batch: number;
  /** Connections of the batch rows (each with `batch` orders in flight). */
  readonly batchConnections: number;
}

export const DEFAULT_HTTP_INTAKE: HttpIntakeBenchOptions = {
  seconds: 5,
  connections: 200,
  rounds: Number(process.env.HTTP_INTAKE_ROUNDS ?? 3),
  batch: 100,
  batchConnections: 10,
};

const TOKEN = "bench-token";

function showCpu(cpu: CpuMicros | null): string {
  return cpu === null
    ? "service CPU n/a"
    : `service CPU ${cpu.main.toFixed(0)} µs main thread, ${cpu.process.toFixed(0)} µs in all`;
}

function start(dir: string): Promise<BenchService> {
  return startBenchService(dir, {
    seed: 1,
    session: { minutes: 60 },
    http: { port: 0, rateLimit: { max: 10_000_000, windowMs: 1000 } },
    journal: { path: "journal.db" },
    sources: [{ id: "BENCH", tokenSha256: hashToken(TOKEN) }],
    log: { level: "info" }, // accepted orders log at debug: info adds nothing per order
  });
}

type Load = "trivial" | "order" | "batch";

function orderJson(clOrdId: string): string {
  return `{"cl_ord_id":"${clOrdId}","account":"A1","symbol":"ACME","side":"buy","quantity":"100","order_type":"limit","limit_price":"90.00"}`;
}

function fire(url: string, options: HttpIntakeBenchOptions, load: Load, seconds: number) {
  const prefix = `${Date.now().toString(36)}-`;
  let n = 0;
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  const request: autocannon.Request =
    load === "trivial"
      ? { method: "GET", path: "/health" }
      : load === "order"
        ? {
            method: "POST",
            path: "/orders",
            headers,
            setupRequest: (r) => ({ ...r, body: orderJson(`${prefix}${n++}`) }),
          }
        : {
            method: "POST",
            path: "/orders/batch",
            headers,
            setupRequest: (r) => {
              const orders: string[] = [];
              for (let i = 0; i < options.batch; i++) orders.push(orderJson(`${prefix}${n++}`));
              return { ...r, body: `{"orders":[${orders.join(",")}]}` };
            },
          };
  const connections = load === "batch" ? options.batchConnections : options.connections;
  return autocannon({ url, connections, duration: seconds, requests: [request] });
}

export async function runHttpIntakeBench(options: HttpIntakeBenchOptions, log: (line: string) => void) {
  log(
    `workload: POST /orders (validated, engine intake, SQLite journal synchronous=FULL, 201 after durable) vs ` +
      `GET /health on the same Fastify instance, ${options.connections} connections; and the same orders ` +
      `${options.batch} per POST /orders/batch, ${options.batchConnections} connections; ${options.seconds} s per ` +
      `run, ${options.rounds} rounds alternating; the service in a child process, autocannon in this one`,
  );
  const dir = mkdtempSync(join(tmpdir(), "tributary-http-bench-"));
  const service = await start(dir);
  const orders: number[] = [];
  const trivial: number[] = [];
  const batched: number[] = [];
  let sent = 0; // orders answered 2xx, warm-up included (those in flight when a run ends are accepted, not counted)
  const orderCpu: CpuMicros[] = [];
  const trivialCpu: CpuMicros[] = [];
  // The service's CPU over a timed run, per request (or order) answered 2xx.
  const measured = async <R>(run: () => Promise<R>, units: (result: R) => number) => {
    const before = processCpu(service.child.pid);
    const result = await run();
    return { result, cpu: cpuMicrosPer(before, processCpu(service.child.pid), units(result)) };
  };
  try {
    const warm = await fire(service.url, options, "order", 1);
    sent += warm["2xx"];
    for (let round = 0; round < options.rounds; round++) {
      const t = await measured(
        () => fire(service.url, options, "trivial", options.seconds),
        (r) => r["2xx"],
      );
      trivial.push(t.result.requests.average);
      const o = await measured(
        () => fire(service.url, options, "order", options.seconds),
        (r) => r["2xx"],
      );
      orders.push(o.result.requests.average);
      sent += o.result["2xx"];
      if (o.cpu !== null) orderCpu.push(o.cpu);
      if (t.cpu !== null) trivialCpu.push(t.cpu);
      if (o.result.non2xx > 0 || o.result.errors > 0)
        log(`round ${round}: ${o.result.non2xx} non-2xx, ${o.result.errors} errors`);
      log(
        `round ${round}: GET /health ${si(t.result.requests.average)}/s (${showCpu(t.cpu)}), POST /orders ` +
          `${si(o.result.requests.average)}/s (latency p50 ${o.result.latency.p50} ms, p99 ${o.result.latency.p99} ms; ` +
          `${showCpu(o.cpu)})`,
      );
    }
    // The batches after the single orders, so that the single-order rounds meet the engine as before (the batches
    // leave several times more working orders in it).
    for (let round = 0; round < options.rounds; round++) {
      const measuredBatch = await measured(
        () => fire(service.url, options, "batch", options.seconds),
        (r) => r["2xx"] * options.batch,
      );
      const b = measuredBatch.result;
      batched.push(b.requests.average * options.batch);
      sent += b["2xx"] * options.batch;
      if (b.non2xx > 0 || b.errors > 0) log(`batch round ${round}: ${b.non2xx} non-2xx, ${b.errors} errors`);
      log(
        `batch round ${round}: POST /orders/batch ${si(b.requests.average * options.batch)} orders/s ` +
          `(${si(b.requests.average)} requests/s, latency p50 ${b.latency.p50} ms, p99 ${b.latency.p99} ms, ` +
          `max ${b.latency.max} ms; ${showCpu(measuredBatch.cpu)} per order)`,
      );
    }
  } finally {
    service.child.kill("SIGTERM");
    const stopped = await service.stopped;
    log(
      `accepted by the engine: ${stopped.ordersAccepted}; orders answered 2xx: ${sent} (the difference: ` +
        `requests in flight when a timed run ended, up to ${options.connections} orders or ` +
        `${options.batchConnections * options.batch} batched orders a run)`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
  const o = median(orders);
  const t = median(trivial);
  const b = median(batched);
  log(`POST /orders accepted durably: ${si(o)} orders/s (median of ${options.rounds})`);
  log(`GET /health (trivial route):   ${si(t)} requests/s`);
  log(`ratio: ${(o / t).toFixed(2)}`);
  if (orderCpu.length > 0 && trivialCpu.length > 0) {
    const med = (list: CpuMicros[]): CpuMicros => ({
      main: median(list.map((c) => c.main)),
      process: median(list.map((c) => c.process)),
    });
    log(`per trivial request: ${showCpu(med(trivialCpu))}; per order: ${showCpu(med(orderCpu))} (medians)`);
  }
  log(`POST /orders/batch (${options.batch} a request) accepted durably: ${si(b)} orders/s`);
  return { ordersPerSecond: o, trivialPerSecond: t, ratio: o / t, batchOrdersPerSecond: b };
}
