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
 * 201s autocannon saw. With `soakSeconds` a steady-rate run samples the service's memory (/metrics) ten times.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { hashToken } from "../src/service/auth.js";
import { median, si } from "./harness.js";

export interface HttpIntakeBenchOptions {
  readonly seconds: number;
  readonly connections: number;
  readonly rounds: number;
  /** Steady-rate soak: seconds (0: none) and orders/s. */
  readonly soakSeconds: number;
  readonly soakRate: number;
}

export const DEFAULT_HTTP_INTAKE: HttpIntakeBenchOptions = {
  seconds: 5,
  connections: 200,
  rounds: 3,
  // `SOAK_SECONDS=120 SOAK_RATE=1000 node --expose-gc dist/bench/run.js http-intake` adds the soak.
  soakSeconds: Number(process.env.SOAK_SECONDS ?? 0),
  soakRate: Number(process.env.SOAK_RATE ?? 1000),
};

const TOKEN = "bench-token";
const CLI = new URL("../src/cli/main.js", import.meta.url).pathname;

interface Service {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the "stopped" log line once the process has exited. */
  readonly stopped: Promise<Record<string, unknown>>;
}

async function start(dir: string): Promise<Service> {
  const config = {
    seed: 1,
    session: { minutes: 60 },
    http: { port: 0, rateLimit: { max: 10_000_000, windowMs: 1000 } },
    journal: { path: "journal.db" },
    sources: [{ id: "BENCH", tokenSha256: hashToken(TOKEN) }],
    log: { level: "info" }, // accepted orders log at debug: info adds nothing per order
  };
  writeFileSync(join(dir, "serve.yaml"), JSON.stringify(config));
  const child = spawn(process.execPath, [CLI, "serve", "--config", join(dir, "serve.yaml")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: Record<string, unknown>[] = [];
  let partial = "";
  let onLine: () => void = () => {};
  child.stdout?.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    for (const part of parts) if (part.trim() !== "") lines.push(JSON.parse(part) as Record<string, unknown>);
    onLine();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    onLine = () => {
      const line = lines.find((l) => l.msg === "listening");
      if (line !== undefined) resolve(line);
    };
    void exited.then(() => reject(new Error("tributary serve exited before listening")));
  });
  return {
    url: listening.httpUrl as string,
    child,
    stopped: exited.then(() => lines.find((l) => String(l.msg).startsWith("stopped")) ?? {}),
  };
}

function fire(url: string, options: HttpIntakeBenchOptions, order: boolean, seconds: number, rate?: number) {
  const prefix = `${Date.now().toString(36)}-`;
  let n = 0;
  return autocannon({
    url,
    connections: options.connections,
    duration: seconds,
    ...(rate === undefined ? {} : { overallRate: rate }),
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
    if (options.soakSeconds > 0) await soak(service, options, log);
  } finally {
    service.child.kill("SIGTERM");
    const stopped = await service.stopped;
    log(`accepted by the engine (warm-up and soak included): ${stopped.ordersAccepted}; 201s in the timed runs: ${ok}`);
    rmSync(dir, { recursive: true, force: true });
  }
  const o = median(orders);
  const t = median(trivial);
  log(`POST /orders accepted durably: ${si(o)} orders/s (median of ${options.rounds})`);
  log(`GET /health (trivial route):   ${si(t)} requests/s`);
  log(`ratio: ${(o / t).toFixed(2)}`);
  return { ordersPerSecond: o, trivialPerSecond: t, ratio: o / t };
}

/** A steady rate for `soakSeconds`, sampling the service's RSS and heap (its /metrics) every tenth of the run. */
async function soak(service: Service, options: HttpIntakeBenchOptions, log: (line: string) => void) {
  log(`soak: ${options.soakRate} orders/s for ${options.soakSeconds} s`);
  const samples: Promise<string>[] = [];
  const sample = async (): Promise<string> => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const mib = (name: string) => (Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1]) / 2 ** 20).toFixed(0);
    return `rss ${mib("process_resident_memory_bytes")} MiB, heap used ${mib("nodejs_heap_size_used_bytes")} MiB`;
  };
  const timer = setInterval(() => samples.push(sample()), (options.soakSeconds * 1000) / 10);
  const r = await fire(service.url, options, true, options.soakSeconds, options.soakRate);
  clearInterval(timer);
  for (const [i, s] of (await Promise.all(samples)).entries()) log(`soak ${i + 1}/10: ${s}`);
  log(`soak: ${si(r.requests.average)} orders/s, ${r["2xx"]} accepted, latency p99 ${r.latency.p99} ms`);
}
