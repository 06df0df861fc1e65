/**
 * `tributary fix echo-server`: our FIX session layer over TCP with the echo application of the FIX session
 * acceptance scripts (SenderCompID ISLD, TargetCompID TW44, sequence numbers reset on every Logon, the HeartBtInt the
 * client asks for, NewOrderSingle and SecurityDefinition echoed back). It prints `listening on HOST:PORT` once bound
 * (with `--port 0` the system picks the port) and runs until SIGINT/SIGTERM.
 *
 * `tributary fix gateway`: the FIX order gateway (fix/order-gateway.ts) in front of the engine running LIVE on the
 * wall clock against the simulated venues and market model of the reference data (runtime/live-day.ts), so orders
 * from OMS sessions really execute. Sessions come from `--config FILE` or, for one session, from flags. Its journal is
 * a new SQLite file (`--journal`) or PostgreSQL schema (`--journal-pg`, `--journal-schema`), and the FIX store may live
 * in it (`--store journal`).
 */

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import { loadReferenceData } from "../config/load-config.js";
import { UserError } from "../core/errors.js";
import { FixAcceptor } from "../fix/acceptor.js";
import { EchoApplication } from "../fix/echo-application.js";
import { dictionaryFor } from "../fix/fix-dictionaries.js";
import { JournalFixMessageStore } from "../fix/journal-message-store.js";
import { createCompanion } from "../fix/journal-message-store-companion.js";
import { type FixMessageStore, MemoryFixMessageStore } from "../fix/message-store.js";
import {
  loadOrderGatewayConfig,
  type OrderGatewayConfig,
  parseOrderGatewayConfig,
} from "../fix/order-gateway-config.js";
import { FixSession } from "../fix/session.js";
import { TcpFixAcceptor, wallClock } from "../fix/tcp-acceptor.js";
import { ThreadedSqliteFixMessageStore } from "../fix/threaded-sqlite-message-store.js";
import { Journal } from "../journal/journal.js";
import { type JournalTarget, targetLocation } from "../journal/journal-target.js";
import { PostgresJournalStore, quoteIdent } from "../journal/postgres-journal-store.js";
import { SqliteJournalStore } from "../journal/sqlite-journal-store.js";
import { ThreadedJournal } from "../journal/threaded-journal.js";
import { startGatewayDay } from "../runtime/gateway-day.js";
import {
  DEFAULT_WARM_UP_ORDERS,
  type GatewayWarmUpReport,
  type GatewayWarmUpSetup,
  warmUpGateway,
} from "../runtime/gateway-warm-up.js";
import { untilStopSignal } from "./stop-signal.js";

const DEFAULT_REFERENCE = fileURLToPath(new URL("../../../config/demo.yaml", import.meta.url));

function portFlag(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError(`--port must be a TCP port (0 to 65535), got "${value}"`);
  }
  return Number(value);
}

interface EchoServerOptions {
  port: number;
  host: string;
  fixVersion: "4.2" | "4.4";
  store?: string;
  sender: string;
  target: string;
  verbose: boolean;
}

function openStore(path: string | undefined): FixMessageStore {
  if (path === undefined) return new MemoryFixMessageStore();
  try {
    return new ThreadedSqliteFixMessageStore(path);
  } catch (error) {
    const cause = (error as Error).cause;
    const why = cause instanceof Error ? cause.message : (error as Error).message;
    throw new UserError("fix-store", `--store: ${path}: ${why}`);
  }
}

async function runEchoServer(opts: EchoServerOptions): Promise<void> {
  const beginString = `FIX.${opts.fixVersion}`;
  const dictionary = dictionaryFor(beginString);
  if (dictionary === undefined) throw new UserError("fix-version", `--fix-version: unsupported "${opts.fixVersion}"`);
  const store = openStore(opts.store);
  const log = opts.verbose ? (line: string) => process.stderr.write(`fix: ${line}\n`) : undefined;
  const session = new FixSession(
    { beginString, senderCompId: opts.sender, targetCompId: opts.target, resetOnLogon: true },
    { clock: wallClock, store, dictionary, application: new EchoApplication(), ...(log ? { log } : {}) },
  );
  const acceptor = new FixAcceptor(wallClock, [session], log ? { log } : {});
  const tcp = new TcpFixAcceptor(acceptor);
  let port: number;
  try {
    port = await tcp.listen({ host: opts.host, port: opts.port });
  } catch (error) {
    store.close();
    throw new UserError("fix-listen", `cannot listen on ${opts.host}:${opts.port}: ${(error as Error).message}`);
  }
  const stopped = untilStopSignal(async () => {
    await tcp.close();
    store.close();
  });
  process.stdout.write(
    `listening on ${opts.host}:${port} (${beginString}, SenderCompID ${opts.sender}, TargetCompID ${opts.target}, ` +
      `store ${opts.store ?? "in memory"})\n`,
  );
  await stopped;
}

