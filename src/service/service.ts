/**
 * The live service, wired: the engine on the wall clock with the simulated venues and market model
 * (runtime/live-day.ts), the journal (a new SQLite file with synchronous=FULL, or a PostgreSQL schema: written on a
 * worker thread), the HTTP
 * API and its WebSocket stream, the FIX order gateway when configured, metrics and logs.
 *
 * Listeners hear the engine in this order: the journal, the FIX gateway, then the fill log, stream and metrics; the
 * engine delivers every event to all of them in seq order. Every answer to a client (HTTP, FIX, stream) waits until
 * the journal says its event is durable. With `fix.store: journal` the FIX sessions' store lives in the journal's file
 * or schema and commits with its events (fix/journal-message-store.ts): it is made with the journal and closed before
 * it.
 *
 * Orders from HTTP without an end time are day orders: they expire at the session's close, with an execution report.
 * Intake closes at the close (/ready turns 503), and a second later the end-of-day report is logged (end-of-day.ts).
 *
 * `stop()` (SIGTERM/SIGINT in `tributary serve`) is graceful: intake stops (HTTP answers 503, FIX sessions are logged
 * out), then per `shutdown.children` the working child orders are cancelled (a global kill switch with reason
 * "shutdown", journaled, so the executor cancels every child; client orders stay open) or kept, for at most
 * `graceSeconds`, while HTTP drains (503 with Connection: close, until its clients hang up or `drainSeconds`); then
 * requests in flight get their answers, the journal is flushed and closed, the sockets closed.
 * `resume` (serve --resume) continues an existing journal after a crash or a stop: the engine is rebuilt from it
 * (runtime/recover.ts), the session keeps its original open and close, the executor reconciles the child orders that
 * were working and works the open parents again; clients query their orders as before.
 * FIX venues (`fixVenues`) replace the simulated venues they name (runtime/live-day.ts). A dropped session trips its
 * venue (the router keeps away until it is logged on again and a probe succeeds); the sessions are kept in
 * `<journal>.fix-venues` (SQLite; with a PostgreSQL journal, the schema `<schema>_fix_venues`), so `--resume` continues
 * them: the venue resends what we missed, and every child
 * still working there is handed back to the venue, asked its status and cancelled, its late fills applied once.
 * GET /venues shows each venue's health (healthy, tripped, half-open, disconnected).
 * With a PostgreSQL journal, snapshots only with `journal.snapshot` (else a resume replays the journal).
 * Done orders leave the engine's memory `engine.releaseDoneOrdersAfter` seconds after they are done, once durable
 * (engine/order-release.ts); queries read them back from the journal (journal/released-orders.ts).
 * Limits: the simulated venues restart with the service (so every child order open at a crash is unknown to them and
 * ends as such); after a resume the fills list of GET /orders/:id shows the fills since the restart (the journal and
 * `tributary audit` have them all).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { createSecureContext } from "node:tls";
import pg from "pg";
import type { Logger } from "pino";
import { loadReferenceData } from "../config/load-config.js";
import { UserError } from "../core/errors.js";
import type { Engine } from "../engine/engine.js";
import { FixAcceptor } from "../fix/acceptor.js";
import { JournalFixMessageStore } from "../fix/journal-message-store.js";
import { type FixMessageStore, MemoryFixMessageStore } from "../fix/message-store.js";
import { OrderGateway } from "../fix/order-gateway.js";
import { PostgresFixMessageStore } from "../fix/postgres-message-store.js";
import { TcpFixAcceptor, wallClock } from "../fix/tcp-acceptor.js";
import { ThreadedSqliteFixMessageStore } from "../fix/threaded-sqlite-message-store.js";
import { unknownRiskSymbol } from "../intake/risk-config.js";
import { type JournalTarget, openJournalReader, openJournalStore, targetLocation } from "../journal/journal-target.js";
import { PostgresJournalStore, quoteIdent } from "../journal/postgres-journal-store.js";
import { journalTrades, ReleasedOrders } from "../journal/released-orders.js";
import { SqliteJournalStore } from "../journal/sqlite-journal-store.js";
import { ThreadedJournal } from "../journal/threaded-journal.js";
import { VolumeProfile } from "../market/volume-profile.js";
import { SESSION_SECONDS } from "../model/market-parameters.js";
import type { ReferenceData } from "../model/reference-data.js";
import { warmUpGateway } from "../runtime/gateway-warm-up.js";
import { type FixVenueSetup, startLiveDay } from "../runtime/live-day.js";
import { type Recovered, recoverEngine } from "../runtime/recover.js";
import { readSnapshot } from "../runtime/snapshot-file.js";
import { Snapshotter } from "../runtime/snapshotter.js";
import { AllocationFile } from "./allocation-file.js";
import { Authenticator } from "./auth.js";
import { endOfDayReport } from "./end-of-day.js";
import { EventStream } from "./event-stream.js";
import { redeliverMissedReports } from "./fix-redelivery.js";
import { createHttpApi } from "./http-api.js";
import { HttpConnections } from "./http-connections.js";
import { createLogger } from "./logger.js";
import { ServiceMetrics } from "./metrics.js";
import { FillLog } from "./order-view.js";
import { parentProgress } from "./parent-progress.js";
import { type FixStoreTarget, publicConfig, type ServiceConfig } from "./service-config.js";

export interface StopSummary {
  readonly ordersAccepted: number;
  readonly eventsJournaled: number;
  readonly childrenLeftWorking: number;
}

export interface RunningService {
  readonly httpUrl: string;
  readonly fixPort: number | null;
  /** Graceful shutdown (idempotent: a second call returns the first one's promise). */
  stop(reason: string): Promise<StopSummary>;
}

