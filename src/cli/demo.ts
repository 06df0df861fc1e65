/**
 * `tributary demo`: a simulated trading session on the reference data's venues, driven in virtual time by a seeded
 * random order flow, summarised per venue and instrument. It runs whatever the engine can do so far; the same seed
 * gives the same execution reports, byte for byte (the fingerprint proves it).
 * Files written with --out: summary.json and fills.csv (one row per execution side).
 */
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadReferenceData } from "../config/load-config.js";
import { isoToMicros, MICROS_PER_SECOND, microsToIso } from "../core/clock.js";
import { UserError } from "../core/errors.js";
import { Random } from "../core/random.js";
import { VirtualScheduler } from "../core/scheduler.js";
import { RandomFlow } from "../market/random-flow.js";
import type { ExecutionReport } from "../model/execution-report.js";
import type { Instrument } from "../model/instrument.js";
import { createSimVenues } from "../venue/sim/sim-venues.js";
import { type DemoSummary, DemoTally } from "./demo-summary.js";

export interface DemoOptions {
  seed: number;
  config: string;
  /** Session start, ISO-8601 UTC. */
  start: string;
  minutes: number;
  /** Mean orders per second per venue and instrument. */
  rate: number;
  out: string | null;
  /** Called after each simulated minute with the minutes done. */
  progress: (minutesDone: number) => void;
}

const FILLS_HEADER = "time,venue,symbol,side,cl_ord_id,account,exec_id,last_qty,last_px,liquidity,fee\n";
const FLUSH_LINES = 10_000;

export function runDemo(options: DemoOptions): DemoSummary {
  const data = loadReferenceData(options.config);
  const startMicros = isoToMicros(options.start);
  if (Number.isNaN(startMicros))
    throw new UserError("bad-flag", `--start: "${options.start}" is not an ISO-8601 UTC time`);
  const scheduler = new VirtualScheduler(startMicros);
  const random = new Random(options.seed);
  const sim = createSimVenues(data, scheduler, random.fork());
  const tally = new DemoTally(sim.venues, data.instruments);
  const hash = createHash("sha256");
  const fills = options.out === null ? null : new FillsFile(join(options.out, "fills.csv"), data.instruments);
  const onReport = (report: ExecutionReport): void => {
    hash.update(JSON.stringify(report));
    hash.update("\n");
    tally.add(report);
    fills?.add(report);
  };
  const flow = new RandomFlow(
    sim.venues,
    data.instruments,
    scheduler,
    random.fork(),
    {
      ordersPerSecond: options.rate,
      accounts: 20,
    },
    onReport,
  );
  const end = startMicros + options.minutes * 60 * MICROS_PER_SECOND;
  flow.start(end);
  for (let minute = 1; minute <= options.minutes; minute++) {
    scheduler.runUntil(startMicros + minute * 60 * MICROS_PER_SECOND);
    options.progress(minute);
  }
  // Reports still in flight at the close arrive after it; they belong to the session.
  scheduler.runUntilIdle();
  fills?.close();
  const summary = tally.summary(options.seed, microsToIso(startMicros), microsToIso(end), hash.digest("hex"), (s) =>
    sim.quotes.nbbo(s),
  );
  if (options.out !== null) writeFileSync(join(options.out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** fills.csv, written in chunks so a long session does not hold every row in memory. */
class FillsFile {
  private lines: string[] = [];

  constructor(
    private readonly path: string,
    private readonly instruments: ReadonlyMap<string, Instrument>,
  ) {
    try {
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, FILLS_HEADER);
    } catch (error) {
      throw new UserError("bad-out-dir", `--out: cannot write ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  add(r: ExecutionReport): void {
    if (r.execType !== "trade") return;
    const instrument = this.instruments.get(r.symbol) as Instrument;
    this.lines.push(
      [
        microsToIso(r.transactTime),
        r.venueId,
        r.symbol,
        r.side,
        r.clOrdId,
        r.account,
        r.execId,
        instrument.formatQuantity(r.lastQty),
        instrument.formatPrice(r.lastPx),
        r.liquidity,
        (r.feeMicros / 1e6).toFixed(6),
      ].join(","),
    );
    if (this.lines.length >= FLUSH_LINES) this.flush();
  }

  close(): void {
    this.flush();
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    appendFileSync(this.path, `${this.lines.join("\n")}\n`);
    this.lines = [];
  }
}
