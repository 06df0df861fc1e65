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
 * 201s autocannon saw. The memory soak is bench/soak.bench.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { hashToken } from "../src/service/auth.js";
import { median, si } from "./harness.js";
import { type BenchService, startBenchService } from "./service-process.js";

export interface HttpIntakeBenchOptions {
  readonly seconds: number;
  readonly connections: number;
  readonly rounds: number;
}

export const DEFAULT_HTTP_INTAKE: HttpIntakeBenchOptions = {
  seconds: 5,
  connections: 200,
  rounds: 3,
};

const TOKEN = "bench-token";

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

function fire(url: string, options: HttpIntakeBenchOptions, order: boolean, seconds: number) {
  const prefix = `${Date.now().toString(36)}-`;
  let n = 0;
  return autocannon({
    url,
    connections: options.connections,
    duration: seconds,
    requests: [
      order
        ? {
            method: "POST",
            path: "/orders",
            headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
            setupRequest: (request) => ({
              ...request,
              body: `{"cl_ord_id":"${prefix}${n++}","account":"A1","symbol":"ACME","side":"buy","quantity":"100","order_type":"limit","limit_price":"90.00"}`,
            }),
          }
        : { method: "GET", path: "/health" },
    ],
  });
}

export async function runHttpIntakeBench(options: HttpIntakeBenchOptions, log: (line: string) => void) {
  log(
    `workload: POST /orders (validated, engine intake, SQLite journal synchronous=FULL, 201 after durable) vs ` +
      `GET /health on the same Fastify instance; ${options.connections} connections, ${options.seconds} s per run, ` +
      `${options.rounds} rounds alternating; the service in a child process, autocannon in this one`,
  );
  const dir = mkdtempSync(join(tmpdir(), "tributary-http-bench-"));
  const service = await start(dir);
  const orders: number[] = [];
  const trivial: number[] = [];
  const latency: number[] = [];
  let ok = 0;
  try {
    await fire(service.url, options, true, 1); // warm-up
    for (let round = 0; round < options.rounds; round++) {
      const t = await fire(service.url, options, false, options.seconds);
      trivial.push(t.requests.average);
      const o = await fire(service.url, options, true, options.seconds);
      orders.push(o.requests.average);
      latency.push(o.latency.p50, o.latency.p99);
      ok += o["2xx"];
      if (o.non2xx > 0 || o.errors > 0) log(`round ${round}: ${o.non2xx} non-2xx, ${o.errors} errors`);
      log(
        `round ${round}: GET /health ${si(t.requests.average)}/s, POST /orders ${si(o.requests.average)}/s ` +
          `(latency p50 ${o.latency.p50} ms, p99 ${o.latency.p99} ms)`,
      );
    }
  } finally {
    service.child.kill("SIGTERM");
    const stopped = await service.stopped;
    log(`accepted by the engine (warm-up included): ${stopped.ordersAccepted}; 201s in the timed runs: ${ok}`);
    rmSync(dir, { recursive: true, force: true });
  }
  const o = median(orders);
  const t = median(trivial);
  log(`POST /orders accepted durably: ${si(o)} orders/s (median of ${options.rounds})`);
  log(`GET /health (trivial route):   ${si(t)} requests/s`);
  log(`ratio: ${(o / t).toFixed(2)}`);
  return { ordersPerSecond: o, trivialPerSecond: t, ratio: o / t };
}
