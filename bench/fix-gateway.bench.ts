/**
 * The FIX order gateway end to end, driven by QuickFIX C++ (`qfpeer initiator`, ../shared/tools/quickfix-peer) over
 * loopback TCP, beside QuickFIX talking to itself on the same load in the same run:
 *
 * - baseline: `qfpeer acceptor --ack` (acknowledges and fills every order at once: one NewOrderSingle in, two
 *   ExecutionReports out) against `qfpeer initiator --n N --rate 0`;
 * - ours: `tributary fix gateway` in a child process as we recommend running it durably: a new SQLite event journal
 *   (`--journal`, synchronous=FULL: every answer held until its event is durable) holding the FIX message store too
 *   (`--store journal`: the next MsgSeqNums and every ExecutionReport committed in the journal's transaction with the
 *   events, one fsync, before anything leaves), engine live on the simulated venues of config/demo.yaml. The same initiator sends N limit buys of ACME at 100.00 (the market is
 *   around 150, so they rest) and cancels each one after its acknowledgement (`--cancel-every 1`): order in to final
 *   ExecutionReport (canceled) out, through intake, risk, aggregation, the algo, the cancel and the journal. Per order
 *   that is two messages in (D, F) and two out (ack, canceled), one more in than the baseline. Market orders are not
 *   used: their time to final is the algo's schedule against the simulated market's liquidity (seconds per order,
 *   aggregated into one parent), not the gateway's speed. The session's throttle is raised (`--max-rate`) so that it
 *   does not refuse part of the load.
 * - ours like for like: the same gateway keeping its session as the baseline keeps its own, the FIX message store in
 *   memory and no journal (qfpeer's acceptor uses QuickFIX's `MemoryStoreFactory`, qfpeer.cpp): the same durability
 *   on both sides, so the ratio compares the two FIX engines and what each does with an order. The durable ratio is
 *   printed beside it: QuickFIX in memory against ours fsyncing every answer.
 * - acknowledgement latency: the same orders at a steady `ackRate` per second for `ackSeconds` against a fresh
 *   durable gateway; p50/p99 of NewOrderSingle sent to first ExecutionReport received, as qfpeer measures them. The
 *   headline is the issue's steady load: orders alone (they rest), no cancels. Its baseline is QuickFIX answering
 *   itself on the same load in the same round (qfpeer acceptor --ack: the floor of the peer, loopback and machine).
 *   Beside it, the same against a gateway with the FIX store in a file of its own (`--store fix.sqlite --journal`:
 *   two writer threads, two fsyncs side by side), against one whose journal, with the FIX store in it, is in
 *   PostgreSQL (`--store journal --journal-pg`, the server of this machine or TRIBUTARY_BENCH_PG; a fresh schema per
 *   run, dropped after: one COPY transaction and COMMIT per group) and the same journal with the store in memory (what
 *   the store's writes add to PostgreSQL's commits), and against one with no disk at all (memory message store, no
 *   journal): what the machine and the code give before any fsync, so the durable figures can be read against it.
 *   Before each latency round, the disk's own floor: 4 KiB appended to a file in the same temporary directory and
 *   `fdatasync`ed, `DISK_SYNCS` times with nothing else running; a durable acknowledgement waits for at least one.
 *   qfpeer sends its cancels in bursts (every 64th order, all those acknowledged since), so the load in a latency run
 *   is the orders at a steady rate and their cancels in bursts of about 64, not a steady load; the runs with cancels
 *   are printed beside the headline, with the orders alone (no `--cancel-every`: they rest, and qfpeer waits a second
 *   for late acknowledgements).
 * Every gateway starts as `tributary fix gateway` does by default: it warms its order path up with 2,000 scratch
 * orders before it listens (`--warm-up`, runtime/gateway-warm-up.ts), so no run measures V8 compiling the path.
 *
 * Orders/s is qfpeer's: orders that reached a final state / seconds from the first order sent to the last final
 * report. A fresh gateway per run (qfpeer's ClOrdIDs repeat across runs). Rounds alternate baseline and ours; medians.
 * The load average is printed: on a shared machine it moves the absolute figures; the ratio is measured side by side.
 * So is the CPU time the gateway spends per order in the throughput runs (its main thread, and the whole process with
 * its journal and store threads; from /proc, Linux only): what a loaded machine disturbs least.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { quoteIdent } from "../src/journal/postgres-journal-store.js";
import { findQuickfixPeer, freePort, QFPEER_DICT, runPeer } from "../test/quickfix-peer.js";
import { type CpuMicros, cpuMicrosPer, median, percentile, processCpu, si } from "./harness.js";

export interface FixGatewayBenchOptions {
  /** Orders per throughput run (baseline and ours alike). */
  readonly orders: number;
  readonly rounds: number;
  /** Orders per second of the latency runs, and how long each lasts. */
  readonly ackRate: number;
  readonly ackSeconds: number;
  readonly ackRounds: number;
  /** The PostgreSQL server of the latency runs with the journal there. */
  readonly pgUrl: string;
}

