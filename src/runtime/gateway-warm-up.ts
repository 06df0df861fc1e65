/**
 * The FIX order gateway's warm-up (`tributary fix gateway --warm-up N`, `serve`'s `fix.warmUp`): before the gateway
 * listens, N orders go through a scratch copy of its order path, so that the first orders of the day do not pay for
 * V8 compiling that path.
 *
 * Measured (BENCHMARKS.md §14, no disk, 2,000 orders/s from QuickFIX): without it the first 100 orders of a fresh
 * gateway waited 9 ms at the median and up to 22 ms for their acknowledgement (0.15 ms once warm), and the first second
 * held about half of a 15 s run's acknowledgements slower than 2 ms: lazy compilation, then unoptimised code until V8
 * has seen the path.
 *
 * The scratch copy is built from the same parts as the real one, and none of it is shared with it:
 * - a live day on the same reference data and seed (its own simulated venues, market model, engine and executor);
 * - an `OrderGateway` with one session like the first order session of the configuration (same BeginString, CompIDs,
 *   accounts and defaults; no password, no throttle);
 * - the same kind of durability: with a SQLite journal, a scratch SQLite journal (with the FIX store in it when the
 *   real store is) in a temporary directory, removed afterwards; otherwise the store in memory and no journal (a
 *   PostgreSQL journal is not copied: the warm-up would need a schema of its own on the server);
 * - a TCP acceptor on an ephemeral loopback port and a FIX initiator on our own codec, Logon with ResetSeqNumFlag.
 *
 * Each order is a limit buy of one lot of the first instrument at half its reference price (at least a tick: it
 * rests), cancelled once acknowledged, in rounds of `ROUND` orders; one of each round is replaced and one is asked for
 * its status first, so every message an OMS sends about an order runs. Fills are not warmed: they come from the
 * market, seconds after the order, and an order's acknowledgement does not wait for them. Then the session logs out
 * and the scratch parts are closed and dropped: the real engine, journal and store have seen nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TributaryError } from "../core/errors.js";
import { FixAcceptor } from "../fix/acceptor.js";
import type { FixMessage } from "../fix/codec.js";
import { formatUtcTimestamp } from "../fix/fix-time.js";
import { JournalFixMessageStore } from "../fix/journal-message-store.js";
import { createCompanion } from "../fix/journal-message-store-companion.js";
import { type FixMessageStore, MemoryFixMessageStore } from "../fix/message-store.js";
import { type OrderGatewayConfig, parseOrderGatewayConfig } from "../fix/order-gateway-config.js";
import type { FixField } from "../fix/session.js";
import { TcpFixAcceptor, wallClock } from "../fix/tcp-acceptor.js";
import { FixTestInitiator } from "../fix/test-initiator.js";
import { Journal } from "../journal/journal.js";
import { SqliteJournalStore } from "../journal/sqlite-journal-store.js";
import type { ReferenceData } from "../model/reference-data.js";
import { startGatewayDay } from "./gateway-day.js";

/** `fix gateway --warm-up` and `serve`'s `fix.warmUp` by default: about 0.7 s at start (BENCHMARKS.md §14). */
export const DEFAULT_WARM_UP_ORDERS = 2000;

/** Orders per round: sent back to back, then each cancelled once acknowledged. */
const ROUND = 50;
/** How long the warm-up waits for any one answer before giving up (ms). */
const ANSWER_MS = 10_000;

export interface GatewayWarmUpSetup {
  readonly data: ReferenceData;
  readonly config: OrderGatewayConfig;
  readonly seed: number;
  readonly minutes: number;
  /** How many orders. */
  readonly orders: number;
  /** The real gateway's durability: a SQLite journal (with the FIX store in it or not), or none that is copied. */
  readonly journal: "sqlite with store" | "sqlite" | "none";
}

export interface GatewayWarmUpReport {
  readonly orders: number;
  readonly millis: number;
}

/**
 * Runs the warm-up and drops everything it built; rejects (a `TributaryError` "warm-up-failed", or the initiator's
 * timeout) if the Logon or an order is refused or not answered as expected.
 */
