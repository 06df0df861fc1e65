/**
 * The two ways a crash can split the FIX store from the journal, made deterministic. Reports whose events the journal
 * holds but the FIX store never got (the gateway stopped listening, as a killed process would) are sent by
 * `redeliverMissedReports`, in journal order, after the ones the store has; none twice. A report the store holds for
 * an event the journal lost (the store's commit landed, the journal's did not: the report never left) is forgotten at
 * the restart, and the OMS's resend gets a gap fill in its place. With the FIX store in the journal's own file the
 * second cannot happen (the report is committed with its event), and the first is redelivered the same way, from a
 * SQLite file or a PostgreSQL schema (the real server of this machine: 127.0.0.1:5432, database `test`, or
 * TRIBUTARY_TEST_PG; a schema of its own, dropped after).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VirtualScheduler } from "../src/core/scheduler.js";
import { Engine } from "../src/engine/engine.js";
import { attachCounterparty } from "../src/fix/attached-counterparty.js";
import { decodeFix } from "../src/fix/codec.js";
import { formatUtcTimestamp } from "../src/fix/fix-time.js";
import { JournalFixMessageStore } from "../src/fix/journal-message-store.js";
import { MemoryFixMessageStore } from "../src/fix/message-store.js";
import { OrderGateway } from "../src/fix/order-gateway.js";
import { parseOrderGatewayConfig } from "../src/fix/order-gateway-config.js";
import type { FixField, FixSession } from "../src/fix/session.js";
import { SqliteFixMessageStore } from "../src/fix/sqlite-message-store.js";
import { wallClock } from "../src/fix/tcp-acceptor.js";
import { Journal } from "../src/journal/journal.js";
import { type JournalTarget, openJournalReader } from "../src/journal/journal-target.js";
import { SqliteJournalReader } from "../src/journal/sqlite-journal-reader.js";
import { SqliteJournalStore } from "../src/journal/sqlite-journal-store.js";
import { ThreadedJournal } from "../src/journal/threaded-journal.js";
import { redeliverMissedReports } from "../src/service/fix-redelivery.js";
import { INSTRUMENTS, START, TestQuotes } from "./engine-fixtures.js";
import { dropSchemas, PG_URL, testSchema } from "./postgres-fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-redelivery-"));
const PG_SCHEMA = testSchema("tfixredeliver");
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(PG_SCHEMA);
});

/** One OMS session (OMS1) and an engine whose order source it is, ACME quoted around 150. */
function oneSessionEngine() {
  const config = parseOrderGatewayConfig({
    sessions: [{ id: "OMS1", senderCompId: "TRIBUTARY", targetCompId: "OMS1" }],
  });
  const quotes = new TestQuotes();
  quotes.set("ACME", "149.99", "150.01");
  const engine = new Engine({
    instruments: INSTRUMENTS,
    scheduler: new VirtualScheduler(START),
    quotes,
    sources: OrderGateway.sources(config),
  });
  return { config, engine };
}

/** The OMS1 order of each test: a limit buy that rests (the market is around 150). */
function submitRestingBuy(engine: Engine, clOrdId: string) {
  return engine.submit({
    clOrdId,
    source: "OMS1",
    account: "A1",
    symbol: "ACME",
    side: "buy",
    quantity: "100",
    orderType: "limit",
    limitPrice: "140.00",
  });
}