/**
 * The journal: a new one, or with `resume` the existing one of an earlier run (its store is checked: a missing,
 * foreign or corrupt file, a wrong URL or an unreachable server is one clear message).
 */
async function prepareJournal(target: JournalTarget, resume: boolean, fixVenues: boolean): Promise<void> {
  if (target.kind === "sqlite") prepareJournalFile(target.path, resume, fixVenues);
  else await prepareJournalSchema(target, resume, fixVenues);
}

/** A PostgreSQL journal: made when absent and empty for a new session; a Tributary journal to resume. */
async function prepareJournalSchema(
  target: JournalTarget & { kind: "postgres" },
  resume: boolean,
  fixVenues: boolean,
): Promise<void> {
  let store: PostgresJournalStore;
  try {
    store = await PostgresJournalStore.open({ ...target, mode: resume ? "open" : "create" });
  } catch (error) {
    // The store's message ("--pg URL: ...", as `audit --pg` says it) under the config's field.
    throw new UserError("serve-journal", `journal.pg: ${(error as Error).message.replace(/^--pg /, "")}`, {
      cause: error,
    });
  }
  try {
    const head = await store.head();
    if (!resume && head !== null)
      throw new UserError(
        "serve-journal",
        `journal.pg: ${targetLocation(target)} already holds a journal of ${head.seq} events (continue it with` +
          " --resume, or choose another journal.schema)",
      );
  } finally {
    await store.close();
  }
  if (!resume && fixVenues) await refuseEarlierVenueSessions(target);
}

/** A new session's FIX venue schema holds no sessions: those of an earlier run are continued with --resume only. */
async function refuseEarlierVenueSessions(target: JournalTarget & { kind: "postgres" }): Promise<void> {
  const schema = fixVenueSchemaOf(target.schema);
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const table = `${quoteIdent(schema)}.fix_session`;
    const found = await client.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [table]);
    if (found.rows[0]?.t == null) return;
    const sessions = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    if ((sessions.rows[0]?.n ?? 0) > 0)
      throw new UserError(
        "serve-journal",
        `journal.pg: schema ${schema} (the FIX venue sessions of an earlier run) already holds sessions:` +
          " continue it with --resume, or choose another journal.schema",
      );
  } finally {
    await client.end();
  }
}