interface GatewayOptions {
  port: number;
  host: string;
  config?: string;
  sender?: string;
  target?: string;
  password?: string;
  accounts?: string;
  defaultAccount?: string;
  maxRate?: number;
  urgency?: string;
  strategy?: string;
  duration?: number;
  reference: string;
  seed: number;
  minutes: number;
  store?: string;
  journal?: string;
  journalPg?: string;
  journalSchema?: string;
  warmUp: number;
  verbose: boolean;
}

/** `--store journal`: the FIX message store in the journal's file or schema, written in the journal's commits. */
const STORE_IN_JOURNAL = "journal";

/** The journal the flags name: a SQLite file (`--journal`) or a PostgreSQL schema (`--journal-pg`); null: none. */
function journalTarget(opts: GatewayOptions): JournalTarget | null {
  if (opts.journal !== undefined && opts.journalPg !== undefined)
    throw new UserError("bad-flag", "--journal and --journal-pg: give one or the other");
  if (opts.journalSchema !== undefined && opts.journalPg === undefined)
    throw new UserError("bad-flag", "--journal-schema: only with --journal-pg (a PostgreSQL journal)");
  if (opts.journal !== undefined) return { kind: "sqlite", path: opts.journal, synchronous: "full" };
  if (opts.journalPg !== undefined)
    return { kind: "postgres", url: opts.journalPg, schema: opts.journalSchema ?? "public" };
  return null;
}

/**
 * The warm-up, or why it failed: a gateway that could not warm up still trades, only its first orders wait for V8 (the
 * failure is in the listening line, and its stack on stderr).
 */
async function warmUp(setup: GatewayWarmUpSetup): Promise<GatewayWarmUpReport | { readonly failed: string }> {
  try {
    return await warmUpGateway(setup);
  } catch (error) {
    process.stderr.write(`fix gateway: warm-up failed, running cold: ${(error as Error).stack}\n`);
    return { failed: (error as Error).message };
  }
}

function warmUpText(warm: GatewayWarmUpReport | { readonly failed: string } | null): string {
  if (warm === null) return "no warm-up";
  if ("failed" in warm) return `warm-up failed, running cold: ${warm.failed}`;
  return `warmed up with ${warm.orders} orders in ${Math.round(warm.millis)} ms`;
}

/**
 * A new journal (the engine's seq starts at 1, so an existing journal cannot be continued): a SQLite file not there
 * yet, or a PostgreSQL schema (made when absent) holding no events and no FIX sessions; with the FIX store in it, the
 * journal's commits write that store's tables too.
 * A SQLite journal commits on the gateway's own thread (`Journal`: one synchronous transaction per event-loop turn);
 * a PostgreSQL one on a worker thread (`ThreadedJournal`: its commits wait on the server). On SQLite the hand-offs to
 * a worker and back cost more than the commit they move (BENCHMARKS.md §14: at 2,000 orders/s a lower acknowledgement
 * p99 and less CPU per order in-thread, the same throughput at full speed).
 */
async function newJournal(target: JournalTarget, withFixStore: boolean): Promise<Journal | ThreadedJournal> {
  if (target.kind === "sqlite") {
    newJournalFile(target.path);
    const store = SqliteJournalStore.open(target.path, { mode: "open", synchronous: target.synchronous });
    return Journal.openSync(store, withFixStore ? { companion: createCompanion() } : {});
  }
  await newJournalSchema(target);
  return new ThreadedJournal(target, withFixStore ? { companion: JournalFixMessageStore.companion } : {});
}