export async function warmUpGateway(setup: GatewayWarmUpSetup): Promise<GatewayWarmUpReport> {
  const started = performance.now();
  const session = setup.config.sessions.find((s) => s.role === "orders");
  const instrument = setup.data.instruments.values().next().value;
  if (session === undefined || instrument === undefined) return { orders: 0, millis: 0 };
  const config = parseOrderGatewayConfig({
    sessions: [
      {
        beginString: session.beginString,
        senderCompId: session.senderCompId,
        targetCompId: session.targetCompId,
        ...(session.accounts !== undefined ? { accounts: session.accounts } : {}),
        ...(session.defaultAccount !== undefined ? { defaultAccount: session.defaultAccount } : {}),
        maxMessagesPerSecond: 1_000_000_000,
        defaults: session.defaults,
      },
    ],
  });
  const dir = setup.journal === "none" ? null : mkdtempSync(join(tmpdir(), "tributary-warm-up-"));
  const journal = dir === null ? null : scratchJournal(dir, setup.journal === "sqlite with store");
  const { day, gateway } = await startGatewayDay({
    data: setup.data,
    config,
    seed: setup.seed,
    minutes: setup.minutes,
    journal,
  });
  const store: FixMessageStore =
    setup.journal === "sqlite with store" && journal !== null
      ? new JournalFixMessageStore(journal)
      : new MemoryFixMessageStore();
  const tcp = new TcpFixAcceptor(new FixAcceptor(wallClock, gateway.createSessions(store)));
  let oms: FixTestInitiator | null = null;
  try {
    const port = await tcp.listen({ host: "127.0.0.1", port: 0 });
    oms = await FixTestInitiator.open({
      port,
      beginString: session.beginString,
      senderCompId: session.targetCompId,
      targetCompId: session.senderCompId,
      clock: wallClock,
    });
    const logon = await oms.logon();
    if (logon.msgType !== "A") throw new TributaryError("warm-up-failed", `Logon refused: ${logon.get(58) ?? ""}`);
    const tick = instrument.tickUnits;
    const price = instrument.formatPrice(Math.max(tick, Math.floor(instrument.referencePriceUnits / 2 / tick) * tick));
    // A session with neither takes any Account, and needs one on every order.
    const account = session.defaultAccount ?? session.accounts?.[0] ?? "WARMUP";
    const order = (id: string): FixField[] => [
      [11, id],
      [1, account],
      [21, "1"], // HandlInst: FIX 4.2 requires it
      [55, instrument.symbol],
      [54, "1"],
      [60, formatUtcTimestamp(wallClock.now())],
      [38, instrument.lotSize],
      [40, "2"],
      [44, price],
    ];
    const answers = new Answers(oms);
    for (let sent = 0, rounds = 1; sent < setup.orders; rounds++) {
      const round = Math.min(ROUND, setup.orders - sent);
      for (let i = 0; i < round; i++) oms.send("D", order(`W${sent + i}`));
      await answers.until(NEW, sent + round);
      oms.send("H", [
        [11, `W${sent}`],
        [55, instrument.symbol],
        [54, "1"],
      ]);
      oms.send("G", [...order(`W${sent}R`), [41, `W${sent}`]]);
      await answers.until(REPLACED, rounds);
      const now = formatUtcTimestamp(wallClock.now());
      for (let i = 0; i < round; i++) {
        const orig = i === 0 ? `W${sent}R` : `W${sent + i}`;
        oms.send("F", [
          [11, `W${sent + i}C`],
          [41, orig],
          [55, instrument.symbol],
          [54, "1"],
          [60, now],
          [38, instrument.lotSize], // FIX 4.2 requires OrderQty
        ]);
      }
      await answers.until(CANCELED, sent + round);
      sent += round;
    }
    oms.send("5");
    await oms.until(
      () => oms?.closed === true || oms?.find((m) => m.msgType === "5") !== undefined,
      "Logout",
      ANSWER_MS,
    );
    return { orders: setup.orders, millis: performance.now() - started };
  } finally {
    oms?.close();
    await tcp.close();
    gateway.close();
    store.close();
    journal?.closeSync();
    await day.stop();
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

/** A SQLite journal in `dir` (with the FIX store's tables in its commits when `withStore`). */
function scratchJournal(dir: string, withStore: boolean): Journal {
  const path = join(dir, "journal.sqlite");
  SqliteJournalStore.open(path, { mode: "create" }).closeSync();
  const store = SqliteJournalStore.open(path, { mode: "open", synchronous: "full" });
  return Journal.openSync(store, withStore ? { companion: createCompanion() } : {});
}

const NEW = "0";
const REPLACED = "5";
const CANCELED = "4";
const REJECTED = "8";

/** The execution reports come back, counted by ExecType (150); any refusal fails the warm-up. */
class Answers {
  private readonly counts = new Map<string, number>();
  /** What came before (the Logon) is not an answer. */
  private seen: number;

  constructor(private readonly oms: FixTestInitiator) {
    this.seen = oms.messages.length;
  }

  /** Waits until `count` reports of `execType` have come back. */
  async until(execType: string, count: number): Promise<void> {
    await this.oms.until(() => this.count(execType) >= count, `${count} execution reports ${execType}`, ANSWER_MS);
  }

  private count(execType: string): number {
    const messages = this.oms.messages;
    for (; this.seen < messages.length; this.seen++) {
      const m = messages[this.seen] as FixMessage;
      if (m.msgType === "8") {
        const type = m.get(150) ?? "";
        if (type === REJECTED)
          throw new TributaryError("warm-up-failed", `order ${m.get(11) ?? ""} refused: ${m.get(58) ?? ""}`);
        this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
      } else if (m.msgType !== "0" && m.msgType !== "1")
        throw new TributaryError("warm-up-failed", `unexpected answer ${m.msgType}: ${m.get(58) ?? ""}`);
    }
    return this.counts.get(execType) ?? 0;
  }
}