export const DEFAULT_FIX_GATEWAY: FixGatewayBenchOptions = {
  // 40,000 orders a throughput run: QuickFIX sends and answers 10,000 in about a quarter of a second, too short to
  // measure on a shared machine (it swung 35-48k orders/s between rounds), and our gateway was still warming up its
  // JIT for most of them (BENCHMARKS.md §14). FIX_GATEWAY_ORDERS=10000 FIX_GATEWAY_ACK_SECONDS=5: shorter runs.
  orders: Number(process.env.FIX_GATEWAY_ORDERS ?? 40_000),
  rounds: 3,
  ackRate: 2000,
  ackSeconds: Number(process.env.FIX_GATEWAY_ACK_SECONDS ?? 15),
  ackRounds: 3,
  pgUrl: process.env.TRIBUTARY_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432/test",
};

const CLI = new URL("../src/cli/main.js", import.meta.url).pathname;
const WAIT_SECONDS = 120;
const DISK_SYNCS = 2000;

/** p50 and p99 (µs) of `n` fdatasyncs, each after a 4 KiB append, in a fresh file under the temporary directory. */
function diskSyncMicros(n: number): { p50: number; p99: number } {
  const dir = mkdtempSync(join(tmpdir(), "tributary-fix-gateway-bench-disk-"));
  const fd = openSync(join(dir, "sync"), "w");
  const page = Buffer.alloc(4096, 1);
  const times = new Float64Array(n);
  try {
    for (let i = 0; i < n; i++) {
      writeSync(fd, page);
      const start = process.hrtime.bigint();
      fdatasyncSync(fd);
      times[i] = Number(process.hrtime.bigint() - start) / 1000;
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort();
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** qfpeer's `RESULT key=value ...` line as numbers (and `ok`). */
interface PeerResult {
  readonly ok: boolean;
  readonly line: string;
  readonly value: (key: string) => number;
}

function parseResult(out: string): PeerResult {
  const line = out.split("\n").find((l) => l.startsWith("RESULT")) ?? "";
  const fields = new Map(line.split(" ").map((kv) => kv.split("=") as [string, string]));
  return { ok: fields.get("ok") === "yes", line, value: (key) => Number(fields.get(key) ?? Number.NaN) };
}

interface Started {
  readonly child: ChildProcess;
  readonly match: RegExpExecArray;
  /** Resolves with everything the process printed once it has exited. */
  readonly exited: Promise<string>;
}

/** Spawns a long-running process and waits for the line announcing it is ready. */
function startUntil(command: string, args: readonly string[], ready: RegExp): Promise<Started> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<string>((resolve) => child.once("exit", () => resolve(out)));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const match = ready.exec(out);
      if (match !== null) {
        child.stdout?.off("data", onData);
        child.stdout?.on("data", (more: Buffer) => {
          out += more.toString();
        });
        resolve({ child, match, exited });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    void exited.then((all) => reject(new Error(`${command} ${args.join(" ")} exited before ready: ${all}`)));
  });
}

/**
 * What becomes of each order: the baseline fills it; ours cancels it after its acknowledgement, or leaves it resting
 * (no final report: qfpeer waits a second for late acknowledgements, then reports the orders as not final).
 */
type OrderEnd = "filled" | "cancelled" | "resting";

function initiatorArgs(port: number, sender: string, target: string, n: number, rate: number, end: OrderEnd) {
  const wait = end === "resting" ? 1 : WAIT_SECONDS;
  return [
    ...["initiator", "--port", String(port), "--sender", sender, "--target", target, "--dict", QFPEER_DICT],
    ...["--n", String(n), "--rate", String(rate), "--wait", String(wait), "--symbols", "ACME"],
    ...["--ordtype", "limit", "--price", "100", "--side", "buy", "--qty", "100"],
    ...(end === "cancelled" ? ["--cancel-every", "1"] : []),
  ];
}

/** QuickFIX to QuickFIX: qfpeer acceptor --ack against the initiator (`rate` orders/s; 0: as fast as it sends). */
async function baseline(peer: string, n: number, rate = 0): Promise<PeerResult> {
  const port = await freePort();
  const acceptor = await startUntil(
    peer,
    ["acceptor", "--ack", "--port", String(port), "--sender", "SOE", "--target", "OMS", "--dict", QFPEER_DICT],
    /listening on/,
  );
  try {
    return parseResult(await runPeer(peer, initiatorArgs(port, "OMS", "SOE", n, rate, "filled")));
  } finally {
    acceptor.child.kill("SIGTERM");
    await acceptor.exited;
  }
}

/**
 * How the gateway keeps its state: the FIX store in the journal's file, the store in a file of its own beside the
 * journal, the store in a PostgreSQL journal's schema, that journal with the store in memory, or no disk (memory
 * store, no journal).
 */
type Durability =
  | "store in journal"
  | "two files"
  | "store in PostgreSQL journal"
  | "PostgreSQL journal, store in memory"
  | "no disk";

/** The flags of a durability; `schema`: the PostgreSQL journal's (fresh) schema. */
function durabilityFlags(durability: Durability, dir: string, pgUrl: string, schema: string): string[] {
  const journal = ["--journal", join(dir, "journal.sqlite")];
  if (durability === "store in journal") return ["--store", "journal", ...journal];
  if (durability === "two files") return ["--store", join(dir, "fix.sqlite"), ...journal];
  const pgJournal = ["--journal-pg", pgUrl, "--journal-schema", schema];
  if (durability === "store in PostgreSQL journal") return ["--store", "journal", ...pgJournal];
  if (durability === "PostgreSQL journal, store in memory") return pgJournal;
  return [];
}

let schemaCount = 0;

async function dropSchema(pgUrl: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await admin.end();
  }
}

