/**
 * The benchmark entry point: `npm run bench` (build, then `node --expose-gc dist/bench/run.js`). Runs every bench, or
 * the ones named on the command line (`node --expose-gc dist/bench/run.js order-book memory`), and prints the machine,
 * then each bench's workload and its figures beside their baselines. About 40 s on a 2-core machine; without
 * `--expose-gc` it still works (harness.ts turns GC on at run time). BENCHMARKS.md keeps the results.
 */
import { DEFAULT_ALGO_DAY, runAlgoDayBench } from "./algo-day.bench.js";
import { DEFAULT_ALGO_DECISION, runAlgoDecisionBench } from "./algo-decision.bench.js";
import { DEFAULT_ALLOCATION, runAllocationBench } from "./allocation.bench.js";
import { DEFAULT_BOOK_MEMORY, runBookMemoryBench } from "./book-memory.bench.js";
import { DEFAULT_FIX_GATEWAY, runFixGatewayBench } from "./fix-gateway.bench.js";
import { DEFAULT_FIX_SESSION, runFixSessionBench } from "./fix-session.bench.js";
import { describeMachine } from "./harness.js";
import { DEFAULT_HTTP_INTAKE, runHttpIntakeBench } from "./http-intake.bench.js";
import { DEFAULT_INTAKE, runIntakeBench } from "./intake.bench.js";
import { DEFAULT_JOURNAL_BENCH, runJournalBench } from "./journal.bench.js";
import { DEFAULT_OPTIMAL_PLACEMENT, runOptimalPlacementBench } from "./optimal-placement.bench.js";
import { runOrderBookBench } from "./order-book.bench.js";
import { DEFAULT_RECOVERY_BENCH, runRecoveryBench } from "./recovery.bench.js";
import { DEFAULT_REPLAY_BENCH, runReplayBench } from "./replay.bench.js";
import { DEFAULT_ROUTING_DECISION, runRoutingDecisionBench } from "./routing-decision.bench.js";
import { DEFAULT_SIM_DAY, runSimDayBench } from "./sim-day.bench.js";
import { DEFAULT_SOAK, runSoakBench } from "./soak.bench.js";
import { DEFAULT_WORKLOAD } from "./workload.js";

const benches: Record<string, () => unknown> = {
  "order-book": () =>
    runOrderBookBench(
      {
        workload: { ...DEFAULT_WORKLOAD, ops: 300_000 },
        warmupRounds: 2,
        throughputRounds: 7,
        latencyRounds: 3,
      },
      log,
    ),
  memory: () => runBookMemoryBench(DEFAULT_BOOK_MEMORY, log),
  replay: () => runReplayBench(DEFAULT_REPLAY_BENCH, log),
  intake: () => runIntakeBench(DEFAULT_INTAKE, log),
  allocation: () => runAllocationBench(DEFAULT_ALLOCATION, log),
  "sim-day": () => runSimDayBench(DEFAULT_SIM_DAY, log),
  journal: () => runJournalBench(DEFAULT_JOURNAL_BENCH, log),
  recovery: () => runRecoveryBench(DEFAULT_RECOVERY_BENCH, log),
  "fix-session": () => runFixSessionBench(DEFAULT_FIX_SESSION, log),
  "fix-gateway": () => runFixGatewayBench(DEFAULT_FIX_GATEWAY, log),
  "http-intake": () => runHttpIntakeBench(DEFAULT_HTTP_INTAKE, log),
  soak: () => runSoakBench(DEFAULT_SOAK, log),
  "algo-decision": () => runAlgoDecisionBench(DEFAULT_ALGO_DECISION, log),
  "algo-day": () => runAlgoDayBench(DEFAULT_ALGO_DAY, log),
  "optimal-placement": () => runOptimalPlacementBench(DEFAULT_OPTIMAL_PLACEMENT, log),
  "routing-decision": () => runRoutingDecisionBench(DEFAULT_ROUTING_DECISION, log),
};

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench: ${unknown.join(", ")} (known: ${Object.keys(benches).join(", ")})\n`);
  process.exit(2);
}

log(describeMachine());
log(`date: ${new Date().toISOString()}`);
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  log("");
  log(`== ${name} ==`);
  const start = process.hrtime.bigint();
  await run();
  log(`(${name}: ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(1)} s)`);
}