function prepareJournalFile(path: string, resume: boolean, fixVenues: boolean): void {
  const venueStore = fixVenueFileOf(path);
  if (!resume && fixVenues && existsSync(venueStore)) {
    throw new UserError(
      "serve-journal",
      `journal.path: ${venueStore} (the FIX venue sessions of an earlier run) already exists: continue it with --resume, or move it away`,
    );
  }
  if (!resume && existsSync(path)) {
    throw new UserError(
      "serve-journal",
      `journal.path: ${path} already exists (continue it with --resume, or move it away or choose another path)`,
    );
  }
  if (resume && !existsSync(path)) {
    throw new UserError("serve-journal", `journal.path: ${path} does not exist: there is nothing to resume`);
  }
  try {
    SqliteJournalStore.open(path, { mode: resume ? "open" : "create" }).closeSync();
  } catch (error) {
    const message = (error as Error).message;
    const where = message.startsWith(path) ? message : `${path}: ${message}`;
    throw new UserError("serve-journal", `journal.path: ${where}`, { cause: error });
  }
}

/**
 * The session's open today (µs) from `session.open` (a UTC time of day), or undefined (at start-up). A session whose
 * close has already passed today is a configuration mistake, said in one line.
 */
function openOf(config: ServiceConfig): number | undefined {
  if (config.sessionOpen === null) return undefined;
  const [h, m, s] = config.sessionOpen.split(":").map(Number) as [number, number, number | undefined];
  const now = new Date();
  const open = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m, s ?? 0);
  const close = open + config.sessionMinutes * 60_000;
  if (close <= now.getTime()) {
    throw new UserError(
      "serve-config",
      `session.open: today's session (${config.sessionOpen} UTC for ${config.sessionMinutes} minutes) closed at ${new Date(close).toISOString()}`,
    );
  }
  return open * 1000;
}

/** Rebuilds the engine from the journal and its snapshot, when it has one (serve --resume). */
async function recoverFrom(
  target: JournalTarget,
  snapshotPath: string | null,
  engine: Engine,
  logger: Logger,
): Promise<Recovered> {
  const snapshot = snapshotPath === null ? null : readSnapshot(snapshotPath);
  const store = await openJournalStore(target, "open");
  try {
    const recovered = await recoverEngine(store, engine, snapshot);
    if (recovered.snapshotIgnored !== null) {
      logger.warn({ reason: recovered.snapshotIgnored }, "snapshot not used: replaying the whole journal");
    }
    logger.info(
      {
        journal: targetLocation(target),
        events: recovered.lastSeq,
        fromSnapshot: recovered.fromSnapshot,
        orders: engine.ordersAccepted,
        ordersHeld: engine.ordersHeld,
        openOrders: engine.orders.filter((o) => o.done === null).length,
        childrenToReconcile: recovered.openChildren.list().length,
        ms: Math.round(recovered.millis),
        stateHash: engine.stateHash(),
      },
      "resumed from the journal",
    );
    return recovered;
  } finally {
    await store.close();
  }
}

/**
 * Where the FIX venue sessions keep their sequence numbers and sent messages: beside the journal, travelling with it
 * (the file `<journal>.fix-venues` beside a SQLite journal; the schema `<schema>_fix_venues` beside a PostgreSQL one).
 */
export function fixVenueStoreOf(journal: JournalTarget): SeparateFixStore {
  return journal.kind === "sqlite"
    ? { kind: "sqlite", path: fixVenueFileOf(journal.path) }
    : { kind: "postgres", url: journal.url, schema: fixVenueSchemaOf(journal.schema) };
}

const fixVenueFileOf = (journalPath: string): string => `${journalPath}.fix-venues`;
const fixVenueSchemaOf = (journalSchema: string): string => `${journalSchema}_fix_venues`;

