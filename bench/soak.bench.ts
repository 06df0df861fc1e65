/**
 * Memory soak of the live service: `tributary serve` (a child process run with --expose-gc) takes a steady flow of
 * orders that reach a final state, beside a bounded number that stay open, and its memory after a full GC is sampled
 * (admin GET /debug/memory) over the run. Flat memory means no growth in proportion to the orders processed once warm:
 * the figure is the slope of heap used after GC against orders accepted, by least squares over the samples after
 * the warm-up, in bytes per order (and what it would add over an hour at the run's rate).
 *
 * The flow, every 20 ms: a POST /orders/batch of `pairs` marketable pairs in ACME (a buy at 200.00 and a sell at
 * 100.00 of 100 shares, allowed to cross: they cross internally at once and are filled) and `resting` limit buys in
 * NRTH at 20.00 (half its price: they rest, worked at the venues by child orders), and a cancel of each resting order
 * acknowledged about `cancelAfterMs` earlier; plus, at the start, `openOrders` resting NRTH orders that stay open throughout.
 * So every order but the fixed open ones is done (filled or cancelled) within about a second of arrival.
 * Run twice with `release` on and off to see what releasing done orders changes. Each sample also shows the snapshot
 * worker's heap after its last snapshot (its own copy of the state: runtime/snapshot-worker.ts); rss counts it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashToken } from "../src/service/auth.js";
import { describeMachine } from "./harness.js";
import { startBenchService } from "./service-process.js";

export interface SoakBenchOptions {
  readonly seconds: number;
  /** Marketable pairs and resting orders per 20 ms tick. */
  readonly pairs: number;
  readonly resting: number;
  readonly cancelAfterMs: number;
  readonly openOrders: number;
  /** Memory samples over the run. */
  readonly samples: number;
  /** `engine.releaseDoneOrdersAfter` (seconds; null: off). */
  readonly releaseAfter: number | null;
}

export const DEFAULT_SOAK: SoakBenchOptions = {
  seconds: Number(process.env.SOAK_SECONDS ?? 120),
  pairs: 8,
  resting: Number(process.env.SOAK_RESTING ?? 4),
  cancelAfterMs: 1000,
  openOrders: 1000,
  samples: 30,
  releaseAfter: process.env.SOAK_RELEASE === "off" ? null : Number(process.env.SOAK_RELEASE ?? 60),
};

const TOKEN = "soak-token";
const ADMIN = "soak-admin";
const TICK_MS = 20;

interface Memory {
  readonly seconds: number;
  readonly ordersAccepted: number;
  readonly ordersHeld: number;
  readonly heapUsedBytes: number;
  readonly rssBytes: number;
  /** The snapshot worker's heap after its last snapshot (its copy of the state; null: no snapshots). */
  readonly snapshotWorkerHeapBytes: number | null;
}