/** A fresh `tributary fix gateway` driven by the initiator; checks that the engine accepted every order. */
async function ours(
  peer: string,
  n: number,
  rate: number,
  pgUrl: string,
  durability: Durability = "store in journal",
  end: OrderEnd = "cancelled",
): Promise<{ result: PeerResult; cpu: CpuMicros | null }> {
  const dir = mkdtempSync(join(tmpdir(), "tributary-fix-gateway-bench-"));
  const schema = `tributary_bench_fixgw_${process.pid}_${++schemaCount}`;
  let result: PeerResult;
  let cpu: CpuMicros | null = null;
  let out: string;
  try {
    const gateway = await startUntil(
      process.execPath,
      [
        // --max-rate: the session's throttle (default 10,000 application messages/s) would refuse part of the load.
        ...[CLI, "fix", "gateway", "--port", "0", "--target", "OMS1", "--duration", "3600", "--max-rate", "1000000"],
        ...durabilityFlags(durability, dir, pgUrl, schema),
      ],
      /listening on [^:]+:(\d+)/,
    );
    try {
      const port = Number(gateway.match[1]);
      const before = processCpu(gateway.child.pid);
      result = parseResult(await runPeer(peer, initiatorArgs(port, "OMS1", "TRIBUTARY", n, rate, end)));
      cpu = cpuMicrosPer(before, processCpu(gateway.child.pid), n);
    } finally {
      gateway.child.kill("SIGTERM");
    }
    out = await gateway.exited;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (durability.includes("PostgreSQL")) await dropSchema(pgUrl, schema);
  }
  const accepted = /stopped: (\d+) orders accepted/.exec(out)?.[1];
  if (accepted !== String(n)) throw new Error(`the gateway accepted ${accepted ?? "?"} of ${n} orders: ${out}`);
  return { result, cpu };
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
}

/** The run's result once every order ended as `end` says (resting: acknowledged, none final, no bookkeeping error). */
function checked(
  what: string,
  r: PeerResult,
  n: number,
  log: (line: string) => void,
  end: OrderEnd = "cancelled",
): PeerResult {
  if (end === "resting") {
    if (r.value("acked") !== n || r.value("final") !== 0 || r.value("bookkeeping_errors") !== 0)
      throw new Error(`${what}: not every order acknowledged and resting: ${r.line}`);
  } else if (!r.ok || r.value("final") !== n)
    throw new Error(`${what}: not every order reached a final state: ${r.line}`);
  log(`  ${what}: ${r.line}`);
  return r;
}

