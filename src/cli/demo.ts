/**
 * `tributary demo`: a simulated trading day on the reference data's venues, with client orders worked through it.
 * The market model (src/market/) keeps every lit book alive with a zero-intelligence flow around a latent fundamental
 * price and brings midpoint liquidity to the dark pools. Client orders (a seeded generated set, or an order file) go
 * through the engine kernel: intake, aggregation into parents, internal crossing (netting), execution by the algorithms
 * (TWAP/VWAP/POV/IS, auto-chosen per parent) on the lit venues and dark pools (children trade against the model's
 * books and dark liquidity, and move the market), and allocation back to every order. At the end the client files are reconciled exactly (demo-reconcile.ts); a mismatch is a bug and fails
 * the run. The same seed gives the same execution reports, venue and client, byte for byte (the fingerprint).
 * Files written with --out: summary.json, orders.csv, fills.csv (parent executions), allocations.csv and
 * market-fills.csv (every execution side the market model's participants took part in: the background flow, and the
 * resting side of our children's trades).
 * With `journal` (the CLI's default with --out: <out>/journal.db; or a PostgreSQL schema, --pg) every engine event is
 * journaled (src/journal/), on a worker thread: the audit trail `tributary audit` reads. Journaling only listens; the
 * run is the same without it, and the same seed writes the same records to either store.
 * The market is recorded into the event stream as one-second bars (tca/market-bar-recorder.ts), and at the end the
 * run's transaction cost analysis (src/tca/) is built from the same events the journal holds, printed last in the
 * summary, and written with --out as report.html and tca-*.csv. The bars only read the market: fills are unchanged.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { AllocationPolicyConfig } from "../allocation/allocation-policy.js";
import { loadReferenceData } from "../config/load-config.js";
import { orderFileFormat } from "../config/order-file.js";
import { loadVolumeProfile } from "../config/volume-profile-file.js";
import { isoToMicros, microsToIso } from "../core/clock.js";
import { UserError } from "../core/errors.js";
import type { Random } from "../core/random.js";
import { formatRowReject } from "../engine/submit-rows.js";
import { OrderFileHeaderError, type OrderRow, orderRows } from "../intake/order-row.js";
import { type RiskConfig, unknownRiskSymbol } from "../intake/risk-config.js";
import { JournalOpenError } from "../journal/journal-errors.js";
import type { JournalTarget } from "../journal/journal-target.js";
import { SqliteJournalStore } from "../journal/sqlite-journal-store.js";
import { ThreadedJournal } from "../journal/threaded-journal.js";
import { VolumeProfile } from "../market/volume-profile.js";
import type { SourceSpec } from "../model/client-commands.js";
import type { OrderRejectReason } from "../model/client-order-reasons.js";
import type { ExecutionReport } from "../model/execution-report.js";
import type { Instrument } from "../model/instrument.js";
import { SESSION_SECONDS } from "../model/market-parameters.js";
import type { RoutingLogic } from "../router/routing.js";
import { VenueScorecard } from "../router/venue-scorecard.js";
import { MarketBarRecorder } from "../tca/market-bar-recorder.js";
import { TcaBuilder } from "../tca/tca-builder.js";
import { tcaSummary } from "../tca/tca-summary.js";
import { ClientFiles, type Submission } from "./demo-client-files.js";
import { DEMO_SOURCES, type GeneratedOrder, generateOrders, toOrderInput } from "./demo-orders.js";
import { Reconciler, reconciliationLine } from "./demo-reconcile.js";
import { type ClientSummary, type DemoSummary, DemoTally } from "./demo-summary.js";
import { type Day, simulateDay } from "./sim-day.js";
import { writeTcaFiles } from "./tca-command.js";

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
  /**
   * How fills are shared among a parent's orders; default pro-rata. Pro-rata spreads every fill over all eligible
   * orders, so it writes many more allocation rows than fifo.
   */
  allocation?: DemoAllocation;
  /** by-account: the accounts served first, in order (`--priority-accounts A,B`). */
  priorityAccounts?: readonly string[];
  /** Pre-trade risk limits (`--risk FILE`; default: none). */
  risk?: RiskConfig | undefined;
  /** Generated client orders (ignored with `orders`); default 10,000. */
  orderCount?: number;
  /** An order file (.csv, .jsonl) instead of generated orders; its rows are sent one second after the open. */
  orders?: string | null;
  /** Told each refused file row, as `file:line: field: message [reason] (cl_ord_id x)`. */
  onRowReject?: (line: string) => void;
  /**
   * Where to journal every engine event: a SQLite file (a previous Tributary journal there is replaced; any other file
   * is refused) or a PostgreSQL schema (made when absent; one that already holds a journal is refused); null or
   * absent: no journal.
   */
  journal?: JournalTarget | null;
  /**
   * The router's venue scorecard (what it learned of each venue: fill probabilities, markouts, hidden liquidity), read
   * from this JSON file at the start when it exists and written back at the end: learning kept across runs.
   */
  scorecard?: string | null;
  /** One routing logic for every parent; null or absent: each parent's by its urgency. */
  routing?: RoutingLogic | null;
}