/**
 * The FIX venues as the live day takes them: each names a venue of the reference data, its TLS CA and password files
 * read (a missing or unreadable one is one line naming the field).
 */
function fixVenueSetups(config: ServiceConfig, venues: readonly { readonly id: string }[]): FixVenueSetup[] {
  const ids = venues.map((v) => v.id);
  const read = (field: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new UserError("serve-config", `${field}: ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
  };
  return config.fixVenues.map(({ tls, passwordFile, ...f }, i) => {
    if (!ids.includes(f.venue)) {
      throw new UserError(
        "serve-config",
        `fixVenues[${i}].venue: "${f.venue}" is not a venue of ${config.reference} (its venues: ${ids.join(", ")})`,
      );
    }
    const password =
      passwordFile === null
        ? null
        : (read(`fixVenues[${i}].passwordFile`, passwordFile).toString("utf8").split(/\r?\n/)[0] ?? "");
    if (password === "") throw new UserError("serve-config", `fixVenues[${i}].passwordFile: ${passwordFile}: empty`);
    return {
      ...f,
      tls:
        tls === null
          ? null
          : {
              ...(tls.ca === null ? {} : { ca: read(`fixVenues[${i}].tls.ca`, tls.ca) }),
              ...(tls.serverName === null ? {} : { servername: tls.serverName }),
            },
      password,
    };
  });
}

function readTls(tls: { cert: string; key: string }, where: string): { cert: Buffer; key: Buffer } {
  const read = (field: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new UserError("serve-tls", `${where}.${field}: ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
  };
  const pair = { cert: read("cert", tls.cert), key: read("key", tls.key) };
  // Parsed here, before anything is started: a file that is not PEM, or a key that is not the certificate's, is a
  // mistake in the config, not a crash once the journal exists.
  try {
    createSecureContext(pair);
  } catch (error) {
    throw new UserError("serve-tls", `${where}: ${tls.cert} and ${tls.key}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return pair;
}

/**
 * Refuses a port that cannot be bound (taken, a host not of this machine) before the journal is made, so a start that
 * cannot listen leaves nothing behind; the real listen comes later and still reports any failure.
 */
async function checkCanListen(host: string, port: number, field: string): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw new UserError("serve-listen", `${field}: cannot listen on ${host}:${port}: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A FIX store of its own (a file or a schema), not in the journal. */
type SeparateFixStore = Exclude<FixStoreTarget, { kind: "journal" }>;

function openFixStore(store: SeparateFixStore | null, field = "fix.store"): FixMessageStore {
  if (store === null) return new MemoryFixMessageStore();
  try {
    if (store.kind === "postgres") return new PostgresFixMessageStore(store.url, store.schema);
    return new ThreadedSqliteFixMessageStore(store.path);
  } catch (error) {
    const message = (error as Error).message;
    const where = store.kind === "sqlite" && !message.startsWith(store.path) ? `${store.path}: ` : "";
    throw new UserError("serve-fix-store", `${field}: ${where}${message}`, { cause: error });
  }
}

/** How long a done order stays in the engine's memory, µs (null: all day). */
function releaseAfterMicros(config: ServiceConfig): number | null {
  return config.releaseDoneOrdersAfter === null ? null : Math.round(config.releaseDoneOrdersAfter * 1e6);
}

/**
 * Memory after a full GC (when node runs with --expose-gc; otherwise as it is), and the orders the engine holds; the
 * snapshot worker's heap as of its last snapshot (its own copy of the state).
 */
function memoryReport(engine: Engine, snapshotter: Snapshotter | null) {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m = process.memoryUsage();
  return {
    afterGc: gc !== undefined,
    heapUsedBytes: m.heapUsed,
    rssBytes: m.rss,
    externalBytes: m.external,
    snapshotWorkerHeapBytes: snapshotter?.workerHeapBytes ?? null,
    ordersAccepted: engine.ordersAccepted,
    ordersHeld: engine.ordersHeld,
    ordersReleased: engine.releasedOrders,
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` or `ms` have passed; true when done. */
async function waitFor(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}

/**
 * The FIX order path's warm-up (runtime/gateway-warm-up.ts), before anything of the service exists; a SQLite journal
 * is copied as the in-thread journal of `fix gateway` (the service's own runs on a worker). One that fails is logged
 * and the service starts cold.
 */
async function warmUpFix(config: ServiceConfig, data: ReferenceData, logger: Logger): Promise<void> {
  const fix = config.fix;
  if (fix === null) return;
  const journal =
    config.journal.kind !== "sqlite" ? "none" : fix.store?.kind === "journal" ? "sqlite with store" : "sqlite";
  try {
    const warm = await warmUpGateway({
      data,
      config: fix.gateway,
      seed: config.seed,
      minutes: config.sessionMinutes,
      orders: fix.warmUp,
      journal,
    });
    logger.info({ orders: warm.orders, millis: Math.round(warm.millis) }, "FIX order path warmed up");
  } catch (error) {
    logger.warn({ err: error }, "FIX warm-up failed: the FIX sessions start cold");
  }
}

export async function startService(
  config: ServiceConfig,
  logger: Logger = createLogger(config.logLevel),
  options: { readonly resume?: boolean } = {},
): Promise<RunningService> {
  const data = loadReferenceData(config.reference);
  const riskSymbol = config.risk === undefined ? null : unknownRiskSymbol(config.risk, data.instruments);
  if (riskSymbol !== null) throw new UserError("serve-config", `risk.${riskSymbol} (reference ${config.reference})`);
  const tls = config.http.tls === null ? null : readTls(config.http.tls, "http.tls");
  const fixTls = config.fix?.tls == null ? null : readTls(config.fix.tls, "fix.tls");
  const fixVenues = fixVenueSetups(config, data.venues);
  const resume = options.resume ?? false;
  await checkCanListen(config.http.host, config.http.port, "http.port");
  if (config.fix !== null) await checkCanListen(config.fix.host, config.fix.port, "fix.port");
  await prepareJournal(config.journal, resume, config.fixVenues.length > 0);
  // The journal read back on this thread (its file, or its PostgreSQL schema): released orders, and after a resume the
  // FIX reports a crash kept from the sessions and the fills held orders had before it.
  const journalReader = config.releaseDoneOrdersAfter !== null || resume ? openJournalReader(config.journal) : null;
  const released =
    config.releaseDoneOrdersAfter === null || journalReader === null ? null : new ReleasedOrders(journalReader);
  const fixStoreTarget = config.fix?.store ?? null;
  // In the journal (`fix.store: journal`), the store is made with the journal, below.
  let fixStore = config.fix === null || fixStoreTarget?.kind === "journal" ? null : openFixStore(fixStoreTarget);
  const fixVenueStore =
    config.fixVenues.length === 0
      ? null
      : openFixStore(fixVenueStoreOf(config.journal), config.journal.kind === "sqlite" ? "journal.path" : "journal.pg");
  const journalReady: {
    journal: ThreadedJournal | null;
    recovered: Recovered | null;
    snapshotter: Snapshotter | null;
  } = { journal: null, recovered: null, snapshotter: null };
  const fixLog = logger.child({ component: "fix" });
  const engineSources = [
    ...config.sources.map((s) => ({ id: s.id, kind: "http" })),
    ...(config.fix === null ? [] : OrderGateway.sources(config.fix.gateway)),
  ];
  if (config.fix !== null && config.fix.warmUp > 0) await warmUpFix(config, data, logger);
  const built: { gateway: OrderGateway | null } = { gateway: null };
  const day = await startLiveDay({
    data,
    profile: VolumeProfile.generatedU(SESSION_SECONDS),
    seed: config.seed,
    minutes: config.sessionMinutes,
    openAt: resume ? undefined : openOf(config),
    sources: engineSources,
    risk: config.risk,
    allocation: config.allocation,
    fixVenues,
    ...(fixVenueStore === null ? {} : { fixVenueStore }),
    journal: () => journalReady.journal as ThreadedJournal,
    fixLog: (line) => fixLog.debug(line),
    release: released === null ? undefined : { afterMicros: releaseAfterMicros(config) as number, clOrdIds: released },
    recover: resume
      ? async (engine) => {
          journalReady.recovered = await recoverFrom(config.journal, config.snapshotPath, engine, logger);
          return journalReady.recovered;
        }
      : undefined,
    beforeExecutor: (engine, session) => {
      // Opened after any recovery: it continues the file's chain from its head.
      const journal = new ThreadedJournal(
        config.journal,
        fixStoreTarget?.kind === "journal" ? { companion: JournalFixMessageStore.companion } : {},
      );
      journalReady.journal = journal;
      journal.attach(engine);
      const recovered = journalReady.recovered;
      // No snapshot file (a PostgreSQL journal without journal.snapshot): a resume replays the journal.
      const snapshotPath = config.snapshotPath;
      journalReady.snapshotter =
        snapshotPath !== null
          ? new Snapshotter(
              engine,
              journal,
              {
                reference: config.reference,
                sources: engineSources,
                risk: config.risk,
                releaseAfterMicros: releaseAfterMicros(config),
                journal: config.journal,
                path: snapshotPath,
              },
              config.snapshotEvery,
              (error) => logger.warn({ err: error }, "snapshot failed (the journal alone still recovers everything)"),
              recovered?.fromSnapshot ?? 0,
            )
          : null;
      if (config.fix !== null) {
        built.gateway = new OrderGateway(engine, config.fix.gateway, {
          clock: wallClock,
          sessionClose: session.close,
          durability: journal,
          released,
          log: (line) => fixLog.debug(line),
        });
      }
    },
  });
  const { engine, executor, sim } = day;
  // A graceful stop killed every scope to cancel the children ("shutdown"): the resumed session trades again. A kill
  // switch an operator set stays on.
  for (const { scope, reason } of engine.activeKills()) {
    if (reason === "shutdown") {
      engine.revive(scope, "resume");
      logger.info({ scope }, "kill switch of the last shutdown lifted");
    }
  }
  const journal = journalReady.journal as ThreadedJournal;
  if (fixStoreTarget?.kind === "journal") fixStore = new JournalFixMessageStore(journal);
  const gateway = built.gateway;
  const fills = new FillLog(
    engine,
    resume && journalReader !== null ? (source, clOrdId) => journalTrades(journalReader, source, clOrdId) : null,
  );
  if (config.allocationsFile !== null) new AllocationFile(engine, journal, config.allocationsFile);
  const stream = new EventStream(engine, journal);
  // The gateway stores an answer before its event is durable (it leaves once both are): answers to events the journal
  // lost in the crash never left, and a resend must gap-fill over them rather than report events that never happened.
  if (fixStore !== null && journalReady.recovered !== null) fixStore.forgetSentAfter(journalReady.recovered.lastSeq);
  const fixAcceptor =
    gateway === null || fixStore === null
      ? null
      : new FixAcceptor(wallClock, gateway.createSessions(fixStore), { log: (line) => fixLog.debug(line) });
  if (gateway !== null && fixStore !== null && journalReady.recovered !== null && journalReader !== null) {
    const counts = redeliverMissedReports(gateway, fixStore, journalReader, journalReady.recovered.lastSeq);
    if (counts.size > 0) logger.info({ reports: Object.fromEntries(counts) }, "FIX reports the sessions missed, sent");
  }
  /** Intake: "starting" until every listener is up, "open" (then "closed" after the close) until a stop. */
  let phase: "starting" | "open" | "stopping" = "starting";
  for (const venue of day.fixVenues) {
    let was = false;
    venue.onConnectionChange((connected) => {
      if (connected) logger.info({ venue: venue.id }, "FIX venue logged on: it takes orders after a first probe");
      else if (was && phase === "open")
        logger.warn({ venue: venue.id }, "FIX venue disconnected: routed around until it is back");
      was = connected;
    });
  }
  const venues = () => {
    const now = day.scheduler.now();
    return day.venues.map((v) => {
      const health = executor.health.state(v.id, now);
      const up = health.status === "healthy" || health.status === "half-open";
      const fix = day.fixVenues.some((f) => f.id === v.id);
      return { id: v.id, kind: v.kind, up, health: health.status, transport: fix ? "fix" : "simulated" };
    });
  };
  const metrics = new ServiceMetrics({
    parentsWorking: () => {
      let n = 0;
      for (const _ of engine.parents()) n++;
      return n;
    },
    journalLag: () => journal.headSeq - journal.durableSeq,
    venues,
    streamClients: () => stream.clientCount,
    fixSessionsLoggedOn: () => fixAcceptor?.allSessions().filter((s) => s.isLoggedOn).length ?? 0,
    ordersHeld: () => engine.ordersHeld,
    ordersReleased: () => engine.releasedOrders,
  });
  engine.on(metrics.onEvent);

  const app = await createHttpApi(
    {
      engine,
      journal,
      auth: new Authenticator(config.sources, config.admins),
      fills,
      stream,
      metrics,
      logger,
      http: config.http,
      venues,
      parents: () => parentProgress(engine, executor, sim.quotes, day.scheduler.now()),
      config: () => publicConfig(config),
      released,
      memory: () => memoryReport(engine, journalReady.snapshotter),
      intake: () => (phase !== "open" ? phase : day.scheduler.now() < day.endMicros ? "open" : "closed"),
      dayEnd: day.endMicros,
    },
    tls,
  );

  const httpConnections = new HttpConnections(app.server);

  let fixTcp: TcpFixAcceptor | null = null;
  let fixPort: number | null = null;
  let httpPort: number;
  try {
    await app.listen({ host: config.http.host, port: config.http.port });
    httpPort = (app.server.address() as { port: number }).port;
    if (fixAcceptor !== null && config.fix !== null) {
      fixTcp = new TcpFixAcceptor(fixAcceptor);
      fixPort = await fixTcp.listen({ host: config.fix.host, port: config.fix.port, tls: fixTls });
    }
  } catch (error) {
    await day.stop();
    await journalReady.snapshotter?.close();
    fixStore?.close(); // before the journal: a store in the journal hands it its last writes
    journal.closeSync();
    journalReader?.close();
    fixVenueStore?.close();
    await app.close();
    throw new UserError("serve-listen", `cannot listen: ${(error as Error).message}`);
  }
  // Done orders leave the engine's memory once their events are durable (so every answer about them is sent and the
  // journal can answer from then on) and they have been done `releaseDoneOrdersAfter` seconds.
  let releasing = false;
  const releaseTimer =
    released === null
      ? null
      : setInterval(() => {
          if (releasing) return;
          releasing = true;
          const now = day.scheduler.now();
          journal
            .durable(engine.lastSeq)
            .then(() => engine.releaseDone(now))
            .catch((error: Error) => logger.warn({ err: error }, "releasing done orders failed"))
            .finally(() => {
              releasing = false;
            });
        }, 1000);
  phase = "open";
  const httpUrl = `${tls === null ? "http" : "https"}://${config.http.host}:${httpPort}`;
  logger.info(
    {
      httpUrl,
      fixPort,
      sources: config.sources.map((s) => s.id),
      fixSessions: config.fix?.gateway.sessions.map((s) => s.id) ?? [],
      journal: journal.location,
      sessionOpen: new Date(day.startMicros / 1000).toISOString(),
      sessionEnd: new Date(day.endMicros / 1000).toISOString(),
    },
    "listening",
  );

  // The close: intake has stopped (`intake` reads the clock); day orders expire now, then the report.
  day.scheduler.at(day.endMicros + 1_000_000, () => {
    const report = {
      sessionOpen: new Date(day.startMicros / 1000).toISOString(),
      sessionClose: new Date(day.endMicros / 1000).toISOString(),
      sources: endOfDayReport(engine),
    };
    // A resume after the close makes the report again: the file is written only when it says something new, so a
    // reader watching it sees one report per change, not one per restart.
    let written = false;
    if (config.endOfDayReport !== null) {
      const text = `${JSON.stringify(report, null, 2)}\n`;
      try {
        if (!existsSync(config.endOfDayReport) || readFileSync(config.endOfDayReport, "utf8") !== text) {
          writeFileSync(config.endOfDayReport, text);
          written = true;
        }
      } catch (error) {
        logger.error({ err: error, file: config.endOfDayReport }, "cannot write the end-of-day report");
      }
    }
    logger.info({ sources: report.sources, file: config.endOfDayReport, written }, "session closed: end-of-day report");
  });

  let stopping: Promise<StopSummary> | null = null;
  const stop = async (reason: string): Promise<StopSummary> => {
    logger.info({ reason, policy: config.shutdown.children }, "stopping: intake closed");
    phase = "stopping";
    stream.close();
    const graceMs = config.shutdown.graceSeconds * 1000;
    // The drain: HTTP keeps listening, and answers every request (orders with 503 shutting-down) with Connection:
    // close, until its clients have closed their connections or `drainSeconds` have passed. A request already on its
    // way on a kept-alive connection is answered; closing that connection under it would reset it, and its client
    // could not tell whether the order was taken.
    const httpDrained = waitFor(
      () => httpConnections.count === 0,
      Math.min(config.shutdown.drainSeconds * 1000, graceMs),
    );
    if (fixAcceptor !== null) {
      for (const s of fixAcceptor.allSessions()) if (s.isLoggedOn) s.logout("service stopping");
      await waitFor(() => fixAcceptor.allSessions().every((s) => !s.isLoggedOn), Math.min(graceMs, 2_000));
    }
    if (config.shutdown.children === "cancel") {
      engine.kill({ scope: "global" }, "shutdown");
      const cancelled = await waitFor(() => executor.workingChildren === 0, graceMs);
      if (!cancelled)
        logger.warn({ working: executor.workingChildren }, "child orders still working at the grace limit");
    }
    await httpDrained;
    const httpClosed = app.close();
    // Requests in flight get their answers; then keep-alive connections left idle are closed (every grace period,
    // all of them).
    let httpDone = false;
    void httpClosed.then(() => {
      httpDone = true;
    });
    const drained = await waitFor(() => {
      httpConnections.closeIdle();
      return httpDone;
    }, graceMs);
    if (!drained) httpConnections.closeAll();
    await httpClosed;
    const childrenLeftWorking = executor.workingChildren;
    if (releaseTimer !== null) clearInterval(releaseTimer);
    await day.stop();
    gateway?.close();
    // The FIX sessions are logged out; their store is closed before the journal (a store in the journal hands it its
    // last writes).
    await fixTcp?.close();
    fixStore?.close();
    journal.closeSync();
    journalReader?.close();
    try {
      await journalReady.snapshotter?.final();
    } catch (error) {
      logger.warn({ err: error }, "final snapshot failed (the journal alone still recovers everything)");
    }
    fixVenueStore?.close();
    const summary = {
      ordersAccepted: engine.ordersAccepted,
      ordersReleased: engine.releasedOrders,
      eventsJournaled: journal.appended,
      childrenLeftWorking,
    };
    logger.info(summary, "stopped: journal flushed and closed");
    return summary;
  };

  return {
    httpUrl,
    fixPort,
    stop: (reason: string) => {
      stopping ??= stop(reason);
      return stopping;
    },
  };
}