export async function runFixGatewayBench(options: FixGatewayBenchOptions, log: (line: string) => void) {
  const found = findQuickfixPeer();
  if ("skip" in found) {
    log(`skipped: ${found.skip}`);
    return null;
  }
  const peer = found.path;
  const n = options.orders;
  log(
    `workload: qfpeer initiator, ${n} limit buys of 100 ACME at 100.00 as fast as it sends them; baseline qfpeer ` +
      `acceptor --ack (ack + fill, QuickFIX's memory store); ours tributary fix gateway with its store in memory ` +
      `(like for like) and durable, --store journal --journal (SQLite synchronous=FULL), ` +
      `each order cancelled after its ack (final = canceled); ${options.rounds} rounds alternating; then ` +
      `${options.ackRounds} x ${options.ackSeconds} s at ${options.ackRate} orders/s against the gateway, each ` +
      `round after ${DISK_SYNCS} fdatasyncs of the disk alone and ending with the durable gateway on orders alone ` +
      `(no cancels: they rest)`,
  );
  const qf: number[] = [];
  const tr: number[] = [];
  const inMemory: number[] = [];
  const mainCpu: number[] = [];
  const wholeCpu: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    log(`round ${round}: load average ${load()}`);
    qf.push(checked("QuickFIX -> QuickFIX", await baseline(peer, n), n, log).value("orders_per_s"));
    const run = await ours(peer, n, 0, options.pgUrl);
    tr.push(checked("QuickFIX -> tributary", run.result, n, log).value("orders_per_s"));
    if (run.cpu !== null) {
      mainCpu.push(run.cpu.main);
      wholeCpu.push(run.cpu.process);
    }
    const memory = await ours(peer, n, 0, options.pgUrl, "no disk");
    inMemory.push(checked("QuickFIX -> tributary, store in memory", memory.result, n, log).value("orders_per_s"));
    log(
      `round ${round}: QuickFIX ${si(qf[round] as number)}/s, tributary durable ${si(tr[round] as number)}/s, ` +
        `store in memory ${si(inMemory[round] as number)}/s`,
    );
  }
  const ackN = options.ackRate * options.ackSeconds;
  // The acknowledgement latency of each durability, as the bench's log names it.
  const acks = new Map<Durability, { readonly label: string; readonly p50: number[]; readonly p99: number[] }>([
    ["store in journal", { label: "durable", p50: [], p99: [] }],
    ["two files", { label: "two files", p50: [], p99: [] }],
    ["store in PostgreSQL journal", { label: "PostgreSQL journal", p50: [], p99: [] }],
    ["PostgreSQL journal, store in memory", { label: "PostgreSQL journal, store in memory", p50: [], p99: [] }],
    ["no disk", { label: "no disk", p50: [], p99: [] }],
  ]);
  const disk = { p50: [] as number[], p99: [] as number[] };
  // QuickFIX answering itself on the same steady load: the latency floor of the peer, the loopback and the machine.
  const quickfix = { p50: [] as number[], p99: [] as number[] };
  // The durable gateway on orders alone: no cancels, so no bursts of them (qfpeer sends about 64 at once).
  const resting = { p50: [] as number[], p99: [] as number[] };
  for (let round = 0; round < options.ackRounds; round++) {
    log(`latency round ${round}: load average ${load()}`);
    const sync = diskSyncMicros(DISK_SYNCS);
    disk.p50.push(sync.p50);
    disk.p99.push(sync.p99);
    log(`  the disk alone: fdatasync of a 4 KiB append, p50 ${sync.p50.toFixed(0)} µs, p99 ${sync.p99.toFixed(0)} µs`);
    const qfAck = checked(
      `${options.ackRate}/s QuickFIX -> QuickFIX`,
      await baseline(peer, ackN, options.ackRate),
      ackN,
      log,
    );
    quickfix.p50.push(qfAck.value("ack_us_p50"));
    quickfix.p99.push(qfAck.value("ack_us_p99"));
    for (const [durability, ack] of acks) {
      const run = await ours(peer, ackN, options.ackRate, options.pgUrl, durability);
      const r = checked(`${options.ackRate}/s ${ack.label}`, run.result, ackN, log);
      ack.p50.push(r.value("ack_us_p50"));
      ack.p99.push(r.value("ack_us_p99"));
    }
    const run = await ours(peer, ackN, options.ackRate, options.pgUrl, "store in journal", "resting");
    const r = checked(`${options.ackRate}/s durable, orders only`, run.result, ackN, log, "resting");
    resting.p50.push(r.value("ack_us_p50"));
    resting.p99.push(r.value("ack_us_p99"));
  }
  const ack = (durability: Durability) => acks.get(durability) as { p50: number[]; p99: number[] };
  const result = {
    quickfixOrdersPerSecond: median(qf),
    tributaryOrdersPerSecond: median(tr),
    ratio: median(tr) / median(qf),
    inMemoryOrdersPerSecond: median(inMemory),
    inMemoryRatio: median(inMemory) / median(qf),
    gatewayMainCpuMicrosPerOrder: mainCpu.length > 0 ? median(mainCpu) : Number.NaN,
    gatewayCpuMicrosPerOrder: wholeCpu.length > 0 ? median(wholeCpu) : Number.NaN,
    ackP50Micros: median(ack("store in journal").p50),
    ackP99Micros: median(ack("store in journal").p99),
    twoFilesAckP50Micros: median(ack("two files").p50),
    twoFilesAckP99Micros: median(ack("two files").p99),
    postgresAckP50Micros: median(ack("store in PostgreSQL journal").p50),
    postgresAckP99Micros: median(ack("store in PostgreSQL journal").p99),
    postgresMemoryStoreAckP50Micros: median(ack("PostgreSQL journal, store in memory").p50),
    postgresMemoryStoreAckP99Micros: median(ack("PostgreSQL journal, store in memory").p99),
    noDiskAckP50Micros: median(ack("no disk").p50),
    noDiskAckP99Micros: median(ack("no disk").p99),
    restingAckP50Micros: median(resting.p50),
    restingAckP99Micros: median(resting.p99),
    quickfixAckP50Micros: median(quickfix.p50),
    quickfixAckP99Micros: median(quickfix.p99),
    diskSyncP50Micros: median(disk.p50),
    diskSyncP99Micros: median(disk.p99),
  };
  log(`QuickFIX -> QuickFIX:  ${si(result.quickfixOrdersPerSecond)} orders/s (median of ${options.rounds})`);
  const rounds = (runs: number[]) => runs.map((t, i) => (t / (qf[i] as number)).toFixed(3)).join(", ");
  log(
    `QuickFIX -> tributary, store in memory as QuickFIX's: ${si(result.inMemoryOrdersPerSecond)} orders/s, ` +
      `ratio ${result.inMemoryRatio.toFixed(3)} (rounds: ${rounds(inMemory)})`,
  );
  log(
    `QuickFIX -> tributary, durable: ${si(result.tributaryOrdersPerSecond)} orders/s, ratio ${result.ratio.toFixed(3)} ` +
      `(rounds: ${rounds(tr)})`,
  );
  log(
    `gateway CPU per order in the throughput runs: main thread ${result.gatewayMainCpuMicrosPerOrder.toFixed(0)} µs, ` +
      `whole process ${result.gatewayCpuMicrosPerOrder.toFixed(0)} µs (medians; rounds: ` +
      `${mainCpu.map((c, i) => `${c.toFixed(0)}/${(wholeCpu[i] as number).toFixed(0)}`).join(", ")})`,
  );
  const ms = (micros: number) => `${(micros / 1000).toFixed(2)} ms`;
  log(
    `ack latency at a steady ${options.ackRate} orders/s, durable (store in journal), orders alone: p50 ` +
      `${ms(result.restingAckP50Micros)}, p99 ${ms(result.restingAckP99Micros)} (rounds ` +
      `${resting.p99.map(ms).join(", ")}); QuickFIX -> QuickFIX on the same load: p50 ` +
      `${ms(result.quickfixAckP50Micros)}, p99 ${ms(result.quickfixAckP99Micros)} (rounds ` +
      `${quickfix.p99.map(ms).join(", ")})`,
  );
  log(
    `ack latency at ${options.ackRate}/s with each order cancelled after its ack (cancels in bursts of about 64), ` +
      `durable (store in journal): p50 ${ms(result.ackP50Micros)}, p99 ${ms(result.ackP99Micros)} (rounds ` +
      `${ack("store in journal").p99.map(ms).join(", ")}); two files: p50 ` +
      `${ms(result.twoFilesAckP50Micros)}, p99 ${ms(result.twoFilesAckP99Micros)} (rounds ${ack("two files").p99.map(ms).join(", ")}); ` +
      `store in a PostgreSQL journal: p50 ${ms(result.postgresAckP50Micros)}, p99 ${ms(result.postgresAckP99Micros)} ` +
      `(rounds ${ack("store in PostgreSQL journal").p99.map(ms).join(", ")}); the same journal, store in memory: p50 ` +
      `${ms(result.postgresMemoryStoreAckP50Micros)}, p99 ${ms(result.postgresMemoryStoreAckP99Micros)} (rounds ` +
      `${ack("PostgreSQL journal, store in memory").p99.map(ms).join(", ")}); ` +
      `without store or journal: p50 ${ms(result.noDiskAckP50Micros)}, p99 ${ms(result.noDiskAckP99Micros)} ` +
      `(medians of ${options.ackRounds}); the disk alone, fdatasync of a 4 KiB append: p50 ` +
      `${ms(result.diskSyncP50Micros)}, p99 ${ms(result.diskSyncP99Micros)}`,
  );
  log(`load average at the end: ${load()}`);
  return result;
}