async function post(url: string, path: string, body: unknown, token = TOKEN): Promise<Response> {
  return fetch(url + path, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const resting = (id: string) => ({
  cl_ord_id: id,
  account: "A1",
  symbol: "NRTH",
  side: "buy",
  quantity: "100",
  order_type: "limit",
  limit_price: "20.00",
});

const crossing = (id: string, side: "buy" | "sell") => ({
  cl_ord_id: id,
  account: "A1",
  symbol: "ACME",
  side,
  quantity: "100",
  order_type: "limit",
  limit_price: side === "buy" ? "200.00" : "100.00",
  allow_cross: true,
});

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

export async function runSoakBench(options: SoakBenchOptions, log: (line: string) => void) {
  const rate = ((options.pairs * 2 + options.resting) * 1000) / TICK_MS;
  log(
    `workload: ${rate} orders/s for ${options.seconds} s (every ${TICK_MS} ms a batch of ${options.pairs} crossing ` +
      `pairs and ${options.resting} resting orders, each resting one cancelled ${options.cancelAfterMs} ms later), ` +
      `${options.openOrders} orders open throughout; release of done orders: ` +
      `${options.releaseAfter === null ? "off" : `after ${options.releaseAfter} s`}`,
  );
  log(describeMachine());
  const dir = mkdtempSync(join(tmpdir(), "tributary-soak-"));
  const service = await startBenchService(
    dir,
    {
      seed: 1,
      session: { minutes: Math.ceil(options.seconds / 60) + 10 },
      http: { port: 0, maxBatchOrders: 1000, rateLimit: { max: 10_000_000, windowMs: 1000 } },
      journal: { path: "journal.db" },
      engine: { releaseDoneOrdersAfter: options.releaseAfter },
      sources: [{ id: "SOAK", tokenSha256: hashToken(TOKEN) }],
      admins: [{ id: "ops", tokenSha256: hashToken(ADMIN) }],
      log: { level: "info" }, // accepted orders log at debug: info adds nothing per order
    },
    ["--expose-gc"],
  );
  const { url } = service;
  const samples: Memory[] = [];
  const started = performance.now();
  const sample = async () => {
    const response = await fetch(`${url}/debug/memory`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const m = (await response.json()) as Omit<Memory, "seconds"> & { afterGc: boolean };
    if (!m.afterGc) throw new Error("the service cannot collect garbage (node --expose-gc)");
    samples.push({ ...m, seconds: (performance.now() - started) / 1000 });
  };
  let sent = 0;
  let refused = 0;
  let lateTicks = 0;
  let next = 0;
  const errors = new Map<string, number>();
  const count = (what: string) => errors.set(what, (errors.get(what) ?? 0) + 1);
  try {
    for (let i = 0; i < options.openOrders; i += 100) {
      const orders = Array.from({ length: Math.min(100, options.openOrders - i) }, (_, k) => resting(`open-${i + k}`));
      const r = await post(url, "/orders/batch", { orders });
      if (r.status !== 200) throw new Error(`open orders: HTTP ${r.status}`);
    }
    await sample();
    const inFlight = new Set<Promise<void>>();
    const track = (p: Promise<void>) => {
      const q = p.catch((error: Error) => {
        count(`${error.message} ${(error.cause as Error | undefined)?.message ?? ""}`);
      });
      inFlight.add(q);
      void q.finally(() => inFlight.delete(q));
    };
    const pendingCancels: { at: number; id: string }[] = [];
    const tickCount = Math.floor((options.seconds * 1000) / TICK_MS);
    const sampleEvery = Math.max(1, Math.floor(tickCount / options.samples));
    const t0 = performance.now();
    for (let tick = 0; tick < tickCount; tick++) {
      const due = t0 + tick * TICK_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else if (wait < -TICK_MS) lateTicks++;
      const orders: unknown[] = [];
      for (let k = 0; k < options.pairs; k++) {
        orders.push(crossing(`b-${next}`, "buy"), crossing(`s-${next}`, "sell"));
        next++;
      }
      const restingIds: string[] = [];
      for (let k = 0; k < options.resting; k++) {
        const id = `r-${next++}`;
        orders.push(resting(id));
        restingIds.push(id);
      }
      sent += orders.length;
      track(
        post(url, "/orders/batch", { orders }).then(async (r) => {
          if (r.status !== 200) return void count(`batch HTTP ${r.status}`);
          const body = (await r.json()) as { rejected: number };
          refused += body.rejected;
          // Cancelled a while after their acknowledgement (a cancel sent before it could overtake the order).
          const at = performance.now() + options.cancelAfterMs;
          for (const id of restingIds) pendingCancels.push({ at, id });
        }),
      );
      while (pendingCancels.length > 0 && (pendingCancels[0] as { at: number }).at <= performance.now()) {
        const { id } = pendingCancels.shift() as { id: string };
        track(
          post(url, `/orders/${id}/cancel`, { cl_ord_id: `c-${id}` }).then(async (r) => {
            if (r.status !== 200) count(`cancel HTTP ${r.status}`);
            await r.arrayBuffer();
          }),
        );
      }
      if (tick % sampleEvery === sampleEvery - 1) track(sample());
    }
    await Promise.all(inFlight);
    await sample();
  } finally {
    service.child.kill("SIGTERM");
    const stopped = await service.stopped;
    log(
      `stopped: ${stopped.ordersAccepted} orders accepted, ${stopped.ordersReleased ?? 0} released; sent ${sent}, ` +
        `refused ${refused}; ticks late by more than one tick: ${lateTicks}; errors: ${JSON.stringify(Object.fromEntries(errors))}`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  for (const s of samples) {
    log(
      `t ${s.seconds.toFixed(0).padStart(5)} s  orders ${String(s.ordersAccepted).padStart(9)}  held ${String(s.ordersHeld).padStart(7)}  ` +
        `heap after GC ${mib(s.heapUsedBytes).padStart(7)} MiB  snapshot worker ` +
        `${s.snapshotWorkerHeapBytes === null ? "-" : mib(s.snapshotWorkerHeapBytes).padStart(7)} MiB  rss ${mib(s.rssBytes).padStart(7)} MiB`,
    );
  }
  // Warm: after the retention has filled (release on) and a third of the run, whichever is later.
  const warmAt = Math.max(options.seconds / 3, (options.releaseAfter ?? 0) + 30);
  const warm = samples.filter((s) => s.seconds >= warmAt);
  const heapPerOrder = slope(warm.map((s) => [s.ordersAccepted, s.heapUsedBytes]));
  const rssPerOrder = slope(warm.map((s) => [s.ordersAccepted, s.rssBytes]));
  const last = samples[samples.length - 1] as Memory;
  const first = samples[0] as Memory;
  const achieved = (last.ordersAccepted - first.ordersAccepted) / (last.seconds - first.seconds);
  log(`achieved: ${achieved.toFixed(0)} orders/s accepted`);
  log(
    `slope after warm-up (t >= ${warmAt.toFixed(0)} s, ${warm.length} samples): heap ${heapPerOrder.toFixed(1)} B/order ` +
      `(${mib(heapPerOrder * achieved * 3600)} MiB per hour at this rate), rss ${rssPerOrder.toFixed(1)} B/order`,
  );
  return { heapPerOrder, rssPerOrder, achieved, samples };
}