describe("FIX reports missed at a crash", () => {
  it("are sent from the journal, after the ones the store holds, each once", () => {
    const { config, engine } = oneSessionEngine();
    const path = join(dir, "journal.db");
    const journalStore = SqliteJournalStore.open(path, { mode: "create" });
    const journal = Journal.openSync(journalStore);
    journal.attach(engine);
    const fixStore = new MemoryFixMessageStore();
    const first = new OrderGateway(engine, config, { clock: wallClock });
    first.createSessions(fixStore);
    const submit = (id: string) => submitRestingBuy(engine, id);
    submit("a");
    submit("b");
    first.close(); // the process dies: these two reports reach the journal only
    submit("c");
    submit("d");
    journal.flushSync();

    const second = new OrderGateway(engine, config, { clock: wallClock });
    const [session] = second.createSessions(fixStore);
    const before = fixStore.seqNums(session?.id as string).nextSenderMsgSeqNum;
    const reader = new SqliteJournalReader(path);
    const counts = redeliverMissedReports(second, fixStore, reader, engine.lastSeq);
    expect(counts).toEqual(new Map([["OMS1", 2]]));
    const stored = fixStore
      .sentBetween(session?.id as string, 1, 100)
      .map((m) => decodeFix(m.raw))
      .map((r) => (r.ok ? `${r.message.get(11)}:${r.message.get(17)}` : "bad"));
    expect(stored).toEqual(["a:X1", "b:X2", "c:X3", "d:X4"]);
    expect(fixStore.seqNums(session?.id as string).nextSenderMsgSeqNum).toBe(before + 2);
    // Run again (a second restart): nothing is missing any more.
    expect(redeliverMissedReports(second, fixStore, reader, engine.lastSeq)).toEqual(new Map());
    reader.close();
    second.close();
    journal.closeSync();
  });

  it.each([
    {
      kind: "SQLite",
      target: (): JournalTarget => ({ kind: "sqlite", path: join(dir, "store-in-journal.db"), synchronous: "full" }),
    },
    { kind: "PostgreSQL", target: (): JournalTarget => ({ kind: "postgres", url: PG_URL, schema: PG_SCHEMA }) },
  ])(
    "with the store in the $kind journal: reports the store never got are sent from the journal, each once",
    async ({ target }) => {
      const { config, engine } = oneSessionEngine();
      const at = target();
      const journal = new ThreadedJournal(at, { create: true, companion: JournalFixMessageStore.companion });
      journal.attach(engine);
      const fixStore = new JournalFixMessageStore(journal);
      const first = new OrderGateway(engine, config, { clock: wallClock, durability: journal });
      first.createSessions(fixStore);
      const submit = (id: string) => submitRestingBuy(engine, id);
      submit("a");
      submit("b");
      first.close(); // the gateway stops hearing the engine: these two reports reach the journal only
      submit("c");
      submit("d");
      await journal.durable(engine.lastSeq);

      const second = new OrderGateway(engine, config, { clock: wallClock, durability: journal });
      const [session] = second.createSessions(fixStore);
      const reader = openJournalReader(at);
      expect(redeliverMissedReports(second, fixStore, reader, engine.lastSeq)).toEqual(new Map([["OMS1", 2]]));
      const stored = fixStore
        .sentBetween(session?.id as string, 1, 100)
        .map((m) => decodeFix(m.raw))
        .map((r) => (r.ok ? `${r.message.get(11)}:${r.message.get(17)}` : "bad"));
      expect(stored).toEqual(["a:X1", "b:X2", "c:X3", "d:X4"]);
      expect(redeliverMissedReports(second, fixStore, reader, engine.lastSeq)).toEqual(new Map());
      reader.close();
      second.close();
      fixStore.close();
      journal.closeSync();
    },
  );

  it("a report stored for an event the journal lost is forgotten at the restart: the resend gap-fills over it", () => {
    const config = parseOrderGatewayConfig({
      sessions: [{ id: "OMS1", senderCompId: "TRIBUTARY", targetCompId: "OMS1" }],
    });
    const quotes = new TestQuotes();
    quotes.set("ACME", "149.99", "150.01");
    const clock = new VirtualScheduler(START);
    const engine = new Engine({
      instruments: INSTRUMENTS,
      scheduler: clock,
      quotes,
      sources: OrderGateway.sources(config),
    });
    const journalPath = join(dir, "lost.db");
    const journal = Journal.openSync(SqliteJournalStore.open(journalPath, { mode: "create" }));
    const stopJournal = journal.attach(engine);
    const storePath = join(dir, "lost-fix.sqlite");
    const gateway = new OrderGateway(engine, config, { clock, durability: journal });
    const [first] = gateway.createSessions(new SqliteFixMessageStore(storePath));
    const oms = connect(first as FixSession, clock);
    oms.send("A", [
      [98, 0],
      [108, 30],
    ]);
    oms.send("D", order("a", clock));
    journal.flushSync();
    expect(oms.received.filter((m) => m.msgType === "8").map((m) => m.get(11))).toEqual(["a"]);
    stopJournal(); // the crash: b's acknowledgement is stored, its event never reaches the journal
    oms.send("D", order("b", clock));
    expect(oms.received.filter((m) => m.msgType === "8").map((m) => m.get(11))).toEqual(["a"]);
    gateway.close();
    journal.closeSync();

    const reader = new SqliteJournalReader(journalPath);
    const lastJournaled = reader.readRange(1, 1_000).length;
    reader.close();
    const store = new SqliteFixMessageStore(storePath);
    const id = (first as FixSession).id;
    const storedClOrdIds = () =>
      store.sentBetween(id, 1, 100).map((m) => {
        const r = decodeFix(m.raw);
        return r.ok ? r.message.get(11) : "bad";
      });
    expect(storedClOrdIds()).toEqual(["a", "b"]);
    store.forgetSentAfter(lastJournaled); // what serve --resume does before its sessions start
    expect(storedClOrdIds()).toEqual(["a"]);
    const [second] = new OrderGateway(engine, config, { clock }).createSessions(store);
    const resumed = connect(second as FixSession, clock, 4);
    resumed.send("A", [
      [98, 0],
      [108, 30],
    ]);
    resumed.send("2", [
      [7, 1],
      [16, 0],
    ]);
    // Ours were Logon 1, a's report 2, b's report 3 (stored, never sent), then this Logon 4: a is resent, the rest is
    // gap-filled (1, and 3 to 4: b's report is not).
    expect(resumed.received.map((m) => [m.msgType, m.get(34), m.get(11) ?? m.get(36) ?? ""])).toEqual([
      ["A", "4", ""],
      ["4", "1", "2"],
      ["8", "2", "a"],
      ["4", "3", "5"],
    ]);
    store.close();
  });
});

/** An OMS on a session, without sockets: what it sends is received at once, what it gets is decoded. */
function connect(session: FixSession, clock: VirtualScheduler, firstSeq = 1) {
  return attachCounterparty(session, clock, { senderCompId: "OMS1", targetCompId: "TRIBUTARY" }, firstSeq);
}

function order(clOrdId: string, clock: VirtualScheduler): FixField[] {
  return [
    [11, clOrdId],
    [1, "A1"],
    [55, "ACME"],
    [54, "1"],
    [60, formatUtcTimestamp(clock.now())],
    [38, "100"],
    [40, "2"],
    [44, "140.00"],
  ];
}
