/**
 * `tributary demo`: a simulated trading day on the reference data's venues. The market model (src/market/) keeps every
 * lit book alive with a zero-intelligence flow around a latent fundamental price, with intraday activity from the
 * volume profile, and brings natural midpoint liquidity to the dark pools; the summary says what traded where, at
 * which spreads, and how volatile it was. The same seed gives the same execution reports, byte for byte (the
 * fingerprint proves it). Files written with --out: summary.json and fills.csv (one row per execution side).
 */
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadReferenceData } from "../config/load-config.js";
import { loadVolumeProfile } from "../config/volume-profile-file.js";
import { isoToMicros, microsToIso } from "../core/clock.js";
import { UserError } from "../core/errors.js";
import { VolumeProfile } from "../market/volume-profile.js";
import type { ExecutionReport } from "../model/execution-report.js";
import type { Instrument } from "../model/instrument.js";
import { SESSION_SECONDS } from "../model/market-parameters.js";
import { type DemoSummary, DemoTally } from "./demo-summary.js";
import { simulateDay } from "./sim-day.js";

export interface DemoOptions {
  seed: number;
  config: string;
  /**
   * The intraday volume profile CSV (../shared/data/derived/intraday_volume_profile_5min.csv), or null for the
   * generated U-shape.
   */
  volumeProfile: string | null;
  /** Which of its series, or "mean" of all. */
  profileSeries: string;
  /** Session start, ISO-8601 UTC: the profile's first bin starts here. */
  start: string;
  minutes: number;
  out: string | null;
  /** Called after each simulated minute with the minutes done. */
  progress: (minutesDone: number) => void;
}

const FILLS_HEADER = "time,venue,symbol,side,cl_ord_id,account,exec_id,last_qty,last_px,liquidity,fee\n";
const FLUSH_LINES = 10_000;

export function runDemo(options: DemoOptions): DemoSummary {
  const data = loadReferenceData(options.config);
  const profile =
    options.volumeProfile === null
      ? VolumeProfile.generatedU(SESSION_SECONDS)
      : loadVolumeProfile(options.volumeProfile, options.profileSeries);
  const startMicros = isoToMicros(options.start);
  if (Number.isNaN(startMicros))
    throw new UserError("bad-flag", `--start: "${options.start}" is not an ISO-8601 UTC time`);
  const fingerprint = new Fingerprint();
  const fills = options.out === null ? null : new FillsFile(join(options.out, "fills.csv"), data.instruments);
  const tally = new DemoTally(data.venues, data.instruments);
  const onReport = (report: ExecutionReport): void => {
    fingerprint.add(report);
    tally.add(report);
    fills?.add(report);
  };
  const day = simulateDay({
    data,
    profile,
    seed: options.seed,
    startMicros,
    minutes: options.minutes,
    onReport,
    progress: options.progress,
  });
  fills?.close();
  const summary = tally.summary(
    {
      seed: options.seed,
      start: microsToIso(startMicros),
      end: microsToIso(day.endMicros),
      volumeProfile: profile.label,
      events: day.events,
      fingerprint: fingerprint.digest(),
    },
    (symbol) => day.sim.quotes.nbbo(symbol),
    day.stats,
  );
  if (options.out !== null) writeFileSync(join(options.out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** SHA-256 of every report as a JSON line, in delivery order; hashed in chunks (one update per report costs more). */
class Fingerprint {
  private readonly hash = createHash("sha256");
  private chunk = "";

  add(report: ExecutionReport): void {
    this.chunk += `${JSON.stringify(report)}\n`;
    if (this.chunk.length >= 1 << 16) this.flush();
  }

  digest(): string {
    this.flush();
    return this.hash.digest("hex");
  }

  private flush(): void {
    this.hash.update(this.chunk);
    this.chunk = "";
  }
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