export const DEFAULT_ORDER_COUNT = 10_000;
/** The allocation policies the demo offers (by-account with its priority list, `priorityAccounts`). */
export const DEMO_ALLOCATIONS = ["pro-rata", "fifo", "by-account"] as const;
export type DemoAllocation = (typeof DEMO_ALLOCATIONS)[number];
const MARKET_FILLS_HEADER = "time,venue,symbol,side,cl_ord_id,account,exec_id,last_qty,last_px,liquidity,fee\n";
const FLUSH_LINES = 10_000;

export function runDemo(options: DemoOptions): DemoSummary {
  const data = loadReferenceData(options.config);
  const riskSymbol = options.risk === undefined ? null : unknownRiskSymbol(options.risk, data.instruments);
  if (riskSymbol !== null) throw new UserError("bad-flag", `--risk: ${riskSymbol} of ${options.config}`);
  const profile =
    options.volumeProfile === null
      ? VolumeProfile.generatedU(SESSION_SECONDS)
      : loadVolumeProfile(options.volumeProfile, options.profileSeries);
  const startMicros = isoToMicros(options.start);
  if (Number.isNaN(startMicros))
    throw new UserError("bad-flag", `--start: "${options.start}" is not an ISO-8601 UTC time`);
  const file = options.orders ?? null;
  const rows = file === null ? null : readOrderRows(file);
  const sources: SourceSpec[] =
    rows === null
      ? DEMO_SOURCES.map((s) => ({ id: s.id, kind: s.kind }))
      : [...new Set(rows.flatMap((r) => ("input" in r && r.input.source ? [r.input.source] : [])))].map((id) => ({
          id,
          kind: "file",
        }));

  const fingerprint = new Fingerprint();
  const marketFills =
    options.out === null ? null : new MarketFillsFile(join(options.out, "market-fills.csv"), data.instruments);
  const reconciler = new Reconciler(data.instruments);
  const clientFiles = new ClientFiles(options.out, data.instruments, reconciler);
  const tally = new DemoTally(data.venues, data.instruments);
  const submissions: Submission[] = [];
  const rejectReasons = new Map<string, number>();
  const onReport = (report: ExecutionReport): void => {
    fingerprint.add(report);
    tally.add(report);
    marketFills?.add(report);
  };
  // Our child orders' reports count in the venue table (their acks, cancels and the executions where we were the
  // maker) and in the fingerprint; market-fills.csv keeps the background flow's side only.
  const onChildReport = (report: ExecutionReport): void => {
    fingerprint.add(report);
    tally.add(report);
  };
  let clientReports = 0;
  const journal = options.journal == null ? null : newJournal(options.journal);
  const tca = new TcaBuilder(data.instruments);
  let recorder = null as MarketBarRecorder | null;

  const clientOrders = (day: Day, random: Random): void => {
    const { engine, scheduler } = day;
    journal?.attach(engine);
    // Bars go through the kernel like the executor's events, so the journal holds the market TCA needs. (Engine.record
    // types its argument as the execution side's events; it journals any event the same way.)
    recorder = new MarketBarRecorder(day.sim.quotes, scheduler, (bar) => engine.record(bar));
    engine.on((event) => {
      tca.add(event);
      if (event.type === "execution-report") {
        clientReports++;
        fingerprint.addLine(event);
      } else if (event.type === "order-rejected") {
        rejectReasons.set(event.reason, (rejectReasons.get(event.reason) ?? 0) + 1);
      }
      clientFiles.onEvent(event);
    });
    if (rows !== null) {
      scheduler.at(day.startMicros + 1_000_000, () => {
        for (const row of rows) submitFileRow(day, row, file as string, submissions, options.onRowReject);
      });
      return;
    }
    const generated = generateOrders(
      options.orderCount ?? DEFAULT_ORDER_COUNT,
      data.instruments,
      day.startMicros,
      day.endMicros,
      random,
    );
    scheduleGenerated(day, generated, data.instruments, submissions);
  };

  const scorecardPath = options.scorecard ?? null;
  const scorecard = scorecardPath === null ? undefined : VenueScorecard.load(scorecardPath);
  const routing = options.routing ?? null;
  const day = simulateDay({
    scorecard,
    ...(routing === null ? {} : { routing: () => routing }),
    data,
    profile,
    seed: options.seed,
    startMicros,
    minutes: options.minutes,
    onReport,
    onChildReport,
    progress: options.progress,
    sources,
    allocation: allocationOf(options),
    risk: options.risk,
    clientOrders,
  });
  recorder?.finish();
  if (scorecard !== undefined && scorecardPath !== null) scorecard.save(scorecardPath);
  marketFills?.close();
  journal?.closeSync();
  clientFiles.finish(day.engine, submissions);
  const reconciled = reconciliationLine(reconciler, reconciler.finish());
  const client = clientSummary(day, submissions, clientFiles, rejectReasons, clientReports, reconciled, file);
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
    client,
  );
  if (journal !== null)
    summary.journal = { path: journal.location, events: journal.appended, headHash: journal.headHash };
  const report = tca.finish();
  summary.tca = tcaSummary(report);
  if (options.out !== null) writeTcaFiles(options.out, report, `Tributary demo, seed ${options.seed}: TCA`);
  if (options.out !== null) writeFileSync(join(options.out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** The run's new journal, written on a worker thread. */
function newJournal(target: JournalTarget): ThreadedJournal {
  if (target.kind === "sqlite") return new ThreadedJournal({ ...target, path: freshJournal(target.path) });
  const journal = new ThreadedJournal(target, { create: true });
  if (journal.headSeq !== 0) {
    journal.closeSync();
    throw new JournalOpenError(
      "journal-not-empty",
      `--pg ${journal.location}: already holds a journal (${journal.headSeq} events); the demo writes a new one:` +
        " choose another --pg-schema, or drop that schema",
    );
  }
  return journal;
}

/** Creates a new, empty journal at `path`; a previous Tributary journal there is replaced, any other file refused. */
function freshJournal(path: string): string {
  if (existsSync(path)) {
    SqliteJournalStore.open(path, { mode: "open" }).closeSync();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new UserError("bad-out-dir", `--db: cannot create ${dirname(path)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  SqliteJournalStore.open(path, { mode: "create" }).closeSync();
  return path;
}

/** The order file's rows, read whole (the demo sends them all at the open); a bad file or header is a UserError. */
function readOrderRows(path: string): OrderRow[] {
  const format = orderFileFormat(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      "order-file-not-found",
      `--orders: ${path}: ${code === "ENOENT" ? "no such file" : `cannot be read (${code})`}`,
      { cause: error },
    );
  }
  try {
    return [...orderRows(text.split("\n"), format)];
  } catch (error) {
    if (!(error instanceof OrderFileHeaderError)) throw error;
    throw new UserError("order-file-header", `${path}:${error.message}`, { cause: error });
  }
}

function allocationOf(options: DemoOptions): AllocationPolicyConfig {
  const policy = options.allocation ?? "pro-rata";
  const accounts = options.priorityAccounts ?? [];
  if (policy !== "by-account") {
    if (accounts.length > 0) throw new UserError("bad-flag", "--priority-accounts: only with --allocation by-account");
    return { policy };
  }
  if (accounts.length === 0)
    throw new UserError(
      "bad-flag",
      "--allocation by-account: give the accounts served first with --priority-accounts A,B",
    );
  return { policy, accounts };
}

function submitFileRow(
  day: Day,
  row: OrderRow,
  file: string,
  submissions: Submission[],
  onRowReject: ((line: string) => void) | undefined,
): void {
  const { engine } = day;
  let reject: { clOrdId: string; reason: OrderRejectReason; field: string | null; message: string };
  if ("refusal" in row) {
    engine.recordReject({ source: "", clOrdId: row.clOrdId }, row.refusal);
    reject = { clOrdId: row.clOrdId, ...row.refusal };
  } else {
    // No end time: a day order, expiring at the close (as generated orders and `POST /orders`).
    const input = row.input;
    const absent = input.endTime === undefined || input.endTime === null || input.endTime === "";
    const result = engine.submit(absent ? { ...input, endTime: day.endMicros } : input);
    if (result.ok) {
      submissions.push({ orderId: result.orderId });
      return;
    }
    reject = { clOrdId: row.input.clOrdId, reason: result.reason, field: result.field, message: result.message };
  }
  const input = "input" in row ? row.input : null;
  const field = reject.field === null ? "" : `${reject.field}: `;
  submissions.push({
    clOrdId: reject.clOrdId,
    source: input?.source ?? "",
    account: input?.account ?? "",
    symbol: input?.symbol ?? "",
    side: input?.side ?? "",
    quantity: input?.quantity ?? "",
    reason: `line ${row.line}: ${field}${reject.message} [${reject.reason}]`,
  });
  onRowReject?.(
    formatRowReject(file, {
      line: row.line,
      clOrdId: reject.clOrdId,
      reason: reject.reason,
      field: reject.field,
      message: reject.message,
    }),
  );
}

/** One timer per distinct send time; each order's limit is set from the NBBO midpoint when it is sent. */
function scheduleGenerated(
  day: Day,
  orders: readonly GeneratedOrder[],
  instruments: ReadonlyMap<string, Instrument>,
  submissions: Submission[],
): void {
  const { engine, scheduler, sim } = day;
  let i = 0;
  while (i < orders.length) {
    const from = i;
    const at = (orders[i] as GeneratedOrder).at;
    while (i < orders.length && (orders[i] as GeneratedOrder).at === at) i++;
    const to = i;
    scheduler.at(at, () => {
      for (let k = from; k < to; k++) {
        const order = orders[k] as GeneratedOrder;
        const instrument = instruments.get(order.symbol) as Instrument;
        const quote = sim.quotes.nbbo(order.symbol);
        const mid = quote.bid > 0 && quote.ask > quote.bid ? Math.round((quote.bid + quote.ask) / 2) : null;
        const input = toOrderInput(order, instrument, mid, day.endMicros);
        const result = engine.submit(input);
        if (result.ok) submissions.push({ orderId: result.orderId });
        else {
          const field = result.field === null ? "" : `${result.field}: `;
          submissions.push({
            clOrdId: input.clOrdId,
            source: input.source,
            account: input.account,
            symbol: input.symbol,
            side: input.side,
            quantity: input.quantity,
            reason: `${field}${result.message} [${result.reason}]`,
          });
        }
      }
    });
  }
}

function clientSummary(
  day: Day,
  submissions: readonly Submission[],
  files: ClientFiles,
  rejectReasons: ReadonlyMap<string, number>,
  reports: number,
  reconciled: string,
  file: string | null,
): ClientSummary {
  let accepted = 0;
  let filled = 0;
  let partiallyFilled = 0;
  let unfilled = 0;
  const parents = new Set<number>();
  for (const order of day.engine.orders) {
    accepted++;
    parents.add(order.parentId);
    if (order.cumQty === order.orderQty) filled++;
    else if (order.cumQty > 0) partiallyFilled++;
    else unfilled++;
  }
  let crossedShares = 0;
  let crossNotional = 0;
  let crossSaving = 0;
  let crosses = 0;
  for (const totals of day.engine.crossingStats().values()) {
    crosses += totals.crosses;
    crossedShares += totals.shares;
    crossNotional += totals.notional;
    crossSaving += totals.saving;
  }
  const round2 = (n: number): number => Math.round(n * 100) / 100;
  const overFills = { parents: 0, shares: 0, notional: 0 };
  for (const p of day.engine.overFills()) {
    const instrument = day.engine.instruments.get(p.symbol) as Instrument;
    overFills.parents++;
    overFills.shares += instrument.quantityToShares(p.qty);
    overFills.notional += instrument.priceToNumber(p.notional) * instrument.quantityToShares(1);
  }
  return {
    orderSource: file ?? "generated",
    sent: submissions.length,
    accepted,
    rejected: submissions.length - accepted,
    rejectReasons: Object.fromEntries([...rejectReasons].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    filled,
    partiallyFilled,
    unfilled,
    parents: parents.size,
    childrenSent: day.executor?.stats.childrenSent ?? 0,
    fills: files.totals.fills,
    internalFills: files.totals.internalFills,
    allocations: files.totals.allocations,
    crosses,
    crossedShares: round2(crossedShares),
    crossedNotional: round2(crossNotional),
    crossSaving: round2(crossSaving),
    overFills: { ...overFills, notional: round2(overFills.notional) },
    executionReports: reports,
    reconciled,
  };
}

/** SHA-256 of every report as a JSON line, in delivery order; hashed in chunks (one update per report costs more). */
class Fingerprint {
  private readonly hash = createHash("sha256");
  private chunk = "";

  add(report: ExecutionReport): void {
    this.addLine(report);
  }

  addLine(value: unknown): void {
    this.chunk += `${JSON.stringify(value)}\n`;
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

/** market-fills.csv: every venue execution side, written in chunks so a long session does not hold it in memory. */
class MarketFillsFile {
  private lines: string[] = [];

  constructor(
    private readonly path: string,
    private readonly instruments: ReadonlyMap<string, Instrument>,
  ) {
    try {
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, MARKET_FILLS_HEADER);
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