function newJournalFile(path: string): void {
  if (existsSync(path))
    throw new UserError("bad-flag", `--journal: ${path} already exists (the gateway starts a new one)`);
  try {
    SqliteJournalStore.open(path, { mode: "create" }).closeSync();
  } catch (error) {
    throw new UserError("bad-flag", `--journal: ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function newJournalSchema(target: JournalTarget & { kind: "postgres" }): Promise<void> {
  let store: PostgresJournalStore;
  try {
    store = await PostgresJournalStore.open({ ...target, mode: "create" });
  } catch (error) {
    // The store's message names the URL, without its password ("--pg URL: ...").
    throw new UserError("bad-flag", `--journal-pg: ${(error as Error).message.replace(/^--pg /, "")}`, {
      cause: error,
    });
  }
  try {
    const r = await store.connection.query<{ events: number; sessions: number }>(
      `SELECT (SELECT count(*) FROM ${quoteIdent(target.schema)}.journal)::int AS events,` +
        ` (SELECT count(*) FROM ${quoteIdent(target.schema)}.fix_session)::int AS sessions`,
    );
    const { events, sessions } = r.rows[0] as { events: number; sessions: number };
    if (events > 0 || sessions > 0)
      throw new UserError(
        "bad-flag",
        `--journal-pg: ${targetLocation(target)} already holds a journal (${events} events, ${sessions} FIX` +
          " sessions): the gateway starts a new one, choose another --journal-schema",
      );
  } finally {
    await store.close();
  }
}

function positiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new InvalidArgumentError(`${flag} must be > 0, got "${value}"`);
    return n;
  };
}

function intFlag(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError(`${flag} must be a whole number, got "${value}"`);
    return Number(value);
  };
}

/** The sessions: from --config, or one session from the flags. */
export function gatewayConfigFrom(opts: GatewayOptions): OrderGatewayConfig {
  if (opts.config !== undefined) {
    if (opts.target !== undefined) throw new UserError("bad-flag", "--config and --target: give one or the other");
    return loadOrderGatewayConfig(opts.config);
  }
  if (opts.target === undefined)
    throw new UserError("bad-flag", "give --config FILE, or --target COMPID for one session");
  const defaults: Record<string, unknown> = {};
  if (opts.urgency !== undefined) defaults.urgency = opts.urgency;
  if (opts.strategy !== undefined) defaults.strategy = opts.strategy;
  if (opts.duration !== undefined) defaults.durationSeconds = opts.duration;
  const session: Record<string, unknown> = {
    senderCompId: opts.sender ?? "TRIBUTARY",
    targetCompId: opts.target,
    defaults,
  };
  if (opts.password !== undefined) session.password = opts.password;
  if (opts.accounts !== undefined) session.accounts = opts.accounts.split(",").filter((a) => a !== "");
  session.defaultAccount = opts.defaultAccount ?? opts.target;
  if (opts.accounts !== undefined && opts.defaultAccount === undefined) delete session.defaultAccount;
  if (opts.maxRate !== undefined) session.maxMessagesPerSecond = opts.maxRate;
  return parseOrderGatewayConfig({ sessions: [session] }, "flags");
}

async function runGateway(opts: GatewayOptions): Promise<void> {
  const config = gatewayConfigFrom(opts);
  const data = loadReferenceData(opts.reference);
  const log = opts.verbose ? (line: string) => process.stderr.write(`fix: ${line}\n`) : undefined;
  const storeInJournal = opts.store === STORE_IN_JOURNAL;
  const target = journalTarget(opts);
  if (storeInJournal && target === null)
    throw new UserError(
      "bad-flag",
      "--store journal: keeps the FIX store in the journal, so give --journal FILE or --journal-pg URL too",
    );
  const journal = target === null ? null : await newJournal(target, storeInJournal);
  // After the flags are checked and the journal made, before anything of the real gateway exists.
  const kind = target?.kind !== "sqlite" ? "none" : storeInJournal ? "sqlite with store" : "sqlite";
  const warm =
    opts.warmUp === 0
      ? null
      : await warmUp({ data, config, seed: opts.seed, minutes: opts.minutes, orders: opts.warmUp, journal: kind });
  const { day, gateway: orderGateway } = await startGatewayDay({
    data,
    config,
    seed: opts.seed,
    minutes: opts.minutes,
    journal,
    log,
  });
  const store = storeInJournal && journal !== null ? new JournalFixMessageStore(journal) : openStore(opts.store);
  const acceptor = new FixAcceptor(wallClock, orderGateway.createSessions(store), log ? { log } : {});
  const tcp = new TcpFixAcceptor(acceptor);
  let port: number;
  try {
    port = await tcp.listen({ host: opts.host, port: opts.port });
  } catch (error) {
    day.stop();
    store.close();
    journal?.closeSync();
    throw new UserError("fix-listen", `cannot listen on ${opts.host}:${opts.port}: ${(error as Error).message}`);
  }
  const sessions = config.sessions.map((s) => `${s.beginString} ${s.senderCompId}<-${s.targetCompId}`).join(", ");
  const stopped = untilStopSignal(async () => {
    await tcp.close();
    await day.stop();
    orderGateway.close();
    store.close(); // before the journal: a store in the journal hands it its last writes
    journal?.closeSync();
    const orders = day.engine.orders;
    let filled = 0;
    for (const o of orders) if (o.done === "filled") filled++;
    process.stdout.write(`stopped: ${orders.length} orders accepted, ${filled} filled\n`);
  });
  process.stdout.write(
    `listening on ${opts.host}:${port} (order gateway; sessions ${sessions}; ` +
      `instruments ${[...data.instruments.keys()].join(",")}; live session of ${opts.minutes} min; ` +
      `${target ? `acknowledgements after the journal ${targetLocation(target)} is durable` : "no journal"}; ` +
      `FIX store ${storeInJournal ? "in the journal" : (opts.store ?? "in memory")}; ` +
      `${warmUpText(warm)})\n`,
  );
  await stopped;
}

export function registerFix(program: Command): void {
  const fix = program.command("fix").description("FIX gateway");
  fix
    .command("echo-server")
    .description("run the FIX session layer with the acceptance scripts' echo application")
    .requiredOption("--port <n>", "TCP port to listen on (0: any free port, printed)", portFlag)
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .addOption(new Option("--fix-version <v>", "FIX version").choices(["4.2", "4.4"]).default("4.4"))
    .option("--store <file>", "SQLite file for sequence numbers and sent messages (default: in memory)")
    .option("--sender <compId>", "our SenderCompID", "ISLD")
    .option("--target <compId>", "the client's SenderCompID (our TargetCompID)", "TW44")
    .option("--verbose", "log session events on stderr", false)
    .action(async (opts: EchoServerOptions) => runEchoServer(opts));
  fix
    .command("gateway")
    .description("run the FIX order gateway in front of the engine, live on the simulated venues")
    .requiredOption("--port <n>", "TCP port to listen on (0: any free port, printed)", portFlag)
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--config <file>", 'order sessions, YAML or JSON (README "FIX gateway")')
    .option("--sender <compId>", "one session: our SenderCompID (default TRIBUTARY)")
    .option("--target <compId>", "one session: the OMS's SenderCompID (our TargetCompID); also its source id")
    .option("--password <text>", "one session: the Logon Password (554) required")
    .option("--accounts <list>", "one session: the accounts allowed, comma-separated (default: any)")
    .option("--default-account <id>", "one session: the Account when an order has none (default: the target CompID)")
    .option(
      "--max-rate <n>",
      "one session: application messages per second before the throttle refuses",
      intFlag("--max-rate"),
    )
    .addOption(new Option("--urgency <u>", "one session: default urgency").choices(["low", "medium", "high"]))
    .addOption(
      new Option("--strategy <s>", "one session: default strategy").choices(["twap", "vwap", "pov", "is", "auto"]),
    )
    .option("--duration <seconds>", "one session: ExpireTime when an order has none", positiveNumber("--duration"))
    .option("--reference <file>", "reference data (instruments and venues), YAML or JSON", DEFAULT_REFERENCE)
    .option("--seed <n>", "seed of the simulated market", intFlag("--seed"), 1)
    .option("--minutes <n>", "length of the live session", positiveNumber("--minutes"), 390)
    .option(
      "--store <file>",
      'SQLite file for FIX sequence numbers and sent messages, or "journal": in the --journal file (or --journal-pg' +
        " schema), written in the journal's own commits (one commit per acknowledgement; recommended) (default: in" +
        " memory)",
    )
    .option("--journal <file>", "new SQLite event journal: every answer waits until its event is durable")
    .option("--journal-pg <url>", "instead of --journal: a new event journal in PostgreSQL (postgres://...)")
    .option("--journal-schema <name>", "the PostgreSQL schema of --journal-pg, made when absent (default: public)")
    .option(
      "--warm-up <orders>",
      "orders sent through a scratch copy of the order path before listening, so the first real ones do not wait" +
        " for V8 to compile it (0: none)",
      intFlag("--warm-up"),
      DEFAULT_WARM_UP_ORDERS,
    )
    .option("--verbose", "log session events on stderr", false)
    .action(async (opts: GatewayOptions) => runGateway(opts));
}
